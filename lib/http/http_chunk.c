/* http_chunk.c: the chunked transfer coding (RFC 9112 7.1), decoded in place across calls. */
#include <string.h>

#include "http_parse.h"

/* A chunk-size line, extensions included, is at most this long; the whole
 * trailer section at most HTTP_CHUNK_TRAILERS_MAX (we drop trailers). */
#define HTTP_CHUNK_LINE_MAX 4096
#define HTTP_CHUNK_TRAILERS_MAX 16384
/* Chunk sizes above this are refused: no body is that long, and the sum
 * of sizes stays far from overflowing. */
#define HTTP_CHUNK_SIZE_MAX (1ULL << 60)

#define IS(c, cls) (http_ctype[(unsigned char)(c)] & (cls))

enum {
    /* the chunk-size line: chunk-size [chunk-ext] CRLF */
    C_SIZE0, /* the first hex digit */
    C_SIZE,
    C_EXT_AFTER, /* after a size or an extension: BWS ";", or CR */
    C_EXT_WS,    /* after BWS: more of it, or ";" */
    C_EXT_NAME0, /* after ";": BWS, then a name */
    C_EXT_NAME,
    C_EXT_NAME_WS, /* BWS after a name: "=" or ";" */
    C_EXT_VAL0,    /* after "=": BWS, then a token or a quoted string */
    C_EXT_TOKEN,
    C_EXT_QUOTED,
    C_EXT_QESC,
    C_SIZE_LF,
    /* chunk-data CRLF */
    C_DATA,
    C_DATA_CR,
    C_DATA_LF,
    /* trailer-section CRLF */
    C_TRAILER0, /* a field name, or the final CR */
    C_TRAILER_NAME,
    C_TRAILER_VALUE,
    C_TRAILER_LF,
    C_END_LF,
    C_DONE,
    C_ERROR,
};

void http_chunked_init(struct http_chunked *c)
{
    memset(c, 0, sizeof *c);
}

static inline int hexval(unsigned ch)
{
    return ch <= '9' ? (int)(ch - '0') : (int)((ch | 0x20) - 'a' + 10);
}

int http_chunked_decode(struct http_chunked *c, uint8_t *buf, size_t len, size_t *used,
                        size_t *data_len)
{
    size_t i = 0, out = 0;
    int st = c->state, r = 0;
    while (i < len && st != C_DONE && st != C_ERROR) {
        if (st == C_DATA) {
            size_t n = len - i;
            if (n > c->remaining)
                n = (size_t)c->remaining;
            if (out != i)
                memmove(buf + out, buf + i, n);
            out += n;
            i += n;
            c->remaining -= n;
            c->total += n;
            if (c->remaining == 0)
                st = C_DATA_CR;
            continue;
        }
        unsigned ch = buf[i++];
        if (st <= C_SIZE_LF ? ++c->line > HTTP_CHUNK_LINE_MAX
                            : st >= C_TRAILER0 && ++c->line > HTTP_CHUNK_TRAILERS_MAX) {
            st = C_ERROR;
            break;
        }
        bool ws = ch == ' ' || ch == '\t';
        switch (st) {
        case C_SIZE0:
            st = IS(ch, HTTP_C_HEX) ? (c->remaining = (uint64_t)hexval(ch), C_SIZE) : C_ERROR;
            break;
        case C_SIZE:
            if (IS(ch, HTTP_C_HEX)) {
                unsigned d = (unsigned)hexval(ch);
                if (c->remaining > (HTTP_CHUNK_SIZE_MAX - d) / 16)
                    st = C_ERROR;
                else
                    c->remaining = c->remaining * 16 + d;
                break;
            }
            /* fall through */
        case C_EXT_AFTER:
        case C_EXT_TOKEN:
            if (st == C_EXT_TOKEN && IS(ch, HTTP_C_TCHAR))
                break;
            st = ws ? C_EXT_WS : ch == ';' ? C_EXT_NAME0 : ch == '\r' ? C_SIZE_LF : C_ERROR;
            break;
        case C_EXT_WS:
            st = ws ? C_EXT_WS : ch == ';' ? C_EXT_NAME0 : C_ERROR;
            break;
        case C_EXT_NAME0:
            st = ws ? C_EXT_NAME0 : IS(ch, HTTP_C_TCHAR) ? C_EXT_NAME : C_ERROR;
            break;
        case C_EXT_NAME:
            if (IS(ch, HTTP_C_TCHAR))
                break;
            st = ws           ? C_EXT_NAME_WS
                 : ch == '='  ? C_EXT_VAL0
                 : ch == ';'  ? C_EXT_NAME0
                 : ch == '\r' ? C_SIZE_LF
                              : C_ERROR;
            break;
        case C_EXT_NAME_WS:
            st = ws ? C_EXT_NAME_WS : ch == '=' ? C_EXT_VAL0 : ch == ';' ? C_EXT_NAME0 : C_ERROR;
            break;
        case C_EXT_VAL0:
            st = ws                     ? C_EXT_VAL0
                 : ch == '"'            ? C_EXT_QUOTED
                 : IS(ch, HTTP_C_TCHAR) ? C_EXT_TOKEN
                                        : C_ERROR;
            break;
        case C_EXT_QUOTED:
            st = ch == '"'              ? C_EXT_AFTER
                 : ch == '\\'           ? C_EXT_QESC
                 : IS(ch, HTTP_C_FIELD) ? C_EXT_QUOTED
                                        : C_ERROR;
            break;
        case C_EXT_QESC:
            st = IS(ch, HTTP_C_FIELD) ? C_EXT_QUOTED : C_ERROR;
            break;
        case C_SIZE_LF:
            if (ch != '\n')
                st = C_ERROR;
            else
                st = c->remaining ? C_DATA : C_TRAILER0;
            c->line = 0;
            break;
        case C_DATA_CR:
            st = ch == '\r' ? C_DATA_LF : C_ERROR;
            break;
        case C_DATA_LF:
            st = ch == '\n' ? C_SIZE0 : C_ERROR;
            break;
        case C_TRAILER0:
            st = ch == '\r' ? C_END_LF : IS(ch, HTTP_C_TCHAR) ? C_TRAILER_NAME : C_ERROR;
            break;
        case C_TRAILER_NAME:
            st = IS(ch, HTTP_C_TCHAR) ? C_TRAILER_NAME : ch == ':' ? C_TRAILER_VALUE : C_ERROR;
            break;
        case C_TRAILER_VALUE:
            st = IS(ch, HTTP_C_FIELD) ? C_TRAILER_VALUE : ch == '\r' ? C_TRAILER_LF : C_ERROR;
            break;
        case C_TRAILER_LF:
            st = ch == '\n' ? C_TRAILER0 : C_ERROR;
            break;
        case C_END_LF:
            st = ch == '\n' ? C_DONE : C_ERROR;
            break;
        }
    }
    c->state = st;
    *used = i;
    *data_len = out;
    if (st == C_ERROR)
        r = -400;
    else if (st == C_DONE)
        r = 1;
    return r;
}
