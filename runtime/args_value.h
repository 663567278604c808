/* args_value.h: converting one argument's text into its typed variable (private to args*.c). */
#ifndef MG_RUNTIME_ARGS_VALUE_H
#define MG_RUNTIME_ARGS_VALUE_H

#include <mirage/args.h>

/* Parse text as a's kind and store it in a->var. 0, or MG_EINVAL / MG_ERANGE
 * with *why saying what was expected. MG_ARG_LOGS is only stored here. */
int mg_arg_store(const struct mg_arg *a, const char *text, const char **why);
/* The value's name in help when a->docv is NULL ("INT", "IPV4", ...). */
const char *mg_arg_docv(const struct mg_arg *a);

#endif
