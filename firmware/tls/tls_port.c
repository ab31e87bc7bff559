/* mbedTLS platform hooks (firmware/config/mbedtls_config.h). */
#include "tls_port.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "app_config.h"
#include "clock.h"
#include "hal_board.h"
#include "log.h"
#include "tls_heap.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"

static unsigned char s_heap[APP_TLS_HEAP] __attribute__((aligned(8), section(".pool.tls.heap")));

void *tls_port_boot_scratch(size_t *len)
{
    *len = sizeof(s_heap);
    return s_heap;
}

/* tls_heap found its structure broken (a foreign or twice-freed pointer,
 * an overrun header): nothing in mbedTLS can be trusted after that. */
static void heap_corrupt(const char *why)
{
    log_sync(); /* never dropped, never left in the ring */
    log_printf("tls: mbedTLS heap corrupted (%s), resetting\r\n", why);
    hal_board_reset();
}

void tls_port_init(void)
{
    tls_heap_init(s_heap, sizeof(s_heap), heap_corrupt);
}

void tls_port_heap_stats(struct tls_heap_stats *out)
{
    tls_heap_stats(out);
}

void tls_port_heap_peak_reset(void)
{
    tls_heap_peak_reset();
}

_Static_assert(__builtin_types_compatible_p(__typeof__(tls_port_no_peer_verify),
                                            __typeof__(mbedtls_x509_crt_verify_restartable)),
               "tls_port_no_peer_verify must keep mbedTLS's prototype (Makefile rename)");

/* ssl_tls.c's mbedtls_x509_crt_verify_restartable() (Makefile): only
 * reached if the server asked for a client certificate, which it does
 * not (authmode NONE, mbedTLS's server default). */
int tls_port_no_peer_verify(mbedtls_x509_crt *crt, mbedtls_x509_crt *trust_ca,
                            mbedtls_x509_crl *ca_crl, const mbedtls_x509_crt_profile *profile,
                            const char *cn, uint32_t *flags,
                            int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *),
                            void *p_vrfy, mbedtls_x509_crt_restart_ctx *rs_ctx)
{
    (void)crt;
    (void)trust_ca;
    (void)ca_crl;
    (void)profile;
    (void)cn;
    (void)f_vrfy;
    (void)p_vrfy;
    (void)rs_ctx;
    *flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    return MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
}

/* MBEDTLS_PLATFORM_TIME_MACRO: Unix seconds (ticket lifetimes). */
long long tls_port_time(long long *t)
{
    long long now = (long long)(clock_now_ms() / 1000);
    if (t != NULL) {
        *t = now;
    }
    return now;
}

/* MBEDTLS_PLATFORM_MS_TIME_ALT: TLS 1.3 ticket age (RFC 8446 4.6.1). */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)clock_now_ms();
}

/* MBEDTLS_PLATFORM_SNPRINTF_MACRO: the log's formatter instead of
 * newlib's printf family (and its malloc). Only certificate printing and
 * OID naming use it; a negative return is what mbedTLS checks for. */
int tls_port_snprintf(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = log_vformat(s, n, fmt, ap);
    va_end(ap);
    return r;
}
