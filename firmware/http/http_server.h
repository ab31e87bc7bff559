/* HTTP/1.1 server core: a static pool of connections, each with a fixed
 * request-head buffer, written against a small transport interface so that
 * plain TCP (http_tcp) and TLS plug in alike. Keep-alive, pipelining (in
 * order), HTTP/1.0 close semantics, HEAD, head and idle deadlines, 503 when
 * the pool is full. Responses are rendered slice by slice into one shared
 * scratch buffer, each slice resuming where the last stopped (a cursor),
 * and handed to the transport as its send room allows. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app_config.h"

/* What a transport provides; ctx is the transport's own connection. */
struct http_io {
    /* Copy up to cap received bytes into buf, opening the receive window
     * by as much. Returns the count (0: nothing now), or APP_ERR_STATE
     * once the peer closed and everything was read. */
    int (*recv)(void *ctx, void *buf, size_t cap);
    /* Whether recv() has something for the server now: received bytes,
     * or the peer's close. Asked before a connection with no head buffer
     * queues for one, so that an event on an idle keep-alive connection
     * (a poll timer, an ACK) is not taken for a request. */
    bool (*pending)(void *ctx);
    /* Bytes send() would take now. */
    size_t (*room)(void *ctx);
    /* Queue len bytes (copied). Returns bytes taken (<= len), or a
     * negative app_err when the connection is broken. */
    int (*send)(void *ctx, const void *buf, size_t len);
    /* Push what was queued onto the wire. */
    void (*flush)(void *ctx);
    /* Graceful close once queued bytes are sent. The server forgets ctx. */
    void (*close)(void *ctx);
    /* Drop now (RST), freeing what the connection holds in the stack: for
     * a peer that stopped reading. The server forgets ctx. */
    void (*abort)(void *ctx);
};

struct http_conn;

/* Connection slots: the plain and TLS transports each limit their own
 * connections, and the server has a slot for every one of them. */
#define HTTP_SERVER_SLOTS (APP_HTTP_MAX_CONNS + APP_TLS_MAX_CONNS)

/* Memory of the connection pool, lent out as boot-time scratch (the
 * configuration parser's workspace) until http_server_init() is called;
 * sets *len. Nothing may hold on to it afterwards. */
void *http_server_boot_scratch(size_t *len);

/* Reset the pool. */
void http_server_init(void);

/* A transport accepted a connection: returns its server connection, or
 * NULL when every slot is taken (then call http_server_reject()). */
struct http_conn *http_server_open(const struct http_io *io, void *ctx, bool tls);

/* Every slot of this kind (tls or not) is taken and a client connects:
 * close the connection that has been idle longest (keep-alive, RFC 9112
 * 9.5 lets a server close an idle connection at any time), else one whose
 * request head is late (408), either only after APP_HTTP_HEAD_SHARE_MS
 * (README "Fairness"). Returns false when none qualifies (then the
 * newcomer gets 503). */
bool http_server_evict(bool tls);

/* Tell a connection that got no slot 503 + Retry-After, then close it. */
void http_server_reject(const struct http_io *io, void *ctx, bool tls);

/* Bytes arrived or send room freed up: make progress. May call io->close
 * (the transport must then not touch c again). */
void http_server_event(struct http_conn *c);

/* The transport lost the connection (reset, error): free the slot. */
void http_server_gone(struct http_conn *c);

/* Deadlines (408 for a stalled head, idle keep-alive close). Call from the
 * superloop; cheap when nothing is due. */
void http_server_poll(void);

/* Connections that waited for a free head buffer get it: call from the
 * superloop, outside lwIP callbacks (cheap when nobody waits). */
void http_server_resume(void);

/* What the fairness rules did (README "Fairness"), for the metrics. */
struct http_server_stats {
    uint32_t head_waits;    /* a connection found every head buffer busy */
    uint32_t head_late;     /* 408: a head not complete in its share while others waited */
    uint32_t stalled;       /* aborted: response not moving while others waited */
    uint32_t evicted;       /* idle or late connections closed for a newcomer */
    uint32_t refused;       /* 503: no slot */
    uint32_t timeouts;      /* 408 at the head deadline, idle closes (aborts mid-response) */
};
void http_server_stats(struct http_server_stats *out);
uint32_t http_server_head_waits(void);

/* Connections in use. */
unsigned http_server_active(void);

#endif
