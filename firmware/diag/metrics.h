/* GET /metrics: the device's counters in the Prometheus text exposition
 * format (version 0.0.4), rendered by the response renderer (resp.h) from
 * a snapshot taken when the request is answered, so that the body is
 * exactly as long as its Content-Length however it is sliced. */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "resp.h"

/* Fields of the program below start here in the caller's getter:
 * field METRICS_FIELD + i is snapshot value i (RESP_U64), and
 * METRICS_FIELD_RESET the reset cause text (RESP_RAW). */
#define METRICS_FIELD 96u
#define METRICS_FIELD_RESET 95u
#define METRICS_CODES 12u   /* statuses counted one by one (metrics.c) */

/* The snapshot's values, in the order the program shows them. */
enum metrics_value {
    V_UPTIME,
    V_STATUS,                               /* METRICS_CODES + 1 values */
    V_TLS_DONE = V_STATUS + METRICS_CODES + 1u,
    V_TLS_RESUMED, V_TLS_FAILED, V_TLS_TIMEOUT, V_TLS_EVICTED, V_TLS_REFUSED,
    V_HEAD_WAITS, V_HEAD_LATE, V_STALLED, V_EVICTED,
    V_ACCEPTED, V_SYN_REFUSED, V_HOG, V_LINK_DROP,
    V_HEAP_USED, V_HEAP_MAX, V_HEAP_ERR,
    V_POOL_USED, V_POOL_MAX, V_POOL_ERR, V_PCB_USED, V_PCB_MAX,
    V_LOG_DROPPED, V_STACK_PEAK,
    V_END,
};
#define METRICS_VALUES ((unsigned)V_END)

/* The program of the body. */
const struct resp_op *metrics_program(void);

/* Fill v[0..METRICS_VALUES) with the counters now. */
void metrics_snapshot(uint32_t v[METRICS_VALUES]);

/* Copy the per-status counts (METRICS_CODES + 1 values, "other" last). */
void metrics_status_counts(uint32_t *v);

/* Count a response by its status (every response the server sends). */
void metrics_count_status(unsigned status);

#endif
