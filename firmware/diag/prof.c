/* Cycle accounting for the benchmarks (only in APP_PROF builds). */
#include "prof.h"

#if APP_PROF

#include "app_err.h"
#include "hal_board.h"
#include "hal_time.h"
#include "log.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
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

static uint32_t s_pass_t0;
static uint32_t s_pass_rx;
static uint32_t s_pass_tx;
static uint32_t s_pass_app;
static uint8_t s_pass_work;
static uint32_t s_timer; /* cycles of busy passes that only ran timeouts */

void prof_work(void)
{
    s_pass_work = 1;
}

void prof_pass_begin(void)
{
    s_pass_rx = lwip_stats.link.recv;
    s_pass_tx = lwip_stats.link.xmit;
    s_pass_app = s_app;
    /* A due timeout runs in this pass's sys_check_timeouts(). */
    s_pass_work = sys_timeouts_sleeptime() == 0u ? 2u : 0u;
    s_pass_t0 = hal_time_cycles();
}

void prof_pass_end(void)
{
    uint32_t dt = hal_time_cycles() - s_pass_t0;
    int net = lwip_stats.link.recv != s_pass_rx || lwip_stats.link.xmit != s_pass_tx;
    if (net || s_app != s_pass_app || s_pass_work != 0u) {
        s_busy += dt;
        if (!net && s_app == s_pass_app && s_pass_work == 2u) {
            s_timer += dt;
        }
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
    log_printf("prof busy=%u app=%u requests=%u timer=%u hz=%u stack_peak=%u\r\n",
               (unsigned)s_busy, (unsigned)s_app, (unsigned)s_requests, (unsigned)s_timer,
               (unsigned)hal_time_cycle_hz(),
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
