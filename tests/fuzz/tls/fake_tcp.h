/* A fake of lwIP's raw TCP API for host tests of code written on it
 * (firmware/tls/tls.c): real struct tcp_pcb and real lwIP pbufs (core
 * pbuf/mem/memp linked), while the test plays the peer and lwIP's input and
 * timer paths. Every misuse that would be a use-after-free or a broken
 * window on the device aborts. */
#ifndef FAKE_TCP_H
#define FAKE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/tcp.h"

#define FTCP_CONNS 3          /* one more than APP_TLS_MAX_CONNS: refusal, eviction */
#define FTCP_IN_MAX 65536u    /* client bytes per connection and input */
#define FTCP_OUT_MAX 65536u   /* server bytes kept per connection */
#define FTCP_ROOM_ALL 0xFFFFu /* no cap on the bytes in flight */

enum ftcp_end {
    FTCP_LIVE = 0, /* accepted, not yet ended */
    FTCP_CLOSED,   /* the application called tcp_close() */
    FTCP_ABORTED,  /* the application called tcp_abort() */
    FTCP_RESET,    /* the peer reset it (err callback) */
    FTCP_UNUSED,
};

struct ftcp_conn {
    struct tcp_pcb pcb;
    enum ftcp_end end;
    /* Receive side: in[in_pos..in_len) not yet delivered (the TCP window
     * holds them back); the FIN follows the last byte. */
    uint8_t in[FTCP_IN_MAX];
    size_t in_len, in_pos;
    bool fin_queued, fin_sent;
    uint32_t delivered, recved; /* bytes; recved never exceeds delivered */
    uint16_t seg;               /* bytes per segment */
    uint8_t chain;              /* segments per recv callback (1..3) */
    /* Send side: segments written (unsent, then sent until acked). */
    uint16_t segs[TCP_SND_QUEUELEN + 1];
    unsigned nsegs, nsent;
    uint16_t room;       /* cap on the bytes in flight (the peer's window) */
    unsigned write_fail; /* tcp_write says ERR_MEM this many more times */
    bool close_fail;     /* tcp_close says ERR_MEM once */
    uint8_t out[FTCP_OUT_MAX];
    size_t out_len;
    bool out_overflow;
    size_t out_at_close;      /* out_len when tcp_close() was called */
    uint32_t unread_at_close; /* delivered - recved then: lwIP sends a RST */
};

extern struct ftcp_conn ftcp_conns[FTCP_CONNS];

/* Called with bytes once the fake puts them on the wire (tcp_output). */
extern void (*ftcp_wire)(int conn, const uint8_t *p, size_t n);

/* lwIP's pools and heap; call once. */
void ftcp_init(void);
/* Forget every connection (all must have ended). */
void ftcp_reset(void);

/* A SYN on conn (which must not be live): the accept callback from
 * net_listen() runs. Returns true when the application kept it. */
bool ftcp_accept(int conn);
/* Client bytes and its FIN, delivered as the window allows by ftcp_pump(). */
void ftcp_send(int conn, const uint8_t *p, size_t n);
void ftcp_fin(int conn);
/* Deliver what the windows and the pbuf pool allow, on every connection. */
void ftcp_pump(void);
/* The peer acknowledges up to n sent segments (0: all): the sent callback. */
void ftcp_ack(int conn, unsigned n);
/* A RST from the peer: the err callback, then the PCB is gone. */
void ftcp_rst(int conn);
/* lwIP's slow timer: the poll callback of every live connection. */
void ftcp_poll(void);
/* Cap the bytes in flight on conn (FTCP_ROOM_ALL: no cap). */
void ftcp_set_room(int conn, uint16_t room);
/* Take (hog) or give back every free PBUF_POOL pbuf: no frame arrives. */
void ftcp_hog_pool(bool hog);

bool ftcp_live(int conn);
/* Segments written and not yet acknowledged (0 once ended). */
unsigned ftcp_unacked(int conn);
/* pbufs and heap in use by lwIP (0 when nothing leaked). */
unsigned ftcp_lwip_in_use(void);

#endif
