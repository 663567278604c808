/* help.c: the mirage command's help pages, one per sub-command and topic. */
#include <stdio.h>
#include <string.h>

#include "tool.h"

struct page {
    const char *topic;
    const char *text;
};

static const struct page pages[] = {
    {"mirage",
     "NAME\n"
     "       mirage - build unikernels from a config.c\n\n"
     "SYNOPSIS\n"
     "       mirage COMMAND [OPTION]...\n\n"
     "DESCRIPTION\n"
     "       config.c describes a unikernel with the combinators of <mirage.h>:\n"
     "       which devices it uses, how they are assembled, which keys configure\n"
     "       it. mirage compiles and runs that description, checks it, and\n"
     "       writes the C glue and a Makefile that builds dist/NAME.\n\n"
     "COMMANDS\n"
     "       configure   write mirage/, the Makefile and the context for a target\n"
     "       build       run make (configuring first if needed)\n"
     "       query       print one generated artefact without writing it\n"
     "       describe    print the unikernel's name, target, keys and jobs, or its graph\n"
     "       clean       remove everything configure and the build wrote\n"
     "       help        show help on a command or on keys\n\n"
     "OPTIONS\n"
     "       --help      show this help\n"
     "       --version   show the version of mirage\n\n"
     "       `mirage help COMMAND` or `mirage COMMAND --help` for more.\n"},
    {"configure", "NAME\n"
                  "       mirage-configure - configure a unikernel for a target\n\n"
                  "SYNOPSIS\n"
                  "       mirage configure [-f FILE] [-t TARGET] [-o NAME] [--KEY=VALUE]...\n\n"
                  "DESCRIPTION\n"
                  "       Compiles and runs config.c, checks the device graph it describes and\n"
                  "       writes mirage/main.c, mirage/NAME.h, mirage/context and a Makefile\n"
                  "       beside config.c; for spt and hvt also mirage/manifest.c, the image's\n"
                  "       device manifest. A file whose content does not change is not\n"
                  "       rewritten. The last line says how to run what make builds:\n"
                  "       `run: ./dist/NAME`, or the tender with one --block:NAME=FILE or\n"
                  "       --net:NAME=TAP per device of the manifest.\n"
                  "       With a config.c at hand, `mirage configure --help` also lists the keys\n"
                  "       that the chosen target and keys reach.\n\n"
                  "OPTIONS\n"
                  "       -f FILE, --file=FILE\n"
                  "           The configuration file. Default: config.c.\n"
                  "       -t TARGET, --target=TARGET\n"
                  "           unix, spt, hvt, virtio, xen or qubes (those installed). Default:\n"
                  "           $MIRAGE_DEFAULT_TARGET, else unix.\n"
                  "       -o NAME, --output=NAME\n"
                  "           The artefact's name in dist/. Default: the registered name.\n"
                  "       --KEY=VALUE, --KEY VALUE, -K VALUE\n"
                  "           A key declared by config.c or its devices.\n"},
    {"build", "NAME\n"
              "       mirage-build - build the configured unikernel\n\n"
              "SYNOPSIS\n"
              "       mirage build [-f FILE] [MAKE-ARGUMENT]...\n\n"
              "DESCRIPTION\n"
              "       Runs make beside config.c. Configures first when it was never\n"
              "       configured, and again (with the same arguments) when config.c changed\n"
              "       since. The artefact is dist/NAME on unix, dist/NAME.spt and\n"
              "       dist/NAME.hvt (run by mirage-spt and mirage-hvt) on spt and hvt.\n"},
    {"query", "NAME\n"
              "       mirage-query - print one generated artefact without writing it\n\n"
              "SYNOPSIS\n"
              "       mirage query [-f FILE] [WHAT] [--KEY=VALUE]...\n\n"
              "DESCRIPTION\n"
              "       WHAT is one of name (the default), packages, libraries, files, keys,\n"
              "       Makefile, main.c, header, context, manifest (spt and hvt: the platform\n"
              "       devices the tender must attach, one `NAME KIND` line each) and\n"
              "       manifest.c. The keys of the last configure are used, then those given\n"
              "       here.\n"},
    {"describe",
     "NAME\n"
     "       mirage-describe - describe the unikernel\n\n"
     "SYNOPSIS\n"
     "       mirage describe [-f FILE] [--dot] [--eval] [-o FILE] [--KEY=VALUE]...\n\n"
     "DESCRIPTION\n"
     "       Prints the name, target, keys with their values, jobs and devices.\n"
     "       The keys of the last configure are used, then those given here.\n\n"
     "OPTIONS\n"
     "       --dot     the device graph in Graphviz's language (dot -Tsvg renders it);\n"
     "                 if_impl and match_impl nodes are shown with all their branches\n"
     "       --eval    with --dot: only the graph the keys select\n"
     "       -o FILE   write to FILE instead of the standard output\n"},
    {"clean", "NAME\n"
              "       mirage-clean - remove what configure and the build wrote\n\n"
              "SYNOPSIS\n"
              "       mirage clean [-f FILE]\n\n"
              "DESCRIPTION\n"
              "       Removes mirage/, _build/, dist/, the generated Makefile and the files\n"
              "       the devices declared. A Makefile that mirage did not write is kept.\n"},
    {"help", "NAME\n"
             "       mirage-help - show help\n\n"
             "SYNOPSIS\n"
             "       mirage help [configure|build|query|describe|clean|keys]\n\n"
             "DESCRIPTION\n"
             "       `mirage help keys` lists the keys of the config.c here (-f FILE for\n"
             "       another), as reachable with the target and keys given.\n"},
    {"keys", "NAME\n"
             "       mirage-keys - the keys of a unikernel\n\n"
             "DESCRIPTION\n"
             "       Keys are declared in config.c (key_int, key_string, ...) and by\n"
             "       devices. Configure keys select implementations (if_impl, match_impl);\n"
             "       run-time keys are arguments of the unikernel (--port=8081), and a\n"
             "       value given to `mirage configure` becomes their default. A key is\n"
             "       given as --NAME=VALUE or --NAME VALUE, bools also as --NAME; a key\n"
             "       with a group is --GROUP-NAME. Without a value on the command line, a\n"
             "       key takes its environment variable, if it has one, else its default.\n"
             "       Run `mirage help keys` beside a config.c to list its keys.\n"},
};

const char *const help_topics[] = {"configure", "build", "query", "describe",
                                   "clean",     "keys",  "help",  NULL};

int help_print(const char *topic)
{
    const char *t = topic ? topic : "mirage";
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(pages[i].topic, t) == 0) {
            fputs(pages[i].text, stdout);
            return 0;
        }
    return 1;
}
