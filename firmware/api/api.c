/* Graph upload-session endpoint: decisions and rendering. */
#include "api.h"

#include <string.h>

#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "datetime.h"
#include "hal_board.h"
#include "json.h"
#include "json_tok.h"
#include "csv.h"
#include "multipart.h"
#include "metrics.h"
#include "resp.h"
#include "route.h"
#include "store.h"
#include "wordscan.h"

/* Content-Type of a Graph entity response (contract "Success response"). */
static const char k_ct_odata[] =
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8";
static const char k_ct_error[] = "application/json";
/* Prometheus text exposition format 0.0.4. */
static const char k_ct_metrics[] = "text/plain; version=0.0.4; charset=utf-8";
static const char k_ct_text[] = "text/plain; charset=utf-8";

static uint16_t s_redirect_port; /* 0: plain HTTP is served */
static bool s_provisioned;
static const struct config *s_cfg;
static const char *s_service_root = "";
static const char *s_realm = "";
static size_t s_root_len; /* service root and its escaped length */
static size_t s_root_esc;
static bool s_root_swap; /* the root ends in "/beta": the v1.0 family's ends in "/v1.0" */

void api_init(bool provisioned, const char *service_root, const char *realm)
{
    s_provisioned = provisioned;
    s_service_root = service_root != NULL ? service_root : "";
    s_realm = realm != NULL ? realm : "";
    s_root_len = strlen(s_service_root);
    s_root_esc = json_escaped_len(s_service_root, s_root_len);
    if (s_root_esc == JSON_LEN_INVALID) {
        s_root_len = s_root_esc = 0; /* config validated it; never a bad document */
    }
    s_root_swap = s_root_len >= 5u && memcmp(s_service_root + s_root_len - 5u, "/beta", 5) == 0;
}

void api_set_config(const struct config *cfg)
{
    s_cfg = cfg;
}

void api_set_redirect(uint16_t https_port)
{
    s_redirect_port = https_port;
}

static const char *method_name(const struct http_request *req)
{
    switch (req->method) {
    case HTTP_METHOD_GET: return "GET";
    case HTTP_METHOD_HEAD: return "HEAD";
    case HTTP_METHOD_POST: return "POST";
    case HTTP_METHOD_PUT: return "PUT";
    case HTTP_METHOD_PATCH: return "PATCH";
    case HTTP_METHOD_DELETE: return "DELETE";
    case HTTP_METHOD_OPTIONS: return "OPTIONS";
    default: return "OTHER";
    }
}

static void base(struct api_response *r, bool tls)
{
    memset(r, 0, sizeof(*r));
    r->tls = tls;
    r->now_ms = clock_now_ms();
    (void)uuid_v4(r->request_id);
    r->log_method = "-";
}

/* Every message fits: the most text around an echoed detail is the 50
 * bytes of "Query option '...' is not supported for this request.". */
_Static_assert(sizeof(((struct api_response *)0)->message) >=
                   50u + sizeof(((struct route_result *)0)->detail),
               "APP_API_MSG_MAX too small for the messages");

/* Copy a message (cut to fit, never expected). Every part is valid
 * UTF-8: literals, ids of printable ASCII, and the router's detail, which
 * it makes valid (route.h), so the body stays valid JSON (RFC 8259 8.1). */
/* api_detach() keeps the client-request-id (or the target's end)
 * here, behind the message. */
#define API_MSG_KEEP (sizeof(((struct api_response *)0)->message) - APP_ID_MAX)
_Static_assert(API_MSG_KEEP >= 96u, "an upload's messages (csv_message()) fit before the kept id");

static void set_message(struct api_response *r, const char *a, const char *b, const char *c)
{
    size_t n = 0;
    size_t cap = r->detached ? API_MSG_KEEP : sizeof(r->message);
    const char *parts[3] = {a, b, c};
    for (size_t i = 0; i < 3u; i++) {
        for (const char *p = parts[i]; p != NULL && *p != '\0' && n + 1u < cap; p++) {
            r->message[n++] = *p;
        }
    }
    r->message[n] = '\0';
    size_t esc = json_escaped_len(r->message, n);
    if (esc == JSON_LEN_INVALID) {
        n = esc = 0; /* a bug: an empty message, never a bad document */
    }
    r->msg_len = (uint8_t)n;
    r->msg_esc_len = (uint16_t)esc;
}

static void error(struct api_response *r, uint16_t status, const char *code)
{
    r->status = status;
    r->code = code;
}

/* ---- rendering ----------------------------------------------------------
 * Every response is a program of pieces (resp.h): constant text is one
 * literal per run, values come from get() below. */

enum field {
    /* head */
    F_STATUS_LINE, F_HAS_CT, F_CT, F_HAS_CLEN, F_CLEN, F_HAS_NEWLOC, F_NEWLOC, F_RID, F_CRID, F_HAS_DATE, F_DATE, F_TLS, F_ALLOW,
    F_WWW, F_WWW_ERR, F_WWW_PLAIN, F_REALM, F_RETRY, F_CLOSE, F_REDIRECT, F_LOC_HOST,
    F_LOC_HAS_PORT, F_LOC_PORT, F_LOC_TARGET,
    /* session entity */
    F_ROOT, F_CAT, F_RES, F_SID, F_STATUS, F_DONE, F_NFILES, F_TOTAL, F_FILES, F_FNAME, F_FSIZE,
    F_FTIME, F_CREATED, F_EXPIRES,
    /* v1.0 rendering */
    F_ROOT_V1, F_ROOT_SWAP, F_STATUS_V1, F_REF, F_DEFID, F_EXPAND, F_FID,
    /* list */
    F_PAGE, F_LCAT, F_LRES, F_COUNT_ON, F_COUNT, F_HAS_NEXT, F_NEXT_HAS_HOST, F_NEXT_SCHEME,
    F_NEXT_HOST, F_NEXT_PATH, F_NEXT_Q1, F_NEXT_Q2, F_NEXT_AMP, F_NEXT_SKIP,
    /* $value */
    F_BLOB,
    /* error object */
    F_CODE, F_MSG, F_IDATE, F_CRID_JSON,
    /* /metrics (diag/metrics.c): the reset cause, then the snapshot */
    F_METRICS_RESET = METRICS_FIELD_RESET,
};

_Static_assert(F_CRID_JSON < METRICS_FIELD_RESET, "api fields run into the metrics fields");
_Static_assert(METRICS_VALUES <= APP_API_MSG_MAX / 4, "the metrics snapshot shares the message");

#define LIT(s) {RESP_LIT, 0, sizeof(s) - 1u, s}
#define VAL(kind, f) {kind, f, 0, NULL}
#define IF(f, n) {RESP_IF, f, n, NULL}
#define END {RESP_END, 0, 0, NULL}

static const struct resp_op k_head[] = {
    LIT("HTTP/1.1 "), VAL(RESP_RAW, F_STATUS_LINE),
    IF(F_HAS_CT, 2), LIT("\r\nContent-Type: "), VAL(RESP_RAW, F_CT),
    IF(F_HAS_CLEN, 2), LIT("\r\nContent-Length: "), VAL(RESP_U64, F_CLEN),
    IF(F_REDIRECT, 6), LIT("\r\nLocation: https://"), VAL(RESP_RAW, F_LOC_HOST),
        IF(F_LOC_HAS_PORT, 2), LIT(":"), VAL(RESP_U64, F_LOC_PORT),
        VAL(RESP_RAW, F_LOC_TARGET),
    IF(F_HAS_NEWLOC, 4), LIT("\r\nLocation: "), VAL(RESP_RAW, F_NEWLOC), LIT("/"),
        VAL(RESP_RAW, F_SID),
    LIT("\r\nrequest-id: "), VAL(RESP_RAW, F_RID),
    LIT("\r\nclient-request-id: "), VAL(RESP_RAW, F_CRID),
    IF(F_HAS_DATE, 2), LIT("\r\nDate: "), VAL(RESP_RAW, F_DATE),
    LIT("\r\nCache-Control: no-store"),
    IF(F_TLS, 1), LIT("\r\nStrict-Transport-Security: max-age=31536000"),
    IF(F_ALLOW, 2), LIT("\r\nAllow: "), VAL(RESP_RAW, F_ALLOW),
    /* RFC 6750 3: error only when a token was presented. */
    IF(F_WWW, 6), LIT("\r\nWWW-Authenticate: Bearer realm=\""), VAL(RESP_RAW, F_REALM),
        IF(F_WWW_ERR, 1), LIT("\", error=\"invalid_token\""),
        IF(F_WWW_PLAIN, 1), LIT("\""),
    IF(F_RETRY, 2), LIT("\r\nRetry-After: "), VAL(RESP_U64, F_RETRY),
    IF(F_CLOSE, 1), LIT("\r\nConnection: close"),
    LIT("\r\n\r\n"),
    END,
};

/* Ops in a run of ops (for the counts of RESP_EACH / RESP_NEXT / RESP_IF). */
#define NOPS(...) ((uint16_t)(sizeof((struct resp_op[]){__VA_ARGS__}) / sizeof(struct resp_op)))

/* A beta session after its "id":" (contract "Success response"). */
#define BETA_FILE                                                                                  \
    {RESP_SEP, 0, 0, NULL}, LIT("{\"name\":\""), VAL(RESP_STR, F_FNAME),                          \
        LIT("\",\"size\":"), VAL(RESP_U64, F_FSIZE), LIT(",\"uploadedDateTime\":"),               \
        VAL(RESP_TIME, F_FTIME), LIT("}")
#define BETA_FIELDS                                                                                \
    VAL(RESP_STR, F_SID), LIT("\",\"status\":\""), VAL(RESP_RAW, F_STATUS),                       \
        LIT("\",\"isUploadDone\":"), VAL(RESP_BOOL, F_DONE),                                      \
        LIT(",\"stats\":{\"filesUploaded\":"), VAL(RESP_U64, F_NFILES),                           \
        LIT(",\"totalBytesUploaded\":"), VAL(RESP_U64, F_TOTAL), LIT("},\"files\":["),             \
        {RESP_EACH, F_FILES, NOPS(BETA_FILE), NULL}, BETA_FILE,                                     \
        {RESP_NEXT, 0, NOPS(BETA_FILE), NULL}, LIT("],\"createdDateTime\":"),                       \
        VAL(RESP_TIME, F_CREATED), LIT(",\"expirationDateTime\":"), VAL(RESP_TIME, F_EXPIRES),      \
        LIT("}")

/* A v1.0 session after its "id":" (contract Part 2: @odata.type, id,
 * referenceId, status, isUploadDone, createdDateTime, stats, data; files
 * with $expand=files). */
#define V1_FILE                                                                                    \
    {RESP_SEP, 0, 0, NULL}, LIT("{\"id\":\""), VAL(RESP_RAW, F_FID), LIT("\",\"name\":\""),        \
        VAL(RESP_STR, F_FNAME), LIT("\",\"size\":"), VAL(RESP_U64, F_FSIZE),                       \
        LIT(",\"uploadedDateTime\":"), VAL(RESP_TIME, F_FTIME), LIT("}")
#define V1_FILES                                                                                   \
    LIT(",\"files\":["), {RESP_EACH, F_FILES, NOPS(V1_FILE), NULL}, V1_FILE,                        \
        {RESP_NEXT, 0, NOPS(V1_FILE), NULL}, LIT("]")
#define V1_TYPE "\"@odata.type\":\"#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession\""
#define V1_FIELDS                                                                                  \
    VAL(RESP_STR, F_SID), LIT("\",\"referenceId\":\""), VAL(RESP_STR, F_REF),                      \
        LIT("\",\"status\":\""), VAL(RESP_RAW, F_STATUS_V1), LIT("\",\"isUploadDone\":"),          \
        VAL(RESP_BOOL, F_DONE), LIT(",\"createdDateTime\":"), VAL(RESP_TIME, F_CREATED),            \
        LIT(",\"stats\":{\"filesUploaded\":"), VAL(RESP_U64, F_NFILES),                           \
        LIT(",\"totalBytesUploaded\":"), VAL(RESP_U64, F_TOTAL),                                   \
        LIT("},\"data\":{\"@odata.type\":\"#microsoft.graph.customDataProvidedResourcePayloads."     \
            "accessReviewContextData\",\"reviewDefinitionId\":\""),                                 \
        VAL(RESP_STR, F_DEFID), LIT("\",\"reviewInstanceId\":\""), VAL(RESP_STR, F_REF),             \
        LIT("\"}"), IF(F_EXPAND, NOPS(V1_FILES)), V1_FILES, LIT("}")

/* <serviceRoot>/$metadata#<path of the family asked>, for the v1.0 family
 * with a root ending in "/beta" on "/v1.0" instead. */
#define CONTEXT_BETA(cat, res)                                                                     \
    LIT("{\"@odata.context\":\""), VAL(RESP_STR, F_ROOT),                                           \
        LIT("/$metadata#identityGovernance/entitlementManagement/accessPackageCatalogs('"),         \
        VAL(RESP_STR, cat), LIT("')/accessPackageResources('"), VAL(RESP_STR, res)
#define CONTEXT_V1(cat, res)                                                                       \
    LIT("{\"@odata.context\":\""), VAL(RESP_STR, F_ROOT_V1), IF(F_ROOT_SWAP, 1), LIT("/v1.0"),      \
        LIT("/$metadata#identityGovernance/entitlementManagement/catalogs('"), VAL(RESP_STR, cat),   \
        LIT("')/resources('"), VAL(RESP_STR, res)

/* Contract "Success response": the seed's object plus @odata.context,
 * <serviceRoot>/$metadata#...('<c>')/...('<r>')/uploadSessions/$entity. */
static const struct resp_op k_session[] = {
    CONTEXT_BETA(F_CAT, F_RES), LIT("')/uploadSessions/$entity\",\"id\":\""), BETA_FIELDS,
    END,
};

static const struct resp_op k_session_v1[] = {
    CONTEXT_V1(F_CAT, F_RES), LIT("')/uploadSessions/$entity\"," V1_TYPE ",\"id\":\""), V1_FIELDS,
    END,
};

/* GET {collection}: {"@odata.context", ["@odata.count",] "value": [...],
 * ["@odata.nextLink"]} (contract Part 2; OData JSON 4.01 4.5). */
#define LIST_HEAD                                                                                  \
    LIT("')/uploadSessions\""), IF(F_COUNT_ON, 2), LIT(",\"@odata.count\":"),                       \
        VAL(RESP_U64, F_COUNT), LIT(",\"value\":[")
#define NEXT_LINK                                                                                  \
    LIT(",\"@odata.nextLink\":\""), IF(F_NEXT_HAS_HOST, 3), VAL(RESP_RAW, F_NEXT_SCHEME),          \
        LIT("://"), VAL(RESP_STR, F_NEXT_HOST), VAL(RESP_STR, F_NEXT_PATH), LIT("?"),               \
        VAL(RESP_STR, F_NEXT_Q1), VAL(RESP_STR, F_NEXT_Q2), IF(F_NEXT_AMP, 1), LIT("&"),            \
        LIT("$skip="), VAL(RESP_U64, F_NEXT_SKIP), LIT("\"")
#define LIST_TAIL LIT("]"), IF(F_HAS_NEXT, NOPS(NEXT_LINK)), NEXT_LINK, LIT("}")
#define BETA_ITEM {RESP_SEP, 0, 0, NULL}, LIT("{\"id\":\""), BETA_FIELDS
#define V1_ITEM {RESP_SEP, 0, 0, NULL}, LIT("{" V1_TYPE ",\"id\":\""), V1_FIELDS

static const struct resp_op k_list[] = {
    CONTEXT_BETA(F_LCAT, F_LRES), LIST_HEAD,
    {RESP_EACH, F_PAGE, NOPS(BETA_ITEM), NULL}, BETA_ITEM, {RESP_NEXT, 0, NOPS(BETA_ITEM), NULL},
    LIST_TAIL,
    END,
};

static const struct resp_op k_list_v1[] = {
    CONTEXT_V1(F_LCAT, F_LRES), LIST_HEAD,
    {RESP_EACH, F_PAGE, NOPS(V1_ITEM), NULL}, V1_ITEM, {RESP_NEXT, 0, NOPS(V1_ITEM), NULL},
    LIST_TAIL,
    END,
};

/* GET .../files/{f}/$value: the stored bytes (OData 4.01 Part 2, 4.12). */
static const struct resp_op k_file[] = {
    VAL(RESP_BLOB, F_BLOB),
    END,
};

static const struct resp_op k_health[] = {
    LIT("ok"),
    END,
};

/* Contract "Error response": Graph's error object. */
static const struct resp_op k_error[] = {
    LIT("{\"error\":{\"code\":\""), VAL(RESP_STR, F_CODE),
    LIT("\",\"message\":\""), VAL(RESP_STR, F_MSG),
    LIT("\",\"innerError\":{\"date\":\""), VAL(RESP_RAW, F_IDATE),
    LIT("\",\"request-id\":\""), VAL(RESP_RAW, F_RID),
    LIT("\",\"client-request-id\":\""), VAL(RESP_STR, F_CRID_JSON),
    LIT("\"}}}"),
    END,
};

/* Date texts change once a second: kept per second, not made per request.
 * A later slice of an older response puts its own second back, so a
 * response's bytes never depend on when its slices are rendered. */
struct date_cache {
    int64_t lo;  /* first ms of the second the text is for; -1: none */
    uint8_t n;   /* text length, 0 when the time cannot be shown */
    char text[DATETIME_IMF_FIXDATE_LEN + 1];
};
static struct date_cache s_imf = {-1, 0, {0}};
static struct date_cache s_iso = {-1, 0, {0}};

static const struct date_cache *date_text(struct date_cache *dc, int64_t ms, bool imf)
{
    if (ms < dc->lo || ms - dc->lo >= 1000 || dc->lo < 0) {
        int64_t lo = ms - ms % 1000;
        int n = imf ? datetime_imf_fixdate(lo, dc->text, sizeof(dc->text))
                    : datetime_iso8601(lo, dc->text, sizeof(dc->text), 0);
        dc->n = (uint8_t)(n > 0 ? n : 0);
        dc->lo = lo;
    }
    return dc;
}

static const char *status_line(uint16_t status, size_t *n)
{
    /* After the template's "HTTP/1.1 " (RFC 9112 4). */
    static const char *const lines[] = {
        "200 OK", "308 Permanent Redirect", "400 Bad Request", "401 Unauthorized",
        "403 Forbidden", "404 Not Found", "405 Method Not Allowed", "408 Request Timeout",
        "413 Content Too Large", "414 URI Too Long", "431 Request Header Fields Too Large",
        "503 Service Unavailable", "505 HTTP Version Not Supported", "204 No Content",
        "507 Insufficient Storage", "411 Length Required", "415 Unsupported Media Type",
        "201 Created", "409 Conflict", "500 Internal Server Error",
    };
    static const uint16_t codes[] = {200, 308, 400, 401, 403, 404, 405, 408, 413,
                                     414, 431, 503, 505, 204, 507, 411, 415, 201, 409};
    size_t i = 0;
    while (i < sizeof(codes) / sizeof(codes[0]) && codes[i] != status) {
        i++;
    }
    *n = strlen(lines[i]);
    return lines[i];
}

static void set_str(struct resp_val *v, const char *p, size_t n)
{
    v->p = p;
    v->n = n;
    v->esc_n = n;
}

/* A string that may need JSON escaping: the scan is skipped for the
 * plain strings the store vouches for. */
static void set_json(struct resp_val *v, const char *p, size_t n, size_t esc_n)
{
    v->p = p;
    v->n = n;
    v->esc_n = esc_n;
}

/* The file of a $value response, found again by its session's key and
 * its own id: a session deleted (and its index entry reused) while the
 * bytes stream out stops the stream short, which the length check turns
 * into a closed connection, never another file's bytes. */
static const struct store_session *blob_session(const struct api_response *r)
{
    uint8_t id[16];
    const struct store_session *s = store_session_at(store_session_by_key(r->blob.session_key));
    if (s == NULL || store_file_id(s, r->file_i, id) != APP_OK ||
        memcmp(id, r->blob.id, sizeof(id)) != 0) {
        return NULL;
    }
    return s;
}

/* The session a field is about: the response's, or in a list the page
 * entry of the outer loop. */
static const struct store_session *item_session(const struct api_response *r, const uint16_t *item,
                                                uint8_t depth)
{
    bool same = r->store_gen == store_generation();
    if (r->kind != API_BODY_LIST) {
        /* Another connection's write between two slices may have moved
         * the session in the index (a delete compacts it): found again by
         * its key, or gone, which ends the response short (the length
         * check closes it), never another session's fields. */
        return (same || r->session == NULL) ? r->session
                                            : store_session_at(store_session_by_key(r->session_key));
    }
    return (same && depth > 0u && item[0] < r->list.n) ? store_session_at(r->list.page[item[0]]) : NULL;
}

/* A session's referenceId and review data (on flash only), for the v1.0
 * rendering: read once per session and store change, not per field. The
 * data is "reviewDefinitionId\nsource\ntype\n" (create_session()). */
static struct {
    bool valid;
    uint32_t key, gen;
    int ref_n, data_n;
    char ref[APP_ID_MAX];
    char data[3u * (APP_ID_MAX + 1u)];
} s_rd;

static void review_data(const struct store_session *s)
{
    if (s_rd.valid && s_rd.key == store_session_key(s) && s_rd.gen == store_generation()) {
        return;
    }
    s_rd.ref_n = store_session_reference_id(s, s_rd.ref, sizeof(s_rd.ref));
    s_rd.data_n = store_session_data(s, s_rd.data, sizeof(s_rd.data));
    s_rd.ref_n = s_rd.ref_n > 0 ? s_rd.ref_n : 0;
    s_rd.data_n = s_rd.data_n > 0 ? s_rd.data_n : 0; /* imported sessions have none */
    s_rd.key = store_session_key(s);
    s_rd.gen = store_generation();
    s_rd.valid = true;
}

/* A string the request or the store holds, escaped for JSON (validated
 * where it entered: never JSON_LEN_INVALID here). */
static void set_text(struct resp_val *v, const char *p, size_t n)
{
    size_t esc = json_escaped_len(p, n);
    set_json(v, p, n, esc == JSON_LEN_INVALID ? 0u : esc);
    if (esc == JSON_LEN_INVALID) {
        v->n = 0;
    }
}

static const char *const k_allow[] = {
    NULL, "GET, HEAD, PATCH, DELETE", "GET, HEAD, POST", "POST", "GET, HEAD",
};

static void get(const void *ctx, uint8_t field, const uint16_t *item, uint8_t depth,
                struct resp_val *v)
{
    static char fid[UUID_STR_LEN + 1];
    const struct api_response *r = ctx;
    const struct store_session *s = item_session(r, item, depth);
    uint16_t fi = depth > 0u ? item[depth - 1u] : 0u;
    struct store_file_info f;
    size_t n;
    if (s == NULL && field >= F_CAT && field <= F_FID && field != F_ROOT_V1 &&
        field != F_ROOT_SWAP && field != F_EXPAND) {
        set_str(v, "", 0); /* cannot happen: page entries are live sessions */
        return;
    }
    switch ((enum field)field) {
    case F_STATUS_LINE: v->p = status_line(r->status, &v->n); break;
    case F_HAS_CT: v->v = !r->redirect && r->kind != API_BODY_NONE; break;
    case F_HAS_CLEN: v->v = r->kind != API_BODY_NONE; break; /* RFC 9110 8.6: none on 204 */
    case F_HAS_NEWLOC: v->v = r->status == 201; break;
    case F_NEWLOC: set_str(v, r->new_loc.p, r->new_loc.n); break;
    case F_CT:
        if (r->kind == API_BODY_METRICS) {
            set_str(v, k_ct_metrics, sizeof(k_ct_metrics) - 1u);
        } else if (r->kind == API_BODY_HEALTH) {
            set_str(v, k_ct_text, sizeof(k_ct_text) - 1u);
        } else if (r->kind == API_BODY_FILE && r->code == NULL) {
            set_str(v, "text/csv", 8); /* RFC 4180 3 */
        } else if (r->code == NULL) {
            set_str(v, k_ct_odata, sizeof(k_ct_odata) - 1u);
        } else {
            set_str(v, k_ct_error, sizeof(k_ct_error) - 1u);
        }
        break;
    case F_CLEN: v->v = r->body_len; break;
    case F_RID: set_str(v, r->request_id, UUID_STR_LEN); break;
    case F_CRID:
        if (r->crid_len > 0u) {
            set_str(v, r->crid, r->crid_len);
        } else {
            set_str(v, r->request_id, UUID_STR_LEN);
        }
        break;
    case F_CRID_JSON:
        if (r->crid_len > 0u) {
            /* Only error bodies echo it in JSON: scanned here, not for
             * every request that sends one. */
            set_json(v, r->crid, r->crid_len, json_escaped_len(r->crid, r->crid_len));
        } else {
            set_str(v, r->request_id, UUID_STR_LEN);
        }
        break;
    case F_HAS_DATE: v->v = date_text(&s_imf, r->now_ms, true)->n > 0u; break;
    case F_DATE: {
        const struct date_cache *dc = date_text(&s_imf, r->now_ms, true);
        set_str(v, dc->text, dc->n);
        break;
    }
    case F_IDATE: {
        const struct date_cache *dc = date_text(&s_iso, r->now_ms, false);
        set_str(v, dc->text, dc->n);
        break;
    }
    case F_TLS: v->v = r->tls; break;
    case F_ALLOW:
        v->v = r->allow;
        if (r->allow < sizeof(k_allow) / sizeof(k_allow[0]) && k_allow[r->allow] != NULL) {
            set_str(v, k_allow[r->allow], strlen(k_allow[r->allow]));
        }
        break;
    case F_WWW: v->v = r->www_auth; break;
    case F_WWW_ERR: v->v = r->www_auth == 2u; break;
    case F_WWW_PLAIN: v->v = r->www_auth != 2u; break;
    case F_REALM: set_str(v, s_realm, strlen(s_realm)); break;
    case F_RETRY: v->v = r->retry_after; break;
    case F_CLOSE: v->v = r->close; break;
    case F_REDIRECT: v->v = r->redirect; break;
    case F_LOC_HOST: set_str(v, r->loc_host.p, r->loc_host.n); break;
    case F_LOC_HAS_PORT: v->v = s_redirect_port != 443u; break;
    case F_LOC_PORT: v->v = s_redirect_port; break;
    case F_LOC_TARGET: set_str(v, r->loc_target.p, r->loc_target.n); break;
    case F_ROOT: set_json(v, s_service_root, s_root_len, s_root_esc); break;
    case F_CAT:
        v->p = store_session_catalog_id(s, &n);
        set_json(v, v->p, n, store_session_catalog_id_esc(s));
        break;
    case F_RES:
        v->p = store_session_resource_id(s, &n);
        set_json(v, v->p, n, store_session_resource_id_esc(s));
        break;
    case F_SID:
        v->p = store_session_id(s, &n);
        set_json(v, v->p, n, store_session_id_esc(s));
        break;
    case F_STATUS: {
        const char *st = store_status_name(store_status(s, r->now_ms));
        set_str(v, st, strlen(st));
        break;
    }
    case F_DONE: v->v = store_session_upload_done(s); break;
    case F_NFILES: v->v = (uint64_t)store_files_uploaded(s); break;
    case F_TOTAL: v->v = (uint64_t)store_total_bytes(s); break;
    case F_FILES: v->v = (uint64_t)store_session_file_count(s); break;
    case F_FNAME:
    case F_FSIZE:
    case F_FTIME:
        if (store_session_file(s, fi, &f) != APP_OK) {
            set_str(v, "", 0); /* cannot happen: the count came from the store */
            break;
        }
        if (field == F_FNAME) {
            set_json(v, f.name, f.name_len, f.name_esc_len);
        } else {
            v->v = (uint64_t)(field == F_FSIZE ? f.size : f.uploaded_ms);
        }
        break;
    case F_ROOT_V1:
        set_json(v, s_service_root, s_root_len - (s_root_swap ? 5u : 0u),
                 s_root_esc - (s_root_swap ? 5u : 0u));
        break;
    case F_ROOT_SWAP: v->v = s_root_swap; break;
    case F_STATUS_V1: {
        static const char *const k_v1[] = {"active", "complete", "expired"};
        const char *st = k_v1[store_status(s, r->now_ms)];
        set_str(v, st, strlen(st));
        break;
    }
    case F_REF:
        review_data(s);
        set_text(v, s_rd.ref, (size_t)s_rd.ref_n);
        break;
    case F_DEFID: {
        review_data(s);
        const char *nl = memchr(s_rd.data, '\n', (size_t)s_rd.data_n);
        set_text(v, s_rd.data, nl != NULL ? (size_t)(nl - s_rd.data) : 0u);
        break;
    }
    case F_EXPAND: v->v = r->expand; break;
    case F_FID: {
        uint8_t b[16];
        if (store_file_id(s, fi, b) != APP_OK) {
            memset(b, 0, sizeof(b));
        }
        uuid_format(b, fid);
        set_str(v, fid, UUID_STR_LEN);
        break;
    }
    case F_PAGE: v->v = r->list.n; break;
    case F_LCAT: set_text(v, r->list.cat, r->list.cat_n); break;
    case F_LRES: set_text(v, r->list.res, r->list.res_n); break;
    case F_COUNT_ON: v->v = r->list.count_on; break;
    case F_COUNT: v->v = r->list.count; break;
    case F_HAS_NEXT: v->v = r->list.has_next; break;
    case F_NEXT_HAS_HOST: v->v = r->list.host.n > 0u; break;
    case F_NEXT_SCHEME: set_str(v, r->tls ? "https" : "http", r->tls ? 5u : 4u); break;
    case F_NEXT_HOST: set_text(v, r->list.host.p, r->list.host.n); break;
    case F_NEXT_PATH: set_text(v, r->list.path.p, r->list.path.n); break;
    case F_NEXT_Q1: set_text(v, r->list.q1.p, r->list.q1.n); break;
    case F_NEXT_Q2: set_text(v, r->list.q2.p, r->list.q2.n); break;
    case F_NEXT_AMP: {
        const struct http_slice *last = r->list.q2.n > 0u ? &r->list.q2 : &r->list.q1;
        v->v = last->n > 0u && last->p[last->n - 1u] != '&';
        break;
    }
    case F_NEXT_SKIP: v->v = r->list.next_skip; break;
    case F_BLOB:
        s = blob_session(r);
        v->n = (s != NULL && store_session_file(s, r->file_i, &f) == APP_OK) ? (size_t)f.size : 0u;
        break;
    case F_CREATED: v->v = (uint64_t)store_session_created_ms(s); break;
    case F_EXPIRES: v->v = (uint64_t)store_session_expiration_ms(s); break;
    case F_CODE: set_str(v, r->code, strlen(r->code)); break;
    case F_MSG: set_json(v, r->message, r->msg_len, r->msg_esc_len); break;
    case F_METRICS_RESET: {
        const char *cause = hal_board_reset_cause();
        set_str(v, cause, strlen(cause));
        break;
    }
    default:
        if (field >= METRICS_FIELD && field < METRICS_FIELD + METRICS_VALUES) {
            v->v = r->metric[field - METRICS_FIELD];
        } else {
            set_str(v, "", 0);
        }
        break;
    }
}

/* Body length of each session without its status text (which follows
 * the clock), kept until the store changes: computed when the data
 * changes, not per request. */
static uint32_t s_body_gen[APP_MAX_SESSIONS]; /* store_generation() then; 0: never */
static uint16_t s_body_len[APP_MAX_SESSIONS];  /* a session body is < 64 KiB */

static size_t session_body_len(const struct api_response *r)
{
    int i = store_session_index(r->session);
    if (i < 0) {
        return SIZE_MAX;
    }
    size_t status = strlen(store_status_name(store_status(r->session, r->now_ms)));
    uint32_t gen = store_generation();
    if (s_body_gen[i] != gen) {
        size_t n = resp_length(k_session, get, r);
        if (n == SIZE_MAX) {
            return SIZE_MAX;
        }
        if (n - status > UINT16_MAX) {
            return n; /* too long to keep (not with today's limits): every time */
        }
        s_body_len[i] = (uint16_t)(n - status);
        s_body_gen[i] = gen;
    }
    return s_body_len[i] + status;
}

/* The body program of a success. */
static const struct resp_op *body_program(const struct api_response *r)
{
    switch (r->kind) {
    case API_BODY_METRICS: return metrics_program();
    case API_BODY_HEALTH: return k_health;
    case API_BODY_LIST: return r->v1 ? k_list_v1 : k_list;
    case API_BODY_FILE: return k_file;
    default: return r->v1 ? k_session_v1 : k_session;
    }
}

static bool read_blob(const void *ctx, uint8_t field, uint32_t off, void *buf, size_t n)
{
    const struct api_response *r = ctx;
    const struct store_session *s = blob_session(r);
    (void)field;
    return s != NULL && store_file_read(s, r->file_i, off, buf, n) == (int)n;
}

static void doc_of(const struct api_response *r, struct resp_doc *d)
{
    d->parts[0] = k_head;
    d->parts[1] = (r->head_only || r->redirect || r->kind == API_BODY_NONE) ? NULL
                  : r->code != NULL                                       ? k_error
                                                                          : body_program(r);
    d->parts[2] = NULL;
    d->get = get;
    d->ctx = r;
    d->read = read_blob;
}

void api_prepare(struct api_response *r)
{
    size_t n = 0;
    r->store_gen = store_generation();
    r->session_key = r->session != NULL ? store_session_key(r->session) : 0u;
    if (r->redirect || r->kind == API_BODY_NONE) {
        n = 0; /* no body (RFC 9110 15.4.9 allows none; 15.3.5: 204 has none) */
    } else if (r->code == NULL && r->kind == API_BODY_HEALTH) {
        n = 2;
    } else if (r->code == NULL) {
        /* The seed's GET is the hot path: its length is kept per session. */
        n = (r->kind == API_BODY_GRAPH && !r->v1) ? session_body_len(r)
                                                  : resp_length(body_program(r), get, r);
        if (n == SIZE_MAX || n > UINT32_MAX) {
            /* Cannot happen with a validated store; never send a bad document. */
            r->session = NULL;
            r->kind = API_BODY_GRAPH;
            r->status = 500;
            r->close = 1;
            r->code = "generalException";
            set_message(r, "An internal error occurred.", NULL, NULL);
            n = resp_length(k_error, get, r);
        }
    } else {
        n = resp_length(k_error, get, r);
    }
    r->body_len = (uint32_t)n;
}

size_t api_fill(const struct api_response *r, struct resp_cursor *c, char *buf, size_t cap)
{
    struct resp_doc d;
    doc_of(r, &d);
    return resp_fill(&d, c, buf, cap);
}

bool api_done(const struct api_response *r, const struct resp_cursor *c)
{
    struct resp_doc d;
    doc_of(r, &d);
    return resp_done(&d, c);
}

bool api_length_ok(const struct api_response *r, const struct resp_cursor *c)
{
    uint32_t body = c->done - c->mark;
    return body == ((r->head_only || r->redirect || r->kind == API_BODY_NONE) ? 0u : r->body_len);
}

/* The request's path is exactly p (no query). */
static bool path_is(const struct http_request *req, const char *p)
{
    size_t n = strlen(p);
    return req->path.n == n && memcmp(req->path.p, p, n) == 0;
}

/* For the log line: the method and the target (a slice of the head). */
static void note_log(struct api_response *r, const struct http_request *req)
{
    r->log_target = req->target;
    r->log_method = method_name(req);
}

/* client-request-id: 1..64 printable bytes (contract), else 400. */
static bool take_client_request_id(struct api_response *r, const struct http_request *req)
{
    if (!req->has_client_request_id) {
        return true;
    }
    size_t n = req->client_request_id.n;
    if (n == 0u || n > APP_ID_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)req->client_request_id.p[i];
        if (c < 0x20u || c > 0x7Eu) {
            return false;
        }
    }
    r->crid = req->client_request_id.p;
    r->crid_len = (uint8_t)n;
    return true;
}

/* The host of the Host field without its port. The parser let through
 * only RFC 3986 3.2.2 syntax (reg-name, IPv4 or a bracketed IPv6
 * literal, then ":" digits), so nothing else can reach the Location
 * field; a request without Host (HTTP/1.0) cannot be redirected. */
static bool redirect_host(const struct http_request *req, struct http_slice *out)
{
    if (!req->has_host) {
        return false;
    }
    const char *p = req->host.p;
    bool lit = p[0] == '[';
    const char *end = memchr(p, lit ? ']' : ':', req->host.n);
    out->p = p;
    out->n = end == NULL ? req->host.n : (uint16_t)(end - p + lit);
    return true;
}

/* Plain HTTP configured to redirect: 308 to the same target over HTTPS
 * (RFC 9110 15.4.9; 308 keeps the method). The Location's pieces point
 * into the request head, which the server keeps until the response is
 * sent. */
static void redirect(struct api_response *r, const struct http_request *req)
{
    struct http_slice host;
    if (!redirect_host(req, &host)) {
        error(r, 400, "BadRequest");
        set_message(r, "A valid Host header is required to redirect to HTTPS.", NULL, NULL);
        return;
    }
    r->status = 308;
    r->redirect = 1;
    r->loc_host = host;
    if (req->absolute_form || req->target.n == 0u || req->target.p[0] != '/') {
        /* Absolute form: its path (and query) only; asterisk form: "/". */
        static const char root[] = "/";
        r->loc_target.p = req->path.n > 0u ? req->path.p : root;
        r->loc_target.n = req->path.n > 0u ? req->path.n : 1u;
        if (req->path.n > 0u && req->has_query) {
            r->loc_target.n = (uint16_t)(req->query.p + req->query.n - req->path.p);
        }
    } else {
        r->loc_target = req->target;
    }
}

/* Which id of the route names nothing: the catalog and resource are known
 * when provisioned (configuration) or when a stored session has them. */
static enum store_missing pair_missing(const struct route_result *rt)
{
    int m = (s_cfg != NULL) ? config_catalog_missing(s_cfg, rt->catalog.s, rt->catalog.n,
                                                      rt->resource.s, rt->resource.n)
                            : 1;
    enum store_missing sm = STORE_MISSING_CATALOG;
    const struct store_session *s;
    (void)store_find(rt->catalog.s, rt->catalog.n, rt->resource.s, rt->resource.n, "", 0, &s, &sm);
    if (m == 0 || sm == STORE_MISSING_SESSION) {
        return STORE_MISSING_SESSION;
    }
    return (m == 2 || sm == STORE_MISSING_RESOURCE) ? STORE_MISSING_RESOURCE
                                                    : STORE_MISSING_CATALOG;
}

static void not_found(struct api_response *r, const struct route_result *rt,
                      enum store_missing missing)
{
    error(r, 404, "ResourceNotFound");
    if (missing == STORE_MISSING_CATALOG) {
        set_message(r, "No accessPackageCatalog with id '", rt->catalog.s, "' was found.");
    } else if (missing == STORE_MISSING_RESOURCE) {
        set_message(r, "No accessPackageResource with id '", rt->resource.s, "' was found.");
    } else {
        set_message(r, "No uploadSession with id '", rt->session.s, "' was found.");
    }
}

/* The body framing every write call needs (RFC 9112 6): chunked alone or
 * Content-Length, not both (a smuggling pattern, RFC 9112 6.1), not
 * neither (411). True when refused, with the response set. */
static bool framing_refused(struct api_response *r, const struct http_request *req)
{
    if (req->transfer_encoding && !req->te_chunked) {
        error(r, 400, "BadRequest");
        set_message(r, "Only the chunked transfer coding is supported.", NULL, NULL);
    } else if (req->transfer_encoding && req->content_length >= 0) {
        error(r, 400, "BadRequest");
        set_message(r, "Both Transfer-Encoding and Content-Length were sent.", NULL, NULL);
    } else if (!req->transfer_encoding && req->content_length < 0) {
        error(r, 411, "BadRequest");
        set_message(r, "A Content-Length or chunked body is required.", NULL, NULL);
    } else {
        return false;
    }
    return true;
}

/* A write call's JSON body (contract Part 2): Content-Type
 * application/json (415), framed by Content-Length or chunked (411), at
 * most APP_API_JSON_MAX bytes (413); then the server collects it and calls
 * api_body_done(). */
static void want_json_body(struct api_response *r, const struct http_request *req)
{
    static const char k_json[] = "application/json";
    const struct http_slice *ct = &req->content_type;
    size_t n = sizeof(k_json) - 1u;
    bool json = req->has_content_type && ct->n >= n && wordscan_caseeq(ct->p, k_json, n) &&
                (ct->n == n || ct->p[n] == ';' || ct->p[n] == ' ' || ct->p[n] == '\t');
    if (framing_refused(r, req)) {
        return;
    } else if (!json) {
        error(r, 415, "BadRequest");
        set_message(r, "The body must be application/json.", NULL, NULL);
    } else if (req->content_length > (int64_t)APP_API_JSON_MAX) {
        error(r, 413, "BadRequest");
        set_message(r, "The JSON body is over its limit.", NULL, NULL);
    } else {
        r->body_in = API_IN_COLLECT;
    }
}

/* ---- uploadFile ---------------------------------------------------------------
 * One upload at a time (the multipart reader, the CSV check and the store
 * writer are one static context, ~1.2 KB): a second gets 503 + Retry-After.
 * The file's bytes go to flash as they come; the file exists only once
 * its FILE record is written, after the whole body checked out. */
static struct {
    const struct api_response *owner; /* NULL: free */
    uint32_t session_key;
    bool ended; /* the part's closing delimiter came */
    struct mp_reader mp;
    struct csv_check csv;
    struct store_writer w;
} s_up;

static void upload_free(void)
{
    store_file_abort(&s_up.w);
    s_up.owner = NULL;
}

/* "CSV line <l>, field <f>: <reason>" (field only when the fault is one). */
static void csv_message(struct api_response *r)
{
    char m[96];
    char d[12];
    size_t n = 0;
    const char *parts[5];
    size_t k = 0;
    const char *p = json_u64_digits(d + sizeof(d) - 1, csv_line(&s_up.csv));
    d[sizeof(d) - 1] = '\0';
    parts[k++] = "CSV line ";
    parts[k++] = p;
    char f[12];
    if (csv_field(&s_up.csv) > 0u) {
        const char *q = json_u64_digits(f + sizeof(f) - 1, csv_field(&s_up.csv));
        f[sizeof(f) - 1] = '\0';
        parts[k++] = ", field ";
        parts[k++] = q;
    }
    parts[k++] = ": ";
    for (size_t i = 0; i < k; i++) {
        for (const char *c = parts[i]; *c != '\0' && n + 1u < sizeof(m); c++) {
            m[n++] = *c;
        }
    }
    m[n] = '\0';
    error(r, 400, "BadRequest");
    set_message(r, m, csv_reason(&s_up.csv), ".");
}

/* A write the store refused: over a limit (413), full (507), the session
 * gone (404), or the flash failing (503). Every write call answers so. */
static void store_error(struct api_response *r, int err)
{
    if (err == APP_ERR_TOOBIG) {
        error(r, 413, "BadRequest");
        set_message(r, "The file or the session is over its limit, or the session has "
                       "its maximum number of files.", NULL, NULL);
    } else if (err == APP_ERR_NOSPACE || err == APP_ERR_NOMEM) {
        error(r, 507, "insufficientStorage");
        set_message(r, "The device's store is full.", NULL, NULL);
    } else if (err == APP_ERR_NOTFOUND) {
        error(r, 404, "ResourceNotFound");
        set_message(r, "The upload session was deleted.", NULL, NULL);
    } else {
        error(r, 503, "serviceNotAvailable");
        set_message(r, "The session store cannot be written.", NULL, NULL);
        r->retry_after = 60;
    }
}

static int up_begin(void *ctx, const char *name, size_t n)
{
    struct api_response *r = ctx;
    int i = store_session_by_key(s_up.session_key);
    if (store_name_problem(name, n) != NULL) {
        error(r, 400, "BadRequest");
        set_message(r, "The file name is not valid UTF-8 text.", NULL, NULL);
        return APP_ERR_INVAL;
    }
    int err = (i < 0) ? APP_ERR_NOTFOUND : store_file_begin(&s_up.w, i, name, n);
    if (err != APP_OK) {
        store_error(r, err);
        return err;
    }
    csv_init(&s_up.csv);
    return APP_OK;
}

static int up_data(void *ctx, const void *p, size_t n)
{
    struct api_response *r = ctx;
    if (csv_feed(&s_up.csv, p, n) != APP_OK) {
        csv_message(r);
        return APP_ERR_INVAL;
    }
    int err = store_file_write(&s_up.w, p, n);
    if (err != APP_OK) {
        store_error(r, err);
    }
    return err;
}

static int up_end(void *ctx)
{
    struct api_response *r = ctx;
    if (csv_end(&s_up.csv) != APP_OK) {
        csv_message(r);
        return APP_ERR_INVAL;
    }
    s_up.ended = true;
    return APP_OK;
}

static const struct mp_sink k_up_sink = {up_begin, up_data, up_end};

/* The head of POST .../uploadFile: the session takes files, the body is
 * multipart/form-data; then the server streams it (api_body_data()). */
static void want_upload(struct api_response *r, const struct http_request *req,
                        const struct store_session *s)
{
    const char *b = NULL;
    size_t bn = 0;
    enum store_status st = store_status(s, r->now_ms);
    int ct = req->has_content_type ? mp_boundary(req->content_type.p, req->content_type.n, &b, &bn)
                                   : APP_ERR_INVAL;
    if (st != STORE_STATUS_ACTIVE) {
        error(r, 409, "Conflict");
        set_message(r, st == STORE_STATUS_COMPLETE ? "The upload session is complete: it takes no more files."
                                                   : "The upload session has expired.",
                    NULL, NULL);
    } else if (framing_refused(r, req)) {
        return;
    } else if (ct == APP_ERR_INVAL) {
        error(r, 415, "BadRequest");
        set_message(r, "uploadFile takes multipart/form-data.", NULL, NULL);
    } else if (ct != APP_OK) {
        error(r, 400, "BadRequest");
        set_message(r, "bad multipart: the Content-Type boundary is malformed.", NULL, NULL);
    } else if (req->content_length > (int64_t)APP_STORE_FILE_MAX + 65536) {
        error(r, 413, "BadRequest");
        set_message(r, "The file is over its limit.", NULL, NULL);
    } else if (s_up.owner != NULL) {
        error(r, 503, "serviceNotAvailable");
        set_message(r, "Another upload is in progress; retry shortly.", NULL, NULL);
        r->retry_after = 1;
    } else {
        memset(&s_up, 0, sizeof(s_up));
        (void)mp_init(&s_up.mp, b, bn);
        s_up.owner = r;
        s_up.session_key = store_session_key(s);
        r->body_in = API_IN_STREAM;
    }
}

int api_body_data(struct api_response *r, const char *p, size_t n)
{
    if (s_up.owner != r) {
        return APP_ERR_STATE;
    }
    int err = mp_feed(&s_up.mp, p, n, &k_up_sink, r);
    if (err != APP_OK) {
        if (r->code == NULL) {
            error(r, 400, "BadRequest"); /* the reader's own fault, not a sink's */
            set_message(r, "bad multipart: ", s_up.mp.reason != NULL ? s_up.mp.reason : "malformed",
                        ".");
        }
        r->body_in = API_IN_NONE;
        r->close = 1;
        upload_free();
    }
    return err;
}

void api_detach(struct api_response *r)
{
    static const char k_value[] = "($value)";
    static const char k_upload[] = "(uploadFile)";
    char *keep = r->message + API_MSG_KEEP;
    if (r->crid_len > 0u) {
        memmove(keep, r->crid, r->crid_len);
        r->crid = keep;
        bool file = r->kind == API_BODY_FILE;
        r->log_target.p = file ? k_value : k_upload;
        r->log_target.n = (uint16_t)(file ? sizeof(k_value) - 1u : sizeof(k_upload) - 1u);
    } else if (r->log_target.n > 0u) {
        size_t n = r->log_target.n < APP_ID_MAX ? r->log_target.n : APP_ID_MAX;
        memmove(keep, r->log_target.p + r->log_target.n - n, n);
        r->log_target.p = keep;
        r->log_target.n = (uint16_t)n;
    }
    r->detached = 1;
}

void api_body_abort(struct api_response *r)
{
    if (s_up.owner == r) {
        upload_free();
    }
}

/* The whole body came: the file is checked; write its record. */
static void upload_done(struct api_response *r)
{
    if (mp_end(&s_up.mp) != APP_OK || !s_up.ended) {
        error(r, 400, "BadRequest");
        set_message(r, "bad multipart: ", s_up.mp.reason != NULL ? s_up.mp.reason : "no file part",
                    ".");
        upload_free();
        return;
    }
    /* A file id (UUID v4) is for the v1.0 rendering; the beta one has none. */
    uint8_t fid[16];
    (void)uuid_v4_bytes(fid);
    int err = store_file_commit(&s_up.w, fid, clock_now_ms(), NULL);
    s_up.owner = NULL;
    if (err != APP_OK) {
        store_error(r, err);
        return;
    }
    int i = store_session_by_key(s_up.session_key);
    r->status = 200;
    r->session = store_session_at(i);
}

/* Is a before b in createdDateTime order (ties: creation order)? */
static bool created_before(const struct store_session *a, const struct store_session *b, bool desc)
{
    int64_t ta = store_session_created_ms(a);
    int64_t tb = store_session_created_ms(b);
    if (ta == tb) {
        return desc ? store_session_key(a) > store_session_key(b)
                    : store_session_key(a) < store_session_key(b);
    }
    return desc ? ta > tb : ta < tb;
}

static bool same_pair(const struct store_session *s, const struct route_result *rt)
{
    size_t cn = 0;
    size_t rn = 0;
    const char *c = store_session_catalog_id(s, &cn);
    const char *res = store_session_resource_id(s, &rn);
    return cn == rt->catalog.n && rn == rt->resource.n && memcmp(c, rt->catalog.s, cn) == 0 &&
           memcmp(res, rt->resource.s, rn) == 0;
}

/* The ids @odata.context names, in memory that outlives the request: a
 * stored session's, else the configuration's (pair_missing() said one
 * of them has the pair). */
static void pair_ids(struct api_response *r, const struct route_result *rt)
{
    r->list.cat = r->list.res = "";
    for (int i = 0; i < store_count(); i++) {
        const struct store_session *s = store_session_at(i);
        if (same_pair(s, rt)) {
            size_t n = 0;
            r->list.cat = store_session_catalog_id(s, &n);
            r->list.res = store_session_resource_id(s, &n);
            return;
        }
    }
    if (s_cfg == NULL ||
        config_catalog_find(s_cfg, rt->catalog.s, rt->catalog.n, rt->resource.s, rt->resource.n,
                            &r->list.cat, &r->list.res) != 0) {
        r->list.cat = r->list.res = ""; /* cannot happen: the pair was found */
    }
}

static bool json_ok(const char *p, size_t n)
{
    return n == 0u || json_escaped_len(p, n) != JSON_LEN_INVALID;
}

/* GET {collection}: the sessions of (catalog, resource) that pass the
 * filter, in createdDateTime order, one page of them (contract Part 2).
 * The next page's link repeats the request with $skip moved on. */
static void list_sessions(struct api_response *r, const struct http_request *req,
                          const struct route_result *rt)
{
    const struct odata_query *q = &rt->query;
    uint8_t m[APP_MAX_SESSIONS];
    char ref[APP_ID_MAX];
    size_t k = 0;
    for (int i = 0; i < store_count() && !q->none; i++) {
        const struct store_session *s = store_session_at(i);
        if (!same_pair(s, rt) || !(q->status_mask & (1u << store_status(s, r->now_ms)))) {
            continue;
        }
        if (q->has_ref) {
            int n = store_session_reference_id(s, ref, sizeof(ref));
            if (n < 0) {
                store_error(r, n);
                return;
            }
            if ((size_t)n != q->ref_n || memcmp(ref, q->ref, q->ref_n) != 0) {
                continue;
            }
        }
        size_t j = k++;
        for (; j > 0u && created_before(s, store_session_at(m[j - 1u]), q->desc); j--) {
            m[j] = m[j - 1u];
        }
        m[j] = (uint8_t)i;
    }
    const char *qp = req->has_query ? req->query.p : "";
    size_t qn = req->has_query ? req->query.n : 0u;
    if (!json_ok(req->path.p, req->path.n) || !json_ok(qp, qn) ||
        (req->has_host && !json_ok(req->host.p, req->host.n))) {
        error(r, 400, "BadRequest");
        set_message(r, "The request URL is malformed.", NULL, NULL);
        return;
    }
    size_t skip = q->skip < k ? q->skip : k;
    size_t n = k - skip < q->top ? k - skip : q->top;
    r->status = 200;
    r->kind = API_BODY_LIST;
    r->expand = q->expand_files;
    pair_ids(r, rt);
    r->list.cat_n = rt->catalog.n;
    r->list.res_n = rt->resource.n;
    r->list.n = (uint8_t)n;
    memcpy(r->list.page, m + skip, n);
    r->list.count_on = q->count;
    r->list.count = (uint16_t)k;
    r->list.has_next = n > 0u && skip + n < k;
    r->list.next_skip = (uint16_t)(skip + n);
    if (req->has_host) {
        r->list.host = req->host;
    }
    r->list.path = req->path;
    r->list.q1.p = qp;
    r->list.q1.n = q->skip_at;
    r->list.q2.p = qp + q->skip_end;
    r->list.q2.n = (uint16_t)(qn - q->skip_end);
}

/* GET .../files/{f}/$value: the bytes as stored, once their CRC checks
 * out (a file is named by its id, or by its name for the beta rendering,
 * which shows no file ids). */
static void file_value(struct api_response *r, const struct store_session *s,
                       const struct route_result *rt)
{
    char id[UUID_STR_LEN + 1];
    int found = -1;
    for (int i = 0; i < store_session_file_count(s) && found < 0; i++) {
        uint8_t b[16];
        struct store_file_info f;
        if (store_file_id(s, i, b) == APP_OK) {
            uuid_format(b, id);
            if (rt->file.n == UUID_STR_LEN && memcmp(id, rt->file.s, UUID_STR_LEN) == 0) {
                found = i;
            }
        }
        if (found < 0 && store_session_file(s, i, &f) == APP_OK && f.name_len == rt->file.n &&
            memcmp(f.name, rt->file.s, f.name_len) == 0) {
            found = i;
        }
    }
    int err = found < 0 ? APP_ERR_NOTFOUND : store_file_verify(s, found);
    if (found < 0 || err == APP_ERR_NOTFOUND) {
        error(r, 404, "ResourceNotFound");
        set_message(r, found < 0 ? "No file with id '" : "The device does not hold the bytes of file '",
                    rt->file.s, found < 0 ? "' was found." : "'.");
    } else if (err != APP_OK) {
        error(r, 503, "serviceNotAvailable");
        set_message(r, "The stored file does not read back as written.", NULL, NULL);
        r->retry_after = 60;
    } else {
        r->status = 200;
        r->kind = API_BODY_FILE;
        r->session = s;
        r->file_i = (uint8_t)found;
        r->blob.session_key = store_session_key(s);
        if (store_file_id(s, found, r->blob.id) != APP_OK) {
            memset(r->blob.id, 0, sizeof(r->blob.id)); /* imported files have none */
        }
    }
}

/* Methods each route takes (RFC 9110 15.5.6: the Allow of a 405). */
enum { ALLOW_SESSION = 1, ALLOW_COLLECTION, ALLOW_UPLOAD, ALLOW_READ };

static uint8_t allow_of(bool metrics, enum route_kind k)
{
    if (metrics || k == ROUTE_FILE_VALUE) {
        return ALLOW_READ;
    }
    return k == ROUTE_COLLECTION ? ALLOW_COLLECTION : k == ROUTE_UPLOAD ? ALLOW_UPLOAD : ALLOW_SESSION;
}

static bool method_allowed(enum http_method m, uint8_t allow)
{
    switch (m) {
    case HTTP_METHOD_GET:
    case HTTP_METHOD_HEAD: return allow != ALLOW_UPLOAD;
    case HTTP_METHOD_POST: return allow == ALLOW_COLLECTION || allow == ALLOW_UPLOAD;
    case HTTP_METHOD_PATCH:
    case HTTP_METHOD_DELETE: return allow == ALLOW_SESSION;
    default: return false;
    }
}

/* DELETE {collection}/{s}: 204 once the session and its files are gone
 * from flash (contract "Durability"). */
static void delete_session(struct api_response *r, const struct store_session *s)
{
    int err = store_session_delete(store_session_index(s));
    if (err == APP_OK) {
        r->status = 204;
        r->kind = API_BODY_NONE;
    } else {
        store_error(r, err);
    }
}

void api_handle(const struct http_request *req, bool tls, struct auth_cache *cache,
                struct api_response *r)
{
    struct route_result route;
    base(r, tls);
    note_log(r, req);
    r->head_only = req->method == HTTP_METHOD_HEAD;
    bool has_body = req->content_length > 0 || req->transfer_encoding;
    bool is_get = req->method == HTTP_METHOD_GET || req->method == HTTP_METHOD_HEAD;
    /* HTTP/1.0 closes unless it asked to be kept alive; 1.1 the reverse.
     * After a body we do not read, we cannot find the next request. */
    bool ends = req->conn_close || (req->version_minor == 0u && !req->conn_keep_alive);
    r->close = ends || has_body;

    bool metrics = path_is(req, "/metrics");
    if (!take_client_request_id(r, req)) {
        error(r, 400, "BadRequest");
        set_message(r, "Invalid client-request-id header.", NULL, NULL);
    } else if (path_is(req, "/health") && is_get && !has_body) {
        /* Liveness for a load balancer or supervisor: no token, no
         * redirect, nothing about the device. */
        r->status = 200;
        r->kind = API_BODY_HEALTH;
    } else if (!tls && s_redirect_port != 0u) {
        redirect(r, req);
    } else if (!s_provisioned) {
        error(r, 503, "serviceNotAvailable");
        set_message(r, "The device is not provisioned.", NULL, NULL);
        r->retry_after = 60;
    } else if (has_body && is_get) {
        /* Contract: a body on GET is a 400. Other methods get their 405
         * first (RFC 9110 15.5.6): the method is wrong whatever the body. */
        error(r, 400, "BadRequest");
        set_message(r, "A request body is not supported for this method.", NULL, NULL);
    } else {
        int err = metrics ? (req->has_query ? APP_ERR_INVAL : APP_OK)
                          : route_match(req->path.p, req->path.n, req->query.p,
                                        req->has_query ? req->query.n : 0u, &route);
        r->v1 = !metrics && route.v1;
        if (metrics && err != APP_OK) {
            error(r, 400, "BadRequest");
            set_message(r, "/metrics takes no query.", NULL, NULL);
        } else if (err != APP_OK) {
            error(r, 400, "BadRequest");
            if (route.kind == ROUTE_BAD_QUERY) {
                set_message(r, "Query option '", route.detail, "' is not supported for this request.");
            } else if (route.kind == ROUTE_BAD_QUERY_VALUE) {
                set_message(r, "Query option value '", route.detail, "' is not supported.");
            } else if (route.kind == ROUTE_BAD_SEGMENT) {
                set_message(r, "Resource not found for the segment '", route.detail, "'.");
            } else {
                set_message(r, "The request URL is malformed.", NULL, NULL);
            }
        } else if (!method_allowed(req->method, allow_of(metrics, route.kind))) {
            error(r, 405, "methodNotAllowed");
            set_message(r, "The method is not supported for this URL.", NULL, NULL);
            r->allow = allow_of(metrics, route.kind);
        } else {
            /* The value lies in the head buffer this request holds; a
             * JWT is decoded over it and zeroed (auth.h), and nothing
             * after this reads it. */
            enum auth_result a =
                auth_check_cached(req->has_authorization ? (char *)req->authorization.p : NULL,
                                  req->has_authorization ? req->authorization.n : 0u, cache);
            if (a == AUTH_EMPTY) {
                error(r, 401, "InvalidAuthenticationToken");
                set_message(r, "Access token is empty.", NULL, NULL);
                r->www_auth = 1;
            } else if (a == AUTH_INVALID) {
                error(r, 401, "InvalidAuthenticationToken");
                set_message(r, "Access token validation failure.", NULL, NULL);
                r->www_auth = 2;
            } else if (a == AUTH_BUSY) {
                /* mbedTLS's heap could not hold the signature check next
                 * to a handshake: the token was not judged. */
                error(r, 503, "serviceNotAvailable");
                set_message(r, "The access token could not be checked now; retry shortly.", NULL, NULL);
                r->retry_after = 1;
            } else if (a == AUTH_FORBIDDEN || (!is_get && a != AUTH_OK_WRITE)) {
                /* Writes need EntitlementManagement.ReadWrite.All. */
                error(r, 403, "accessDenied");
                set_message(r, "Insufficient privileges to complete the operation.", NULL, NULL);
            } else if (metrics) {
                r->status = 200;
                r->kind = API_BODY_METRICS;
                metrics_snapshot(r->metric);
            } else if (store_state() != APP_OK) {
                /* Contract "Durability": a store that cannot be read is
                 * reported, never silently reset. */
                error(r, 503, "serviceNotAvailable");
                set_message(r, "The session store cannot be read.", NULL, NULL);
                r->retry_after = 60;
            } else if (route.kind == ROUTE_COLLECTION) {
                enum store_missing missing = pair_missing(&route);
                if (missing != STORE_MISSING_SESSION) {
                    not_found(r, &route, missing);
                } else if (is_get) {
                    list_sessions(r, req, &route);
                } else {
                    want_json_body(r, req); /* POST: create, once the body is in */
                }
            } else {
                enum store_missing missing;
                const struct store_session *s = NULL;
                if (store_find(route.catalog.s, route.catalog.n, route.resource.s, route.resource.n,
                               route.session.s, route.session.n, &s, &missing) == APP_OK) {
                    if (route.kind == ROUTE_UPLOAD) {
                        want_upload(r, req, s);
                    } else if (route.kind == ROUTE_FILE_VALUE) {
                        file_value(r, s, &route);
                    } else if (req->method == HTTP_METHOD_DELETE) {
                        delete_session(r, s);
                    } else if (req->method == HTTP_METHOD_PATCH) {
                        want_json_body(r, req);
                    } else {
                        r->status = 200;
                        r->session = s;
                        r->expand = route.query.expand_files;
                    }
                } else {
                    not_found(r, &route, pair_missing(&route));
                }
            }
        }
    }
    if (r->body_in != API_IN_NONE) {
        r->close = ends; /* the server reads the body: the next request can follow */
    }
}

/* PATCH {collection}/{s}: exactly {"isUploadDone": true} (contract). */
/* noinline: its JSON tokens are on the stack for this call only. */
__attribute__((noinline)) static void patch_session(struct api_response *r,
                                                    const struct store_session *s, const char *js,
                                                    size_t n)
{
    jsmntok_t toks[8];
    int count = 0;
    bool done = false;
    int v = APP_ERR_INVAL;
    if (json_tok_parse(js, n, toks, sizeof(toks) / sizeof(toks[0]), &count, NULL) == APP_OK &&
        toks[0].type == JSMN_OBJECT && toks[0].size == 1) {
        v = json_tok_find(js, toks, count, 0, "isUploadDone", 12);
    }
    if (v < 0 || json_tok_bool(js, &toks[v], &done) != APP_OK || !done) {
        error(r, 400, "BadRequest");
        set_message(r, "The only allowed update is to set isUploadDone to true.", NULL, NULL);
        return;
    }
    int err = store_session_set_done(store_session_index(s));
    if (err == APP_OK) {
        r->status = 200;
        r->session = s;
    } else {
        store_error(r, err);
    }
}

/* Members of a create body (contract Part 2: the beta shape, source,
 * type, data{accessReviewId, accessReviewInstanceId}, or the v1.0 one,
 * data{reviewDefinitionId, reviewInstanceId}; either on either path),
 * decoded. */
enum { SLOT_DEFINITION, SLOT_SOURCE, SLOT_TYPE, SLOTS };

struct create_body {
    char instance[APP_ID_MAX + 1]; /* the referenceId */
    int instance_n;
    char slot[SLOTS][APP_ID_MAX + 1];
    int slot_n[SLOTS];
    char data[SLOTS * (APP_ID_MAX + 1)]; /* the slots, each ending in '\n' (review_data()) */
    size_t data_n;
};

/* Set a 400 naming a member (prefix "data." for the inner object). */
static void member_error(struct api_response *r, const char *what, const char *inner,
                         const char *name)
{
    char full[APP_ID_MAX + 8];
    size_t k = 0;
    for (const char *p = inner; p != NULL && *p != '\0' && k + 1u < sizeof(full); p++) {
        full[k++] = *p;
    }
    for (const char *p = name; *p != '\0' && k + 1u < sizeof(full); p++) {
        full[k++] = *p;
    }
    full[k] = '\0';
    error(r, 400, "BadRequest");
    set_message(r, what, full, "'.");
}

/* A string member of 1..APP_ID_MAX printable ASCII bytes into buf, once
 * (the two spellings of a member fill one slot). */
static bool text_member(const char *js, const jsmntok_t *t, char *buf, int *n)
{
    if (t->type != JSMN_STRING || *n > 0) {
        return false;
    }
    *n = json_tok_string(js, t, buf, APP_ID_MAX + 1u);
    for (int i = 0; i < *n; i++) {
        if ((unsigned char)buf[i] < 0x20u || (unsigned char)buf[i] > 0x7Eu) {
            *n = APP_ERR_INVAL;
        }
    }
    return *n > 0;
}

/* One object's members: each must be one of names[] (a string, or for
 * "data" an object); "@odata.type" is allowed anywhere. Returns the token
 * after the object, or a negative error with the response set. */
static int walk_members(struct api_response *r, const char *js, const jsmntok_t *toks, int count,
                        int obj, const char *inner, struct create_body *b, int *data_obj)
{
    char name[APP_ID_MAX + 1];
    if (toks[obj].type != JSMN_OBJECT ||
        json_tok_check_unique(js, toks, count, obj, NULL) != APP_OK) {
        error(r, 400, "BadRequest");
        set_message(r, inner == NULL ? "The request body is not a JSON object without duplicate members."
                                     : "Member 'data' is not an object without duplicate members.",
                    NULL, NULL);
        return APP_ERR_INVAL;
    }
    int i = obj + 1;
    for (int m = 0; m < toks[obj].size; m++) {
        const jsmntok_t *v = &toks[i + 1];
        int n = json_tok_string(js, &toks[i], name, sizeof(name));
        if (n < 0) {
            n = 0;
            memcpy(name, "?", 2);
        }
        bool ok = true;
        bool top = inner == NULL;
        if (json_tok_eq(js, &toks[i], "@odata.type", 11)) {
            ok = v->type == JSMN_STRING;
        } else if (top && json_tok_eq(js, &toks[i], "data", 4)) {
            ok = v->type == JSMN_OBJECT;
            *data_obj = i + 1;
        } else if (top && json_tok_eq(js, &toks[i], "source", 6)) {
            ok = text_member(js, v, b->slot[SLOT_SOURCE], &b->slot_n[SLOT_SOURCE]);
        } else if (top && json_tok_eq(js, &toks[i], "type", 4)) {
            ok = text_member(js, v, b->slot[SLOT_TYPE], &b->slot_n[SLOT_TYPE]);
        } else if (!top && (json_tok_eq(js, &toks[i], "accessReviewId", 14) ||
                            json_tok_eq(js, &toks[i], "reviewDefinitionId", 18))) {
            ok = text_member(js, v, b->slot[SLOT_DEFINITION], &b->slot_n[SLOT_DEFINITION]);
        } else if (!top && (json_tok_eq(js, &toks[i], "accessReviewInstanceId", 22) ||
                            json_tok_eq(js, &toks[i], "reviewInstanceId", 16))) {
            ok = text_member(js, v, b->instance, &b->instance_n) &&
                 store_id_problem(b->instance, (size_t)b->instance_n) == NULL;
        } else {
            member_error(r, "Unknown member '", inner, name);
            return APP_ERR_INVAL;
        }
        if (!ok) {
            member_error(r, "Invalid value for member '", inner, name);
            return APP_ERR_INVAL;
        }
        i = json_tok_skip(toks, count, i + 1);
        if (i < 0) {
            return APP_ERR_INVAL;
        }
    }
    return i;
}

/* Is there a session for (referenceId, resource) that is not Expired?
 * (Graph: one upload session per reference instance and resource.) */
static bool live_pair(const struct route_result *rt, const char *ref, size_t ref_n, int64_t now)
{
    char buf[APP_ID_MAX];
    for (int i = 0; i < store_count(); i++) {
        const struct store_session *s = store_session_at(i);
        size_t n = 0;
        const char *res = store_session_resource_id(s, &n);
        if (n != rt->resource.n || memcmp(res, rt->resource.s, n) != 0 ||
            store_status(s, now) == STORE_STATUS_EXPIRED) {
            continue;
        }
        int k = store_session_reference_id(s, buf, sizeof(buf));
        if (k == (int)ref_n && memcmp(buf, ref, ref_n) == 0) {
            return true;
        }
    }
    return false;
}

/* POST {collection}: a new session, on flash before the 201. */
/* noinline: 640 bytes of tokens and members on the stack for this call
 * only, not in the frame of every request (link-time optimisation). */
__attribute__((noinline)) static void create_session(struct api_response *r,
                                                     const struct http_request *req,
                                                     const struct route_result *rt, const char *js,
                                                     size_t n)
{
    /* On the stack (640 bytes, this call only; the stack's peak is a TLS
     * handshake's, README "Memory"). */
    jsmntok_t toks[32];
    struct create_body b;
    int count = 0;
    int data_obj = -1;
    memset(&b, 0, sizeof(b));
    if (json_tok_parse(js, n, toks, sizeof(toks) / sizeof(toks[0]), &count, NULL) != APP_OK) {
        error(r, 400, "BadRequest");
        set_message(r, "The request body is not valid JSON.", NULL, NULL);
        return;
    }
    if (walk_members(r, js, toks, count, 0, NULL, &b, &data_obj) < 0 ||
        (data_obj >= 0 && walk_members(r, js, toks, count, data_obj, "data.", &b, &data_obj) < 0)) {
        return;
    }
    if (b.instance_n <= 0) {
        member_error(r, "Missing member '", "data.", r->v1 ? "reviewInstanceId" : "accessReviewInstanceId");
        return;
    }
    for (int k = 0; k < SLOTS; k++) {
        size_t sn = b.slot_n[k] > 0 ? (size_t)b.slot_n[k] : 0u;
        memcpy(b.data + b.data_n, b.slot[k], sn);
        b.data_n += sn;
        b.data[b.data_n++] = '\n';
    }
    int64_t now = clock_now_ms();
    if (live_pair(rt, b.instance, (size_t)b.instance_n, now)) {
        error(r, 409, "Conflict");
        set_message(r, "An upload session already exists for this referenceId and resource.",
                    NULL, NULL);
        return;
    }
    char id[UUID_STR_LEN + 1];
    (void)uuid_v4(id);
    uint32_t life = (s_cfg != NULL) ? s_cfg->session_lifetime_s : 86400u;
    struct store_session_in in = {
        .catalog_id = rt->catalog.s, .catalog_id_len = rt->catalog.n,
        .resource_id = rt->resource.s, .resource_id_len = rt->resource.n,
        .id = id, .id_len = UUID_STR_LEN,
        .reference_id = b.instance, .reference_id_len = (size_t)b.instance_n,
        .data = b.data, .data_len = b.data_n,
        .created_ms = now, .expiration_ms = now + (int64_t)life * 1000,
    };
    int idx = -1;
    int err = store_session_add(&in, &idx);
    if (err == APP_ERR_NOSPACE || err == APP_ERR_NOMEM) {
        /* Room from sessions that expired unfinished, then once more. */
        if (store_reclaim_expired(now) > 0) {
            err = store_session_add(&in, &idx);
        }
    }
    if (err == APP_OK) {
        r->status = 201;
        r->session = store_session_at(idx);
        r->new_loc = req->path;
    } else {
        store_error(r, err);
    }
}

void api_body_done(const struct http_request *req, const char *body, size_t n,
                   struct api_response *r)
{
    struct route_result route;
    const struct store_session *s = NULL;
    enum store_missing missing;
    if (r->body_in == API_IN_STREAM) {
        r->body_in = API_IN_NONE;
        upload_done(r);
        return;
    }
    r->body_in = API_IN_NONE;
    if (route_match(req->path.p, req->path.n, req->query.p, req->has_query ? req->query.n : 0u,
                    &route) == APP_OK &&
        route.kind == ROUTE_COLLECTION) {
        if (pair_missing(&route) != STORE_MISSING_SESSION) {
            not_found(r, &route, pair_missing(&route));
        } else {
            create_session(r, req, &route, body, n);
        }
        return;
    }
    if (route.kind != ROUTE_SESSION ||
        store_find(route.catalog.s, route.catalog.n, route.resource.s, route.resource.n,
                   route.session.s, route.session.n, &s, &missing) != APP_OK) {
        /* Deleted by another client while this body came in. */
        error(r, 404, "ResourceNotFound");
        set_message(r, "No uploadSession with id '", route.session.s, "' was found.");
        return;
    }
    patch_session(r, s, body, n);
}

void api_body_failed(struct api_response *r, uint16_t status, const char *why)
{
    api_body_abort(r);
    r->body_in = API_IN_NONE;
    r->close = 1; /* the rest of the body cannot be found any more */
    error(r, status, status == 408 ? "requestTimeout" : "BadRequest");
    set_message(r, why, NULL, NULL);
}

void api_parse_error(const struct http_request *req, bool tls, struct api_response *r)
{
    base(r, tls);
    r->close = 1;
    uint16_t st = req->status;
    if (st != 400 && st != 414 && st != 431 && st != 505 && st != 413) {
        st = 400;
    }
    error(r, st, "BadRequest");
    set_message(r, req->reason != NULL ? req->reason : "Malformed request.", NULL, NULL);
    if (req->target.p != NULL) {
        note_log(r, req);
    }
}

void api_timeout(bool tls, struct api_response *r)
{
    base(r, tls);
    r->close = 1;
    error(r, 408, "requestTimeout");
    set_message(r, "The request headers were not received in time.", NULL, NULL);
}

void api_busy(bool tls, struct api_response *r)
{
    base(r, tls);
    r->close = 1;
    r->retry_after = 1;
    error(r, 503, "serviceNotAvailable");
    set_message(r, "Too many connections; retry shortly.", NULL, NULL);
}
