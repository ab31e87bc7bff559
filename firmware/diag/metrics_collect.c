/* metrics_snapshot(): gathers the counters of the network stack, the
 * servers and the board (kept apart from metrics.c so that host tests of
 * the renderer need none of them). */
#include "metrics.h"

#include "clock.h"
#include "hal_board.h"
#include "http_server.h"
#include "http_tcp.h"
#include "log.h"
#include "lwip/stats.h"
#include "net_conn.h"
#include "tls.h"

void metrics_snapshot(uint32_t v[METRICS_VALUES])
{
    struct tls_stats t;
    struct http_server_stats h;
    struct net_conn_stats n;
    tls_get_stats(&t);
    http_server_stats(&h);
    net_conn_stats(&n);
    v[V_UPTIME] = (uint32_t)(clock_uptime_ms() / 1000);
    metrics_status_counts(&v[V_STATUS]);
    v[V_TLS_DONE] = t.done;
    v[V_TLS_RESUMED] = t.tickets;
    v[V_TLS_FAILED] = t.failed;
    v[V_TLS_TIMEOUT] = t.timed_out;
    v[V_TLS_EVICTED] = t.evicted;
    v[V_TLS_REFUSED] = t.refused;
    v[V_HEAD_WAITS] = h.head_waits;
    v[V_HEAD_LATE] = h.head_late;
    v[V_STALLED] = h.stalled;
    v[V_EVICTED] = h.evicted;
    v[V_ACCEPTED] = http_tcp_accepted();
    v[V_SYN_REFUSED] = n.syn_refused;
    v[V_HOG] = n.hog_aborts;
    v[V_LINK_DROP] = lwip_stats.link.drop;
    v[V_HEAP_USED] = lwip_stats.mem.used;
    v[V_HEAP_MAX] = lwip_stats.mem.max;
    v[V_HEAP_ERR] = lwip_stats.mem.err;
    v[V_POOL_USED] = lwip_stats.memp[MEMP_PBUF_POOL]->used;
    v[V_POOL_MAX] = lwip_stats.memp[MEMP_PBUF_POOL]->max;
    v[V_POOL_ERR] = lwip_stats.memp[MEMP_PBUF_POOL]->err + lwip_stats.link.memerr;
    v[V_PCB_USED] = lwip_stats.memp[MEMP_TCP_PCB]->used;
    v[V_PCB_MAX] = lwip_stats.memp[MEMP_TCP_PCB]->max;
    v[V_LOG_DROPPED] = log_lines_dropped();
    v[V_STACK_PEAK] = hal_board_stack_peak();
}
