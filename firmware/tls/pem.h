/* PEM (RFC 7468) blocks in a text: the device certificate chain and key
 * from the config, decoded to the DER that mbedTLS parses. Our own, in
 * ~300 bytes of code instead of mbedTLS's PEM module and libc's strstr
 * (~2 KB of flash, README "Flash"). */
#ifndef PEM_H
#define PEM_H

#include <stddef.h>

#define PEM_LABEL_MAX 32u

/**
 * Find the next block at or after text[*pos] ("-----BEGIN <label>-----",
 * base64 lines, "-----END <label>-----") and decode it into der.
 * Text before a block and between blocks is skipped (RFC 7468 5.2
 * explanatory text); line breaks may be LF or CRLF.
 * @param label  receives the label, NUL-terminated (PEM_LABEL_MAX + 1 bytes)
 * @return the DER length (>= 1) and *pos moved past the block; 0 when no
 *         further block starts; APP_ERR_INVAL for a block that is broken
 *         (no END line, labels differ, label too long, body not base64,
 *         e.g. an encrypted key's "Proc-Type:" header, or empty);
 *         APP_ERR_OVERFLOW when der_cap is too small.
 */
int pem_next(const char *text, size_t len, size_t *pos, char *label, unsigned char *der,
             size_t der_cap);

/* 1 when a label from pem_next() is want (exact, case-sensitive as
 * RFC 7468 labels are), else 0. Our own compare: libc's strcmp for
 * Armv7-M is ~440 bytes of flash for these three calls. */
int pem_label_is(const char *label, const char *want);

#endif
