/* libFuzzer harness for the HTTPS transport (firmware/tls/tls.c): the
 * server side of TLS 1.3 and 1.2 on real mbedTLS, over the fake lwIP TCP
 * of fake_tcp.c (real pbufs), with the real HTTP server core, parser, api,
 * store, config and auth above it. The callbacks driven are the ones tls.c
 * registers (net_listen, tcp_recv, tcp_sent, tcp_err, tcp_poll).
 *
 * Input: operations, each an op byte (bits 0-2 the kind, bits 3-4 the
 * connection 0..2, bits 5-7 a parameter) and its data. Connection 0 is
 * accepted before the first one.
 *   0 DATA    u16 little-endian length, then that many client bytes, cut
 *             into segments of k_segs[parameter] as the window allows
 *   1 ACK     the client acknowledges parameter segments (0: all sent)
 *   2 ROOM    at most k_rooms[parameter] bytes in flight (the peer's
 *             window): partial writes, WANT_WRITE
 *   3 TICK    the clock moves k_ticks[bits 3-5] ms; lwIP's poll
 *             callbacks, then http_server_poll() and tls_poll() (main.c)
 *   4 FIN     the client half-closes (after its bytes)
 *   5 RST     the client resets
 *   6 ACCEPT  a new connection (when that one is not live)
 *   7 FAULT   parameter 0-2: tcp_write fails 1, 2, 8 times; 3: tcp_close
 *             fails once; 4/5: take/give back the pbuf pool; 6/7: 1 or 3
 *             segments per recv callback
 * Then every connection is drained (room, acks, the client's FIN, the
 * deadlines) and whatever is still open is reset. Checked, besides the
 * fake's own rules: every connection ends, no pbuf or mbedTLS heap is
 * left (the heap back at its post-init use), and what a graceful close
 * sent is whole TLS records, and no application data is written while
 * mbedTLS still holds part of a record (it would be dropped).
 *
 * The server's randomness restarts at every input, so an input replays
 * alone, and a session recorded from a real client completes its
 * handshake, as long as tls.c and mbedTLS draw in the same order. To
 * record one (how the seeds with full handshakes were made):
 *   FUZZ_TLS_RECORD=out.bin FUZZ_TLS_PORT=4433 FUZZ_TLS_CONNS=1 fuzz_tls
 * then point a client at 127.0.0.1:4433, e.g.
 *   printf 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
 *       openssl s_client -connect 127.0.0.1:4433 -tls1_3 -quiet -ign_eof
 * FUZZ_TLS_CONNS clients are taken one after the other (resumption: the
 * second one with -sess_in). FAKE_HAL_ECHO=1 shows the firmware log. */
#define _POSIX_C_SOURCE 200809L
/* The recorder's sockets bring the C library's htons() and friends. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store.h"
#include "fake_flash.h"
#include "api.h"
#include "app_config.h"
#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "fake_tcp.h"
#include "fake_transport.h"
#include "http_server.h"
#include "mbedtls/ssl.h"
#include "psa/crypto.h"
#include "rng.h"
#include "tls.h"
#include "tls_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_tls:%d: %s\n", __LINE__, #c);                                    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

enum { OP_DATA, OP_ACK, OP_ROOM, OP_TICK, OP_FIN, OP_RST, OP_ACCEPT, OP_FAULT };

static const uint16_t k_segs[8] = {TCP_MSS, 1, 2, 5, 31, 100, 536, 1000};
/* Around the record expansion (22 bytes for TLS 1.3 GCM, 29 for 1.2). */
static const uint16_t k_rooms[8] = {FTCP_ROOM_ALL, 0, 1, 22, 30, 100, 600, 1460};
static const uint32_t k_ticks[8] = {1, 100, 500, 1000, 4999, 5000, 10000, 30000};

#define T0_MS 1000u
#define FLOOR_UNIX_MS INT64_C(1764331200000)
/* Ticket keys rotate after APP_TLS_TICKET_LIFETIME_S: an input's clock
 * stays below that, so that inputs do not change the keys for the next. */
#define MAX_ELAPSED_MS 3600000u

/* Development certificate and key for this harness only (EC P-256,
 * self-signed, CN=fuzz-tls.invalid, made once with openssl req -x509). */
static const char k_cert[] = "-----BEGIN CERTIFICATE-----\n"
                             "MIIBjTCCATOgAwIBAgIUTJ/M9r6FRJpPKr45P/YFC2SYyuswCgYIKoZIzj0EAwIw\n"
                             "GzEZMBcGA1UEAwwQZnV6ei10bHMuaW52YWxpZDAgFw0yNjExMjgxODI3NTZaGA8y\n"
                             "MTI2MTEwNDE4Mjc1NlowGzEZMBcGA1UEAwwQZnV6ei10bHMuaW52YWxpZDBZMBMG\n"
                             "ByqGSM49AgEGCCqGSM49AwEHA0IABPyM8ycHULlWhEoWiceIP2Wn3x4baBDtGWrU\n"
                             "iHgqahPLx2UK5EnilDqGIf+TPOW0ajmOQrWmVyj9kLrE7rTO+uyjUzBRMB0GA1Ud\n"
                             "DgQWBBQ3GVe21ppu51GYfrQEgNL3wMtvcDAfBgNVHSMEGDAWgBQ3GVe21ppu51GY\n"
                             "frQEgNL3wMtvcDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQD+\n"
                             "k/AH6+GThbcImifLsZ/v96WOOZ3GvxNFbQQfU9gqmQIgPEYrcotZcwaCYSVsjBkU\n"
                             "T5z4byZv3aOkQtTpVLSgvaY=\n"
                             "-----END CERTIFICATE-----\n";
static const char k_key[] = "-----BEGIN PRIVATE KEY-----\n"
                            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgc2NFMPMcXtz0rSVA\n"
                            "b04oI8GdHddkslZEqBXnKK4b28mhRANCAAT8jPMnB1C5VoRKFonHiD9lp98eG2gQ\n"
                            "7Rlq1Ih4KmoTy8dlCuRJ4pQ6hiH/kzzltGo5jkK1plco/ZC6xO60zvrs\n"
                            "-----END PRIVATE KEY-----\n";

/* The seed configuration of the http_server harness (dev token
 * "unit-test-token"), with a tls section added at run time. */
static const char k_config_head[] =
    "{\"version\":1,\"serviceRoot\":\"https://graph.microsoft.com/beta\",\"auth\":{\"realm\":"
    "\"uploadsession-device\",\"staticTokens\":["
    "\"86af005077a912401b195560ddd4d7c37ec29d3fbdc6b9e2831b38f80dacc3e1\"]},\"echo\":true,"
    "\"sessions\":[{\"catalogId\":\"73eb2497-3b88-4c0a-8bb3-68ba8162beff\",\"resourceId\":"
    "\"99ab2454-3b88-4c0a-8bb3-68ba8162beff\",\"id\":\"23f27c15-72f9-45fe-9e9c-e3d8f75bdc44\","
    "\"isUploadDone\":true,\"createdDateTime\":\"2024-03-06T01:35:12.123Z\","
    "\"expirationDateTime\":\"2024-03-07T01:35:12.123Z\",\"files\":[{\"name\":"
    "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":"
    "\"2024-03-06T01:35:12.123Z\"}]}],\"tls\":{";

static struct config s_cfg;
/* config_text points into the partition: it lives as long as the run. */
static uint8_t s_part[CONFIG_HEADER_LEN + 4096];
static size_t s_heap0, s_blocks0;
static uint32_t s_elapsed;

/* ---- util/rng.h, restarted at every input -----------------------------
 * util/rng.c's DRBG would carry its state from input to input: a crash
 * would not replay alone, and a recorded client's Finished (which depends
 * on the server's key share) would not match. Each request length has a
 * stream of its own, so that request ids (uuid.c draws a 44-byte ChaCha20
 * key and nonce every 256 ids, a state that outlives inputs) do not shift
 * the handshake's draws. */

#define RNG_STREAMS 16u
static struct {
    size_t len;
    uint64_t count;
} s_streams[RNG_STREAMS];
static int s_rng_ok;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void rng_restart(void)
{
    memset(s_streams, 0, sizeof(s_streams));
}

int rng_init(const uint8_t *nv_seed)
{
    (void)nv_seed;
    rng_restart();
    s_rng_ok = 1;
    return APP_OK;
}

int rng_ready(void)
{
    return s_rng_ok;
}

int rng_fill(void *buf, size_t len)
{
    if (!s_rng_ok) {
        return APP_ERR_STATE;
    }
    unsigned i = 0;
    while (i < RNG_STREAMS - 1u && s_streams[i].len != 0u && s_streams[i].len != len) {
        i++;
    }
    s_streams[i].len = len;
    uint64_t s = (uint64_t)len * 0xD1B54A32D192ED03u ^ ++s_streams[i].count;
    uint8_t *p = buf;
    for (size_t k = 0; k < len; k++) {
        if (k % 8u == 0u) {
            (void)splitmix(&s);
        }
        p[k] = (uint8_t)(splitmix(&s) >> (8u * (k % 8u)));
    }
    return APP_OK;
}

int rng_mbedtls(void *p_rng, unsigned char *buf, size_t len)
{
    (void)p_rng;
    return rng_fill(buf, len) == APP_OK ? 0 : -1;
}

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *output, size_t output_size,
                                             size_t *output_length)
{
    (void)ctx;
    (void)rng_fill(output, output_size);
    *output_length = output_size;
    return PSA_SUCCESS;
}

/* ---- mbedTLS as tls.c uses it ------------------------------------------
 * Linked with --wrap: after MBEDTLS_ERR_SSL_WANT_WRITE, mbedTLS holds the
 * rest of a record and its next mbedtls_ssl_write() only flushes that and
 * returns len as if the new bytes went out (ssl_msg.c ssl_write_real()).
 * New application data while a record is pending is therefore lost. */
int __real_mbedtls_ssl_write(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t len);
int __wrap_mbedtls_ssl_write(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t len);

int __wrap_mbedtls_ssl_write(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t len)
{
    if (len > 0u && ssl->MBEDTLS_PRIVATE(out_left) != 0u) {
        fprintf(stderr, "fuzz_tls: %zu bytes written while %zu of a record are pending: lost\n",
                len, ssl->MBEDTLS_PRIVATE(out_left));
        abort();
    }
    return __real_mbedtls_ssl_write(ssl, buf, len);
}

/* ---- set-up ------------------------------------------------------------ */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static size_t append(size_t at, const char *s, bool escape)
{
    for (; *s != '\0'; s++) {
        CHECK(at + 2u < sizeof(s_part));
        if (escape && *s == '\n') {
            s_part[at++] = '\\';
            s_part[at++] = 'n';
        } else {
            s_part[at++] = (uint8_t)*s;
        }
    }
    return at;
}

static void load_config(void)
{
    size_t at = CONFIG_HEADER_LEN;
    at = append(at, k_config_head, false);
    at = append(at, "\"cert\":\"", false);
    at = append(at, k_cert, true);
    at = append(at, "\",\"key\":\"", false);
    at = append(at, k_key, true);
    at = append(at, "\"}}", false);
    size_t n = at - CONFIG_HEADER_LEN;
    put_le32(s_part, CONFIG_MAGIC);
    s_part[4] = 1;
    s_part[6] = CONFIG_HEADER_LEN;
    put_le32(s_part + 8, (uint32_t)n);
    put_le32(s_part + 12, config_crc32(s_part + CONFIG_HEADER_LEN, n));
    char why[CONFIG_WHY_MAX];
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);
    if (config_load(s_part, at, &s_cfg, why, sizeof(why)) != APP_OK) {
        fprintf(stderr, "fuzz_tls: config: %s\n", why);
        abort();
    }
}

static void record(const char *path);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fake_hal_set_ms(T0_MS);
    clock_init(FLOOR_UNIX_MS);
    ftcp_init();
    load_config();
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])s_cfg.static_tokens,
                    s_cfg.static_token_count);
    api_init(s_cfg.provisioned, s_cfg.service_root, s_cfg.realm);
    tls_port_init();
    CHECK(rng_init(NULL) == APP_OK);
    CHECK(auth_init() == APP_OK);
    size_t scratch_len;
    void *scratch = http_server_boot_scratch(&scratch_len);
    CHECK(tls_init(&s_cfg, scratch, scratch_len) == APP_OK);
    http_server_init();
    CHECK(tls_tcp_start(443) == APP_OK);
    struct tls_heap_stats h;
    tls_port_heap_stats(&h);
    s_heap0 = h.cur;
    s_blocks0 = h.blocks;
    const char *rec = getenv("FUZZ_TLS_RECORD");
    if (rec != NULL) {
        record(rec);
        exit(0);
    }
    return 0;
}

/* ---- one input --------------------------------------------------------- */

static uint64_t progress(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < FTCP_CONNS; i++) {
        const struct ftcp_conn *c = &ftcp_conns[i];
        sum += c->delivered + c->recved + c->out_len + (uint64_t)c->end + c->fin_sent;
    }
    return sum;
}

/* The superloop (main.c) without time passing: frames in, then the
 * resumes, until nothing moves. */
static void settle(void)
{
    for (unsigned round = 0; round < 16u; round++) {
        uint64_t before = progress();
        ftcp_pump();
        http_server_resume();
        tls_resume();
        if (progress() == before) {
            return;
        }
    }
}

/* The superloop's timers: lwIP's slow timer, then http_server_poll() and
 * tls_poll() (main.c). */
static void tick(uint32_t ms)
{
    if (s_elapsed + ms <= MAX_ELAPSED_MS) {
        s_elapsed += ms;
        fake_hal_advance_ms(ms);
    }
    ftcp_poll();
    settle();
    http_server_poll();
    tls_poll();
    settle();
}

static size_t run_op(const uint8_t *p, size_t n)
{
    uint8_t op = p[0];
    int conn = (int)(((unsigned)op >> 3) & 3u) % FTCP_CONNS;
    unsigned par = (unsigned)op >> 5;
    struct ftcp_conn *c = &ftcp_conns[conn];
    size_t used = 1;
    switch (op & 7u) {
    case OP_DATA: {
        size_t len = 0;
        if (n >= 3u) {
            len = (size_t)p[1] | (size_t)p[2] << 8;
            used = 3;
        } else {
            used = n;
        }
        len = len < n - used ? len : n - used;
        c->seg = k_segs[par];
        ftcp_send(conn, p + used, len);
        used += len;
        break;
    }
    case OP_ACK: ftcp_ack(conn, par); break;
    case OP_ROOM: ftcp_set_room(conn, k_rooms[par]); break;
    case OP_TICK: tick(k_ticks[(op >> 3) & 7u]); break;
    case OP_FIN: ftcp_fin(conn); break;
    case OP_RST: ftcp_rst(conn); break;
    case OP_ACCEPT:
        if (!ftcp_live(conn)) {
            (void)ftcp_accept(conn);
        }
        break;
    default: /* OP_FAULT */
        if (par <= 2u) {
            c->write_fail = par == 0u ? 1u : par == 1u ? 2u : 8u;
        } else if (par == 3u) {
            c->close_fail = true;
        } else if (par <= 5u) {
            ftcp_hog_pool(par == 4u);
        } else {
            c->chain = par == 6u ? 1u : 3u;
        }
        break;
    }
    settle();
    return used;
}

static void begin_input(void)
{
    rng_restart();
    fake_hal_set_ms(T0_MS);
    clock_init(FLOOR_UNIX_MS);
    s_elapsed = 0;
    ftcp_reset();
    (void)ftcp_accept(0);
    settle();
}

/* Room and acknowledgements until nothing more moves. */
static void drain(void)
{
    ftcp_hog_pool(false);
    for (unsigned round = 0; round < 64u; round++) {
        unsigned left = 0;
        for (int i = 0; i < FTCP_CONNS; i++) {
            struct ftcp_conn *c = &ftcp_conns[i];
            c->write_fail = 0;
            c->close_fail = false;
            ftcp_set_room(i, FTCP_ROOM_ALL);
            ftcp_ack(i, 0);
            left += ftcp_unacked(i);
        }
        settle();
        ftcp_poll(); /* sends what a timer path wrote without tcp_output() */
        if (left == 0u) {
            return;
        }
    }
}

/* What a graceful close put on the wire: whole records (RFC 8446 5.1)
 * and nothing after the last one. */
static void check_records(const struct ftcp_conn *c)
{
    if (c->out_overflow) {
        return;
    }
    size_t i = 0;
    while (i + 5u <= c->out_at_close) {
        const uint8_t *r = c->out + i;
        size_t len = (size_t)r[3] << 8 | r[4];
        CHECK(r[0] >= MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC &&
              r[0] <= MBEDTLS_SSL_MSG_APPLICATION_DATA);
        CHECK(r[1] == 3u && r[2] >= 1u && r[2] <= 4u);
        CHECK(len >= 1u && len <= MBEDTLS_SSL_OUT_CONTENT_LEN + 256u);
        i += 5u + len;
    }
    CHECK(i == c->out_at_close);
}

static void end_input(void)
{
    drain();
    for (int i = 0; i < FTCP_CONNS; i++) {
        ftcp_fin(i);
    }
    settle();
    drain();
    /* Past every deadline: handshake, head, idle, close. */
    tick(APP_HTTP_IDLE_TIMEOUT_MS);
    drain();
    tick(APP_TLS_HANDSHAKE_MS);
    drain();
    for (int i = 0; i < FTCP_CONNS; i++) {
        ftcp_rst(i);
    }
    for (int i = 0; i < FTCP_CONNS; i++) {
        const struct ftcp_conn *c = &ftcp_conns[i];
        CHECK(c->end != FTCP_LIVE);
        if (c->end == FTCP_CLOSED) {
            /* lwIP answers a close with unread data by a RST. */
            CHECK(c->unread_at_close == 0u);
            check_records(c);
        }
    }
    CHECK(tls_active() == 0u);
    CHECK(http_server_active() == 0u);
    CHECK(ftcp_lwip_in_use() == 0u);
    struct tls_heap_stats h;
    tls_port_heap_stats(&h);
    if (h.cur != s_heap0 || h.blocks != s_blocks0) {
        fprintf(stderr, "fuzz_tls: mbedTLS heap %zu bytes in %zu blocks, %zu in %zu after init\n",
                h.cur, h.blocks, s_heap0, s_blocks0);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    begin_input();
    size_t at = 0;
    while (at < size) {
        at += run_op(data + at, size - at);
    }
    end_input();
    return 0;
}

/* ---- recording a real client's session --------------------------------- */

static uint8_t s_rec[FTCP_IN_MAX];
static size_t s_rec_len;
static int s_rec_fd = -1;

static void rec_op(const uint8_t *op, size_t n)
{
    CHECK(s_rec_len + n <= sizeof(s_rec));
    memcpy(s_rec + s_rec_len, op, n);
    s_rec_len += n;
    CHECK(run_op(op, n) == n);
}

static void rec_wire(int conn, const uint8_t *p, size_t n)
{
    (void)conn;
    while (n > 0u && s_rec_fd >= 0) {
        ssize_t k = write(s_rec_fd, p, n);
        if (k <= 0) {
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

/* Acknowledge whatever the server sent, until it sends no more. */
static void rec_acks(int conn)
{
    for (unsigned i = 0; i < 1000u && ftcp_unacked(conn) > 0u; i++) {
        uint8_t op = (uint8_t)(OP_ACK | conn << 3);
        rec_op(&op, 1);
    }
}

static void rec_session(int fd, int conn, bool first)
{
    s_rec_fd = fd;
    if (!first) {
        uint8_t op = (uint8_t)(OP_ACCEPT | conn << 3);
        rec_op(&op, 1);
    }
    static uint8_t buf[3 + 4096];
    while (ftcp_live(conn)) {
        rec_acks(conn);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (!ftcp_live(conn) || poll(&pfd, 1, 3000) <= 0) {
            break;
        }
        ssize_t k = read(fd, buf + 3, sizeof(buf) - 3u);
        if (k <= 0) {
            buf[0] = (uint8_t)(OP_FIN | conn << 3);
            rec_op(buf, 1);
            rec_acks(conn);
            break;
        }
        buf[0] = (uint8_t)(OP_DATA | conn << 3);
        buf[1] = (uint8_t)k;
        buf[2] = (uint8_t)(k >> 8);
        rec_op(buf, 3u + (size_t)k);
    }
    s_rec_fd = -1;
    (void)shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    close(fd);
}

static void record(const char *path)
{
    const char *port = getenv("FUZZ_TLS_PORT");
    const char *conns = getenv("FUZZ_TLS_CONNS");
    int n = conns != NULL ? atoi(conns) : 1;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    CHECK(ls >= 0 && setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)(port != NULL ? atoi(port) : 4433)),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(ls, 1) == 0);
    fprintf(stderr, "fuzz_tls: recording %d client(s) on 127.0.0.1:%u\n", n,
            (unsigned)ntohs(a.sin_port));
    ftcp_wire = rec_wire;
    begin_input();
    for (int i = 0; i < n; i++) {
        int fd = accept(ls, NULL, NULL);
        CHECK(fd >= 0);
        int conn = 0;
        while (i > 0 && ftcp_live(conn)) {
            conn++;
        }
        CHECK(conn < FTCP_CONNS);
        rec_session(fd, conn, i == 0);
    }
    close(ls);
    ftcp_wire = NULL;
    end_input();
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(s_rec, 1, s_rec_len, f) == s_rec_len && fclose(f) == 0);
    fprintf(stderr, "fuzz_tls: %zu bytes to %s\n", s_rec_len, path);
}
