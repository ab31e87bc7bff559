/* HTTPS transport: mbedTLS's server over lwIP raw TCP, as a struct http_io.
 *
 * Received pbufs wait in a queue until mbedTLS reads them (bio_recv), and
 * only then are they acknowledged to the TCP window (tcp_recved): a busy
 * server throttles the client instead of buffering for it (lwIP's
 * altcp_tls acknowledges before decrypting, and does not build against
 * mbedTLS 3). A record that TCP cannot take whole stays in mbedTLS's
 * output buffer and is pushed on the sent callback. Closing sends
 * close_notify (RFC 8446 6.1) before the FIN. */
#include "tls.h"

#include <stdbool.h>
#include <string.h>

#include "app_config.h"
#include "app_err.h"
#include "hal_time.h"
#include "http_server.h"
#include "log.h"
#include "lwip/tcp.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"
#include "net_conn.h"
#include "net_listen.h"
#include "pem.h"
#include "psa/crypto.h"
#include "rng.h"
#include "tls_port.h"

#if APP_TLS_MAX_CONNS < 1
#error "APP_TLS_MAX_CONNS must be at least 1 when firmware/tls is built"
#endif

/* A close that cannot get its last records out (peer not reading) is cut
 * off after this long. */
#define TLS_CLOSE_MS 5000u

/* A handshake whose client has sent nothing for this long loses its turn
 * to a queued client that has (handshakes run one at a time). A client
 * on any real network sends its next flight well within it. */
#ifndef APP_TLS_STALL_MS
#define APP_TLS_STALL_MS 1000u
#endif

/* QUEUED: accepted, waiting for its turn to handshake. One handshake runs
 * at a time, so the heap needs room for one handshake's peak, not one per
 * connection (README "TLS memory"); the queued client's bytes wait in
 * TCP (its window is not opened). */
enum tls_state { TLS_FREE = 0, TLS_QUEUED, TLS_HANDSHAKE, TLS_OPEN, TLS_CLOSING };

struct tls_conn {
    struct tcp_pcb *pcb;
    struct pbuf *rx;          /* ciphertext not yet read by mbedTLS */
    struct http_conn *http;   /* set once the handshake is done */
    uint32_t t_start;         /* accept, or start of the close */
    uint32_t t_input;         /* mbedTLS last read bytes of this handshake */
    uint32_t t_turn;          /* this handshake got the turn */
    uint32_t cycles;          /* spent in handshake steps */
    uint8_t state;
    bool eof;                 /* the peer sent its FIN */
    bool out_pending;         /* a record is in mbedTLS's buffer, not all on TCP */
    bool notify_sent;
    bool failed;              /* the handshake failed: only its alert may go out */
    /* The client presented a ticket that decrypted. TLS 1.2 then resumes
     * (RFC 5077); TLS 1.3 may still do a full handshake (ticket too old
     * by RFC 8446 4.6.1's age check). mbedTLS 3.6 does not say which, so
     * tests ask the client. */
    bool ticket;
    mbedtls_ssl_context ssl;
};

static struct tls_conn s_conns[APP_TLS_MAX_CONNS];
static mbedtls_ssl_config s_conf;
static mbedtls_x509_crt s_cert;
static mbedtls_pk_context s_key;
static mbedtls_ssl_ticket_context s_ticket;
static struct tls_stats s_stats;
static bool s_ready;
static bool s_kick; /* a handshake ended: maybe start a queued one */
/* Set when a pcb was aborted inside an lwIP callback: the callback must
 * then return ERR_ABRT and not touch it again. */
static bool s_aborted;

/* TLS 1.3 suites (RFC 8446 B.4), then TLS 1.2 ECDHE-ECDSA AEAD suites
 * (RFC 5289, RFC 7905). ChaCha20-Poly1305 first: without AES hardware it
 * is the cheapest here (`make bench`: ~137 k instructions per keep-alive
 * HTTPS request against ~285 k with AES-GCM, whose GHASH is a 4-bit table
 * in software). mbedTLS follows this order for TLS 1.2 and the client's
 * for TLS 1.3. */
static const int s_suites[] = {
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
#if APP_TLS_SHA384
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
#if APP_TLS_SHA384
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
#endif
    0,
};

/* X25519 first: OpenSSL 3 clients send only an X25519 key share, and a
 * P-256-only server would force a HelloRetryRequest round trip. */
static const uint16_t s_groups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};

/* ---- mbedTLS errors to ours ----------------------------------------- */

static int map_err(int rc)
{
    switch (rc) {
    case MBEDTLS_ERR_SSL_WANT_READ:
    case MBEDTLS_ERR_SSL_WANT_WRITE:
        return APP_ERR_BUSY;
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL:
    case PSA_ERROR_INSUFFICIENT_MEMORY:
        return APP_ERR_NOMEM;
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    case MBEDTLS_ERR_SSL_CONN_EOF:
        return APP_ERR_STATE;
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
    case MBEDTLS_ERR_SSL_BAD_CONFIG:
        return APP_ERR_INVAL;
    case MBEDTLS_ERR_SSL_INTERNAL_ERROR:
    case MBEDTLS_ERR_SSL_HW_ACCEL_FAILED:
        return APP_ERR_IO;
    default:
        /* Everything else is the peer's doing: a fatal alert, a record
         * that does not decrypt, a handshake message out of order, no
         * common version, suite or group. */
        return APP_ERR_PROTO;
    }
}

/* The fatal alert owed for an error that mbedTLS 3.6 returns without
 * sending one (ssl_msg.c), or 0 (it sent its own, or the peer ended the
 * connection). */
static unsigned char owed_alert(mbedtls_ssl_context *ssl, int rc)
{
    switch (rc) {
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
        /* mbedtls_ssl_fetch_input(): the record header announces more
         * than the input buffer holds (MBEDTLS_SSL_IN_CONTENT_LEN and the
         * largest expansion). RFC 8446 5.2, RFC 5246 6.2.3. */
        return MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW;
    case MBEDTLS_ERR_SSL_INVALID_RECORD: {
        /* Also a record that fits the buffer but decrypts to more than
         * MBEDTLS_SSL_IN_CONTENT_LEN (ssl_prepare_record_content()). Its
         * header, still at in_hdr, tells that case from a malformed
         * record (or bytes that are no record: an unknown type), which
         * keeps mbedTLS's answer (none). */
        const unsigned char *hdr = ssl->MBEDTLS_PRIVATE(in_hdr);
        size_t len = (size_t)hdr[3] << 8 | hdr[4];
        bool known = hdr[0] >= MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC &&
                     hdr[0] <= MBEDTLS_SSL_MSG_APPLICATION_DATA;
        return known && len > MBEDTLS_SSL_IN_CONTENT_LEN ? MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW
                                                         : 0;
    }
    case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
        /* After the handshake: a handshake message mbedTLS does not take,
         * among them a TLS 1.3 KeyUpdate (RFC 8446 4.6.3), which 3.6 does
         * not implement (README "HTTPS"). During it mbedTLS alerts itself. */
        return mbedtls_ssl_is_handshake_over(ssl) ? MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE : 0;
    default:
        return 0;
    }
}

/* ---- BIO on the pbuf queue ------------------------------------------ */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct tls_conn *t = ctx;
    if (t->pcb == NULL) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    u16_t room = tcp_sndqueuelen(t->pcb) < TCP_SND_QUEUELEN ? tcp_sndbuf(t->pcb) : 0u;
    u16_t n = len < room ? (u16_t)len : room;
    if (n == 0u) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    err_t e = tcp_write(t->pcb, buf, n, TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM) {
        return MBEDTLS_ERR_SSL_WANT_WRITE; /* lwIP heap full: retried on sent */
    }
    return e == ERR_OK ? (int)n : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct tls_conn *t = ctx;
    if (t->rx == NULL) {
        return t->eof ? 0 : MBEDTLS_ERR_SSL_WANT_READ; /* 0: EOF to mbedTLS */
    }
    u16_t n = t->rx->tot_len < len ? t->rx->tot_len : (u16_t)len;
    n = pbuf_copy_partial(t->rx, buf, n, 0);
    t->rx = pbuf_free_header(t->rx, n);
    tcp_recved(t->pcb, n);
    t->t_input = hal_time_ms();
    return n;
}

/* ---- connection life ------------------------------------------------ */


static void conn_release(struct tls_conn *t)
{
    if (t->rx != NULL) {
        pbuf_free(t->rx);
    }
    if (t->state != TLS_QUEUED) {
        mbedtls_ssl_free(&t->ssl);
    }
    if (t->state == TLS_HANDSHAKE || t->failed) {
        s_kick = true; /* its turn (and its handshake memory) is free */
    }
    memset(t, 0, sizeof(*t));
}

/* Drop now: RST (a handshake that failed, timed out or was evicted). */
static void conn_abort(struct tls_conn *t)
{
    struct tcp_pcb *pcb = t->pcb;
    if (t->http != NULL) {
        http_server_gone(t->http);
    }
    if (pcb != NULL) {
        net_detach(pcb);
        tcp_abort(pcb);
        s_aborted = true;
    }
    conn_release(t);
}

/* Close with a FIN once mbedTLS's last record is on TCP. */
static void conn_finish(struct tls_conn *t)
{
    struct tcp_pcb *pcb = t->pcb;
    u16_t unread = t->rx != NULL ? t->rx->tot_len : 0u;
    conn_release(t);
    if (net_close(pcb, unread)) {
        s_aborted = true;
    }
}

/* mbedTLS's own (ssl_misc.h): sends what its output buffer still holds.
 * Declared here, as the library does not export it, for a failed
 * handshake, where mbedtls_ssl_write() would step the handshake again. */
int mbedtls_ssl_flush_output(mbedtls_ssl_context *ssl);

/* Push a pending record; true when nothing is left in mbedTLS. */
static bool push_pending(struct tls_conn *t)
{
    if (t->out_pending) {
        /* With a record pending, a zero-length write only flushes it. */
        int rc = t->failed ? mbedtls_ssl_flush_output(&t->ssl) : mbedtls_ssl_write(&t->ssl, NULL, 0);
        if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return false;
        }
        t->out_pending = false;
        if (rc < 0) {
            return true; /* broken: nothing more will go out */
        }
    }
    return true;
}

/* After mbedTLS's error rc: the fatal alert it owes the peer, if any.
 * Nothing may follow a fatal alert (RFC 8446 6.2): no close_notify, no
 * application data. Returns the alert sent, or 0. */
static unsigned char send_owed_alert(struct tls_conn *t, int rc)
{
    unsigned char alert = owed_alert(&t->ssl, rc);
    if (alert != 0u) {
        int e = mbedtls_ssl_send_alert_message(&t->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, alert);
        t->out_pending = e == MBEDTLS_ERR_SSL_WANT_WRITE;
        t->notify_sent = true;
    }
    return alert;
}

static void run_close(struct tls_conn *t)
{
    if (!push_pending(t)) {
        return;
    }
    if (!t->notify_sent) {
        t->notify_sent = true;
        int rc = mbedtls_ssl_close_notify(&t->ssl);
        if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
            t->out_pending = true;
            return;
        }
    }
    (void)tcp_output(t->pcb);
    conn_finish(t);
}

static const struct http_io s_io;

static void log_handshake(struct tls_conn *t)
{
    struct tls_heap_stats h;
    tls_port_heap_stats(&h);
    log_printf("tls %s %s ticket=%u cycles=%u heap=%u peak=%u blocks=%u\r\n",
               mbedtls_ssl_get_version(&t->ssl), mbedtls_ssl_get_ciphersuite(&t->ssl),
               t->ticket ? 1u : 0u, (unsigned)t->cycles, (unsigned)h.cur, (unsigned)h.peak,
               (unsigned)h.peak_blocks);
}

/* The connection whose handshake step is running (for ticket_parse). */
static struct tls_conn *s_current;

/* mbedTLS's ticket check, noting on the connection that a ticket came. */
static int ticket_parse(void *p_ticket, mbedtls_ssl_session *session, unsigned char *buf,
                        size_t len)
{
    int rc = mbedtls_ssl_ticket_parse(p_ticket, session, buf, len);
    if (rc == 0 && s_current != NULL) {
        s_current->ticket = true;
    }
    return rc;
}

static void run_handshake(struct tls_conn *t)
{
    uint32_t c0 = hal_time_cycles();
    s_current = t;
    int rc = mbedtls_ssl_handshake(&t->ssl);
    s_current = NULL;
    t->cycles += hal_time_cycles() - c0;
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        t->out_pending = rc == MBEDTLS_ERR_SSL_WANT_WRITE;
        (void)tcp_output(t->pcb);
        return;
    }
    if (rc != 0) {
        s_stats.failed++;
        char why[8];
        log_format(why, sizeof(why), "%x", (unsigned)-rc);
        log_printf("tls handshake failed: %s (-0x%s)\r\n", app_err_name(map_err(rc)), why);
        /* mbedTLS has queued its fatal alert, or we owe one: all of it
         * goes out (TCP may have taken only part), nothing after it
         * (RFC 8446 6.2), then the FIN (found by tests/fuzz/tls). */
        (void)send_owed_alert(t, rc);
        t->failed = true;
        t->notify_sent = true;
        t->out_pending = t->ssl.MBEDTLS_PRIVATE(out_left) != 0u;
        t->state = TLS_CLOSING;
        t->t_start = hal_time_ms();
        run_close(t);
        return;
    }
    s_stats.done++;
    if (t->ticket) {
        s_stats.tickets++;
    }
    log_handshake(t);
    t->state = TLS_OPEN;
    s_kick = true;
    t->http = http_server_open(&s_io, t, true);
    s_stats.last_cycles = t->cycles;
    if (t->http == NULL) {
        log_printf("tls no HTTP slot\r\n");
        t->state = TLS_CLOSING;
        t->t_start = hal_time_ms();
        run_close(t);
        return;
    }
}

/* Make progress on t from an lwIP callback or the poll. */
static void drive(struct tls_conn *t)
{
    if (t->state == TLS_QUEUED) {
        return; /* tls_resume() starts it in its turn */
    }
    if (t->state == TLS_HANDSHAKE) {
        run_handshake(t);
        if (s_aborted || t->state != TLS_OPEN) {
            return;
        }
    }
    if (t->state == TLS_OPEN) {
        if (!push_pending(t)) {
            return;
        }
        /* May call io_close(), which moves t to TLS_CLOSING. */
        http_server_event(t->http);
        return;
    }
    if (t->state == TLS_CLOSING) {
        run_close(t);
    }
}

/* ---- http_io -------------------------------------------------------- */

static int io_recv(void *ctx, void *buf, size_t cap)
{
    struct tls_conn *t = ctx;
    int rc = mbedtls_ssl_read(&t->ssl, buf, cap);
    if (rc > 0) {
        return rc;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) {
        return 0;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        /* Reading made mbedTLS answer (e.g. a no_renegotiation alert) and
         * TCP took only part of that record: it must go out before any
         * new write, or the next mbedtls_ssl_write() would only flush it
         * and report our bytes as sent (found by tests/fuzz/tls). */
        t->out_pending = true;
        return 0;
    }
    if (rc != 0 && rc != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY && rc != MBEDTLS_ERR_SSL_CONN_EOF) {
        unsigned alert = send_owed_alert(t, rc);
        char why[8];
        log_format(why, sizeof(why), "%x", (unsigned)-rc);
        log_printf("tls read: %s (-0x%s) alert=%u\r\n",
                   app_err_name(alert != 0u ? APP_ERR_PROTO : map_err(rc)), why, alert);
    }
    /* Closed (close_notify or EOF) or broken: either way nothing more
     * will arrive. */
    return APP_ERR_STATE;
}

/* Plaintext mbedTLS holds, a record it has not processed yet, ciphertext
 * still in TCP's pbufs, or the peer's FIN. */
static bool io_pending(void *ctx)
{
    const struct tls_conn *t = ctx;
    return t->rx != NULL || t->eof || mbedtls_ssl_get_bytes_avail(&t->ssl) > 0u ||
           mbedtls_ssl_check_pending(&t->ssl) != 0;
}

static size_t io_room(void *ctx)
{
    struct tls_conn *t = ctx;
    if (t->out_pending || t->pcb == NULL) {
        return 0;
    }
    if (tcp_sndqueuelen(t->pcb) >= TCP_SND_QUEUELEN) {
        return 0;
    }
    /* Plaintext whose record TCP can take whole. */
    int exp = mbedtls_ssl_get_record_expansion(&t->ssl);
    int max = mbedtls_ssl_get_max_out_record_payload(&t->ssl);
    size_t snd = tcp_sndbuf(t->pcb);
    if (exp < 0 || max <= 0 || snd <= (size_t)exp) {
        return 0;
    }
    size_t room = snd - (size_t)exp;
    return room < (size_t)max ? room : (size_t)max;
}

static int io_send(void *ctx, const void *buf, size_t len)
{
    struct tls_conn *t = ctx;
    if (t->notify_sent) {
        return APP_ERR_IO; /* a fatal alert went out: the answer is lost */
    }
    size_t room = io_room(t);
    size_t n = len < room ? len : room;
    if (n == 0u) {
        return 0;
    }
    int rc = mbedtls_ssl_write(&t->ssl, buf, n);
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        /* The record is made and waits in mbedTLS's buffer: the bytes are
         * taken (a retry would only flush, ssl_msg.c ssl_write_real). */
        t->out_pending = true;
        return (int)n;
    }
    if (rc < 0) {
        return map_err(rc) == APP_ERR_BUSY ? 0 : APP_ERR_IO;
    }
    return rc;
}

static void io_flush(void *ctx)
{
    struct tls_conn *t = ctx;
    (void)tcp_output(t->pcb);
}

static void io_close(void *ctx)
{
    struct tls_conn *t = ctx;
    t->http = NULL; /* the server forgets its side now */
    t->state = TLS_CLOSING;
    t->t_start = hal_time_ms();
    run_close(t);
}

static void io_abort(void *ctx)
{
    struct tls_conn *t = ctx;
    t->http = NULL; /* the server forgets its side now */
    conn_abort(t);
}

static const struct http_io s_io = {
    .recv = io_recv,
    .pending = io_pending,
    .room = io_room,
    .send = io_send,
    .flush = io_flush,
    .close = io_close,
    .abort = io_abort,
};

/* ---- lwIP callbacks ------------------------------------------------- */

static err_t serve(struct tls_conn *t)
{
    s_aborted = false;
    drive(t);
    return s_aborted ? ERR_ABRT : ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tls_conn *t = arg;
    (void)err;
    if (t == NULL) {
        if (p != NULL) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        t->eof = true;
    } else {
        net_rx_queue(&t->rx, p);
    }
    if (t->state == TLS_QUEUED) {
        s_kick = true; /* it may take the handshake turn now */
    }
    return serve(t);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    return arg != NULL ? serve(arg) : ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    if (arg != NULL && net_hogging(pcb)) {
        net_conn_count_hog();
        conn_abort(arg);
        return ERR_ABRT;
    }
    return arg != NULL ? serve(arg) : ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct tls_conn *t = arg;
    (void)err;
    if (t == NULL) {
        return;
    }
    /* lwIP has freed the PCB already. */
    t->pcb = NULL;
    if (t->http != NULL) {
        http_server_gone(t->http);
    }
    conn_release(t);
}

static struct tls_conn *free_slot(void)
{
    for (size_t i = 0; i < APP_TLS_MAX_CONNS; i++) {
        if (s_conns[i].state == TLS_FREE) {
            return &s_conns[i];
        }
    }
    return NULL;
}

/* A slot for a new connection: a free one, else the oldest that has sent
 * nothing yet, else the oldest handshake (a crowd of clients that connect
 * and go quiet cannot keep out the next one), else an established one
 * that is idle or late with its request (http_server_evict()), else none:
 * connections busy with a request are never dropped for a newcomer. */
static struct tls_conn *take_slot(void)
{
    struct tls_conn *silent = NULL;
    struct tls_conn *oldest = NULL;
    uint32_t now = hal_time_ms();
    for (size_t i = 0; i < APP_TLS_MAX_CONNS; i++) {
        struct tls_conn *t = &s_conns[i];
        if (t->state == TLS_FREE) {
            return t;
        }
        if (t->state != TLS_HANDSHAKE && t->state != TLS_QUEUED) {
            continue;
        }
        if (oldest == NULL || now - t->t_start > now - oldest->t_start) {
            oldest = t;
        }
        if (t->state == TLS_QUEUED && t->rx == NULL &&
            (silent == NULL || now - t->t_start > now - silent->t_start)) {
            silent = t;
        }
    }
    struct tls_conn *victim = silent != NULL ? silent : oldest;
    if (victim != NULL) {
        s_stats.evicted++;
        log_printf("tls evicting a handshake of %u ms for a new client\r\n",
                   (unsigned)(now - victim->t_start));
        conn_abort(victim);
        return victim;
    }
    return http_server_evict(true) ? free_slot() : NULL;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    s_aborted = false;
    struct tls_conn *t = take_slot();
    /* take_slot() may abort another PCB; that one's callbacks are not
     * running, so its abort needs no ERR_ABRT here. */
    s_aborted = false;
    if (t == NULL) {
        s_stats.refused++;
        log_printf("tls no free connection (%u established)\r\n", (unsigned)APP_TLS_MAX_CONNS);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    memset(t, 0, sizeof(*t));
    t->pcb = pcb;
    t->state = TLS_QUEUED;
    t->t_start = hal_time_ms();
    s_stats.accepted++;
    s_kick = true;
    tcp_arg(pcb, t);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, 2);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

/* Start t's handshake: its record buffers and state come from the heap. */
static void begin(struct tls_conn *t)
{
    mbedtls_ssl_init(&t->ssl);
    t->state = TLS_HANDSHAKE;
    int rc = mbedtls_ssl_setup(&t->ssl, &s_conf);
    if (rc != 0) {
        log_printf("tls setup: %s\r\n", app_err_name(map_err(rc)));
        conn_abort(t);
        return;
    }
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
    t->t_input = hal_time_ms();
    t->t_turn = t->t_input;
    drive(t); /* its ClientHello is waiting already */
}

/* The turn goes to the queued connection that has waited longest among
 * those that sent something: a client that connects and stays silent
 * never blocks the others (it meets its deadline in the queue), and one
 * that stalls mid-handshake loses the turn after APP_TLS_STALL_MS when
 * someone else is waiting. */
void tls_resume(void)
{
    if (!s_kick) {
        return;
    }
    s_kick = false;
    struct tls_conn *running = NULL;
    struct tls_conn *next = NULL;
    for (size_t i = 0; i < APP_TLS_MAX_CONNS; i++) {
        struct tls_conn *t = &s_conns[i];
        if (t->state == TLS_HANDSHAKE || t->failed) {
            running = t; /* a failed one until its alert is out */
        } else if (t->state == TLS_QUEUED && (t->rx != NULL || t->eof) &&
                   (next == NULL || t->t_start - next->t_start > 0x80000000u)) {
            next = t;
        }
    }
    if (next == NULL) {
        return;
    }
    if (running != NULL) {
        uint32_t now = hal_time_ms();
        uint32_t quiet = now - running->t_input;
        if (quiet < APP_TLS_STALL_MS && now - running->t_turn < APP_TLS_TURN_MS) {
            s_kick = true; /* look again (tls_poll) */
            return;
        }
        s_stats.evicted++;
        log_printf("tls dropping a handshake stalled for %u ms for a waiting client (turn %u ms)\r\n",
                   (unsigned)quiet, (unsigned)(now - running->t_turn));
        conn_abort(running);
    }
    begin(next);
}

/* ---- set-up --------------------------------------------------------- */

/* Decode a config PEM text into scratch; returns its length (the rest of
 * scratch, after the NUL, takes the DER). */
static int load_text(const struct config_text *text, char *buf, size_t cap, const char *what)
{
    int n = config_string(text, buf, cap);
    if (n < 0) {
        log_printf("tls: config %s does not decode (%s)\r\n", what, app_err_name(n));
        return n == APP_ERR_OVERFLOW ? APP_ERR_NOMEM : APP_ERR_INVAL;
    }
    return n;
}

static int fail_mbedtls(const char *what, int rc);

static int bad_pem(const char *what, int err)
{
    log_printf("tls: config %s: %s\r\n", what,
               err == APP_ERR_OVERFLOW ? "block too big for the scratch buffer"
                                       : "broken PEM block (RFC 7468)");
    return err == APP_ERR_OVERFLOW ? APP_ERR_NOMEM : APP_ERR_INVAL;
}

/* tls.cert: one or more CERTIFICATE blocks, the device's first. */
static int load_cert(const struct config_text *text, char *buf, size_t cap)
{
    int n = load_text(text, buf, cap, "tls.cert");
    if (n < 0) {
        return n;
    }
    unsigned char *der = (unsigned char *)buf + n + 1;
    size_t der_cap = cap - (size_t)n - 1u;
    size_t pos = 0;
    char label[PEM_LABEL_MAX + 1];
    int count = 0;
    for (;;) {
        int k = pem_next(buf, (size_t)n, &pos, label, der, der_cap);
        if (k == 0) {
            break;
        }
        if (k < 0) {
            return bad_pem("tls.cert", k);
        }
        if (!pem_label_is(label, "CERTIFICATE")) {
            log_printf("tls: config tls.cert: unexpected PEM block \"%s\"\r\n", label);
            return APP_ERR_INVAL;
        }
        int rc = mbedtls_x509_crt_parse_der(&s_cert, der, (size_t)k);
        if (rc != 0) {
            return fail_mbedtls("tls.cert", rc);
        }
        count++;
    }
    if (count == 0) {
        log_printf("tls: config tls.cert: no CERTIFICATE block\r\n");
        return APP_ERR_INVAL;
    }
    return APP_OK;
}

/* tls.key: one unencrypted key, PKCS#8 ("PRIVATE KEY") or SEC1. */
static int load_key(const struct config_text *text, char *buf, size_t cap)
{
    int n = load_text(text, buf, cap, "tls.key");
    if (n < 0) {
        return n;
    }
    unsigned char *der = (unsigned char *)buf + n + 1;
    size_t pos = 0;
    char label[PEM_LABEL_MAX + 1];
    int k = pem_next(buf, (size_t)n, &pos, label, der, cap - (size_t)n - 1u);
    if (k <= 0) {
        return k == 0 ? bad_pem("tls.key", APP_ERR_INVAL) : bad_pem("tls.key", k);
    }
    if (!pem_label_is(label, "PRIVATE KEY") && !pem_label_is(label, "EC PRIVATE KEY")) {
        log_printf("tls: config tls.key: \"%s\" is not supported (an unencrypted PKCS#8 or "
                   "SEC1 key is)\r\n",
                   label);
        return APP_ERR_INVAL;
    }
    int rc = mbedtls_pk_parse_key(&s_key, der, (size_t)k, NULL, 0, rng_mbedtls, NULL);
    if (rc != 0) {
        return fail_mbedtls("tls.key", rc);
    }
    return APP_OK;
}

static int fail_mbedtls(const char *what, int rc)
{
    char code[8];
    log_format(code, sizeof(code), "%x", (unsigned)-rc);
    log_printf("tls: %s failed (-0x%s)\r\n", what, code);
    return rc == MBEDTLS_ERR_PK_ALLOC_FAILED || rc == MBEDTLS_ERR_X509_ALLOC_FAILED ||
                   rc == PSA_ERROR_INSUFFICIENT_MEMORY
               ? APP_ERR_NOMEM
               : APP_ERR_INVAL;
}

int tls_init(const struct config *cfg, void *scratch, size_t scratch_len)
{
    s_ready = false;
    if (!rng_ready()) {
        log_printf("tls: no random source (no NV seed, no TRNG)\r\n");
        return APP_ERR_STATE;
    }
    if (!cfg->has_tls) {
        return APP_ERR_NOTFOUND;
    }
    if (psa_crypto_init() != PSA_SUCCESS) {
        log_printf("tls: psa_crypto_init failed\r\n");
        return APP_ERR_IO;
    }

    mbedtls_x509_crt_init(&s_cert);
    mbedtls_pk_init(&s_key);
    int rc = load_cert(&cfg->tls_cert, scratch, scratch_len);
    if (rc == APP_OK) {
        rc = load_key(&cfg->tls_key, scratch, scratch_len);
    }
    memset(scratch, 0, scratch_len); /* no copy of the key left behind */
    if (rc != APP_OK) {
        return rc;
    }
    rc = mbedtls_pk_check_pair(&s_cert.pk, &s_key, rng_mbedtls, NULL);
    if (rc != 0) {
        return fail_mbedtls("tls.key does not match tls.cert:", rc);
    }

    mbedtls_ssl_config_init(&s_conf);
    rc = mbedtls_ssl_config_defaults(&s_conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) {
        return fail_mbedtls("ssl config", rc);
    }
    mbedtls_ssl_conf_rng(&s_conf, rng_mbedtls, NULL);
    mbedtls_ssl_conf_min_tls_version(&s_conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&s_conf, MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_ciphersuites(&s_conf, s_suites);
    mbedtls_ssl_conf_groups(&s_conf, s_groups);
    mbedtls_ssl_conf_tls13_key_exchange_modes(&s_conf, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
    rc = mbedtls_ssl_conf_own_cert(&s_conf, &s_cert, &s_key);
    if (rc != 0) {
        return fail_mbedtls("own cert", rc);
    }
    mbedtls_ssl_ticket_init(&s_ticket);
    rc = mbedtls_ssl_ticket_setup(&s_ticket, rng_mbedtls, NULL, MBEDTLS_CIPHER_AES_128_GCM,
                                  APP_TLS_TICKET_LIFETIME_S);
    if (rc != 0) {
        return fail_mbedtls("ticket keys", rc);
    }
    mbedtls_ssl_conf_session_tickets_cb(&s_conf, mbedtls_ssl_ticket_write, ticket_parse,
                                        &s_ticket);
    s_ready = true;
    struct tls_heap_stats h;
    tls_port_heap_stats(&h);
    log_printf("tls: ready, heap %u of %u bytes in use\r\n", (unsigned)h.cur, (unsigned)h.size);
    return APP_OK;
}

int tls_tcp_start(uint16_t port)
{
    if (!s_ready) {
        return APP_ERR_STATE;
    }
    return net_listen(port, on_accept);
}

void tls_poll(void)
{
    uint32_t now = hal_time_ms();
    for (size_t i = 0; i < APP_TLS_MAX_CONNS; i++) {
        struct tls_conn *t = &s_conns[i];
        if ((t->state == TLS_HANDSHAKE || t->state == TLS_QUEUED) &&
            now - t->t_start >= APP_TLS_HANDSHAKE_MS) {
            s_stats.timed_out++;
            log_printf("tls handshake timeout after %u ms\r\n", (unsigned)(now - t->t_start));
            conn_abort(t);
        } else if (t->state == TLS_CLOSING && now - t->t_start >= TLS_CLOSE_MS) {
            conn_abort(t);
        }
    }
}

void tls_get_stats(struct tls_stats *out)
{
    *out = s_stats;
}

unsigned tls_active(void)
{
    unsigned n = 0;
    for (size_t i = 0; i < APP_TLS_MAX_CONNS; i++) {
        n += s_conns[i].state != TLS_FREE;
    }
    return n;
}
