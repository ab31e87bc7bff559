/* mbedTLS 3.6 configuration (selected with MBEDTLS_CONFIG_FILE; not named
 * mbedtls_config.h, which mbedtls/build_info.h would find in its own
 * directory first). Only what
 * the firmware uses today: SHA-256 (static bearer-token digests) and the
 * AES CTR-DRBG (request ids). The TLS issue extends this file. */
#ifndef APP_MBEDTLS_CONFIG_H
#define APP_MBEDTLS_CONFIG_H

/* No filesystem, no sockets, no time(), no heap. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY

/* Never libc's allocator: the modules in use today allocate nothing, and
 * mbedTLS's own references (e.g. mbedtls_zeroize_and_free) go to
 * app_mbedtls_calloc/free, which have no memory to give. The TLS issue
 * points these at MBEDTLS_MEMORY_BUFFER_ALLOC_C over a static pool. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO app_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO app_mbedtls_free
#include <stddef.h>
void *app_mbedtls_calloc(size_t n, size_t size);
void app_mbedtls_free(void *p);

#define MBEDTLS_SHA256_C
/* Smaller code on Cortex-M; ~30% slower hashing, measured per token by the
 * bench of the auth issue. */
#define MBEDTLS_SHA256_SMALLER

#define MBEDTLS_AES_C
/* AES tables in flash (8 KB rodata) instead of 8 KB of RAM built at run
 * time; one table with rotations instead of four (saves 6 KB flash,
 * costs ~10% AES speed). */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_CTR_DRBG_C

#endif
