/* Cycle accounting for the benchmarks (only in APP_PROF builds). */
#include "prof.h"

#if APP_PROF

#include "app_err.h"
#include "hal_board.h"
#include "hal_time.h"
#include "log.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "net_listen.h"

static uint32_t s_busy;
static uint32_t s_app;
static uint32_t s_app_t0;
static uint32_t s_requests;

void prof_app_begin(void)
{
    s_app_t0 = hal_time_cycles();
}

void prof_app_end(void)
{
    s_app += hal_time_cycles() - s_app_t0;
}

void prof_busy_add(uint32_t cycles)
{
    s_busy += cycles;
}

static uint32_t s_frame_t0;
static uint32_t s_frame_x0;

void prof_frame_begin(void)
{
    s_frame_x0 = lwip_stats.link.xmit;
    s_frame_t0 = hal_time_cycles();
}

void prof_frame_end(void)
{
    if (lwip_stats.link.xmit != s_frame_x0) {
        s_busy += hal_time_cycles() - s_frame_t0;
    }
}

void prof_request_done(void)
{
    s_requests++;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    (void)err;
    log_printf("prof busy=%u app=%u requests=%u hz=%u stack_peak=%u\r\n", (unsigned)s_busy,
               (unsigned)s_app, (unsigned)s_requests, (unsigned)hal_time_cycle_hz(),
               (unsigned)hal_board_stack_peak());
    if (pcb != NULL) {
        tcp_abort(pcb);
    }
    return ERR_ABRT;
}

int prof_start(uint16_t port)
{
    return net_listen(port, on_accept);
}

#endif
