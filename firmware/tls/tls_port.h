/* mbedTLS's platform hooks on this firmware: the static heap (with use
 * counters), wall-clock time from clock/, and the stubs that keep libc's
 * allocator and stdio, and X.509 chain verification, out of the link. */
#ifndef TLS_PORT_H
#define TLS_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/x509_crt.h"
#include "tls_heap.h"

/* Hand the static pool to mbedTLS (tls_heap.c). */
void tls_port_init(void);

/* mbedTLS's heap as scratch for boot work before tls_port_init() (the
 * configuration parser's tokens), *len its size; idle until then. */
void *tls_port_boot_scratch(size_t *len);

void tls_port_heap_stats(struct tls_heap_stats *out);

/* Start a new peak measurement from the current use. */
void tls_port_heap_peak_reset(void);

/* Stands in for mbedtls_x509_crt_verify_restartable() in mbedTLS's
 * ssl_tls.c (the Makefile renames that one call): the server asks for no
 * client certificate, so no chain is ever verified, and X.509
 * verification is left out of the link. Any call refuses the chain:
 * returns MBEDTLS_ERR_X509_CERT_VERIFY_FAILED with *flags =
 * MBEDTLS_X509_BADCERT_NOT_TRUSTED, so a build that asked for client
 * certificates would reject them all. Same prototype as the original. */
int tls_port_no_peer_verify(mbedtls_x509_crt *crt, mbedtls_x509_crt *trust_ca,
                            mbedtls_x509_crl *ca_crl, const mbedtls_x509_crt_profile *profile,
                            const char *cn, uint32_t *flags,
                            int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *),
                            void *p_vrfy, mbedtls_x509_crt_restart_ctx *rs_ctx);

#endif
