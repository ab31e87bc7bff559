/* Build-time configuration of the application. Every limit has a default
 * here; override with -D on the make command line (e.g.
 * make CFLAGS_EXTRA=-DAPP_NET_DHCP=1). Impossible combinations stop the
 * build. */
#ifndef APP_CONFIG_H
#define APP_CONFIG_H

/* Network: QEMU user networking's guest address by default. */
#ifndef APP_NET_DHCP
#define APP_NET_DHCP 0
#endif
#ifndef APP_NET_IP
#define APP_NET_IP "10.0.2.15"
#endif
#ifndef APP_NET_NETMASK
#define APP_NET_NETMASK "255.255.255.0"
#endif
#ifndef APP_NET_GW
#define APP_NET_GW "10.0.2.2"
#endif
#ifndef APP_NET_HOSTNAME
#define APP_NET_HOSTNAME "uploadsession"
#endif
/* How often the PHY link state is polled (ms). */
#ifndef APP_NET_LINK_POLL_MS
#define APP_NET_LINK_POLL_MS 500
#endif

/* Connection slots of the servers (HTTP and TLS land with their issues;
 * the TCP PCB pool is sized from these now). */
#ifndef APP_HTTP_MAX_CONNS
#define APP_HTTP_MAX_CONNS 4
#endif
#ifndef APP_TLS_MAX_CONNS
#define APP_TLS_MAX_CONNS 2
#endif

/* Diagnostics TCP echo (RFC 862) on port 7. */
#ifndef APP_ECHO_ENABLE
#define APP_ECHO_ENABLE 1
#endif
#ifndef APP_ECHO_PORT
#define APP_ECHO_PORT 7
#endif
#ifndef APP_ECHO_MAX_CONNS
#define APP_ECHO_MAX_CONNS 10
#endif

/* Test builds only: fault on purpose this many ms after the ready line,
 * to exercise the fault handler (make fault-image). 0 = never. */
#ifndef APP_FAULT_INJECT
#define APP_FAULT_INJECT 0
#endif
#define APP_FAULT_INJECT_DELAY_MS 200

#if APP_HTTP_MAX_CONNS < 1 || APP_TLS_MAX_CONNS < 0
#error "APP_HTTP_MAX_CONNS must be at least 1"
#endif
#if APP_ECHO_ENABLE && APP_ECHO_MAX_CONNS < 1
#error "APP_ECHO_MAX_CONNS must be at least 1 when the echo service is enabled"
#endif

#endif
