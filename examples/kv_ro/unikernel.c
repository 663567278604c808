/* unikernel.c: kv_ro: compares the value under "secret" with a known constant and says so. */
#include <string.h>
#include <stdlib.h>

#include <mirage/error.h>
#include <mirage/kv.h>
#include <mirage/log.h>

int kv_ro_start(struct mg_kv_ro *kv)
{
    static const char our_secret[] = "foo\n";
    void *stored;
    size_t len;
    int rc = mg_kv_ro_get(kv, "secret", &stored, &len);
    if (rc < 0) {
        mg_log_warn(NULL, "Could not compare the secret against a known constant: %s",
                    mg_strerror(rc));
        return 1;
    }
    int same = len == strlen(our_secret) && memcmp(stored, our_secret, len) == 0;
    free(stored);
    if (!same) {
        mg_log_warn(NULL, "The secret provided does not match!");
        return 1;
    }
    mg_log_info(NULL, "Contents of extremely secret vital storage confirmed!");
    return 0;
}
