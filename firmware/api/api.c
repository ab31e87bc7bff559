/* Graph upload-session endpoint: decisions and rendering. */
#include "api.h"

#include <string.h>

#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "datetime.h"
#include "json.h"
#include "route.h"
#include "store.h"

/* Content-Type of a Graph entity response (contract "Success response"). */
static const char k_ct_odata[] =
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8";
static const char k_ct_error[] = "application/json";

static uint16_t s_redirect_port; /* 0: plain HTTP is served */
static bool s_provisioned;
static const char *s_service_root = "";
static const char *s_realm = "";

void api_init(bool provisioned, const char *service_root, const char *realm)
{
    s_provisioned = provisioned;
    s_service_root = service_root != NULL ? service_root : "";
    s_realm = realm != NULL ? realm : "";
}

void api_set_redirect(uint16_t https_port)
{
    s_redirect_port = https_port;
}

static const char *reason_phrase(uint16_t status)
{
    switch (status) {
    case 200: return "OK";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
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

/* Copy a message, cut to fit (a message is prose, not a document). */
static void set_message(struct api_response *r, const char *a, const char *b, const char *c)
{
    size_t n = 0;
    const char *parts[3] = {a, b, c};
    for (size_t i = 0; i < 3u; i++) {
        for (const char *p = parts[i]; p != NULL && *p != '\0' && n + 1u < sizeof(r->message); p++) {
            r->message[n++] = *p;
        }
    }
    r->message[n] = '\0';
}

static void error(struct api_response *r, uint16_t status, const char *code)
{
    r->status = status;
    r->code = code;
}

/* Render the body: the session entity or the error object. */
static void render_body(const struct api_response *r, struct json_out *o)
{
    if (r->redirect) {
        return; /* no body (RFC 9110 15.4.9 allows none) */
    }
    if (r->code == NULL) {
        const struct store_session *s = r->session;
        size_t n;
        const char *cat = store_session_catalog_id(s, &n);
        size_t cat_n = n;
        const char *res = store_session_resource_id(s, &n);
        size_t res_n = n;
        const char *id = store_session_id(s, &n);
        size_t id_n = n;

        json_obj_begin(o);
        /* @odata.context: <serviceRoot>/$metadata#...('<c>')/...('<r>')/uploadSessions/$entity.
         * Ids are printable ASCII without '/', '"' or '\\' is still escaped. */
        json_key(o, "@odata.context");
        {
            /* Build the URL as one string value through a small buffer. */
            char ctx[APP_SERVICE_ROOT_MAX + 2 * APP_ID_MAX + 200];
            size_t k = 0;
            const char *segs[] = {s_service_root,
                                  "/$metadata#identityGovernance/entitlementManagement/accessPackageCatalogs('",
                                  NULL, "')/accessPackageResources('", NULL,
                                  "')/uploadSessions/$entity"};
            for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
                const char *p = segs[i];
                size_t pn;
                if (i == 2u) {
                    p = cat;
                    pn = cat_n;
                } else if (i == 4u) {
                    p = res;
                    pn = res_n;
                } else {
                    pn = strlen(p);
                }
                if (k + pn > sizeof(ctx)) {
                    pn = 0; /* cannot happen: sizes are bounded by config limits */
                }
                memcpy(ctx + k, p, pn);
                k += pn;
            }
            json_strn(o, ctx, k);
        }
        json_key(o, "id");
        json_strn(o, id, id_n);
        json_key(o, "status");
        json_str(o, store_status_name(store_status(s, r->now_ms)));
        json_key(o, "isUploadDone");
        json_bool(o, store_session_upload_done(s));
        json_key(o, "stats");
        json_obj_begin(o);
        json_key(o, "filesUploaded");
        json_i64(o, store_files_uploaded(s));
        json_key(o, "totalBytesUploaded");
        json_i64(o, store_total_bytes(s));
        json_obj_end(o);
        json_key(o, "files");
        json_arr_begin(o);
        int nfiles = store_session_file_count(s);
        for (int i = 0; i < nfiles; i++) {
            struct store_file_info f;
            if (store_session_file(s, i, &f) != APP_OK) {
                json_null(o); /* cannot happen; makes the render fail loudly */
                continue;
            }
            json_obj_begin(o);
            json_key(o, "name");
            json_strn(o, f.name, f.name_len);
            json_key(o, "size");
            json_i64(o, f.size);
            json_key(o, "uploadedDateTime");
            json_time_ms(o, f.uploaded_ms);
            json_obj_end(o);
        }
        json_arr_end(o);
        json_key(o, "createdDateTime");
        json_time_ms(o, store_session_created_ms(s));
        json_key(o, "expirationDateTime");
        json_time_ms(o, store_session_expiration_ms(s));
        json_obj_end(o);
        return;
    }
    char date[24];
    if (datetime_iso8601(r->now_ms, date, sizeof(date), 0) < 0) {
        date[0] = '\0';
    }
    json_obj_begin(o);
    json_key(o, "error");
    json_obj_begin(o);
    json_key(o, "code");
    json_str(o, r->code);
    json_key(o, "message");
    json_str(o, r->message);
    json_key(o, "innerError");
    json_obj_begin(o);
    json_key(o, "date");
    json_str(o, date);
    json_key(o, "request-id");
    json_str(o, r->request_id);
    json_key(o, "client-request-id");
    if (r->crid_len > 0u) {
        json_strn(o, r->client_request_id, r->crid_len);
    } else {
        json_str(o, r->request_id);
    }
    json_obj_end(o);
    json_obj_end(o);
    json_obj_end(o);
}

static void render_head(const struct api_response *r, struct json_out *o)
{
    char date[40];
    json_raw_str(o, "HTTP/1.1 ");
    json_raw_u64(o, r->status);
    json_raw(o, " ", 1);
    json_raw_str(o, reason_phrase(r->status));
    if (!r->redirect) {
        json_raw_str(o, "\r\nContent-Type: ");
        json_raw_str(o, r->code == NULL ? k_ct_odata : k_ct_error);
    }
    json_raw_str(o, "\r\nContent-Length: ");
    json_raw_u64(o, r->body_len);
    if (r->redirect) {
        json_raw_str(o, "\r\nLocation: https://");
        json_raw(o, r->loc_host.p, r->loc_host.n);
        if (s_redirect_port != 443u) {
            json_raw(o, ":", 1);
            json_raw_u64(o, s_redirect_port);
        }
        json_raw(o, r->loc_target.p, r->loc_target.n);
    }
    json_raw_str(o, "\r\nrequest-id: ");
    json_raw_str(o, r->request_id);
    json_raw_str(o, "\r\nclient-request-id: ");
    if (r->crid_len > 0u) {
        json_raw(o, r->client_request_id, r->crid_len);
    } else {
        json_raw_str(o, r->request_id);
    }
    if (datetime_imf_fixdate(r->now_ms, date, sizeof(date)) > 0) {
        json_raw_str(o, "\r\nDate: ");
        json_raw_str(o, date);
    }
    json_raw_str(o, "\r\nCache-Control: no-store");
    if (r->tls) {
        json_raw_str(o, "\r\nStrict-Transport-Security: max-age=31536000");
    }
    if (r->allow) {
        json_raw_str(o, "\r\nAllow: GET, HEAD");
    }
    if (r->www_auth) {
        /* RFC 6750 3: error only when a token was presented. */
        json_raw_str(o, "\r\nWWW-Authenticate: Bearer realm=\"");
        json_raw_str(o, s_realm);
        json_raw_str(o, r->www_auth == 2u ? "\", error=\"invalid_token\"" : "\"");
    }
    if (r->retry_after) {
        json_raw_str(o, "\r\nRetry-After: ");
        json_raw_u64(o, r->retry_after);
    }
    if (r->close) {
        json_raw_str(o, "\r\nConnection: close");
    }
    json_raw_str(o, "\r\n\r\n");
}

/* Room kept in front of the body for the head when preparing: the longest
 * head (every optional field, 64-byte ids, a 64-byte realm) is < 512. */
#define API_HEAD_ROOM 512u

size_t api_prepare(struct api_response *r, char *buf, size_t cap, bool *ready)
{
    struct json_out o;
    *ready = false;
    /* One pass over the body: it lands behind the head's room when it
     * fits, and is counted in any case (the writer keeps counting past
     * its window). */
    bool room = cap > API_HEAD_ROOM;
    if (room) {
        json_init(&o, buf + API_HEAD_ROOM, cap - API_HEAD_ROOM);
    } else {
        json_init_count(&o);
    }
    render_body(r, &o);
    int n = json_result(&o);
    if (n < 0 && !json_more(&o)) {
        /* Cannot happen with a validated config; never send a bad document. */
        r->session = NULL;
        r->code = "generalException";
        r->status = 500;
        r->close = 1;
        set_message(r, "An internal error occurred.", NULL, NULL);
        return api_prepare(r, buf, cap, ready);
    }
    r->body_len = (uint32_t)json_total(&o);
    bool body_here = room && n >= 0;

    struct json_out h;
    json_init(&h, buf, room ? API_HEAD_ROOM : cap);
    render_head(r, &h);
    int hn = json_result(&h);
    size_t head_len = json_total(&h);
    size_t total = head_len + (r->head_only ? 0u : r->body_len);
    if (hn >= 0 && (r->head_only || body_here)) {
        if (!r->head_only) {
            memmove(buf + head_len, buf + API_HEAD_ROOM, r->body_len);
        }
        *ready = true;
    }
    return total;
}

size_t api_response_length(const struct api_response *r)
{
    struct json_out o;
    json_init_count(&o);
    render_head(r, &o);
    return json_total(&o) + (r->head_only ? 0u : r->body_len);
}

size_t api_render(const struct api_response *r, char *buf, size_t cap, size_t skip)
{
    struct json_out o;
    json_init_window(&o, buf, cap, skip);
    render_head(r, &o);
    if (!r->head_only && !json_more(&o)) {
        render_body(r, &o);
    }
    int n = json_result(&o);
    if (n >= 0) {
        return (size_t)n;
    }
    return json_more(&o) ? cap : 0u;
}

/* For the log: the target, shortened to its start and its end (the ids)
 * when long, with anything unprintable shown as '?'. */
static void copy_log_path(struct api_response *r, const struct http_request *req)
{
    const char *p = req->target.p;
    size_t n = req->target.n;
    size_t o = 0;
    enum { HEAD_KEEP = 24, TAIL_KEEP = 44 };
    for (size_t i = 0; i < n && o < sizeof(r->log_path); i++) {
        if (n > HEAD_KEEP + TAIL_KEEP + 3 && i == HEAD_KEEP) {
            memcpy(r->log_path + o, "...", 3);
            o += 3;
            i = n - TAIL_KEEP;
        }
        char c = p[i];
        r->log_path[o++] = (c >= 0x21 && c <= 0x7E) ? c : '?';
    }
    r->log_path_len = (uint8_t)o;
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
    memcpy(r->client_request_id, req->client_request_id.p, n);
    r->crid_len = (uint8_t)n;
    return true;
}

/* The host of a Host field value without its port: a reg-name or IPv4
 * address of [A-Za-z0-9.-], or a bracketed IPv6 literal (RFC 3986 3.2.2),
 * so that nothing else can be smuggled into the Location field. */
static bool redirect_host(const struct http_request *req, struct http_slice *out)
{
    if (!req->has_host || req->host.n == 0u) {
        return false;
    }
    const char *p = req->host.p;
    size_t n = req->host.n;
    size_t end = n;
    if (p[0] == '[') {
        size_t i = 1;
        while (i < n && p[i] != ']') {
            char c = p[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == ':' || c == '.')) {
                return false;
            }
            i++;
        }
        if (i >= n || i == 1u) {
            return false;
        }
        end = i + 1u;
    } else {
        for (size_t i = 0; i < n; i++) {
            char c = p[i];
            if (c == ':') {
                end = i;
                break;
            }
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '.' || c == '-')) {
                return false;
            }
        }
        if (end == 0u) {
            return false;
        }
    }
    /* Whatever follows must be ":" and a port. */
    if (end < n) {
        if (p[end] != ':') {
            return false;
        }
        for (size_t i = end + 1u; i < n; i++) {
            if (p[i] < '0' || p[i] > '9') {
                return false;
            }
        }
    }
    out->p = p;
    out->n = (uint16_t)end;
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

void api_handle(const struct http_request *req, bool tls, struct auth_cache *cache,
                struct api_response *r)
{
    struct route_result route;
    base(r, tls);
    copy_log_path(r, req);
    r->head_only = req->method == HTTP_METHOD_HEAD;
    /* HTTP/1.0 closes unless it asked to be kept alive; 1.1 the reverse. */
    r->close = req->conn_close || (req->version_minor == 0u && !req->conn_keep_alive);

    if (!take_client_request_id(r, req)) {
        error(r, 400, "BadRequest");
        set_message(r, "Invalid client-request-id header.", NULL, NULL);
    } else if (!tls && s_redirect_port != 0u) {
        redirect(r, req);
    } else if (!s_provisioned) {
        error(r, 503, "serviceNotAvailable");
        set_message(r, "The device is not provisioned.", NULL, NULL);
        r->retry_after = 60;
    } else if (req->content_length > 0 || req->transfer_encoding) {
        /* We cannot find the end of a body we do not read: close after. */
        error(r, 400, "BadRequest");
        set_message(r, "A request body is not supported for this method.", NULL, NULL);
        r->close = 1;
    } else {
        int err = route_match(req->path.p, req->path.n, req->query.p, req->has_query ? req->query.n : 0u,
                              &route);
        if (err != APP_OK) {
            error(r, 400, "BadRequest");
            if (route.kind == ROUTE_BAD_QUERY) {
                set_message(r, "Query option '", route.detail, "' is not supported for this request.");
            } else if (route.kind == ROUTE_BAD_SEGMENT) {
                set_message(r, "Resource not found for the segment '", route.detail, "'.");
            } else {
                set_message(r, "The request URL is malformed.", NULL, NULL);
            }
        } else if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
            error(r, 405, "methodNotAllowed");
            set_message(r, "The method is not supported for this URL.", NULL, NULL);
            r->allow = 1;
        } else {
            enum auth_result a =
                auth_check_cached(req->has_authorization ? req->authorization.p : NULL,
                                  req->has_authorization ? req->authorization.n : 0u, cache);
            if (a == AUTH_EMPTY) {
                error(r, 401, "InvalidAuthenticationToken");
                set_message(r, "Access token is empty.", NULL, NULL);
                r->www_auth = 1;
            } else if (a == AUTH_INVALID) {
                error(r, 401, "InvalidAuthenticationToken");
                set_message(r, "Access token validation failure.", NULL, NULL);
                r->www_auth = 2;
            } else if (a == AUTH_FORBIDDEN) {
                error(r, 403, "accessDenied");
                set_message(r, "Insufficient privileges to complete the operation.", NULL, NULL);
            } else {
                enum store_missing missing;
                const struct store_session *s = NULL;
                if (store_find(route.catalog.s, route.catalog.n, route.resource.s, route.resource.n,
                               route.session.s, route.session.n, &s, &missing) == APP_OK) {
                    r->status = 200;
                    r->session = s;
                } else {
                    error(r, 404, "ResourceNotFound");
                    if (missing == STORE_MISSING_CATALOG) {
                        set_message(r, "No accessPackageCatalog with id '", route.catalog.s, "' was found.");
                    } else if (missing == STORE_MISSING_RESOURCE) {
                        set_message(r, "No accessPackageResource with id '", route.resource.s, "' was found.");
                    } else {
                        set_message(r, "No uploadSession with id '", route.session.s, "' was found.");
                    }
                }
            }
        }
    }
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
        copy_log_path(r, req);
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
