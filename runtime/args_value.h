/* args_value.h: converting one argument's text into its typed variable (private to args*.c). */
#ifndef MG_RUNTIME_ARGS_VALUE_H
#define MG_RUNTIME_ARGS_VALUE_H

#include <mirage/args.h>

/* a's parser by its kind (any kind: links every parser): as the
 * mg_arg_parse_* of <mirage/args.h>, or MG_EINVAL for an unknown kind. */
int mg_arg_store(const struct mg_arg *a, const char *text, const char **why);
/* The value's name in help when a->docv is NULL ("INT", "IPV4", ...). */
const char *mg_arg_docv(const struct mg_arg *a);

#endif
