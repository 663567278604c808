/* t_zlib.c: Debian's libz.a (deflate and inflate: malloc, free, memcpy, memset) linked on our libc.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"

/* zlib.h lives among glibc's headers, out of a freestanding build's reach:
 * the three calls used here, as zlib.h declares them. */
int compress2(unsigned char *dst, unsigned long *dst_len, const unsigned char *src,
              unsigned long src_len, int level);
int uncompress(unsigned char *dst, unsigned long *dst_len, const unsigned char *src,
               unsigned long src_len);
unsigned long crc32(unsigned long crc, const unsigned char *buf, unsigned int len);

static void zlib_crc32_check_value(void)
{
    CHECK(crc32(0, (const unsigned char *)"123456789", 9) == 0xcbf43926ul);
}

static void zlib_round_trip(void)
{
    enum { LEN = 200000 };
    static unsigned char text[LEN], packed[LEN + LEN / 100 + 64], back[LEN];
    uint32_t s = 1;
    for (size_t i = 0; i < LEN; i++) { /* compressible, not trivial */
        s = s * 1103515245 + 12345;
        text[i] = (unsigned char)("abcdefgh \n"[(s >> 16) % 10]);
    }
    for (int level = 1; level <= 9; level += 4) {
        unsigned long plen = sizeof packed, blen = sizeof back;
        CHECK(compress2(packed, &plen, text, LEN, level) == 0);
        CHECK(plen < LEN / 2);
        CHECK(uncompress(back, &blen, packed, plen) == 0);
        CHECK(blen == LEN && memcmp(back, text, LEN) == 0);
        packed[plen / 2] ^= 0x55; /* corrupt data is an error, not a crash */
        blen = sizeof back;
        CHECK(uncompress(back, &blen, packed, plen) != 0);
    }
}

static const struct tcase cases[] = {
    TCASE(zlib_crc32_check_value),
    TCASE(zlib_round_trip),
};
TCHECK_MAIN(cases)
