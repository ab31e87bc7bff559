/* The /metrics body (see metrics.h). Names follow Prometheus' conventions
 * (base units, _total for counters); one line per value, so the text is
 * literal pieces and numbers only. */
#include "metrics.h"


/* Statuses counted one by one; the rest add up in "other". */
static const uint16_t k_codes[] = {200, 308, 400, 401, 403, 404, 405, 408, 414, 431, 500, 503};
#define NCODES METRICS_CODES
_Static_assert(sizeof(k_codes) / sizeof(k_codes[0]) == METRICS_CODES, "one count per code");
static uint32_t s_by_status[NCODES + 1u];

void metrics_status_counts(uint32_t *v)
{
    for (size_t i = 0; i <= NCODES; i++) {
        v[i] = s_by_status[i];
    }
}


void metrics_count_status(unsigned status)
{
    size_t i = 0;
    while (i < NCODES && k_codes[i] != status) {
        i++;
    }
    s_by_status[i]++;
}

#define LIT(s) {RESP_LIT, 0, sizeof(s) - 1u, s}
#define NUM(i) {RESP_U64, (uint8_t)(METRICS_FIELD + (i)), 0, NULL}
/* No "# TYPE" lines (optional in the format; they would cost 1.2 KB of
 * flash): counters end in _total, the rest are gauges. */
#define C(name) "device_" name
#define G(name) "device_" name
#define REQ(code, i) LIT("device_http_responses_total{code=\"" code "\"} "), NUM(V_STATUS + (i)), LIT("\n")

static const struct resp_op k_metrics[] = {
    LIT(G("uptime_seconds") " "), NUM(V_UPTIME),
    LIT("\n" G("reset_info") "{cause=\""), {RESP_RAW, METRICS_FIELD_RESET, 0, NULL}, LIT("\"} 1\n"),
    REQ("200", 0), REQ("308", 1), REQ("400", 2), REQ("401", 3), REQ("403", 4), REQ("404", 5),
    REQ("405", 6), REQ("408", 7), REQ("414", 8), REQ("431", 9), REQ("500", 10), REQ("503", 11),
    REQ("other", 12),
    LIT(C("tls_handshakes_total") " "), NUM(V_TLS_DONE),
    LIT("\n" C("tls_resumptions_total") " "), NUM(V_TLS_RESUMED),
    LIT("\ndevice_tls_handshake_failures_total{reason=\"protocol\"} "), NUM(V_TLS_FAILED),
    LIT("\ndevice_tls_handshake_failures_total{reason=\"timeout\"} "), NUM(V_TLS_TIMEOUT),
    LIT("\ndevice_tls_handshake_failures_total{reason=\"evicted\"} "), NUM(V_TLS_EVICTED),
    LIT("\ndevice_tls_handshake_failures_total{reason=\"no_slot\"} "), NUM(V_TLS_REFUSED),
    LIT("\n" C("http_head_buffer_waits_total") " "), NUM(V_HEAD_WAITS),
    LIT("\n" C("http_late_heads_total") " "), NUM(V_HEAD_LATE),
    LIT("\n" C("http_stalled_responses_total") " "), NUM(V_STALLED),
    LIT("\n" C("http_evicted_connections_total") " "), NUM(V_EVICTED),
    LIT("\n" C("http_connections_total") " "), NUM(V_ACCEPTED),
    LIT("\n" C("tcp_syn_refused_total") " "), NUM(V_SYN_REFUSED),
    LIT("\n" C("tcp_heap_hog_aborts_total") " "), NUM(V_HOG),
    LIT("\n" C("link_rx_dropped_total") " "), NUM(V_LINK_DROP),
    LIT("\n" G("lwip_heap_used_bytes") " "), NUM(V_HEAP_USED),
    LIT("\n" G("lwip_heap_max_bytes") " "), NUM(V_HEAP_MAX),
    LIT("\n" C("lwip_heap_errors_total") " "), NUM(V_HEAP_ERR),
    LIT("\n" G("lwip_pbuf_pool_used") " "), NUM(V_POOL_USED),
    LIT("\n" G("lwip_pbuf_pool_max") " "), NUM(V_POOL_MAX),
    LIT("\n" C("lwip_pbuf_pool_errors_total") " "), NUM(V_POOL_ERR),
    LIT("\n" G("lwip_tcp_pcbs_used") " "), NUM(V_PCB_USED),
    LIT("\n" G("lwip_tcp_pcbs_max") " "), NUM(V_PCB_MAX),
    LIT("\n" C("log_lines_dropped_total") " "), NUM(V_LOG_DROPPED),
    LIT("\n" G("stack_peak_bytes") " "), NUM(V_STACK_PEAK),
    LIT("\n"),
    {RESP_END, 0, 0, NULL},
};

const struct resp_op *metrics_program(void)
{
    return k_metrics;
}
