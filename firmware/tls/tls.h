/* HTTPS: TLS 1.3 and 1.2 (mbedTLS 3.6) over lwIP raw TCP, plugged into the
 * HTTP server as one more struct http_io transport. */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct tls_stats {
    uint32_t accepted;    /* TCP connections taken */
    uint32_t done;        /* handshakes completed */
    uint32_t tickets;     /* of which presented a valid session ticket */
    uint32_t failed;      /* handshakes refused (alert, bad record, EOF) */
    uint32_t timed_out;   /* handshakes dropped at APP_TLS_HANDSHAKE_MS */
    uint32_t evicted;     /* handshakes dropped to make room for a newcomer */
    uint32_t refused;     /* connections turned away: every slot established */
    uint32_t last_cycles; /* hal_time_cycles() spent in the last handshake */
};

/**
 * Set up the server side: PSA Crypto, the device
 * certificate and key from the config (PEM, decoded into scratch, which
 * is only used during the call), session tickets and the protocol
 * configuration. Needs tls_port_init() and a successful rng_init().
 * @return APP_OK; APP_ERR_STATE without a random source; APP_ERR_INVAL
 *         for a certificate or key that does not parse or do not match
 *         (the log says which); APP_ERR_NOMEM when scratch or the heap is
 *         too small.
 */
int tls_init(const struct config *cfg, void *scratch, size_t scratch_len);

/** Listen on port (after tls_init). @return an app_err. */
int tls_tcp_start(uint16_t port);

/** Start the next queued handshake when none runs (one at a time); call
 *  from the superloop, outside lwIP callbacks; cheap when nothing waits. */
void tls_resume(void);

/** Handshake deadlines and stalled closes; call from the superloop. */
void tls_poll(void);

void tls_get_stats(struct tls_stats *out);

/** Connections in use (any state). */
unsigned tls_active(void);

#endif
