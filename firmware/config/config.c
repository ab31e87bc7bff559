/* Device configuration loader: frame check, strict JSON (json_tok over
 * jsmn), schema walk with a field path for every message. One load at a
 * time: the tokens, the path and the scratch strings are static. */
#include "config.h"

#include <string.h>

#include "app_err.h"
#include "hexdigit.h"
#include "datetime.h"
#include "json_tok.h"
#include "store.h"

#if APP_CONFIG_MAX < 2 || APP_CONFIG_MAX_TOKENS < 1
#error "APP_CONFIG_MAX and APP_CONFIG_MAX_TOKENS are too small for any config"
#endif
#if APP_SERVICE_ROOT_MAX < 8
#error "APP_SERVICE_ROOT_MAX must hold at least \"https://\""
#endif

_Static_assert(CONFIG_WORKSPACE_SIZE >= APP_CONFIG_MAX_TOKENS * sizeof(jsmntok_t),
               "CONFIG_WORKSPACE_SIZE must hold APP_CONFIG_MAX_TOKENS jsmn tokens");

#define PATH_MAX_LEN 96u  /* "sessions[15].files[9].uploadedDateTime" and room */
#define KEY_SHOW_MAX 32u  /* bytes of an unknown key quoted in a message */
#define TS_MAX 40u        /* longest timestamp text accepted before parsing */

/* Tokens of the document being loaded: the caller's workspace
 * (config_load_ws), or this array for config_load(), which the linker
 * drops when only config_load_ws() is used. */
static jsmntok_t *s_toks;
static jsmntok_t s_toks_own[APP_CONFIG_MAX_TOKENS];

/* The load in progress. */
static struct {
    const char *js;
    int ntok;
    struct config *cfg;
    char *why;
    size_t why_cap;
    size_t why_len;
    char path[PATH_MAX_LEN];
    size_t path_len;
    int sessions_tok; /* the "sessions" array, for the import pass */
    bool import;      /* second pass: write the sessions into the store */
    int import_base;  /* store_count() when the import pass began */
} s_ld;

/* Decoded strings of the session being added (the store copies them). */
static char s_cat[APP_ID_MAX + 1];
static char s_res[APP_ID_MAX + 1];
static char s_id[APP_ID_MAX + 1];

/* ---- CRC-32 ---------------------------------------------------------------- */

uint32_t config_crc32(const uint8_t *p, size_t n)
{
    /* Nibble table of the reflected IEEE polynomial 0xEDB88320: 64 bytes
     * of flash, two lookups per byte. */
    static const uint32_t tab[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
        0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
    };
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ tab[crc & 15u];
        crc = (crc >> 4) ^ tab[crc & 15u];
    }
    return crc ^ 0xFFFFFFFFu;
}

/* ---- the message ----------------------------------------------------------- */

static void why_char(char c)
{
    if (s_ld.why != NULL && s_ld.why_len + 1 < s_ld.why_cap) {
        s_ld.why[s_ld.why_len++] = c;
        s_ld.why[s_ld.why_len] = '\0';
    }
}

static void why_str(const char *s)
{
    while (*s != '\0') {
        why_char(*s++);
    }
}

/* Bytes from the input: anything outside printable ASCII shows as '?'. */
static void why_mem(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        why_char((c >= 0x20 && c <= 0x7E) ? (char)c : '?');
    }
}

static void why_uint(uint64_t v)
{
    char tmp[21];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0);
    while (n > 0) {
        why_char(tmp[--n]);
    }
}

static void why_hex32(uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    why_str("0x");
    for (int sh = 28; sh >= 0; sh -= 4) {
        why_char(hex[(v >> sh) & 15u]);
    }
}

/* Start a message "<path>: " (the caller appends the reason). */
static void why_begin(void)
{
    s_ld.why_len = 0;
    if (s_ld.why != NULL && s_ld.why_cap > 0) {
        s_ld.why[0] = '\0';
    }
    if (s_ld.path_len == 0) {
        why_str("top level");
    } else {
        why_mem(s_ld.path, s_ld.path_len);
    }
    why_str(": ");
}

static int fail(int err, const char *reason)
{
    why_begin();
    why_str(reason);
    return err;
}

/* ---- the field path -------------------------------------------------------- */

static void path_add(const char *p, size_t n)
{
    for (size_t i = 0; i < n && s_ld.path_len + 1 < PATH_MAX_LEN; i++) {
        s_ld.path[s_ld.path_len++] = p[i];
    }
}

/* Append ".key" (or "key" at the top); returns the length to restore. */
static size_t path_key(const char *key, size_t n)
{
    size_t saved = s_ld.path_len;
    if (s_ld.path_len > 0) {
        path_add(".", 1);
    }
    if (n > KEY_SHOW_MAX) {
        path_add(key, KEY_SHOW_MAX);
        path_add("...", 3);
    } else {
        path_add(key, n);
    }
    return saved;
}

static size_t path_index(int i)
{
    size_t saved = s_ld.path_len;
    char tmp[12];
    size_t n = 0;
    unsigned v = (unsigned)i;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0);
    path_add("[", 1);
    while (n > 0) {
        path_add(&tmp[--n], 1);
    }
    path_add("]", 1);
    return saved;
}

static void path_pop(size_t saved)
{
    s_ld.path_len = saved;
}

/* ---- typed values (the caller has pushed the value's path) --------------- */

static const jsmntok_t *tok(int i)
{
    return &s_toks[i];
}

static int too_long(size_t max, const char *limit)
{
    why_begin();
    why_str("longer than ");
    why_uint(max);
    why_str(" bytes");
    if (limit != NULL) {
        why_str(" (");
        why_str(limit);
        why_str(")");
    }
    return APP_ERR_INVAL;
}

static int too_many(size_t max, const char *limit)
{
    why_begin();
    why_str("more than ");
    why_uint(max);
    why_str(" (");
    why_str(limit);
    why_str(")");
    return APP_ERR_NOMEM;
}

/* Decode a string value into buf. Returns its length, or an error with
 * the message written; APP_ERR_OVERFLOW is returned WITHOUT a message
 * (the caller knows what the limit means). */
static int get_text(int t, char *buf, size_t cap)
{
    if (tok(t)->type != JSMN_STRING) {
        return fail(APP_ERR_INVAL, "expected a string");
    }
    int n = json_tok_string(s_ld.js, tok(t), buf, cap);
    if (n == APP_ERR_INVAL) {
        const char *problem = json_tok_string_problem(s_ld.js, tok(t));
        why_begin();
        why_str("invalid string: ");
        why_str(problem != NULL ? problem : "undecodable");
        return APP_ERR_INVAL;
    }
    return n;
}

/* A string of 1..cap-1 bytes; limit names the macro for the message. */
static int get_bounded(int t, char *buf, size_t cap, const char *limit)
{
    int n = get_text(t, buf, cap);
    if (n == APP_ERR_OVERFLOW) {
        return too_long(cap - 1, limit);
    }
    if (n == 0) {
        return fail(APP_ERR_INVAL, "must not be empty");
    }
    return n;
}

/* A string of fixed format: another type, overflow and emptiness are all
 * format errors (the format says more than "expected a string"). */
static int get_format(int t, char *buf, size_t cap, const char *expected)
{
    if (tok(t)->type != JSMN_STRING) {
        return fail(APP_ERR_INVAL, expected);
    }
    int n = get_text(t, buf, cap);
    if (n == APP_ERR_OVERFLOW || n == 0) {
        return fail(APP_ERR_INVAL, expected);
    }
    return n;
}

static int get_bool(int t, bool *out)
{
    if (json_tok_bool(s_ld.js, tok(t), out) != APP_OK) {
        return fail(APP_ERR_INVAL, "expected true or false");
    }
    return APP_OK;
}

static int get_nonneg(int t, int64_t *out)
{
    int64_t v;
    int rc = json_tok_int64(s_ld.js, tok(t), &v);
    if (rc == APP_ERR_OVERFLOW) {
        return fail(APP_ERR_INVAL, "integer out of range (64-bit)");
    }
    if (rc != APP_OK || v < 0) {
        return fail(APP_ERR_INVAL, "expected a non-negative integer");
    }
    *out = v;
    return APP_OK;
}

static int get_time(int t, int64_t *ms)
{
    char buf[TS_MAX];
    static const char expected[] =
        "expected an ISO 8601 UTC timestamp like \"2024-03-06T01:35:12.123Z\"";
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (datetime_parse_iso8601(buf, (size_t)n, ms) != APP_OK) {
        return fail(APP_ERR_INVAL, expected);
    }
    return APP_OK;
}

/* ---- objects ----------------------------------------------------------------- */

struct field {
    const char *name;
    bool required;
    int val; /* value token, -1 when absent */
};

static void path_raw_key(int k)
{
    path_key(s_ld.js + tok(k)->start, (size_t)(tok(k)->end - tok(k)->start));
}

/* Check that t is an object whose keys decode and are unique. */
static int check_keys(int t)
{
    if (tok(t)->type != JSMN_OBJECT) {
        return fail(APP_ERR_INVAL, "expected an object");
    }
    int k = t + 1;
    for (int m = 0; m < tok(t)->size; m++) {
        const char *problem = json_tok_string_problem(s_ld.js, tok(k));
        if (problem != NULL) {
            path_raw_key(k);
            why_begin();
            why_str("invalid key: ");
            why_str(problem);
            return APP_ERR_INVAL;
        }
        k = json_tok_skip(s_toks, s_ld.ntok, k);
        if (k < 0) {
            return fail(APP_ERR_INVAL, "malformed object");
        }
    }
    int dup = -1;
    if (json_tok_check_unique(s_ld.js, s_toks, s_ld.ntok, t, &dup) != APP_OK) {
        if (dup >= 0) {
            path_raw_key(dup);
            return fail(APP_ERR_INVAL, "duplicate key");
        }
        return fail(APP_ERR_INVAL, "malformed object");
    }
    return APP_OK;
}

/* Check that t is an object with valid, unique keys, all of them in
 * f[0..n), and fill in each field's value token. */
static int walk_object(int t, struct field *f, size_t n)
{
    int rc = check_keys(t);
    if (rc != APP_OK) {
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        f[i].val = -1;
    }
    int k = t + 1;
    for (int m = 0; m < tok(t)->size; m++) {
        size_t i;
        for (i = 0; i < n; i++) {
            if (json_tok_eq(s_ld.js, tok(k), f[i].name, strlen(f[i].name))) {
                f[i].val = k + 1;
                break;
            }
        }
        if (i == n) {
            path_raw_key(k);
            return fail(APP_ERR_INVAL, "unknown key");
        }
        k = json_tok_skip(s_toks, s_ld.ntok, k);
        if (k < 0) {
            return fail(APP_ERR_INVAL, "malformed object");
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (f[i].required && f[i].val < 0) {
            path_key(f[i].name, strlen(f[i].name));
            return fail(APP_ERR_INVAL, "missing (required)");
        }
    }
    return APP_OK;
}

/* Check t is an array of at most max entries; limit names the macro. */
static int check_array(int t, int max, const char *limit)
{
    if (tok(t)->type != JSMN_ARRAY) {
        return fail(APP_ERR_INVAL, "expected an array");
    }
    if (tok(t)->size > max) {
        why_begin();
        why_uint((uint64_t)tok(t)->size);
        why_str(" entries, more than ");
        why_str(limit);
        why_str("=");
        why_uint((uint64_t)max);
        return APP_ERR_NOMEM;
    }
    return APP_OK;
}

/* Check that t is an array of at most max entries (limit names the
 * macro) and call each(ctx, element, i) for every element, with the path
 * extended by "[i]"; stops at the first error. */
static int walk_array(int t, int max, const char *limit, int (*each)(void *ctx, int e, int i),
                      void *ctx)
{
    int rc = check_array(t, max, limit);
    int e = t + 1;
    for (int i = 0; rc == APP_OK && i < tok(t)->size; i++) {
        size_t saved = path_index(i);
        rc = each(ctx, e, i);
        path_pop(saved);
        if (rc == APP_OK) {
            e = json_tok_skip(s_toks, s_ld.ntok, e);
            if (e < 0) {
                rc = fail(APP_ERR_INVAL, "malformed array");
            }
        }
    }
    return rc;
}

/* Evaluate call with the path extended by field f's name; on an error
 * (a negative result) return it from the calling function. */
#define WITH_KEY(f, call)                                                 \
    do {                                                                  \
        size_t saved_ = path_key((f).name, strlen((f).name));             \
        int rc_ = (call);                                                 \
        path_pop(saved_);                                                 \
        if (rc_ < 0) {                                                    \
            return rc_;                                                   \
        }                                                                 \
    } while (0)

/* ---- network ---------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Dotted quad, four decimal octets 0..255 without leading zeros (a "010"
 * would be octal to inet_aton and decimal to others: refuse it). */
static int parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.') {
                return -1;
            }
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && is_digit(s[i]) && i - start < 3) {
            v = v * 10u + (unsigned)(s[i] - '0');
            i++;
        }
        if (i == start || v > 255u || (s[start] == '0' && i - start > 1)) {
            return -1;
        }
        out[part] = (uint8_t)v;
    }
    return i == n ? 0 : -1;
}

static int get_ipv4(int t, uint8_t out[4])
{
    char buf[16];
    static const char expected[] = "expected a dotted IPv4 address like \"10.0.2.15\"";
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (parse_ipv4(buf, (size_t)n, out) != 0) {
        return fail(APP_ERR_INVAL, expected);
    }
    return APP_OK;
}

static int get_netmask(int t, uint8_t out[4])
{
    int rc = get_ipv4(t, out);
    if (rc != APP_OK) {
        return rc;
    }
    uint32_t m = ((uint32_t)out[0] << 24) | ((uint32_t)out[1] << 16) | ((uint32_t)out[2] << 8) |
                 (uint32_t)out[3];
    /* Contiguous ones from the top: the inverted mask plus one is a power
     * of two (or zero for 255.255.255.255). */
    uint32_t inv = ~m;
    if ((inv & (inv + 1u)) != 0) {
        return fail(APP_ERR_INVAL, "not a contiguous netmask");
    }
    return APP_OK;
}

static int get_mac(int t, uint8_t mac[6])
{
    char buf[18];
    static const char expected[] = "expected a MAC address like \"02:12:34:56:78:9a\"";
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (n != 17) {
        return fail(APP_ERR_INVAL, expected);
    }
    for (int i = 0; i < 6; i++) {
        int hi = hexdigit((unsigned char)buf[3 * i]);
        int lo = hexdigit((unsigned char)buf[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && buf[3 * i + 2] != ':')) {
            return fail(APP_ERR_INVAL, expected);
        }
        mac[i] = (uint8_t)((hi << 4) | lo);
    }
    if (mac[0] & 1u) {
        return fail(APP_ERR_INVAL, "not a unicast address (group bit of the first octet set)");
    }
    if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
        return fail(APP_ERR_INVAL, "must not be 00:00:00:00:00:00");
    }
    return APP_OK;
}

static int get_hostname(int t, char *buf)
{
    int n = get_bounded(t, buf, CONFIG_HOSTNAME_MAX + 1, NULL);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n; i++) {
        char c = buf[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-')) {
            return fail(APP_ERR_INVAL, "may only contain A-Z, a-z, 0-9 and '-'");
        }
    }
    if (buf[0] == '-' || buf[n - 1] == '-') {
        return fail(APP_ERR_INVAL, "must not start or end with '-' (RFC 1123)");
    }
    return APP_OK;
}

static int parse_network(int t)
{
    struct config_network *net = &s_ld.cfg->net;
    struct field f[] = {
        {"hostname", false, -1}, {"mac", false, -1},     {"dhcp", false, -1},
        {"ip", false, -1},       {"netmask", false, -1}, {"gateway", false, -1},
    };
    int rc = walk_object(t, f, sizeof(f) / sizeof(f[0]));
    if (rc != APP_OK) {
        return rc;
    }
    if (f[0].val >= 0) {
        WITH_KEY(f[0], get_hostname(f[0].val, net->hostname));
        net->has_hostname = true;
    }
    if (f[1].val >= 0) {
        WITH_KEY(f[1], get_mac(f[1].val, net->mac));
        net->has_mac = true;
    }
    if (f[2].val >= 0) {
        WITH_KEY(f[2], get_bool(f[2].val, &net->dhcp));
        net->has_dhcp = true;
    }
    if (f[3].val >= 0) {
        WITH_KEY(f[3], get_ipv4(f[3].val, net->ip));
        net->has_ip = true;
    }
    if (f[4].val >= 0) {
        WITH_KEY(f[4], get_netmask(f[4].val, net->netmask));
        net->has_netmask = true;
    }
    if (f[5].val >= 0) {
        WITH_KEY(f[5], get_ipv4(f[5].val, net->gateway));
        net->has_gateway = true;
    }
    return APP_OK;
}

/* ---- clock, auth, service root ---------------------------------------------- */

static int get_port(int t, uint16_t *out);

static int sntp_server(void *ctx, int e, int i)
{
    struct config *c = ctx;
    int rc = get_ipv4(e, c->sntp_servers[i]);
    c->sntp_count += rc == APP_OK;
    return rc;
}

static int get_sntp_servers(int t)
{
    return walk_array(t, CONFIG_SNTP_MAX, "CONFIG_SNTP_MAX", sntp_server, s_ld.cfg);
}

static int parse_clock(int t)
{
    struct field f[] = {
        {"floorUnixMs", true, -1}, {"sntpServers", false, -1}, {"sntpPort", false, -1}};
    int rc = walk_object(t, f, 3);
    if (rc != APP_OK) {
        return rc;
    }
    WITH_KEY(f[0], get_nonneg(f[0].val, &s_ld.cfg->clock_floor_ms));
    s_ld.cfg->has_clock_floor = true;
    if (f[1].val >= 0) {
        WITH_KEY(f[1], get_sntp_servers(f[1].val));
    }
    if (f[2].val >= 0) {
        WITH_KEY(f[2], get_port(f[2].val, &s_ld.cfg->sntp_port));
    }
    return APP_OK;
}

static int get_realm(int t)
{
    struct config *c = s_ld.cfg;
    int n = get_bounded(t, c->realm, sizeof(c->realm), NULL);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)c->realm[i];
        /* It goes into WWW-Authenticate: Bearer realm="..." (RFC 6750 3)
         * verbatim, so no quote, backslash or control byte. */
        if (ch < 0x20 || ch > 0x7E || ch == '"' || ch == '\\') {
            return fail(APP_ERR_INVAL,
                        "may only contain printable ASCII other than '\"' and '\\'");
        }
    }
    c->realm_len = (size_t)n;
    return APP_OK;
}

static int get_hex(int t, uint8_t *out, size_t len, const char *expected);

static int static_token(void *ctx, int e, int i)
{
    struct config *c = ctx;
    int rc = get_hex(e, c->static_tokens[i], CONFIG_DIGEST_LEN,
                     "expected 64 hex digits (a SHA-256 digest)");
    c->static_token_count += rc == APP_OK;
    return rc;
}

static int get_tokens(int t)
{
    return walk_array(t, APP_MAX_STATIC_TOKENS, "APP_MAX_STATIC_TOKENS", static_token, s_ld.cfg);
}

/* ---- auth.jwt ------------------------------------------------------------------ */

static int get_pem(int t, struct config_text *out);

/* 1..cap-1 bytes of printable ASCII 0x20..0x7E into buf (NUL-terminated). */
static int get_ascii(int t, char *buf, size_t cap, const char *limit)
{
    int n = get_bounded(t, buf, cap, limit);
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch < 0x20 || ch > 0x7E) {
            return fail(APP_ERR_INVAL, "may only contain printable ASCII 0x20..0x7E");
        }
    }
    return n;
}

static int get_skew(int t, int64_t *out)
{
    int64_t v;
    if (json_tok_int64(s_ld.js, tok(t), &v) != APP_OK || v < 0 || v > CONFIG_JWT_SKEW_MAX) {
        return fail(APP_ERR_INVAL, "expected an integer 0..3600 (seconds)");
    }
    *out = v;
    return APP_OK;
}

static bool is_lower_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

static int get_tenant(int t, char out[CONFIG_TID_LEN + 1])
{
    static const char expected[] =
        "expected a lowercase GUID like \"72f988bf-86f1-41af-91ab-2d7cd011db47\"";
    char buf[CONFIG_TID_LEN + 2];
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (n != CONFIG_TID_LEN) {
        return fail(APP_ERR_INVAL, expected);
    }
    for (int i = 0; i < CONFIG_TID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? buf[i] != '-' : !is_lower_hex(buf[i])) {
            return fail(APP_ERR_INVAL, expected);
        }
    }
    memcpy(out, buf, CONFIG_TID_LEN + 1u);
    return APP_OK;
}

static int tenant(void *ctx, int e, int i)
{
    struct config *c = ctx;
    int rc = get_tenant(e, c->jwt_tenants[i]);
    for (int j = 0; rc == APP_OK && j < i; j++) {
        if (memcmp(c->jwt_tenants[j], c->jwt_tenants[i], CONFIG_TID_LEN) == 0) {
            why_begin();
            why_str("same tenant as tenants[");
            why_uint((uint64_t)j);
            why_str("]");
            rc = APP_ERR_INVAL;
        }
    }
    c->jwt_tenant_count += rc == APP_OK;
    return rc;
}

static int get_tenants(int t)
{
    return walk_array(t, CONFIG_JWT_MAX_TENANTS, "CONFIG_JWT_MAX_TENANTS", tenant, s_ld.cfg);
}

/* "ES256" or "RS256"; a format, so any other type is the same error. */
static int get_alg(int t, enum config_jwt_alg *out)
{
    static const char expected[] = "expected \"ES256\" or \"RS256\"";
    char buf[8];
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (n == 5 && memcmp(buf, "ES256", 5) == 0) {
        *out = CONFIG_JWT_ES256;
    } else if (n == 5 && memcmp(buf, "RS256", 5) == 0) {
        *out = CONFIG_JWT_RS256;
    } else {
        return fail(APP_ERR_INVAL, expected);
    }
    return APP_OK;
}

/* A JWK member (RFC 7518 6.2/6.3): base64url as written, no padding, no
 * escapes; kept undecoded like the PEM strings. */
static int get_b64url(int t, struct config_text *out)
{
    static const char expected[] = "expected base64url text (A-Z, a-z, 0-9, '-', '_'; no '=')";
    if (tok(t)->type != JSMN_STRING) {
        return fail(APP_ERR_INVAL, expected);
    }
    size_t n = (size_t)(tok(t)->end - tok(t)->start);
    const char *p = s_ld.js + tok(t)->start;
    if (n == 0) {
        return fail(APP_ERR_INVAL, "must not be empty");
    }
    if (n > APP_TLS_PEM_MAX) {
        return too_long(APP_TLS_PEM_MAX, "APP_TLS_PEM_MAX");
    }
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || is_digit(ch) ||
              ch == '-' || ch == '_')) {
            return fail(APP_ERR_INVAL, expected);
        }
    }
    out->raw = p;
    out->raw_len = n;
    return APP_OK;
}

/* kty must name the alg's key type: "EC" for ES256, "RSA" for RS256. */
static int get_kty(int t, enum config_jwt_alg alg)
{
    static const char expected[] = "expected \"EC\" or \"RSA\"";
    char buf[5];
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    bool ec = n == 2 && memcmp(buf, "EC", 2) == 0;
    bool rsa = n == 3 && memcmp(buf, "RSA", 3) == 0;
    if (!ec && !rsa) {
        return fail(APP_ERR_INVAL, expected);
    }
    if (ec && alg != CONFIG_JWT_ES256) {
        return fail(APP_ERR_INVAL, "\"EC\" does not match alg \"RS256\" (which needs \"RSA\")");
    }
    if (rsa && alg != CONFIG_JWT_RS256) {
        return fail(APP_ERR_INVAL, "\"RSA\" does not match alg \"ES256\" (which needs \"EC\")");
    }
    return APP_OK;
}

static int get_crv(int t)
{
    static const char expected[] = "expected \"P-256\" (ES256)";
    char buf[7];
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (n != 5 || memcmp(buf, "P-256", 5) != 0) {
        return fail(APP_ERR_INVAL, expected);
    }
    return APP_OK;
}

/* The member f[i] is present although this form of key has no such member. */
static int not_allowed(const struct field *f, const char *why)
{
    size_t saved = path_key(f->name, strlen(f->name));
    int rc = fail(APP_ERR_INVAL, why);
    path_pop(saved);
    return rc;
}

/* The member f is required by this form of key. */
static int required_for(const struct field *f, const char *form)
{
    size_t saved = path_key(f->name, strlen(f->name));
    why_begin();
    why_str("missing (required for ");
    why_str(form);
    why_str(")");
    path_pop(saved);
    return APP_ERR_INVAL;
}

enum { K_KID, K_ALG, K_PEM, K_KTY, K_N, K_E, K_CRV, K_X, K_Y, K_COUNT };

static int parse_jwt_key(int t, int index)
{
    struct config *c = s_ld.cfg;
    struct config_jwt_key *k = &c->jwt_keys[index];
    struct field f[K_COUNT] = {
        {"kid", true, -1}, {"alg", true, -1}, {"pem", false, -1},
        {"kty", false, -1}, {"n", false, -1},  {"e", false, -1},
        {"crv", false, -1}, {"x", false, -1},  {"y", false, -1},
    };
    int rc = walk_object(t, f, K_COUNT);
    if (rc != APP_OK) {
        return rc;
    }
    int n = 0;
    WITH_KEY(f[K_KID], n = get_ascii(f[K_KID].val, k->kid, sizeof(k->kid), "CONFIG_KID_MAX"));
    k->kid_len = (size_t)n;
    for (int j = 0; j < index; j++) {
        const struct config_jwt_key *o = &c->jwt_keys[j];
        if (o->kid_len == k->kid_len && memcmp(o->kid, k->kid, k->kid_len) == 0) {
            size_t saved = path_key("kid", 3);
            why_begin();
            why_str("same kid as keys[");
            why_uint((uint64_t)j);
            why_str("]");
            path_pop(saved);
            return APP_ERR_INVAL;
        }
    }
    WITH_KEY(f[K_ALG], get_alg(f[K_ALG].val, &k->alg));

    if (f[K_PEM].val >= 0) {
        for (int i = K_KTY; i < K_COUNT; i++) {
            if (f[i].val >= 0) {
                return not_allowed(&f[i], "not allowed with \"pem\" (a key is PEM or a JWK, not both)");
            }
        }
        WITH_KEY(f[K_PEM], get_pem(f[K_PEM].val, &k->pem));
        return APP_OK;
    }
    if (f[K_KTY].val < 0) {
        return fail(APP_ERR_INVAL, "needs \"pem\" or the JWK members (\"kty\" and the key's)");
    }
    WITH_KEY(f[K_KTY], get_kty(f[K_KTY].val, k->alg));
    if (k->alg == CONFIG_JWT_RS256) {
        for (int i = K_CRV; i <= K_Y; i++) {
            if (f[i].val >= 0) {
                return not_allowed(&f[i], "not a member of an RSA key (kty \"RSA\": n, e)");
            }
        }
        if (f[K_N].val < 0) {
            return required_for(&f[K_N], "kty \"RSA\"");
        }
        if (f[K_E].val < 0) {
            return required_for(&f[K_E], "kty \"RSA\"");
        }
        WITH_KEY(f[K_N], get_b64url(f[K_N].val, &k->n));
        WITH_KEY(f[K_E], get_b64url(f[K_E].val, &k->e));
        return APP_OK;
    }
    for (int i = K_N; i <= K_E; i++) {
        if (f[i].val >= 0) {
            return not_allowed(&f[i], "not a member of an EC key (kty \"EC\": crv, x, y)");
        }
    }
    for (int i = K_CRV; i <= K_Y; i++) {
        if (f[i].val < 0) {
            return required_for(&f[i], "kty \"EC\"");
        }
    }
    WITH_KEY(f[K_CRV], get_crv(f[K_CRV].val));
    WITH_KEY(f[K_X], get_b64url(f[K_X].val, &k->x));
    WITH_KEY(f[K_Y], get_b64url(f[K_Y].val, &k->y));
    return APP_OK;
}

static int jwt_key(void *ctx, int e, int i)
{
    struct config *c = ctx;
    int rc = parse_jwt_key(e, i);
    c->jwt_key_count += rc == APP_OK;
    return rc;
}

static int get_jwt_keys(int t)
{
    if (tok(t)->type == JSMN_ARRAY && tok(t)->size == 0) {
        return fail(APP_ERR_INVAL, "must list at least one key");
    }
    return walk_array(t, CONFIG_JWT_MAX_KEYS, "CONFIG_JWT_MAX_KEYS", jwt_key, s_ld.cfg);
}

static int parse_jwt(int t)
{
    struct config *c = s_ld.cfg;
    struct field f[] = {{"issuer", true, -1},      {"audience", true, -1},
                        {"skewSeconds", false, -1}, {"tenants", false, -1},
                        {"keys", true, -1}};
    int rc = walk_object(t, f, sizeof(f) / sizeof(f[0]));
    if (rc != APP_OK) {
        return rc;
    }
    int n = 0;
    WITH_KEY(f[0], n = get_ascii(f[0].val, c->jwt_issuer, sizeof(c->jwt_issuer),
                                 "CONFIG_ISSUER_MAX"));
    c->jwt_issuer_len = (size_t)n;
    WITH_KEY(f[1], n = get_ascii(f[1].val, c->jwt_audience, sizeof(c->jwt_audience),
                                 "CONFIG_ISSUER_MAX"));
    c->jwt_audience_len = (size_t)n;
    if (f[2].val >= 0) {
        WITH_KEY(f[2], get_skew(f[2].val, &c->jwt_skew_s));
    }
    if (f[3].val >= 0) {
        WITH_KEY(f[3], get_tenants(f[3].val));
    }
    WITH_KEY(f[4], get_jwt_keys(f[4].val));
    c->has_jwt = true;
    return APP_OK;
}

static int parse_auth(int t)
{
    struct field f[] = {{"realm", true, -1},
                        {"staticTokens", false, -1},
                        {"staticTokensEnabled", false, -1},
                        {"jwt", false, -1}};
    int rc = walk_object(t, f, sizeof(f) / sizeof(f[0]));
    if (rc != APP_OK) {
        return rc;
    }
    WITH_KEY(f[0], get_realm(f[0].val));
    if (f[1].val >= 0) {
        WITH_KEY(f[1], get_tokens(f[1].val));
    }
    if (f[2].val >= 0) {
        WITH_KEY(f[2], get_bool(f[2].val, &s_ld.cfg->static_tokens_enabled));
    }
    if (f[3].val >= 0) {
        WITH_KEY(f[3], parse_jwt(f[3].val));
    }
    return APP_OK;
}

static int get_service_root(int t)
{
    struct config *c = s_ld.cfg;
    int n = get_bounded(t, c->service_root, sizeof(c->service_root), "APP_SERVICE_ROOT_MAX");
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)c->service_root[i];
        if (ch < 0x21 || ch > 0x7E) {
            return fail(APP_ERR_INVAL, "contains a byte outside printable ASCII 0x21..0x7E");
        }
    }
    if (strncmp(c->service_root, "https://", 8) != 0 &&
        strncmp(c->service_root, "http://", 7) != 0) {
        return fail(APP_ERR_INVAL, "must start with \"https://\" or \"http://\"");
    }
    if (c->service_root[n - 1] == '/') {
        return fail(APP_ERR_INVAL, "must not end with '/'");
    }
    c->service_root_len = (size_t)n;
    return APP_OK;
}

static int get_id(int t, char *buf);

/* ---- catalogs ---------------------------------------------------------------------- */

static bool text_eq(const struct config_text *a, const char *p, size_t n)
{
    return a->raw_len == n && memcmp(a->raw, p, n) == 0;
}

int config_catalog_find(const struct config *cfg, const char *cat, size_t cat_len,
                        const char *res, size_t res_len, const char **cat_text,
                        const char **res_text)
{
    for (size_t c = 0; c < cfg->catalog_count; c++) {
        if (!text_eq(&cfg->catalogs[c], cat, cat_len)) {
            continue;
        }
        for (size_t r = 0; r < cfg->resource_count; r++) {
            if (cfg->resources[r].catalog == c && text_eq(&cfg->resources[r].id, res, res_len)) {
                *cat_text = cfg->catalogs[c].raw;
                *res_text = cfg->resources[r].id.raw;
                return 0;
            }
        }
        return 2;
    }
    return 1;
}

int config_catalog_missing(const struct config *cfg, const char *cat, size_t cat_len,
                           const char *res, size_t res_len)
{
    const char *c;
    const char *r;
    return config_catalog_find(cfg, cat, cat_len, res, res_len, &c, &r);
}

/* The index of catalog cat, registered if new (ids without escapes: the
 * raw text is the id), or an error. */
static int add_catalog(const char *cat, size_t cat_n)
{
    struct config *cfg = s_ld.cfg;
    size_t c = 0;
    while (c < cfg->catalog_count && !text_eq(&cfg->catalogs[c], cat, cat_n)) {
        c++;
    }
    if (c == cfg->catalog_count) {
        if (c >= CONFIG_MAX_CATALOGS) {
            return too_many(CONFIG_MAX_CATALOGS, "CONFIG_MAX_CATALOGS");
        }
        cfg->catalogs[c].raw = cat;
        cfg->catalogs[c].raw_len = cat_n;
        cfg->catalog_count++;
    }
    return (int)c;
}

/* Register (catalog, resource); already known: nothing to do. */
static int add_pair(const char *cat, size_t cat_n, const char *res, size_t res_n)
{
    struct config *cfg = s_ld.cfg;
    if (config_catalog_missing(cfg, cat, cat_n, res, res_n) == 0) {
        return APP_OK;
    }
    int c = add_catalog(cat, cat_n);
    if (c < 0) {
        return c;
    }
    if (cfg->resource_count >= CONFIG_MAX_RESOURCES) {
        return too_many(CONFIG_MAX_RESOURCES, "CONFIG_MAX_RESOURCES");
    }
    struct config_resource *r = &cfg->resources[cfg->resource_count++];
    r->id.raw = res;
    r->id.raw_len = res_n;
    r->catalog = (uint8_t)c;
    return APP_OK;
}

/* The raw text of string token t when it has no escapes (then it is the
 * decoded id, already checked by get_id()), else NULL. */
static const char *raw_id(int t, size_t decoded_len)
{
    size_t n = (size_t)(tok(t)->end - tok(t)->start);
    return n == decoded_len ? s_ld.js + tok(t)->start : NULL;
}

static int catalog_resource(void *ctx, int e, int i)
{
    (void)i;
    const int *cat_tok = ctx;
    int n = get_id(e, s_res);
    if (n < 0) {
        return n;
    }
    const char *res = raw_id(e, (size_t)n);
    const char *cat = raw_id(*cat_tok, (size_t)(tok(*cat_tok)->end - tok(*cat_tok)->start));
    if (res == NULL) {
        return fail(APP_ERR_INVAL, "escapes are not supported in a catalog's ids");
    }
    return add_pair(cat, (size_t)(tok(*cat_tok)->end - tok(*cat_tok)->start), res, (size_t)n);
}

static int catalog_entry(void *ctx, int e, int i)
{
    (void)ctx;
    (void)i;
    struct field f[] = {{"id", true, -1}, {"resources", true, -1}};
    int rc = walk_object(e, f, 2);
    if (rc != APP_OK) {
        return rc;
    }
    int n = 0;
    WITH_KEY(f[0], n = get_id(f[0].val, s_cat));
    if (raw_id(f[0].val, (size_t)n) == NULL) {
        size_t saved = path_key(f[0].name, strlen(f[0].name));
        rc = fail(APP_ERR_INVAL, "escapes are not supported in a catalog's ids");
        path_pop(saved);
        return rc;
    }
    rc = add_catalog(raw_id(f[0].val, (size_t)n), (size_t)n);
    if (rc < 0) {
        return rc;
    }
    size_t saved = path_key(f[1].name, strlen(f[1].name));
    rc = walk_array(f[1].val, CONFIG_MAX_RESOURCES, "CONFIG_MAX_RESOURCES", catalog_resource,
                    &f[0].val);
    path_pop(saved);
    return rc;
}

static int parse_catalogs(int t)
{
    return walk_array(t, CONFIG_MAX_CATALOGS, "CONFIG_MAX_CATALOGS", catalog_entry, NULL);
}

static int get_lifetime(int t, uint32_t *out)
{
    int64_t v;
    if (json_tok_int64(s_ld.js, tok(t), &v) != APP_OK || v < 60 || v > 2592000) {
        return fail(APP_ERR_INVAL, "expected whole seconds, 60..2592000 (30 days)");
    }
    *out = (uint32_t)v;
    return APP_OK;
}

/* ---- sessions ------------------------------------------------------------------ */

static int get_id(int t, char *buf)
{
    int n = get_bounded(t, buf, APP_ID_MAX + 1, "APP_ID_MAX");
    if (n < 0) {
        return n;
    }
    const char *problem = store_id_problem(buf, (size_t)n);
    if (problem != NULL) {
        return fail(APP_ERR_INVAL, problem);
    }
    return n;
}

static int arena_exhausted(void)
{
    why_begin();
    why_str("store string space exhausted (APP_STORE_ARENA=");
    why_uint(APP_STORE_ARENA);
    why_str(")");
    return APP_ERR_NOMEM;
}

/* noinline: the name buffer is on the stack for this call only. */
__attribute__((noinline)) static int parse_file(int t, int session)
{
    struct field f[] = {{"name", true, -1}, {"size", true, -1}, {"uploadedDateTime", true, -1}};
    int rc = walk_object(t, f, 3);
    if (rc != APP_OK) {
        return rc;
    }
    char name[APP_FILE_NAME_MAX + 1]; /* boot only: on the stack */
    int name_len = 0;
    int64_t size = 0;
    int64_t uploaded = 0;

    size_t saved = path_key(f[0].name, strlen(f[0].name));
    name_len = get_bounded(f[0].val, name, sizeof(name), "APP_FILE_NAME_MAX");
    if (name_len >= 0) {
        const char *problem = store_name_problem(name, (size_t)name_len);
        if (problem != NULL) {
            name_len = fail(APP_ERR_INVAL, problem);
        }
    }
    path_pop(saved);
    if (name_len < 0) {
        return name_len;
    }
    WITH_KEY(f[1], get_nonneg(f[1].val, &size));
    WITH_KEY(f[2], get_time(f[2].val, &uploaded));

    if (!s_ld.import) {
        return APP_OK; /* the checking pass */
    }
    rc = store_file_add(session, name, (size_t)name_len, size, uploaded);
    if (rc == APP_ERR_NOMEM) {
        struct store_usage u;
        store_usage(&u);
        if (u.files >= APP_STORE_FILES) {
            why_begin();
            why_str("file pool exhausted (APP_STORE_FILES=");
            why_uint(APP_STORE_FILES);
            why_str(")");
            return APP_ERR_NOMEM;
        }
        saved = path_key(f[0].name, strlen(f[0].name));
        rc = arena_exhausted();
        path_pop(saved);
        return rc;
    }
    if (rc != APP_OK) {
        return fail(rc, "rejected by the store");
    }
    return APP_OK;
}

static int file_entry(void *ctx, int e, int i)
{
    (void)i;
    return parse_file(e, *(const int *)ctx);
}

static int parse_session(int t)
{
    struct field f[] = {
        {"catalogId", true, -1},       {"resourceId", true, -1},
        {"id", true, -1},              {"isUploadDone", true, -1},
        {"createdDateTime", true, -1}, {"expirationDateTime", true, -1},
        {"files", true, -1},
    };
    int rc = walk_object(t, f, sizeof(f) / sizeof(f[0]));
    if (rc != APP_OK) {
        return rc;
    }
    struct store_session_in in;
    int cat_len = 0;
    int res_len = 0;
    int id_len = 0;
    memset(&in, 0, sizeof(in));
    WITH_KEY(f[0], cat_len = get_id(f[0].val, s_cat));
    WITH_KEY(f[1], res_len = get_id(f[1].val, s_res));
    WITH_KEY(f[2], id_len = get_id(f[2].val, s_id));
    WITH_KEY(f[3], get_bool(f[3].val, &in.upload_done));
    WITH_KEY(f[4], get_time(f[4].val, &in.created_ms));
    WITH_KEY(f[5], get_time(f[5].val, &in.expiration_ms));
    if (in.expiration_ms < in.created_ms) {
        size_t saved = path_key(f[5].name, strlen(f[5].name));
        rc = fail(APP_ERR_INVAL, "earlier than createdDateTime");
        path_pop(saved);
        return rc;
    }
    in.catalog_id = s_cat;
    in.catalog_id_len = (size_t)cat_len;
    in.resource_id = s_res;
    in.resource_id_len = (size_t)res_len;
    in.id = s_id;
    in.id_len = (size_t)id_len;

    int session = -1;
    const struct store_session *other;
    /* A session's pair is provisioned too (when its ids need no escapes). */
    const char *cat_raw = raw_id(f[0].val, (size_t)cat_len);
    const char *res_raw = raw_id(f[1].val, (size_t)res_len);
    if (!s_ld.import && cat_raw != NULL && res_raw != NULL) {
        rc = add_pair(cat_raw, (size_t)cat_len, res_raw, (size_t)res_len);
        if (rc != APP_OK) {
            return rc;
        }
    }
    if (!s_ld.import) {
        /* The checking pass: the files' fields are checked, nothing is stored. */
        size_t saved = path_key(f[6].name, strlen(f[6].name));
        rc = walk_array(f[6].val, APP_MAX_FILES, "APP_MAX_FILES", file_entry, &session);
        path_pop(saved);
        return rc;
    }
    if (store_find(s_cat, in.catalog_id_len, s_res, in.resource_id_len, s_id, in.id_len, &other,
                   NULL) == APP_OK) {
        int at = store_session_index(other);
        if (at >= s_ld.import_base) {
            why_begin();
            why_str("same catalogId, resourceId and id as sessions[");
            why_uint((uint64_t)(at - s_ld.import_base));
            why_str("]");
            return APP_ERR_INVAL;
        }
        /* Left by an import that a power cut interrupted: import it again,
         * whole. */
        rc = store_session_delete(at);
        if (rc != APP_OK) {
            return fail(rc, "rejected by the store");
        }
        s_ld.import_base--;
    }
    rc = store_session_add(&in, &session);
    if (rc == APP_ERR_NOMEM) {
        struct store_usage u;
        store_usage(&u);
        if (u.sessions >= APP_MAX_SESSIONS) {
            return fail(APP_ERR_NOMEM, "session table full (APP_MAX_SESSIONS)");
        }
        return arena_exhausted();
    }
    if (rc != APP_OK) {
        return fail(rc, "rejected by the store");
    }

    size_t saved = path_key(f[6].name, strlen(f[6].name));
    rc = walk_array(f[6].val, APP_MAX_FILES, "APP_MAX_FILES", file_entry, &session);
    path_pop(saved);
    return rc;
}

static int session_entry(void *ctx, int e, int i)
{
    (void)ctx;
    (void)i;
    return parse_session(e);
}

static int parse_sessions(int t)
{
    return walk_array(t, CONFIG_MAX_SESSIONS, "CONFIG_MAX_SESSIONS", session_entry, NULL);
}

/* The configuration's sessions go into a store that has never had them
 * (a freshly formatted one), once: after the marker, what a client deleted
 * stays deleted. Only a document that passed every check gets here. */
static int import_sessions(void)
{
    s_ld.import = true;
    s_ld.import_base = store_count();
    size_t saved = path_key("sessions", 8);
    int rc = parse_sessions(s_ld.sessions_tok);
    path_pop(saved);
    s_ld.import = false;
    if (rc == APP_OK) {
        rc = store_import_done();
        if (rc != APP_OK) {
            rc = fail(rc, "store: import not recorded");
        }
    }
    /* A document the store cannot take whole leaves none of it there. */
    while (rc != APP_OK && store_count() > s_ld.import_base &&
           store_session_delete(s_ld.import_base) == APP_OK) {
    }
    return rc;
}

/* ---- top level ------------------------------------------------------------------ */

/* ---- tls, plainHttp, entropy ------------------------------------------------ */

static int get_pem(int t, struct config_text *out)
{
    if (tok(t)->type != JSMN_STRING) {
        return fail(APP_ERR_INVAL, "expected a string");
    }
    const char *problem = json_tok_string_problem(s_ld.js, tok(t));
    if (problem != NULL) {
        why_begin();
        why_str("invalid string: ");
        why_str(problem);
        return APP_ERR_INVAL;
    }
    size_t n = (size_t)(tok(t)->end - tok(t)->start);
    if (n > APP_TLS_PEM_MAX) {
        return too_long(APP_TLS_PEM_MAX, "APP_TLS_PEM_MAX");
    }
    out->raw = s_ld.js + tok(t)->start;
    out->raw_len = n;
    static const char begin[] = "-----BEGIN ";
    if (n < sizeof(begin) - 1u || memcmp(out->raw, begin, sizeof(begin) - 1u) != 0) {
        return fail(APP_ERR_INVAL, "expected PEM text starting with \"-----BEGIN \"");
    }
    return APP_OK;
}

static int get_port(int t, uint16_t *out)
{
    int64_t v;
    if (json_tok_int64(s_ld.js, tok(t), &v) != APP_OK || v < 1 || v > 65535) {
        return fail(APP_ERR_INVAL, "expected a port number 1..65535");
    }
    *out = (uint16_t)v;
    return APP_OK;
}

static int parse_tls(int t)
{
    struct field f[] = {{"cert", true, -1}, {"key", true, -1}, {"redirectPort", false, -1}};
    int rc = walk_object(t, f, 3);
    if (rc != APP_OK) {
        return rc;
    }
    WITH_KEY(f[0], get_pem(f[0].val, &s_ld.cfg->tls_cert));
    WITH_KEY(f[1], get_pem(f[1].val, &s_ld.cfg->tls_key));
    if (f[2].val >= 0) {
        WITH_KEY(f[2], get_port(f[2].val, &s_ld.cfg->redirect_port));
    }
    s_ld.cfg->has_tls = true;
    return APP_OK;
}

static int get_plain(int t)
{
    static const char expected[] = "expected \"serve\", \"redirect\" or \"off\"";
    char buf[10];
    int n = get_format(t, buf, sizeof(buf), expected);
    if (n < 0) {
        return n;
    }
    if (n == 5 && memcmp(buf, "serve", 5) == 0) {
        s_ld.cfg->plain_http = CONFIG_PLAIN_SERVE;
    } else if (n == 8 && memcmp(buf, "redirect", 8) == 0) {
        s_ld.cfg->plain_http = CONFIG_PLAIN_REDIRECT;
    } else if (n == 3 && memcmp(buf, "off", 3) == 0) {
        s_ld.cfg->plain_http = CONFIG_PLAIN_OFF;
    } else {
        return fail(APP_ERR_INVAL, expected);
    }
    return APP_OK;
}

/* Exactly len bytes as 2 * len hex digits (a SHA-256 digest, the NV
 * seed: both 32 bytes). */
static int get_hex(int t, uint8_t *out, size_t len, const char *expected)
{
    char buf[2 * 32 + 2];
    if (2u * len + 1u >= sizeof(buf)) {
        return fail(APP_ERR_INVAL, expected);
    }
    int n = get_format(t, buf, 2u * len + 2u, expected);
    if (n < 0) {
        return n;
    }
    if ((size_t)n != 2u * len) {
        return fail(APP_ERR_INVAL, expected);
    }
    for (size_t i = 0; i < len; i++) {
        int hi = hexdigit((unsigned char)buf[2 * i]);
        int lo = hexdigit((unsigned char)buf[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return fail(APP_ERR_INVAL, expected);
        }
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    return APP_OK;
}

static int parse_entropy(int t)
{
    struct field f[] = {{"nvSeed", true, -1}};
    int rc = walk_object(t, f, 1);
    if (rc != APP_OK) {
        return rc;
    }
    WITH_KEY(f[0], get_hex(f[0].val, s_ld.cfg->nv_seed, CONFIG_NV_SEED_LEN,
                           "expected 64 hex digits (32 bytes)"));
    s_ld.cfg->has_nv_seed = true;
    return APP_OK;
}

int config_string(const struct config_text *t, char *buf, size_t cap)
{
    jsmntok_t k = {.type = JSMN_STRING, .start = 0, .end = (int)t->raw_len, .size = 0};
    if (t->raw == NULL) {
        return APP_ERR_INVAL;
    }
    /* json_tok_string() NUL-terminates and reports APP_ERR_OVERFLOW. */
    return json_tok_string(t->raw, &k, buf, cap);
}

static int get_version(int t)
{
    int64_t v;
    if (json_tok_int64(s_ld.js, tok(t), &v) != APP_OK) {
        return fail(APP_ERR_INVAL, "expected the integer 1");
    }
    if (v != 1) {
        why_begin();
        why_str("unsupported version ");
        if (v < 0) {
            why_char('-');
            why_uint((uint64_t)0 - (uint64_t)v);
        } else {
            why_uint((uint64_t)v);
        }
        why_str(" (this firmware reads version 1)");
        return APP_ERR_INVAL;
    }
    return APP_OK;
}

static int parse_root(void)
{
    /* The version first: a newer document should say so, not fail on
     * the first key this firmware does not know. Key checks first of all,
     * so that "version" is unambiguous. */
    int rc = check_keys(0);
    if (rc != APP_OK) {
        return rc;
    }
    int v = json_tok_find(s_ld.js, s_toks, s_ld.ntok, 0, "version", 7);
    if (v < 0) {
        path_key("version", 7);
        return fail(APP_ERR_INVAL, "missing (required)");
    }
    size_t saved = path_key("version", 7);
    rc = get_version(v);
    path_pop(saved);
    if (rc != APP_OK) {
        return rc;
    }

    struct field f[] = {
        {"version", true, -1}, {"serviceRoot", true, -1}, {"network", false, -1},
        {"clock", false, -1},  {"auth", true, -1},        {"echo", false, -1},
        {"sessions", true, -1}, {"tls", false, -1},        {"plainHttp", false, -1},
        {"entropy", false, -1}, {"catalogs", false, -1}, {"sessionLifetimeSeconds", false, -1},
    };
    rc = walk_object(0, f, sizeof(f) / sizeof(f[0]));
    if (rc != APP_OK) {
        return rc;
    }
    WITH_KEY(f[1], get_service_root(f[1].val));
    if (f[2].val >= 0) {
        WITH_KEY(f[2], parse_network(f[2].val));
    }
    if (f[3].val >= 0) {
        WITH_KEY(f[3], parse_clock(f[3].val));
    }
    WITH_KEY(f[4], parse_auth(f[4].val));
    if (f[5].val >= 0) {
        WITH_KEY(f[5], get_bool(f[5].val, &s_ld.cfg->echo));
    }
    if (f[10].val >= 0) {
        WITH_KEY(f[10], parse_catalogs(f[10].val));
    }
    if (f[11].val >= 0) {
        WITH_KEY(f[11], get_lifetime(f[11].val, &s_ld.cfg->session_lifetime_s));
    }
    s_ld.sessions_tok = f[6].val;
    WITH_KEY(f[6], parse_sessions(f[6].val));
    if (f[7].val >= 0) {
        WITH_KEY(f[7], parse_tls(f[7].val));
    }
    if (f[8].val >= 0) {
        WITH_KEY(f[8], get_plain(f[8].val));
        if (s_ld.cfg->plain_http == CONFIG_PLAIN_REDIRECT && !s_ld.cfg->has_tls) {
            (void)path_key("plainHttp", 9);
            return fail(APP_ERR_INVAL, "\"redirect\" needs a tls section");
        }
    }
    if (f[9].val >= 0) {
        WITH_KEY(f[9], parse_entropy(f[9].val));
    }
    return APP_OK;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

/* The frame; on success *js and *len locate the JSON. */
static int check_header(const uint8_t *part, size_t part_len, const char **js, size_t *len)
{
    s_ld.path_len = 0;
    path_add("header", 6);
    if (part_len < CONFIG_HEADER_LEN) {
        why_begin();
        why_str("partition of ");
        why_uint(part_len);
        why_str(" bytes is shorter than the 16-byte header");
        return APP_ERR_INVAL;
    }
    uint32_t magic = le32(part);
    if (magic != CONFIG_MAGIC) {
        why_begin();
        why_str("bad magic ");
        why_hex32(magic);
        why_str(" (expected 0x43505355 \"USPC\"): not provisioned");
        return APP_ERR_NOTFOUND;
    }
    uint16_t version = le16(part + 4);
    if (version != CONFIG_VERSION) {
        why_begin();
        why_str("unsupported format version ");
        why_uint(version);
        why_str(" (expected 1)");
        return APP_ERR_INVAL;
    }
    uint16_t hlen = le16(part + 6);
    if (hlen != CONFIG_HEADER_LEN) {
        why_begin();
        why_str("header_len ");
        why_uint(hlen);
        why_str(", expected 16");
        return APP_ERR_INVAL;
    }
    uint32_t json_len = le32(part + 8);
    if (json_len > APP_CONFIG_MAX) {
        why_begin();
        why_str("json_len ");
        why_uint(json_len);
        why_str(" exceeds APP_CONFIG_MAX=");
        why_uint(APP_CONFIG_MAX);
        return APP_ERR_NOMEM;
    }
    if (json_len > part_len - CONFIG_HEADER_LEN) {
        why_begin();
        why_str("json_len ");
        why_uint(json_len);
        why_str(" exceeds the ");
        why_uint(part_len - CONFIG_HEADER_LEN);
        why_str(" bytes after the header");
        return APP_ERR_INVAL;
    }
    uint32_t want = le32(part + 12);
    uint32_t got = config_crc32(part + CONFIG_HEADER_LEN, json_len);
    if (want != got) {
        why_begin();
        why_str("crc32 mismatch (header ");
        why_hex32(want);
        why_str(", data ");
        why_hex32(got);
        why_str(")");
        return APP_ERR_INVAL;
    }
    *js = (const char *)(part + CONFIG_HEADER_LEN);
    *len = json_len;
    s_ld.path_len = 0;
    return APP_OK;
}

static int parse_json(const char *js, size_t len)
{
    size_t off = 0;
    s_ld.path_len = 0;
    path_add("json", 4);
    int rc = json_tok_validate(js, len, &off);
    if (rc != APP_OK) {
        why_begin();
        if (rc == APP_ERR_NOMEM) {
            why_str("nested deeper than JSON_TOK_MAX_DEPTH=");
            why_uint(JSON_TOK_MAX_DEPTH);
        } else {
            why_str("not valid JSON (syntax error");
            if (off < len) {
                why_str(" at byte ");
            } else {
                why_str(": ends early at byte ");
            }
            why_uint(off);
            why_str(")");
        }
        return rc;
    }
    rc = json_tok_parse(js, len, s_toks, APP_CONFIG_MAX_TOKENS, &s_ld.ntok, NULL);
    if (rc == APP_ERR_NOMEM) {
        why_begin();
        why_str("more than APP_CONFIG_MAX_TOKENS=");
        why_uint(APP_CONFIG_MAX_TOKENS);
        why_str(" tokens");
        return rc;
    }
    if (rc != APP_OK) {
        return fail(rc, "not valid JSON");
    }
    s_ld.js = js;
    s_ld.path_len = 0;
    return APP_OK;
}

static void set_defaults(struct config *out)
{
    memset(out, 0, sizeof(*out));
    out->session_lifetime_s = 86400u; /* the seed's: expiration = created + 24 h */
    out->echo = true;
    out->redirect_port = 443;
    out->sntp_port = 123;
    out->static_tokens_enabled = true;
    out->jwt_skew_s = CONFIG_JWT_SKEW_DEFAULT;
}

int config_load(const uint8_t *part, size_t part_len, struct config *out, char *why,
                size_t why_cap)
{
    return config_load_ws(part, part_len, out, why, why_cap, s_toks_own, sizeof(s_toks_own));
}

int config_load_ws(const uint8_t *part, size_t part_len, struct config *out, char *why,
                   size_t why_cap, void *ws, size_t ws_len)
{
    memset(&s_ld, 0, sizeof(s_ld));
    s_ld.why = why;
    s_ld.why_cap = why_cap;
    if (why != NULL && why_cap > 0) {
        why[0] = '\0';
    }
    if (out == NULL || part == NULL) {
        return fail(APP_ERR_INVAL, "no partition or no output");
    }
    if (ws == NULL || ws_len < CONFIG_WORKSPACE_SIZE || ((uintptr_t)ws & (sizeof(int) - 1u)) != 0u) {
        set_defaults(out);
        return fail(APP_ERR_INVAL, "parse workspace missing, short or misaligned");
    }
    s_toks = ws;
    set_defaults(out);
    s_ld.cfg = out;

    const char *js = NULL;
    size_t len = 0;
    int rc = check_header(part, part_len, &js, &len);
    if (rc == APP_OK) {
        rc = parse_json(js, len);
    }
    if (rc == APP_OK) {
        rc = parse_root();
    }
    if (rc == APP_OK && store_import_needed()) {
        rc = import_sessions();
    }
    if (rc != APP_OK) {
        set_defaults(out);
        if (s_ld.why_len == 0) {
            fail(rc, "rejected"); /* every path writes a reason; never leave it empty */
        }
        return rc;
    }
    out->provisioned = true;
    if (why != NULL && why_cap > 0) {
        why[0] = '\0';
    }
    return APP_OK;
}
