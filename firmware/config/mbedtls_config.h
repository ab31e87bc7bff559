/* mbedTLS 3.6 configuration: the server side of TLS 1.3 and TLS 1.2 with
 * ECDHE (X25519, P-256), ECDSA P-256 certificates and AEAD ciphers only,
 * from a static pool, no filesystem, no sockets.
 *
 * Selected with -DMBEDTLS_CONFIG_FILE='<mbedtls_config.h>': angle brackets
 * so that the search starts at -Ifirmware/config; with quotes,
 * mbedtls/build_info.h would find mbedTLS's own default mbedtls_config.h in
 * its own directory first.
 *
 * Each knob that changes size or speed says what it costs; the figures are
 * measured with `make size` and `make bench` (README, "TLS"). */
#ifndef APP_MBEDTLS_CONFIG_H
#define APP_MBEDTLS_CONFIG_H

#include <stddef.h>

/* ---- Platform --------------------------------------------------------- */
/* Thumb-2 multiply-accumulate in bignum (bn_mul.h): P-256 and X25519 are
 * mostly bignum multiplies. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_C

/* The heap is tls_heap.c over one static pool (tls_port.c, size
 * APP_TLS_HEAP in app_config.h): a first-fit allocator with 8-byte block
 * headers and use counters, called directly (no function pointers). It
 * replaced MBEDTLS_MEMORY_BUFFER_ALLOC_C, whose headers are 32 bytes
 * (2.6 KB more heap for the ~100 blocks live at a handshake's peak).
 * Until the pool is set up it hands out nothing: libc's allocator is
 * never linked (the firmware link fails if it is). */
#include <stddef.h>
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO tls_heap_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO tls_heap_free
void *tls_heap_calloc(size_t n, size_t size);
void tls_heap_free(void *p);
#define MBEDTLS_PLATFORM_FPRINTF_MACRO APP_TLS_NO_FPRINTF
#define APP_TLS_NO_FPRINTF(...) 0

/* Time for session-ticket lifetimes only (no certificate dates are
 * checked: the server verifies no peer certificates). Seconds and
 * milliseconds since the Unix epoch from clock/ (tls_port.c). */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_PLATFORM_TIME_MACRO tls_port_time
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO long long
#define MBEDTLS_PLATFORM_MS_TIME_ALT
long long tls_port_time(long long *t);

/* No stdio anywhere: snprintf is only used by certificate printing and
 * OID naming, which the firmware never calls, but the reference alone
 * would pull newlib's printf (and its malloc) into the link. */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO tls_port_snprintf
int tls_port_snprintf(char *s, size_t n, const char *fmt, ...);

/* ---- Entropy and random numbers --------------------------------------- */
/* One CTR-DRBG (AES-256, SP 800-90A) serves TLS, PSA and request ids
 * (util/rng.c). Its entropy: the board's TRNG when it has one, and an NV
 * seed (MBEDTLS_ENTROPY_NV_SEED) from the provisioned config, which the
 * QEMU runner refreshes from the host's random source at every start. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_ENTROPY_NV_SEED
#define MBEDTLS_ENTROPY_FORCE_SHA256 /* 32-byte seed and blocks */
#define MBEDTLS_ENTROPY_MAX_SOURCES 2
#define MBEDTLS_PLATFORM_NV_SEED_READ_MACRO rng_nv_seed_read
#define MBEDTLS_PLATFORM_NV_SEED_WRITE_MACRO rng_nv_seed_write
int rng_nv_seed_read(unsigned char *buf, size_t len);
int rng_nv_seed_write(unsigned char *buf, size_t len);
#define MBEDTLS_CTR_DRBG_C
/* PSA draws from that same DRBG instead of keeping a second entropy
 * context and DRBG of its own (saves about 0.9 KB of RAM). */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* ---- Symmetric crypto ------------------------------------------------- */
#define MBEDTLS_AES_C
/* AES tables in flash (8 KB rodata) instead of 8 KB of RAM built at run
 * time; one table with rotations instead of four (saves 6 KB flash,
 * costs ~10% AES speed). */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
//#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_SHA256_C
/* Smaller code on Cortex-M; ~30% slower hashing. */
#define MBEDTLS_SHA256_SMALLER
/* SHA-384 for TLS_AES_256_GCM_SHA384 and its TLS 1.2 twin; a board short
 * of flash may go without both suites (APP_TLS_SHA384 0, board.mk; README
 * "Boards" has the price). */
#ifndef APP_TLS_SHA384
#define APP_TLS_SHA384 1
#endif
#if APP_TLS_SHA384
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_SMALLER
#endif

/* ---- Public-key crypto ------------------------------------------------ */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/* Speed knobs of the ECC, each overridable for measuring its price
 * (`make CFLAGS_EXTRA=-DAPP_ECP_WINDOW=2`; figures in README "Numbers").
 * Fast modular reduction for P-256 and Curve25519 (FIPS 186-4 D.2). */
#ifndef APP_ECP_NIST_OPTIM
#define APP_ECP_NIST_OPTIM 1
#endif
#if APP_ECP_NIST_OPTIM
#define MBEDTLS_ECP_NIST_OPTIM
#endif
/* Precomputed multiples of the P-256 base point, in flash: key generation
 * and signing are fixed-point multiplications. */
#ifndef APP_ECP_FIXED_POINT
#define APP_ECP_FIXED_POINT 1
#endif
#define MBEDTLS_ECP_FIXED_POINT_OPTIM APP_ECP_FIXED_POINT
/* Window of the comb for other points (the peer's share): each step up
 * doubles the table of points on the heap during the multiplication. */
#ifndef APP_ECP_WINDOW
#define APP_ECP_WINDOW 4
#endif
#define MBEDTLS_ECP_WINDOW_SIZE APP_ECP_WINDOW
#define MBEDTLS_MPI_MAX_SIZE 512 /* RSA-4096 tokens (auth issue) */
#define MBEDTLS_MPI_WINDOW_SIZE 2
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_BASE64_C /* PEM is decoded by tls/pem.c */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
/* No mbedtls_x509_*_info() (certificates and verify flags as text) and
 * no OID names and descriptions: the firmware prints no certificate.
 * Saves 0.7 KB of flash. */
#define MBEDTLS_X509_REMOVE_INFO

/* PSA Crypto: TLS 1.3 runs on it, and with MBEDTLS_USE_PSA_CRYPTO so does
 * TLS 1.2, so one implementation of each primitive is linked. Volatile
 * keys only. psa_crypto_init() is called by tls_init(). */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
/* Per TLS connection: 2 record keys; per handshake: the ECDHE key and
 * HKDF secrets; plus 2 ticket keys. 12 slots of ~40 bytes cover 2
 * connections with headroom. */
#define MBEDTLS_PSA_KEY_SLOT_COUNT 12
/* PSA functions work on the caller's buffers instead of heap copies of
 * them. The copies (3.6, CVE-2024-28960) protect a PSA service from a
 * caller that changes a buffer while the service reads it, across a trust
 * boundary; here caller and PSA are one single-threaded image. Saves 1.2
 * KB of flash, and the copy of every TLS record on the heap. mbedTLS's TLS
 * encrypts and decrypts records in place, which this option still
 * supports (only partial overlaps of input and output are not). */
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS

/* ---- TLS -------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
/* Middlebox compatibility (RFC 8446 D.4): OpenSSL clients send a legacy
 * session id and expect it and a ChangeCipherSpec back. */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
/* Resumption: psk_dhe_ke is what OpenSSL clients offer; psk_ke saves the
 * ECDHE for clients that offer it. */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET /* RFC 7627, TLS 1.2 */
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
/* A client may ask for smaller records (RFC 6066 max_fragment_length);
 * the server then sends smaller ones. */
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
/* Record buffers. In: 4 KiB, the HTTP head limit, so every request the
 * server would accept fits one record; a client sending a bigger record
 * gets a fatal record_overflow alert (it would have got 431 or 414; tls.c
 * sends it, mbedTLS 3.6 only returns the error). Out: 1.5 KiB (was 2
 * KiB; -512 bytes of mbedTLS heap a connection): the server chooses its
 * own record size, and the largest handshake message, the certificate
 * chain, must fit one record (mbedTLS 3.6 does not fragment handshake
 * messages over TLS): the provisioned P-256 certificate is 0.5 KiB, a
 * leaf and one intermediate about 1.1-1.3 KiB. A larger chain fails every
 * handshake (README "HTTPS"). */
/* Only these suites are compiled into the table (tls.c offers them in
 * this order); the full table costs about 1 KB more flash. */
#if APP_TLS_SHA384
#define MBEDTLS_SSL_CIPHERSUITES                                                           \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS1_3_AES_128_GCM_SHA256,           \
        MBEDTLS_TLS1_3_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                                   \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
#else
#define MBEDTLS_SSL_CIPHERSUITES                                                           \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS1_3_AES_128_GCM_SHA256,           \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                             \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#endif
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN 1536

#endif
