/* fuzz_args.c: libFuzzer harness for mg_args_parse: the input, split at newlines and NULs, is argv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/args.h>
#include <mirage/error.h>

static long port;
static int64_t big;
static const char *name, *mode, *list, *logs;
static bool verbose, port_given;
static struct mg_ipv4 v4;
static struct mg_ipv4_prefix v4net;
static struct mg_ipv6 v6;
static struct mg_ipv6_prefix v6net;
static struct mg_ip ip;
static const char *const modes[] = {"fast", "slow", NULL};

static int port_check(const struct mg_arg *a, const char **err)
{
    long p = *(long *)a->var;
    if (p >= 0 && p <= 65535)
        return 0;
    *err = "a port is between 0 and 65535";
    return MG_EINVAL;
}

static const struct mg_arg args[] = {
    {"port", 'p', MG_ARG_INT, &port, &port_given, "A port.", "PORT", "8080", NULL, NULL, port_check},
    {"big", 'b', MG_ARG_INT64, &big, NULL, "A number.", NULL, "0", NULL, NULL, NULL},
    {"name", 'n', MG_ARG_STRING, &name, NULL, "A name.", NULL, NULL, NULL, NULL, NULL},
    {"mode", 'm', MG_ARG_ENUM, &mode, NULL, "How.", NULL, "fast", NULL, modes, NULL},
    {"list", 0, MG_ARG_LIST, &list, NULL, "Things.", NULL, NULL, NULL, NULL, NULL},
    {"verbose", 'v', MG_ARG_BOOL, &verbose, NULL, "More.", NULL, "false", NULL, NULL, NULL},
    {"ipv4", '4', MG_ARG_IPV4, &v4, NULL, "Address.", NULL, NULL, NULL, NULL, NULL},
    {"ipv4-net", 0, MG_ARG_IPV4_PREFIX, &v4net, NULL, "Network.", NULL, NULL, NULL, NULL, NULL},
    {"ipv6", '6', MG_ARG_IPV6, &v6, NULL, "Address.", NULL, NULL, NULL, NULL, NULL},
    {"ipv6-net", 0, MG_ARG_IPV6_PREFIX, &v6net, NULL, "Network.", NULL, NULL, NULL, NULL, NULL},
    {"ip", 0, MG_ARG_IP, &ip, NULL, "Either.", NULL, NULL, NULL, NULL, NULL},
    {"logs", 'l', MG_ARG_LOGS, &logs, NULL, "Levels.", NULL, "*:info", NULL, NULL, NULL},
};

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[MAX_ARGS + 1] = {"fuzz"};
    int argc = 1;
    char *start = copy;
    for (size_t i = 0; i <= size && argc < MAX_ARGS; i++) {
        if (i == size || copy[i] == '\n' || copy[i] == '\0') {
            copy[i] = '\0';
            argv[argc++] = start;
            start = copy + i + 1;
        }
    }
    argv[argc] = NULL;
    port = 8080;
    mode = "fast";
    logs = "*:info";
    name = list = NULL;
    int rc = mg_args_parse("fuzz", args, sizeof args / sizeof args[0], argc, argv);
    if (rc != 0 && rc != MG_EXIT_HELP && rc != MG_EXIT_BADARGS)
        abort();
    if (rc == 0 && (port < 0 || port > 65535))
        abort(); /* the check must have refused it */
    if (rc == 0 && strcmp(mode, "fast") != 0 && strcmp(mode, "slow") != 0)
        abort();
    free(copy);
    return 0;
}
