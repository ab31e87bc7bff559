/* Device configuration: read the config partition (a framed JSON document
 * written by tools/provision) into struct config and the session store,
 * strictly: an unknown key, a duplicate key or a wrong type is an error
 * with a message naming the field, never silently ignored.
 *
 * Partition format (all integers little-endian):
 *
 *   offset size field
 *   0      4    magic      0x43505355 (the bytes "USPC")
 *   4      2    version    1
 *   6      2    header_len 16
 *   8      4    json_len   bytes of JSON after the header, <= APP_CONFIG_MAX
 *   12     4    crc32      IEEE 802.3 CRC-32 (zlib.crc32) of the JSON bytes
 *   16     json_len        one JSON object, UTF-8 (RFC 8259, I-JSON)
 *
 * Bytes after the JSON (erased flash) are ignored.
 *
 * JSON schema (top-level object; "?" marks optional keys):
 *
 *   version        1
 *   serviceRoot    "http(s)://...", 1..APP_SERVICE_ROOT_MAX bytes of printable
 *                  ASCII, no trailing '/' (the @odata.context prefix)
 *   network?       { hostname? 1..63 of [A-Za-z0-9-], not starting or ending
 *                    with '-'; mac? "xx:xx:xx:xx:xx:xx" unicast, not all zero;
 *                    dhcp? bool; ip? netmask? gateway? dotted IPv4 (no leading
 *                    zeros; netmask contiguous) }
 *   clock?         { floorUnixMs: integer >= 0; sntpServers?: array of 0..2
 *                    dotted IPv4 addresses (SNTP, RFC 4330); sntpPort?:
 *                    1..65535, default 123 }
 *   auth           { realm: 1..64 bytes of printable ASCII (space allowed)
 *                    without '"' and '\\'; staticTokens?: array of 0..
 *                    APP_MAX_STATIC_TOKENS SHA-256 digests, 64 hex digits;
 *                    staticTokensEnabled?: bool, default true (static
 *                    tokens are the lab option; false refuses them all);
 *                    jwt?: {
 *                      issuer, audience: 1..CONFIG_ISSUER_MAX bytes of
 *                        printable ASCII 0x20..0x7E (compared with the
 *                        token's "iss" and "aud" byte for byte);
 *                      skewSeconds?: integer 0..3600, default 300 (for
 *                        "exp" and "nbf");
 *                      tenants?: array of 0..CONFIG_JWT_MAX_TENANTS
 *                        lowercase GUIDs "xxxxxxxx-xxxx-xxxx-xxxx-
 *                        xxxxxxxxxxxx", no repeats (the "tid" allow-list;
 *                        empty or absent: any tenant);
 *                      keys: array of 1..CONFIG_JWT_MAX_KEYS objects, each
 *                        exactly one of
 *                        { kid, alg: "ES256" | "RS256", pem: PEM text, a
 *                          public key ("-----BEGIN ", APP_TLS_PEM_MAX
 *                          as written, like tls.cert) }
 *                        { kid, alg: "RS256", kty: "RSA", n, e }
 *                        { kid, alg: "ES256", kty: "EC", crv: "P-256", x, y }
 *                        kid: 1..CONFIG_KID_MAX bytes of printable ASCII
 *                        0x20..0x7E, unique within keys; kty must match alg;
 *                        n, e, x, y: base64url (RFC 7518 6.2, 6.3), 1..
 *                        APP_TLS_PEM_MAX bytes of [A-Za-z0-9_-] as written
 *                        (no padding, no escapes). The key material is only
 *                        checked for its form here; auth/ parses it at
 *                        start-up. } }
 *   echo?          bool, default true
 *   tls?           { cert: PEM text, the device certificate (then any
 *                    intermediates), 1..APP_TLS_PEM_MAX bytes as written in
 *                    the JSON; key: PEM text, its unencrypted EC P-256
 *                    private key (PKCS#8 or SEC1), same limit;
 *                    redirectPort?: 1..65535, default 443, the port named in
 *                    the Location of plain-HTTP redirects }
 *                  Both PEM strings are checked here only for their frame
 *                  ("-----BEGIN "); tls/ parses them at start-up.
 *   plainHttp?     "serve" | "redirect" | "off", default "serve": what port
 *                  80 does; "redirect" needs tls
 *   entropy?       { nvSeed: 64 hex digits, the NV entropy seed (util/rng.h);
 *                    tools/qemu-run writes a fresh one at every start }
 *   sessions       array of 0..CONFIG_MAX_SESSIONS {
 *                    catalogId, resourceId, id: 1..APP_ID_MAX bytes of
 *                      0x21..0x7E without '/';
 *                    isUploadDone: bool;
 *                    createdDateTime, expirationDateTime: ISO 8601 UTC
 *                      ("2024-03-06T01:35:12.123Z"), expiration >= created;
 *                    files: array of 0..APP_MAX_FILES {
 *                      name: 1..APP_FILE_NAME_MAX bytes of UTF-8, no bytes
 *                        < 0x20; size: integer >= 0;
 *                      uploadedDateTime: ISO 8601 UTC } }
 *
 * Every key listed without "?" is required, at every level. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app_config.h"

#define CONFIG_MAGIC 0x43505355u /* "USPC" read as a little-endian u32 */
#define CONFIG_VERSION 1u
#define CONFIG_HEADER_LEN 16u
#define CONFIG_HOSTNAME_MAX 63u
#define CONFIG_REALM_MAX 64u
#define CONFIG_DIGEST_LEN 32u /* SHA-256 */
#define CONFIG_NV_SEED_LEN 32u
#define CONFIG_SNTP_MAX 2
#define CONFIG_JWT_MAX_KEYS 4
#define CONFIG_JWT_MAX_TENANTS 4
#define CONFIG_KID_MAX 64
#define CONFIG_ISSUER_MAX 128 /* also the audience's limit */
#define CONFIG_TID_LEN 36     /* a GUID: 8-4-4-4-12 hex digits */
#define CONFIG_JWT_SKEW_DEFAULT 300
#define CONFIG_JWT_SKEW_MAX 3600
/** Bytes of parse workspace config_load_ws() needs (APP_CONFIG_MAX_TOKENS
 * jsmn tokens of 16 bytes). */
#define CONFIG_WORKSPACE_SIZE ((size_t)APP_CONFIG_MAX_TOKENS * 16u)

/** A why buffer of this size holds every message config_load() writes
 * (longer ones are cut, always NUL-terminated). */
#define CONFIG_WHY_MAX 160u

/** network: each value is meaningful only when its has_ flag is set. */
struct config_network {
    bool has_hostname;
    char hostname[CONFIG_HOSTNAME_MAX + 1]; /* NUL-terminated */
    bool has_mac;
    uint8_t mac[6];
    bool has_dhcp;
    bool dhcp;
    bool has_ip;
    uint8_t ip[4]; /* network order: 10.0.2.15 is {10, 0, 2, 15} */
    bool has_netmask;
    uint8_t netmask[4];
    bool has_gateway;
    uint8_t gateway[4];
};

/** What plain HTTP (port 80) does. */
enum config_plain { CONFIG_PLAIN_SERVE = 0, CONFIG_PLAIN_REDIRECT, CONFIG_PLAIN_OFF };

/** A JSON string as it is written in the partition (escapes undecoded):
 *  valid as long as the partition bytes; decode with config_string(). */
struct config_text {
    const char *raw;
    size_t raw_len;
};

/** Catalogs and their resources the device serves (contract Part 2:
 * provisioned), from "catalogs" and from the catalogId/resourceId pairs of
 * "sessions". Ids point into the configuration text (escape-free). */
/* Sessions a configuration may seed the store with (imported once into an
 * empty store): bounded by the configuration's token budget, not by the
 * store, which holds APP_MAX_SESSIONS. */
#ifndef CONFIG_MAX_SESSIONS
#define CONFIG_MAX_SESSIONS 16
#endif
#ifndef CONFIG_MAX_CATALOGS
#define CONFIG_MAX_CATALOGS 4
#endif
#ifndef CONFIG_MAX_RESOURCES
#define CONFIG_MAX_RESOURCES 8 /* all catalogs together */
#endif
struct config_resource {
    struct config_text id;
    uint8_t catalog; /**< index into config.catalogs */
};

/** auth.jwt.keys[].alg */
enum config_jwt_alg { CONFIG_JWT_ES256 = 1, CONFIG_JWT_RS256 = 2 };

/** One trusted token-signing key, as written in the config: either PEM
 *  (pem.raw != NULL) or JWK members (pem.raw == NULL; n/e for RS256, x/y
 *  for ES256, the others raw == NULL). */
struct config_jwt_key {
    char kid[CONFIG_KID_MAX + 1]; /**< NUL-terminated */
    size_t kid_len;
    enum config_jwt_alg alg;
    struct config_text pem; /**< raw == NULL when the key is a JWK */
    struct config_text n, e; /**< RS256 JWK members, base64url as written */
    struct config_text x, y; /**< ES256 JWK members, base64url as written */
};

struct config {
    bool provisioned; /**< true only after a successful config_load() */
    char service_root[APP_SERVICE_ROOT_MAX + 1]; /**< NUL-terminated */
    size_t service_root_len;
    struct config_network net;
    bool has_clock_floor;
    int64_t clock_floor_ms; /**< Unix ms the clock never runs behind */
    uint8_t sntp_servers[CONFIG_SNTP_MAX][4]; /**< network order bytes */
    size_t sntp_count;
    uint16_t sntp_port; /**< 123 unless configured */
    char realm[CONFIG_REALM_MAX + 1]; /**< NUL-terminated */
    size_t realm_len;
    /** SHA-256 digests of the accepted static bearer tokens. */
    uint8_t static_tokens[APP_MAX_STATIC_TOKENS > 0 ? APP_MAX_STATIC_TOKENS : 1][CONFIG_DIGEST_LEN];
    size_t static_token_count;
    bool static_tokens_enabled; /**< default true */
    bool has_jwt;
    char jwt_issuer[CONFIG_ISSUER_MAX + 1]; /**< NUL-terminated */
    size_t jwt_issuer_len;
    char jwt_audience[CONFIG_ISSUER_MAX + 1]; /**< NUL-terminated */
    size_t jwt_audience_len;
    int64_t jwt_skew_s; /**< default 300 */
    char jwt_tenants[CONFIG_JWT_MAX_TENANTS][CONFIG_TID_LEN + 1]; /**< NUL-terminated */
    size_t jwt_tenant_count;
    struct config_jwt_key jwt_keys[CONFIG_JWT_MAX_KEYS];
    size_t jwt_key_count;
    bool echo; /**< diagnostics echo service; true unless configured off */
    bool has_tls;
    struct config_text tls_cert; /**< PEM, undecoded */
    struct config_text tls_key;  /**< PEM, undecoded */
    uint16_t redirect_port;      /**< 443 unless configured */
    enum config_plain plain_http;
    bool has_nv_seed;
    uint8_t nv_seed[CONFIG_NV_SEED_LEN];
    struct config_text catalogs[CONFIG_MAX_CATALOGS];
    size_t catalog_count;
    struct config_resource resources[CONFIG_MAX_RESOURCES];
    size_t resource_count;
    uint32_t session_lifetime_s; /**< expirationDateTime - createdDateTime of a new session (24 h) */
};

/** Whether (cat, res) is provisioned: 0 yes; 1 no such catalog; 2 the
 * catalog lacks that resource. */
/** config_catalog_missing(), and when it is 0 the two ids in the
 * configuration text (escape-free, so the text is the id). */
int config_catalog_find(const struct config *cfg, const char *cat, size_t cat_len,
                        const char *res, size_t res_len, const char **cat_text,
                        const char **res_text);
int config_catalog_missing(const struct config *cfg, const char *cat, size_t cat_len,
                           const char *res, size_t res_len);

/**
 * Decode a struct config_text (JSON escapes resolved) into buf and
 * NUL-terminate it. @return its length; APP_ERR_OVERFLOW when buf is too
 * small (cap must exceed the length by one).
 */
int config_string(const struct config_text *t, char *buf, size_t cap);

/**
 * Check the frame of the config partition part[0..part_len), parse its
 * JSON and load it: the sessions into the store (emptied first), the rest
 * into *out. Not reentrant (static token array of APP_CONFIG_MAX_TOKENS).
 *
 * On failure the store is empty, *out holds the defaults (provisioned
 * false, echo true, static_tokens_enabled true, jwt_skew_s 300,
 * redirect_port 443, sntp_port 123, nothing else set) and why holds "<field path>:
 * <reason>", e.g. "sessions[0].files[1].size: expected a non-negative
 * integer" or "header: crc32 mismatch (...)". On success why is "".
 *
 * @param why     caller's buffer for the message (CONFIG_WHY_MAX is enough),
 *                always NUL-terminated when why_cap > 0; may be NULL
 * @return APP_OK;
 *         APP_ERR_NOTFOUND when the magic is wrong (nothing provisioned);
 *         APP_ERR_NOMEM when a limit is exceeded (APP_CONFIG_MAX,
 *         APP_CONFIG_MAX_TOKENS, JSON_TOK_MAX_DEPTH, APP_MAX_SESSIONS,
 *         APP_MAX_FILES, APP_MAX_STATIC_TOKENS, CONFIG_JWT_MAX_KEYS,
 *         CONFIG_JWT_MAX_TENANTS, APP_STORE_FILES,
 *         APP_STORE_ARENA; the message names it);
 *         APP_ERR_INVAL for anything else malformed (frame, JSON, schema,
 *         duplicate session) or NULL part/out.
 */
int config_load(const uint8_t *part, size_t part_len, struct config *out, char *why,
                size_t why_cap);

/**
 * IEEE 802.3 CRC-32 (reflected polynomial 0xEDB88320, init and final XOR
 * 0xFFFFFFFF), the same as zlib.crc32(): "123456789" gives 0xCBF43926.
 */
/**
 * config_load() with the caller's parse workspace instead of the module's
 * own token array: ws (int-aligned, at least CONFIG_WORKSPACE_SIZE bytes)
 * is used only during the call. The firmware lends it memory that is idle
 * at boot (the HTTP connection pool), so the 8 KB of tokens cost no RAM.
 * @return as config_load(); APP_ERR_INVAL also for a missing, short or
 *         misaligned workspace.
 */
int config_load_ws(const uint8_t *part, size_t part_len, struct config *out, char *why,
                   size_t why_cap, void *ws, size_t ws_len);

uint32_t config_crc32(const uint8_t *p, size_t n);

#endif
