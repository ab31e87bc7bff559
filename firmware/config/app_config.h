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

/* One log line per request (method, target, status, bytes, ms,
 * request-id). 0 keeps the console for boot, errors and handshakes: in
 * QEMU every UART byte is a write(2) of QEMU's character device, which
 * bounds requests/s more than the device's CPU does (README
 * "Benchmarks"); on a board at 115200 baud a line is ~12 ms of UART time
 * (the ring drops what does not fit, never waits). */
#ifndef APP_LOG_REQUESTS
#define APP_LOG_REQUESTS 1
#endif

/* Connection slots of the servers: plain HTTP and HTTPS each have their
 * own, so a flood on one port cannot take the other's. */
#ifndef APP_HTTP_MAX_CONNS
#define APP_HTTP_MAX_CONNS 4
#endif
#ifndef APP_TLS_MAX_CONNS
#define APP_TLS_MAX_CONNS 2
#endif

/* HTTPS (firmware/tls). */
#ifndef APP_TLS_HEAP
/* mbedTLS's static heap (tls_heap.c over one static pool): the device's
 * certificate and key and the ticket keys (1.6 KB), and per connection
 * its record buffers and state (7.6 KB established, TLS 1.3). Handshakes
 * run one at a time (tls.c), so the peak is one handshake next to one
 * established connection, plus a JWT check's transients (RS256-4096
 * modular exponentiation, ~3.6 KB) and the allocator's
 * 8-byte block headers (tls_heap.c). Measured
 * (tests/integration/test_tls_heap.py: fresh ES256 and RS256-4096 tokens
 * on one connection while the other handshakes, P-256 and X25519, TLS 1.3
 * and 1.2): a peak of 21.4 KB taken, headers included; 22 KB refused some
 * checks (fragmentation: 503, the token not judged), 23 KB none. */
#define APP_TLS_HEAP 23552
#endif
/* A handshake holds the one handshake turn at most this long while another
 * client waits for it (a real client's handshake needs two round trips and
 * ~0.1 s of the device's time; one that dribbles its flights would keep
 * the others out up to APP_TLS_HANDSHAKE_MS). */
#ifndef APP_TLS_TURN_MS
#define APP_TLS_TURN_MS 2000
#endif
#ifndef APP_TLS_HANDSHAKE_MS
#define APP_TLS_HANDSHAKE_MS 10000  /* a handshake not done by then is dropped */
#endif
#ifndef APP_TLS_PEM_MAX
#define APP_TLS_PEM_MAX 4096        /* config tls.cert / tls.key, as written */
#endif
#ifndef APP_TLS_TICKET_LIFETIME_S
#define APP_TLS_TICKET_LIFETIME_S 86400 /* session tickets (resumption) */
#endif

/* HTTP request limits (contract "Request rules"). Over a limit: 414 for
 * the request line, 431 for the header block, header count or token. */
#ifndef APP_HTTP_HEAD_MAX
#define APP_HTTP_HEAD_MAX 4096      /* request head buffer per connection */
#endif
#ifndef APP_HTTP_HEAD_BUFS
/* Head buffers shared by all HTTP and HTTPS connections (http_server.c):
 * requests being received at the same moment. Each costs
 * APP_HTTP_HEAD_MAX of RAM; with fewer than connections, a client that
 * dribbles its head (up to the 408 deadline) delays the others' heads. */
#define APP_HTTP_HEAD_BUFS 2
#endif
#ifndef APP_HTTP_LINE_MAX
#define APP_HTTP_LINE_MAX 1024      /* request line incl. CRLF */
#endif
#ifndef APP_HTTP_MAX_HEADERS
#define APP_HTTP_MAX_HEADERS 32
#endif
#ifndef APP_HTTP_TOKEN_MAX
#define APP_HTTP_TOKEN_MAX 3072     /* bearer token bytes (Entra tokens: 1.5-3 KB) */
#endif
#ifndef APP_HTTP_HEAD_TIMEOUT_MS
#define APP_HTTP_HEAD_TIMEOUT_MS 5000
#endif
#ifndef APP_HTTP_IDLE_TIMEOUT_MS
#define APP_HTTP_IDLE_TIMEOUT_MS 30000
#endif
/* Fairness (README "Fairness"): while a connection waits for a head
 * buffer, a head still incomplete this long after its first byte gets 408
 * (a client that sends its request in one go is done in a round trip; a
 * dribbler or slowloris gives its buffer to the next in the queue), and a
 * connection that has held its buffer this long (a pipeliner) closes
 * after its next response. 1 s left HTTPS clients 2.0-2.3 s behind the
 * queue under `make soak` ... */
#ifndef APP_HTTP_HEAD_SHARE_MS
#define APP_HTTP_HEAD_SHARE_MS 500
#endif
/* ... and a response that has not moved on for this long (the client does
 * not read) is dropped, with the head buffer its pipelined requests hold. */
#ifndef APP_HTTP_STALL_MS
#define APP_HTTP_STALL_MS 500
#endif

/* Session store (Entra: up to 10 CSV files per upload, names <= 255 bytes).
 * Files and strings come from shared pools so that RAM follows what is
 * provisioned, not the worst case of every session. */
#ifndef APP_MAX_SESSIONS
#define APP_MAX_SESSIONS 48
#endif
#ifndef APP_MAX_FILES
#define APP_MAX_FILES 10            /* per session */
#endif
#ifndef APP_STORE_FILES
#define APP_STORE_FILES 32          /* all sessions together */
#endif
#ifndef APP_STORE_ARENA
#define APP_STORE_ARENA 4096        /* bytes for ids and file names */
#endif
#ifndef APP_ID_MAX
#define APP_ID_MAX 64               /* contract: an id is 1..64 bytes */
#endif
#ifndef APP_FILE_NAME_MAX
#define APP_FILE_NAME_MAX 255
#endif

/* Persistent store (firmware/store/, on hal_flash). A file's bytes fill
 * whole data sectors (a 100-byte CSV takes one sector); the limits below
 * are checked before anything is written, so going over one never leaves
 * a partial file. */
#ifndef APP_STORE_FILE_MAX
#define APP_STORE_FILE_MAX (512u * 1024u)     /* bytes per file (413 above) */
#endif
#ifndef APP_STORE_SESSION_MAX
#define APP_STORE_SESSION_MAX (768u * 1024u)  /* bytes of all files of a session (413 above) */
#endif
#ifndef APP_STORE_FILE_SECTORS
#define APP_STORE_FILE_SECTORS 130  /* data sectors a file may take (2 bytes each in the writer) */
#endif
#ifndef APP_STORE_MAX_SECTORS
#define APP_STORE_MAX_SECTORS 1024  /* largest area mounted (a bit each in RAM): 4 MiB of 4 KiB */
#endif
#ifndef APP_STORE_META_MAX
#define APP_STORE_META_MAX 16       /* sectors of the metadata log (4 bytes each in RAM) */
#endif
#ifndef APP_STORE_RESERVE
#define APP_STORE_RESERVE 2         /* sectors only the metadata log may take: compaction never starves */
#endif

/* Device configuration (a JSON document in the config partition). */
#ifndef APP_CONFIG_MAX
#define APP_CONFIG_MAX 16384        /* JSON bytes */
#endif
#ifndef APP_CONFIG_MAX_TOKENS
#define APP_CONFIG_MAX_TOKENS 512   /* jsmn tokens */
#endif
#ifndef APP_MAX_STATIC_TOKENS
#define APP_MAX_STATIC_TOKENS 4
#endif
#ifndef APP_SERVICE_ROOT_MAX
#define APP_SERVICE_ROOT_MAX 128
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

/* Bench builds only (make bench): APP_PROF=1 counts cycles and prints them
 * on a connection to APP_PROF_PORT; APP_BENCH_SERVER replaces the HTTP
 * service on port 80 by a reference: 1 = fixed bytes, 2 = lwIP's httpd. */
#ifndef APP_PROF
#define APP_PROF 0
#endif
#ifndef APP_PROF_PORT
#define APP_PROF_PORT 9
#endif
#ifndef APP_BENCH_SERVER
#define APP_BENCH_SERVER 0
#endif

/* Test builds only: fault on purpose this many ms after the ready line,
 * to exercise the fault handler (make fault-image). 0 = never. */
#ifndef APP_FAULT_INJECT
#define APP_FAULT_INJECT 0
#endif
#define APP_FAULT_INJECT_DELAY_MS 200
#ifndef APP_FAULT_INJECT_UDF
#define APP_FAULT_INJECT_UDF 0 /* fault by an undefined instruction, not a bus error */
#endif

#if APP_HTTP_MAX_CONNS < 1 || APP_TLS_MAX_CONNS < 0
#error "APP_HTTP_MAX_CONNS must be at least 1"
#endif
#if APP_ECHO_ENABLE && APP_ECHO_MAX_CONNS < 1
#error "APP_ECHO_MAX_CONNS must be at least 1 when the echo service is enabled"
#endif

#endif
