/* http_util.c: HTTP helpers: byte classes, headers, lists, reasons, content types, dates. */
#include <string.h>

#include "http_parse.h"

/* ---- character classes ------------------------------------------------ */

#define IS_ALPHA(c) (((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z'))
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_TCHAR(c)                                                                                \
    (IS_ALPHA(c) || IS_DIGIT(c) || (c) == '!' || (c) == '#' || (c) == '$' || (c) == '%' ||         \
     (c) == '&' || (c) == '\'' || (c) == '*' || (c) == '+' || (c) == '-' || (c) == '.' ||          \
     (c) == '^' || (c) == '_' || (c) == '`' || (c) == '|' || (c) == '~')
#define IS_FIELD(c) ((c) == '\t' || ((c) >= 0x20 && (c) != 0x7f))
#define IS_TARGET(c) ((c) > 0x20 && (c) != 0x7f && (c) != '?' && (c) != '#')
#define IS_HEX(c) (IS_DIGIT(c) || ((c) >= 'A' && (c) <= 'F') || ((c) >= 'a' && (c) <= 'f'))
/* unreserved, pct-encoded, sub-delims, and ':' '[' ']' of IP-literals and ports */
#define IS_HOST(c)                                                                                 \
    (IS_ALPHA(c) || IS_DIGIT(c) || (c) == '-' || (c) == '.' || (c) == '_' || (c) == '~' ||         \
     (c) == '%' || (c) == '!' || (c) == '$' || (c) == '&' || (c) == '\'' || (c) == '(' ||          \
     (c) == ')' || (c) == '*' || (c) == '+' || (c) == ',' || (c) == ';' || (c) == '=' ||           \
     (c) == ':' || (c) == '[' || (c) == ']')
#define IS_SCHEME(c) (IS_ALPHA(c) || IS_DIGIT(c) || (c) == '+' || (c) == '-' || (c) == '.')
#define CLASS(c)                                                                                   \
    ((IS_TCHAR(c) ? HTTP_C_TCHAR : 0) | (IS_FIELD(c) ? HTTP_C_FIELD : 0) |                         \
     (IS_TARGET(c) ? HTTP_C_TARGET : 0) | (IS_HEX(c) ? HTTP_C_HEX : 0) |                           \
     (IS_HOST(c) ? HTTP_C_HOST : 0) | (IS_SCHEME(c) ? HTTP_C_SCHEME : 0))
#define C4(c) CLASS(c), CLASS((c) + 1), CLASS((c) + 2), CLASS((c) + 3)
#define C16(c) C4(c), C4((c) + 4), C4((c) + 8), C4((c) + 12)
#define C64(c) C16(c), C16((c) + 16), C16((c) + 32), C16((c) + 48)

/* Computed by the compiler from the predicates above. */
const uint8_t http_ctype[256] = {C64(0), C64(64), C64(128), C64(192)};

static inline unsigned lower(unsigned c)
{
    return c - 'A' < 26u ? c + 32 : c;
}

/* ---- strings and lists -------------------------------------------------- */

bool http_str_ieq(struct mg_http_str s, const char *c)
{
    const unsigned char *p = (const unsigned char *)s.p;
    for (size_t i = 0; i < s.len; i++)
        if (c[i] == '\0' || lower(p[i]) != lower((unsigned char)c[i]))
            return false;
    return c[s.len] == '\0';
}

const struct mg_http_header *mg_http_header_find(const struct mg_http_header *h, size_t n,
                                                 const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (h[i].name.len == len && http_str_ieq(h[i].name, name))
            return &h[i];
    return NULL;
}

/* Whether element e equals tok: quoted entity-tags octet by octet (a weak
 * W/"x" matches "x"), anything else case-insensitively. */
static bool element_is(const char *e, size_t n, const char *tok, size_t toklen)
{
    if (tok[0] != '"')
        return http_str_ieq((struct mg_http_str){e, n}, tok);
    if (n == toklen + 2 && e[0] == 'W' && e[1] == '/') {
        e += 2;
        n -= 2;
    }
    return n == toklen && memcmp(e, tok, n) == 0;
}

bool http_list_has(struct mg_http_str value, const char *tok)
{
    size_t toklen = strlen(tok);
    const char *v = value.p;
    size_t i = 0;
    while (i < value.len) {
        while (i < value.len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        bool quoted = false;
        for (; i < value.len; i++) {
            if (quoted && v[i] == '\\' && i + 1 < value.len)
                i++;
            else if (v[i] == '"')
                quoted = !quoted;
            else if (!quoted && v[i] == ',')
                break;
        }
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e > s && element_is(v + s, e - s, tok, toklen))
            return true;
    }
    return false;
}

/* ---- reason phrases (RFC 9110 15) --------------------------------------- */

static const struct {
    short code;
    const char *text;
} reasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {103, "Early Hints"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {305, "Use Proxy"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {511, "Network Authentication Required"},
};

const char *mg_http_reason(int status)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].code == status)
            return reasons[i].text;
    return "";
}

/* ---- content types -------------------------------------------------------- */

static const struct {
    char ext[6];
    const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
};

const char *mg_http_content_type(const char *path)
{
    const char *dot = NULL;
    for (const char *p = path; *p; p++) {
        if (*p == '/')
            dot = NULL;
        else if (*p == '.')
            dot = p;
    }
    if (dot) {
        char ext[6];
        size_t n = 0;
        for (const char *p = dot + 1; *p && n < sizeof ext; p++)
            ext[n++] = (char)lower((unsigned char)*p);
        if (n < sizeof ext && dot[1 + n] == '\0') {
            for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
                if (strncmp(types[i].ext, ext, n) == 0 && types[i].ext[n] == '\0')
                    return types[i].type;
        }
    }
    return "application/octet-stream";
}

/* ---- dates (RFC 9110 5.6.7) ---------------------------------------------- */

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char wdays_long[7][10] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The last second IMF-fixdate can write: 9999-12-31 23:59:59. */
#define DATE_MAX 253402300799LL

/* Days since 1970-01-01 of a proleptic Gregorian date (year >= 1970):
 * counted from March so that the leap day ends the year. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = y / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

size_t mg_http_date_format(int64_t t, char *buf)
{
    if (t < 0)
        t = 0;
    if (t > DATE_MAX)
        t = DATE_MAX;
    int64_t days = t / 86400;
    unsigned secs = (unsigned)(t % 86400);
    unsigned wday = (unsigned)((days + 4) % 7); /* 1970-01-01 was a Thursday */
    /* The inverse of days_from_civil, for days >= 0. */
    int64_t z = days + 719468;
    int64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);

    char *o = buf;
    memcpy(o, wdays[wday], 3);
    o[3] = ',';
    o[4] = ' ';
    o[5] = (char)('0' + d / 10);
    o[6] = (char)('0' + d % 10);
    o[7] = ' ';
    memcpy(o + 8, months[m - 1], 3);
    o[11] = ' ';
    o[12] = (char)('0' + y / 1000);
    o[13] = (char)('0' + y / 100 % 10);
    o[14] = (char)('0' + y / 10 % 10);
    o[15] = (char)('0' + y % 10);
    o[16] = ' ';
    unsigned hms[3] = {secs / 3600, secs / 60 % 60, secs % 60};
    for (int i = 0; i < 3; i++) {
        o[17 + 3 * i] = (char)('0' + hms[i] / 10);
        o[18 + 3 * i] = (char)('0' + hms[i] % 10);
        o[19 + 3 * i] = i < 2 ? ':' : ' ';
    }
    memcpy(o + 26, "GMT", 4);
    return 29;
}

/* A cursor over the date text; any mismatch clears ok. */
struct dcur {
    const char *s;
    size_t len, i;
    bool ok;
};

static void lit(struct dcur *c, const char *l)
{
    size_t n = strlen(l);
    if (c->ok && c->len - c->i >= n && memcmp(c->s + c->i, l, n) == 0)
        c->i += n;
    else
        c->ok = false;
}

static unsigned digits(struct dcur *c, size_t n)
{
    unsigned v = 0;
    if (!c->ok || c->len - c->i < n) {
        c->ok = false;
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        char ch = c->s[c->i + k];
        if (!IS_DIGIT(ch)) {
            c->ok = false;
            return 0;
        }
        v = v * 10 + (unsigned)(ch - '0');
    }
    c->i += n;
    return v;
}

/* Which of the n names (of stride bytes each) comes next, as a whole word. */
static int word(struct dcur *c, const char *names, size_t stride, int n)
{
    if (c->ok)
        for (int k = 0; k < n; k++) {
            const char *w = names + (size_t)k * stride;
            size_t wl = strlen(w);
            if (c->len - c->i >= wl && memcmp(c->s + c->i, w, wl) == 0) {
                c->i += wl;
                return k;
            }
        }
    c->ok = false;
    return 0;
}

static void time_of_day(struct dcur *c, unsigned *hms)
{
    hms[0] = digits(c, 2);
    lit(c, ":");
    hms[1] = digits(c, 2);
    lit(c, ":");
    hms[2] = digits(c, 2);
}

int64_t mg_http_date_parse(const char *s, size_t len)
{
    struct dcur c = {s, len, 0, true};
    unsigned d, m, y, hms[3];
    if (len > 3 && s[3] == ',') { /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
        word(&c, wdays[0], sizeof wdays[0], 7);
        lit(&c, ", ");
        d = digits(&c, 2);
        lit(&c, " ");
        m = (unsigned)word(&c, months[0], sizeof months[0], 12) + 1;
        lit(&c, " ");
        y = digits(&c, 4);
        lit(&c, " ");
        time_of_day(&c, hms);
        lit(&c, " GMT");
    } else if (len > 3 && s[3] == ' ') { /* asctime: Sun Nov  6 08:49:37 1994 */
        word(&c, wdays[0], sizeof wdays[0], 7);
        lit(&c, " ");
        m = (unsigned)word(&c, months[0], sizeof months[0], 12) + 1;
        lit(&c, " ");
        if (c.ok && c.i < len && s[c.i] == ' ') {
            c.i++;
            d = digits(&c, 1);
        } else {
            d = digits(&c, 2);
        }
        lit(&c, " ");
        time_of_day(&c, hms);
        lit(&c, " ");
        y = digits(&c, 4);
    } else { /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
        word(&c, wdays_long[0], sizeof wdays_long[0], 7);
        lit(&c, ", ");
        d = digits(&c, 2);
        lit(&c, "-");
        m = (unsigned)word(&c, months[0], sizeof months[0], 12) + 1;
        lit(&c, "-");
        y = digits(&c, 2);
        /* A two-digit year: RFC 9110 wants the most recent matching year no
         * more than 50 years ahead; with no clock here, 70-99 are 19xx and
         * 00-69 are 20xx. */
        y += y >= 70 ? 1900 : 2000;
        lit(&c, " ");
        time_of_day(&c, hms);
        lit(&c, " GMT");
    }
    if (!c.ok || c.i != len || y < 1970 || d < 1 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60)
        return -1;
    static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return -1;
    return days_from_civil(y, m, d) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
}
