/* store.h: the user type of the keys golden case. */
#include <stdbool.h>
struct my_store;
int my_store_connect(struct my_store **out, const char *mode, const char *mode_at_configure);
