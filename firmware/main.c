/* Firmware entry: bring up the board and lwIP, start the services, then
 * run the superloop: drain the NIC, run lwIP's timers, sleep when idle. */
#include <stdint.h>

#include "app_config.h"
#include "app_err.h"
#include "echo.h"
#include "ethif.h"
#include "hal_board.h"
#include "hal_eth.h"
#include "hal_time.h"
#include "log.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#ifndef APP_VERSION
#define APP_VERSION "dev"
#endif

static struct netif s_netif;
static uint8_t s_ready;
static uint8_t s_services_up;
static uint32_t s_boot_ms;

static void announce_ready(struct netif *netif)
{
    const uint8_t *m = netif->hwaddr;
    s_ready = 1;
    log_printf("ready ip=%s mac=%02x:%02x:%02x:%02x:%02x:%02x board=%s boot_ms=%u\r\n",
               ip4addr_ntoa(netif_ip4_addr(netif)), m[0], m[1], m[2], m[3], m[4], m[5],
               hal_board_name(), (unsigned)(hal_time_ms() - s_boot_ms));
}

static void on_status(struct netif *netif)
{
    if (!s_ready && s_services_up && netif_is_up(netif) && netif_is_link_up(netif) &&
        !ip4_addr_isany_val(*netif_ip4_addr(netif))) {
        announce_ready(netif);
    }
}

static void on_link(struct netif *netif)
{
    log_printf("net: link %s\r\n", netif_is_link_up(netif) ? "up" : "down");
    on_status(netif);
}

static int net_start(void)
{
    ip4_addr_t ip = {0};
    ip4_addr_t mask = {0};
    ip4_addr_t gw = {0};

    lwip_init();
#if !APP_NET_DHCP
    if (!ip4addr_aton(APP_NET_IP, &ip) || !ip4addr_aton(APP_NET_NETMASK, &mask) ||
        !ip4addr_aton(APP_NET_GW, &gw)) {
        return APP_ERR_INVAL;
    }
#endif
    if (netif_add(&s_netif, &ip, &mask, &gw, NULL, ethif_init, ethernet_input) == NULL) {
        return APP_ERR_NODEV;
    }
    netif_set_hostname(&s_netif, APP_NET_HOSTNAME);
    netif_set_default(&s_netif);
    netif_set_status_callback(&s_netif, on_status);
    netif_set_link_callback(&s_netif, on_link);
    netif_set_up(&s_netif);
    ethif_link_poll(&s_netif);
#if APP_NET_DHCP
    if (dhcp_start(&s_netif) != ERR_OK) {
        return APP_ERR_NOMEM;
    }
#endif
    return APP_OK;
}

int main(void)
{
    int err;
    uint32_t last_link = 0;

    hal_board_init();
    s_boot_ms = hal_time_ms();
    log_printf("\r\nboot %s firmware %s\r\n", hal_board_name(), APP_VERSION);

    err = net_start();
    if (err != APP_OK) {
        /* Without a NIC there is nothing to serve; keep logging why. */
        log_printf("net: start failed: %s\r\n", app_err_name(err));
        for (;;) {
            uint32_t t = hal_time_ms();
            while (hal_time_ms() - t < 5000u) {
                uint32_t key = hal_board_irq_save();
                hal_board_sleep();
                hal_board_irq_restore(key);
            }
            log_printf("net: no interface (%s)\r\n", app_err_name(err));
        }
    }
#if APP_ECHO_ENABLE
    err = echo_start(APP_ECHO_PORT, APP_ECHO_MAX_CONNS);
    log_printf("echo: port %u %s\r\n", (unsigned)APP_ECHO_PORT, app_err_name(err));
#endif
    s_services_up = 1;
    on_status(&s_netif);

    for (;;) {
#if APP_FAULT_INJECT
        if (s_ready && hal_time_ms() - s_boot_ms > APP_FAULT_INJECT_DELAY_MS) {
            log_printf("fault-inject: reading an unmapped address\r\n");
            /* Nothing is mapped there on any supported board: a precise
             * bus fault (CFSR.PRECISERR, BFAR valid). */
            (void)*(volatile uint32_t *)0xF0000000u;
        }
#endif
        (void)ethif_poll(&s_netif);
        sys_check_timeouts();
        uint32_t now = hal_time_ms();
        if (now - last_link >= APP_NET_LINK_POLL_MS) {
            last_link = now;
            ethif_link_poll(&s_netif);
        }
        /* Sleep until the next interrupt (SysTick every 1 ms, or the NIC)
         * unless the NIC signalled while we were busy. */
        uint32_t key = hal_board_irq_save();
        if (!hal_eth_event()) {
            hal_board_sleep();
        }
        hal_board_irq_restore(key);
    }
}
