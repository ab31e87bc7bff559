/* One error convention for every layer: 0 is success, a negative value from
 * this enum is a failure. Foreign codes (lwIP err_t, MBEDTLS_ERR_*) are
 * translated at the edge that receives them. */
#ifndef APP_ERR_H
#define APP_ERR_H

enum app_err {
    APP_OK = 0,
    APP_ERR_TIMEOUT = -1,   /* a hardware bit or a peer did not answer in time */
    APP_ERR_NODEV = -2,     /* the expected chip is not there */
    APP_ERR_INVAL = -3,     /* bad argument or malformed input */
    APP_ERR_NOMEM = -4,     /* a fixed pool or buffer is exhausted */
    APP_ERR_BUSY = -5,      /* try again later (FIFO full, slot in use) */
    APP_ERR_IO = -6,        /* the device reported an error */
    APP_ERR_OVERFLOW = -7,  /* output does not fit the caller's buffer */
    APP_ERR_NOTFOUND = -8,  /* no such entity */
    APP_ERR_STATE = -9,     /* call not valid in the current state */
    APP_ERR_PROTO = -10,    /* the peer broke the protocol (bad TLS record, alert) */
    APP_ERR_NOSPACE = -11,  /* the non-volatile store cannot take it (HTTP 507) */
    APP_ERR_TOOBIG = -12,   /* over a configured limit (HTTP 413) */
    APP_ERR_CORRUPT = -13,  /* stored bytes fail their checks (HTTP 503) */
};

/* Name of an app_err value, for logs. Never NULL. */
static inline const char *app_err_name(int err)
{
    switch (err) {
    case APP_OK: return "ok";
    case APP_ERR_TIMEOUT: return "timeout";
    case APP_ERR_NODEV: return "nodev";
    case APP_ERR_INVAL: return "inval";
    case APP_ERR_NOMEM: return "nomem";
    case APP_ERR_BUSY: return "busy";
    case APP_ERR_IO: return "io";
    case APP_ERR_OVERFLOW: return "overflow";
    case APP_ERR_NOTFOUND: return "notfound";
    case APP_ERR_STATE: return "state";
    case APP_ERR_PROTO: return "proto";
    case APP_ERR_NOSPACE: return "nospace";
    case APP_ERR_TOOBIG: return "toobig";
    case APP_ERR_CORRUPT: return "corrupt";
    default: return "unknown";
    }
}

#endif
