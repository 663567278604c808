/* state.c: the engine's one state (config.c's combinators take no context), its start and reset. */
#include <string.h>

#include "engine.h"

struct ed_state ed = {.keys_tail_ptr = &ed.keys};

void ed_reset(void)
{
    ed_arena_free();
    memset(&ed, 0, sizeof ed);
    ed.keys_tail_ptr = &ed.keys;
    ed_errors_forget();
    ed_keys_forget();
    ed_graph_forget();
}

void ed_init(const char *prefix, const char *config_file, const char *srcdir)
{
    ed.prefix = ed_strdup(prefix);
    ed.config_file = ed_strdup(config_file);
    ed.srcdir = ed_strdup(srcdir);
}
