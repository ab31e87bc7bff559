/* Firmware entry: bring up the board, load the configuration, start lwIP
 * and the services, then run the superloop: drain the NIC, run lwIP's
 * timers and the HTTP deadlines, sleep when idle. */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "app_config.h"
#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "echo.h"
#include "ethif.h"
#include "hal_board.h"
#include "hal_eth.h"
#include "hal_rng.h"
#include "hal_time.h"
#include "http_server.h"
#include "http_tcp.h"
#include "log.h"
#include "net_sntp.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "prof.h"
#include "rng.h"
#include "store.h"
#include "store_selftest.h"
#include "tls.h"
#include "tls_port.h"
#if APP_BENCH_SERVER
#include "bench_resp.h"
#endif
#if APP_BENCH_SERVER == 1
#include "floor.h"
#elif APP_BENCH_SERVER == 2
#include "lwip/apps/httpd.h"
#endif

#ifndef APP_VERSION
#define APP_VERSION "dev"
#endif

static struct netif s_netif;
static struct config s_config;
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

static void ip_from(ip4_addr_t *a, const uint8_t b[4])
{
    IP4_ADDR(a, b[0], b[1], b[2], b[3]);
}

/* Build-time defaults, overridden by the configuration's "network". */
static int net_start(const struct config_network *cfg)
{
    ip4_addr_t ip = {0};
    ip4_addr_t mask = {0};
    ip4_addr_t gw = {0};
    bool dhcp = cfg->has_dhcp ? cfg->dhcp : APP_NET_DHCP;

    lwip_init();
    if (!ip4addr_aton(APP_NET_IP, &ip) || !ip4addr_aton(APP_NET_NETMASK, &mask) ||
        !ip4addr_aton(APP_NET_GW, &gw)) {
        return APP_ERR_INVAL;
    }
    if (cfg->has_ip) {
        ip_from(&ip, cfg->ip);
    }
    if (cfg->has_netmask) {
        ip_from(&mask, cfg->netmask);
    }
    if (cfg->has_gateway) {
        ip_from(&gw, cfg->gateway);
    }
    if (dhcp) {
        ip4_addr_set_zero(&ip);
        ip4_addr_set_zero(&mask);
        ip4_addr_set_zero(&gw);
    }
    ethif_set_mac(cfg->has_mac ? cfg->mac : NULL);
    if (netif_add(&s_netif, &ip, &mask, &gw, NULL, ethif_init, ethernet_input) == NULL) {
        return APP_ERR_NODEV;
    }
    netif_set_hostname(&s_netif, cfg->has_hostname ? cfg->hostname : APP_NET_HOSTNAME);
    netif_set_default(&s_netif);
    netif_set_status_callback(&s_netif, on_status);
    netif_set_link_callback(&s_netif, on_link);
    netif_set_up(&s_netif);
    ethif_link_poll(&s_netif);
#if LWIP_DHCP
    if (dhcp && dhcp_start(&s_netif) != ERR_OK) {
        return APP_ERR_NOMEM;
    }
#else
    if (dhcp) {
        log_printf("net: DHCP requested but not built in (APP_NET_DHCP=0): static address\r\n");
    }
#endif
    return APP_OK;
}

#if !APP_BENCH_SERVER
/* Mount the session store. One that cannot be read is left as it is (the
 * session calls answer 503) for someone to look at: never formatted. */
static void store_start(void)
{
    uint32_t seed = 0;
    (void)hal_rng_fill(&seed, sizeof(seed)); /* where wear spreading starts */
    uint32_t c0 = hal_time_cycles();
    int err = store_mount(seed);
    uint32_t us = (uint32_t)((uint64_t)(hal_time_cycles() - c0) * 1000000u / hal_time_cycle_hz());
    struct store_usage u;
    store_usage(&u);
    if (err == APP_OK) {
        log_printf("store: %u x %u B sectors, %u free, %u metadata; %d session(s), %d file(s); "
                   "mounted in %u us\r\n",
                   (unsigned)u.sectors, (unsigned)u.sector_size, (unsigned)u.free_sectors,
                   (unsigned)u.meta_sectors, u.sessions, u.files, (unsigned)us);
    } else {
        log_printf("store: not mounted (%s): session calls answer 503; the flash is left as it "
                   "is\r\n",
                   app_err_name(err));
    }
}

/* Load the configuration partition. A bad or missing one never stops the
 * device: it logs why and answers every request 503. */
static void config_start(void)
{
    char why[CONFIG_WHY_MAX];
    size_t len = 0;
    const uint8_t *part = hal_board_config(&len);
    /* The HTTP connection pool and mbedTLS's heap are idle until
     * http_server_init() and tls_port_init(): the larger holds the
     * parser's tokens meanwhile (a small board's pool is smaller than
     * CONFIG_WORKSPACE_SIZE). */
    size_t ws_len = 0;
    size_t heap_len = 0;
    void *ws = http_server_boot_scratch(&ws_len);
    void *heap = tls_port_boot_scratch(&heap_len);
    if (heap_len > ws_len) {
        ws = heap;
        ws_len = heap_len;
    }
    bool import = store_import_needed();
    int err = config_load_ws(part, len, &s_config, why, sizeof(why), ws, ws_len);
    if (err == APP_OK) {
        struct store_usage u;
        store_usage(&u);
        log_printf("config: ok%s; store: %d session(s), %d file(s), %u of %u string bytes\r\n",
                   import ? ", its sessions imported into the empty store" : "", u.sessions,
                   u.files, (unsigned)u.arena_used, (unsigned)APP_STORE_ARENA);
    } else if (err == APP_ERR_NOTFOUND) {
        log_printf("config: none in the config partition (%s); not provisioned\r\n", why);
    } else {
        log_printf("config: rejected: %s; not provisioned\r\n", why);
    }
    clock_init(s_config.has_clock_floor ? s_config.clock_floor_ms : 0);
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])s_config.static_tokens,
                    s_config.static_token_count);
    auth_static_enable(s_config.static_tokens_enabled);
    api_init(s_config.provisioned, s_config.service_root, s_config.realm);
    api_set_config(&s_config);
}
#endif

#if !APP_BENCH_SERVER
/* lwIP's heap refusing segments for long is worth a line (rate-limited). */
static void nomem_report(uint32_t now)
{
    static uint32_t seen;
    static uint32_t t;
    uint32_t n = http_tcp_write_nomem();
    if (n != seen && now - t >= 2000u) {
        log_printf("net: lwIP heap full, %u write(s) deferred so far\r\n", (unsigned)n);
        seen = n;
        t = now;
    }
}
#endif

static void idle_forever(const char *why, int err)
{
    for (;;) {
        uint32_t t = hal_time_ms();
        while (hal_time_ms() - t < 5000u) {
            uint32_t key = hal_board_irq_save();
            hal_board_sleep();
            hal_board_irq_restore(key);
        }
        log_printf("%s (%s)\r\n", why, app_err_name(err));
    }
}

int main(void)
{
    int err;
    uint32_t last_link = 0;
    uint32_t last_http = 0;

    hal_board_init();
    log_init(); /* from here the log never waits for the UART */
    s_boot_ms = hal_time_ms();
    log_printf("\r\nboot %s firmware %s\r\n", hal_board_name(), APP_VERSION);

#if APP_BENCH_SERVER
    /* The reference images serve what `make bench` put in the config
     * partition (bench_resp.h), and need no configuration. */
    clock_init(0);
    size_t part_len = 0;
    const uint8_t *part = hal_board_config(&part_len);
    err = bench_resp_load(part, part_len);
    log_printf("bench: %d response(s) in the config partition%s\r\n", err < 0 ? 0 : err,
               err < 0 ? " (none provisioned: nothing to serve)" : "");
#else
    store_start();
    config_start();
#if APP_STORE_SELFTEST
    store_selftest_start();
#endif
#endif
    tls_port_init(); /* mbedTLS's heap, which the entropy pool needs too */
    if (rng_init(s_config.has_nv_seed ? s_config.nv_seed : NULL) != APP_OK) {
        log_printf("rng: no entropy (no NV seed provisioned, no TRNG): no HTTPS, and request "
                   "ids are not random\r\n");
    }
#if !APP_BENCH_SERVER
    /* The key of the connections' token memory, from the DRBG (without
     * one, said above, connections remember no token). */
    (void)auth_init();
    if (s_config.has_jwt) {
        /* Issuer keys from PEM text: the idle HTTP pool is the scratch. */
        size_t scratch_len;
        void *scratch = http_server_boot_scratch(&scratch_len);
        if (auth_jwt_setup(&s_config, scratch, scratch_len) != APP_OK) {
            log_printf("auth: no usable JWT key: JWTs will be refused\r\n");
        }
    }
    if (s_config.has_tls) {
        /* The HTTP pool is idle until http_server_init(): PEM scratch. */
        size_t scratch_len;
        void *scratch = http_server_boot_scratch(&scratch_len);
        err = tls_init(&s_config, scratch, scratch_len);
        if (err != APP_OK) {
            log_printf("tls: not serving HTTPS (%s)\r\n", app_err_name(err));
        }
    }
#endif
    err = net_start(&s_config.net);
    if (err != APP_OK) {
        log_printf("net: start failed: %s\r\n", app_err_name(err));
        idle_forever("net: no interface", err);
    }
#if APP_BENCH_SERVER == 1
    /* Response i on port 80 + i: the port picks it, nothing is parsed. */
    const struct bench_resp *resp;
    for (unsigned i = 0; (resp = bench_resp_get(i)) != NULL; i++) {
        err = floor_start((uint16_t)(80u + i), resp->data, resp->len);
        log_printf("bench: fixed-bytes responder on port %u (%u bytes) %s\r\n", 80u + i,
                   (unsigned)resp->len, app_err_name(err));
    }
#elif APP_BENCH_SERVER == 2
    httpd_init();
    log_printf("bench: lwIP httpd on port 80\r\n");
#else
    http_server_init();
    if (s_config.has_tls) {
        err = tls_tcp_start(443);
        log_printf("https: port 443 %s\r\n", app_err_name(err));
    }
    /* Plain HTTP as configured. Fail closed: "off" and "redirect" hold
     * even when HTTPS failed to start, so that a broken certificate never
     * turns into tokens sent in the clear. */
    if (s_config.plain_http == CONFIG_PLAIN_OFF) {
        log_printf("http: port 80 off (config)\r\n");
    } else {
        if (s_config.plain_http == CONFIG_PLAIN_REDIRECT) {
            api_set_redirect(s_config.redirect_port);
        }
        err = http_tcp_start(80);
        log_printf("http: port 80 %s%s\r\n", app_err_name(err),
                   s_config.plain_http == CONFIG_PLAIN_REDIRECT ? ", redirecting to https" : "");
    }
#endif
#if APP_PROF
    err = prof_start(APP_PROF_PORT);
    log_printf("prof: port %u %s\r\n", (unsigned)APP_PROF_PORT, app_err_name(err));
#endif
#if APP_ECHO_ENABLE
    if (s_config.echo) {
        err = echo_start(APP_ECHO_PORT, APP_ECHO_MAX_CONNS);
        log_printf("echo: port %u %s\r\n", (unsigned)APP_ECHO_PORT, app_err_name(err));
    }
#endif
    if (s_config.sntp_count > 0u) {
        err = net_sntp_start((const uint8_t(*)[4])s_config.sntp_servers, s_config.sntp_count,
                             s_config.sntp_port);
        log_printf("clock: SNTP %u server(s), port %u %s\r\n", (unsigned)s_config.sntp_count,
                   (unsigned)s_config.sntp_port, app_err_name(err));
    }
    s_services_up = 1;
    on_status(&s_netif);

    for (;;) {
#if APP_FAULT_INJECT
        if (s_ready && hal_time_ms() - s_boot_ms > APP_FAULT_INJECT_DELAY_MS) {
#if APP_FAULT_INJECT_UDF
            /* QEMU's Stellaris machines read unmapped addresses as 0 (their
             * ignore_memory_transaction_failures): a permanently undefined
             * instruction there, a UsageFault (CFSR.UNDEFINSTR). */
            log_printf("fault-inject: an undefined instruction\r\n");
            __asm volatile("udf #0");
#else
            log_printf("fault-inject: reading an unmapped address\r\n");
            /* Nothing is mapped there: a precise bus fault (CFSR.PRECISERR,
             * BFAR valid). */
            (void)*(volatile uint32_t *)0xF0000000u;
#endif
        }
#endif
        PROF_PASS_BEGIN();
        hal_board_watchdog_feed();
#if APP_STORE_SELFTEST
        store_selftest_poll(); /* one store operation per pass */
#endif
        (void)ethif_poll(&s_netif);
        sys_check_timeouts();
#if !APP_BENCH_SERVER
        http_server_resume();
        tls_resume();
#endif
        uint32_t now = hal_time_ms();
        if (now - last_http >= 100u) {
            last_http = now;
#if !APP_BENCH_SERVER
            http_server_poll();
            tls_poll();
            nomem_report(now);
#endif
            (void)clock_now_ms(); /* keeps the wide uptime counter current */
        }
        if (now - last_link >= APP_NET_LINK_POLL_MS) {
            last_link = now;
            ethif_link_poll(&s_netif);
        }
        PROF_PASS_END();
        /* Sleep until the next interrupt (SysTick every 1 ms, or the NIC)
         * unless the NIC signalled while we were busy. */
        uint32_t key = hal_board_irq_save();
        if (!hal_eth_event()) {
            hal_board_sleep();
        }
        hal_board_irq_restore(key);
    }
}
