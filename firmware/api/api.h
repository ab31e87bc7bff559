/* The Graph endpoint: turns a parsed request into a response descriptor
 * (status, headers, body source) and renders that response, head and body,
 * into a window of a caller buffer as often as the connection needs
 * (api-contract.md "Success response" and "Error response"). */
#ifndef API_H
#define API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app_config.h"
#include "http_parser.h"
#include "odata.h"
#include "resp.h"
#include "uuid.h"

struct store_session;
struct auth_cache;

#ifndef APP_API_MSG_MAX
#define APP_API_MSG_MAX 160
#endif

/* A page of GET {collection} (contract Part 2 "Operations"). */
struct api_list {
    const char *cat, *res;  /* the ids @odata.context names (store arena or config text) */
    uint8_t cat_n, res_n;
    uint8_t n;              /* entries in page */
    uint8_t count_on;       /* $count=true: "@odata.count" */
    uint8_t has_next;       /* "@odata.nextLink" */
    uint16_t count;         /* sessions the filter matched */
    uint16_t next_skip;
    uint8_t page[APP_API_PAGE_MAX]; /* store indices, in the order asked */
    /* nextLink: [scheme://host]path?q1 q2[&]$skip=next_skip, pieces of the
     * request head (q1 q2: the query without its $skip option). */
    struct http_slice host, path, q1, q2;
};

/* Everything needed to render one response, slice by slice, identically:
 * a snapshot taken when the request was answered (the request buffer may
 * be reused meanwhile). */
struct api_response {
    uint16_t status;
    uint8_t head_only;      /* HEAD: Content-Length of the body, no body */
    uint8_t close;          /* Connection: close, then close */
    uint8_t tls;            /* Strict-Transport-Security */
    uint8_t www_auth;       /* 0 none, 1 realm, 2 realm + error="invalid_token" */
    uint8_t allow;          /* Allow: API_ALLOW_* of the route */
    uint8_t retry_after;    /* seconds, 0 none */
    uint8_t redirect;       /* 308 to HTTPS: Location, no body */
    uint8_t kind;           /* API_BODY_*: what the body is */
    uint8_t crid_len;
    uint8_t msg_len;
    uint16_t msg_esc_len;
    /* Location pieces, the client-request-id and the target for the log
     * line point into the request head (valid until the response is sent
     * and logged: the server keeps the head until then). */
    struct http_slice loc_host, loc_target;
    const char *crid;       /* client-request-id, crid_len bytes */
    struct http_slice log_target; /* empty: none (408, 503) */
    const char *code;       /* error code; NULL for a success */
    const struct store_session *session;
    /* The store as api_prepare() saw it: while its generation holds,
     * session (and a list's page) are still what they were; after a change
     * the session is found again by its key, and a list stops short. */
    uint32_t session_key;
    uint32_t store_gen;
    int64_t now_ms;
    uint32_t body_len;      /* Content-Length, fixed by api_prepare() */
    char request_id[UUID_STR_LEN + 1];
    /* An error's message, the /metrics snapshot, or a list's page (one
     * at a time). */
    union {
        char message[APP_API_MSG_MAX];
        uint32_t metric[APP_API_MSG_MAX / 4];
        struct api_list list;
        struct {
            uint32_t session_key; /* API_BODY_FILE: whose file, and its id, */
            uint8_t id[16];       /* checked before every slice is read */
        } blob;
    };
    uint8_t v1;             /* the v1.0 rendering (path family asked) */
    uint8_t expand;         /* $expand=files */
    uint8_t file_i;         /* API_BODY_FILE: the file's index in session */
    /* For the log line only. */
    const char *log_method;
    /* API_IN_*: the request's body comes first (server: CONN_BODY). */
    uint8_t body_in;
    uint8_t detached;       /* api_detach(): messages end before the kept crid */
    /* 201: Location is this request path, "/", the new session's id. */
    struct http_slice new_loc;
};

/* What api_handle() wants of the request body before it answers. */
enum {
    API_IN_NONE = 0,
    API_IN_COLLECT, /* whole, then api_body_done() */
    API_IN_STREAM,  /* api_body_data() as it comes, then api_body_done(NULL) */
};

/* Largest JSON body of a write call (contract: 413 above). */
#ifndef APP_API_JSON_MAX
#define APP_API_JSON_MAX 2048
#endif

/* The body api_handle() asked to collect (body_in == API_IN_COLLECT) has
 * come whole: body[0..n), after the head of req. Fills the response. */
void api_body_done(const struct http_request *req, const char *body, size_t n,
                   struct api_response *r);

/* The next decoded bytes of a streamed body (uploadFile). APP_OK, or an
 * error with the response set (the server then answers and closes). */
int api_body_data(struct api_response *r, const char *p, size_t n);

/* The connection that was sending a streamed body is gone or timed out:
 * nothing of it is kept. Does nothing for other responses. */
void api_body_abort(struct api_response *r);

/* The server gives the request's head buffer back while an upload's body
 * keeps coming or a stored file streams out (API_BODY_FILE), so that other
 * requests need not wait for them; the head slices this response points to
 * go with it. Keeps what it still needs, the client-request-id, in the
 * message's last APP_ID_MAX bytes (messages are cut to the rest; a file's
 * response holds its ids at the union's start); with none, the end of the
 * target for the log line, else "($value)" or "(uploadFile)". Not for other kinds (a list's
 * nextLink and a 201's Location are pieces of the head). */
void api_detach(struct api_response *r);

/* The body could not be read: bad chunked framing (400), over its limit
 * (413), or the client stopped sending it (408). Answers and closes. */
void api_body_failed(struct api_response *r, uint16_t status, const char *why);

/* Bodies besides the session entity and the error object. */
enum {
    API_BODY_GRAPH = 0, /* a session */
    API_BODY_METRICS,
    API_BODY_HEALTH,
    API_BODY_NONE,      /* 204 */
    API_BODY_LIST,      /* a page of sessions */
    API_BODY_FILE,      /* a stored file's bytes ($value) */
};

/* Service settings from the configuration. service_root and realm must
 * stay valid (they point into the static config). */
void api_init(bool provisioned, const char *service_root, const char *realm);

struct config;
/* The provisioned catalogs and resources (config_catalog_missing()) and
 * the session lifetime; NULL: only stored sessions' pairs are known. */
void api_set_config(const struct config *cfg);

/* Plain HTTP answers every request with 308 to https://{Host}{target},
 * naming https_port unless it is 443; 0 turns that off (the default). */
void api_set_redirect(uint16_t https_port);

/* Answer a complete, well-formed request head. auth is the connection's
 * token cache (may be NULL). */
void api_handle(const struct http_request *req, bool tls, struct auth_cache *auth,
                struct api_response *out);

/* Answer a head the parser refused (req->status, req->reason); closes. */
void api_parse_error(const struct http_request *req, bool tls, struct api_response *out);

/* 408 for a head not complete in time; closes. */
void api_timeout(bool tls, struct api_response *out);

/* 503 + Retry-After for a connection that found no free slot; closes. */
void api_busy(bool tls, struct api_response *out);

/* Fix the body length (from lengths kept since the store last changed,
 * or summed from the error's pieces; never by rendering). Call once per
 * response, then api_fill() until api_done(). A session that cannot be
 * rendered becomes a 500 here, before any byte is sent. */
void api_prepare(struct api_response *r);

/* Render the next bytes of the response at cursor c (resp_cursor_init()
 * for a new response) into buf[0..cap) and advance c: one pass over the
 * response in all, however it is sliced. Returns the bytes written: cap,
 * or fewer at the end. */
size_t api_fill(const struct api_response *r, struct resp_cursor *c, char *buf, size_t cap);

/* True once every byte of the response has been rendered at c. */
bool api_done(const struct api_response *r, const struct resp_cursor *c);

/* True when the rendered body has exactly the Content-Length promised
 * (call once api_done()); false is a bug, and the caller closes rather
 * than leave the client with a wrong framing. */
bool api_length_ok(const struct api_response *r, const struct resp_cursor *c);

#endif
