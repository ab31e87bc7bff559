/* lwIP apps/sntp hooks (lwipopts.h) on the device clock (clock/). */
#include "net_sntp.h"

#include "app_err.h"
#include "clock.h"
#include "datetime.h"
#include "log.h"
#include "lwip/apps/sntp.h"
#include "lwip/ip_addr.h"

/* SNTP_PORT: lwIP's is a compile-time constant; ours comes from the
 * configuration (a test's responder listens on a free port). */
uint16_t net_sntp_port = 123;
static unsigned s_syncs;

/* SNTP_GET_SYSTEM_TIME: our transmit timestamp, which a valid answer
 * must echo (SNTP_CHECK_RESPONSE 2). */
void net_sntp_get_time(uint32_t *sec, uint32_t *us)
{
    int64_t ms = clock_now_ms();
    *sec = (uint32_t)(ms / 1000);
    *us = (uint32_t)(ms % 1000) * 1000u;
}

/* SNTP_SET_SYSTEM_TIME_US: seconds since 1970 (lwIP has already mapped
 * the NTP era). clock_set_ms() refuses a time before the floor. */
void net_sntp_set_time(uint32_t sec, uint32_t us)
{
    int64_t ms = (int64_t)sec * 1000 + us / 1000u;
    int64_t before = clock_now_ms();
    clock_set_ms(ms);
    int64_t moved = clock_now_ms() - before;
    char when[32];
    if (datetime_iso8601(ms, when, sizeof(when), 0) < 0) {
        when[0] = '\0';
    }
    if (moved == 0 && ms != before) {
        log_printf("clock: SNTP time %s is before the clock's floor: ignored\r\n", when);
        return;
    }
    s_syncs++;
    log_printf("clock: SNTP sync %s (moved %lld ms)\r\n", when, (long long)moved);
}

int net_sntp_start(const uint8_t (*servers)[4], size_t n, uint16_t port)
{
    if (n == 0u || n > SNTP_MAX_SERVERS || port == 0u) {
        return APP_ERR_INVAL;
    }
    net_sntp_port = port;
    sntp_setoperatingmode(SNTP_OPMODE_POLL);
    for (size_t i = 0; i < n; i++) {
        ip_addr_t a;
        IP_ADDR4(&a, servers[i][0], servers[i][1], servers[i][2], servers[i][3]);
        sntp_setserver((u8_t)i, &a);
    }
    sntp_init();
    return APP_OK;
}

unsigned net_sntp_syncs(void)
{
    return s_syncs;
}
