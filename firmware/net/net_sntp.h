/* The device clock from SNTP (RFC 4330) through lwIP's apps/sntp. */
#ifndef NET_SNTP_H
#define NET_SNTP_H

#include <stddef.h>
#include <stdint.h>

/* Poll servers[0..n) (IPv4, network order bytes) on UDP port; n <= 2.
 * The first request goes out now, then every hour. Until an answer comes
 * the clock runs from the provisioned floor plus uptime. */
int net_sntp_start(const uint8_t (*servers)[4], size_t n, uint16_t port);

/* Answers that set the clock (0 before the first). */
unsigned net_sntp_syncs(void);

#endif
