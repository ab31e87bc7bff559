# TI EK-LM3S6965 (LM3S6965 Cortex-M3, 256 KB flash, 64 KB SRAM), QEMU's
# -M lm3s6965evb with its Stellaris Ethernet MAC.
BOARD_CPU := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_SRCS := board/$(BOARD)/startup.c board/$(BOARD)/board.c
BOARD_DRIVERS := drivers/armv7m.c drivers/armv7m_rt.c drivers/pl011_uart.c drivers/stellaris_enet.c \
	drivers/semihost.c drivers/semihost_flash.c drivers/seed_rng.c
BOARD_LDSCRIPT := linker/$(BOARD).ld
# How tools/qemu-run boots it.
QEMU_MACHINE := lm3s6965evb
# RAM address of the 32-byte seed area the runner fills (linker .seed).
QEMU_SEED_ADDR := 0x20000000
# Flash address of the configuration partition (board.h BOARD_CONFIG_ADDR).
# Rate of hal_time_cycles() (make bench turns its counts into instructions).
BOARD_CYCLE_HZ := 50000000
QEMU_CONFIG_ADDR := 0x00030000
# 64 KB of SRAM for everything (README "Boards", each knob's price):
# 2 plain and 1 TLS connection, one head buffer, mbedTLS's heap for one
# connection (17 KB: its measured peak was 12.9 KB with X25519 under
# mbedTLS's own allocator, and a P-256 handshake failed in 15 KB), a
# receive pool of one frame per connection, 16 sessions and 3 KB of their
# strings, no TCP echo service (the product has none). The fault-inject
# image faults by an undefined instruction (QEMU's Stellaris machines
# ignore bus errors).
BOARD_HTTP_CONNS := 2
BOARD_TLS_CONNS := 1
BOARD_TLS_HEAP ?= 17408
BOARD_ECHO := 0
BOARD_MAX_SESSIONS := 16
BOARD_STORE_ARENA := 3072
BOARD_DEFS := -DAPP_HTTP_MAX_CONNS=$(BOARD_HTTP_CONNS) -DAPP_TLS_MAX_CONNS=$(BOARD_TLS_CONNS) \
	-DAPP_HTTP_HEAD_BUFS=1 -DAPP_TLS_HEAP=$(BOARD_TLS_HEAP) -DPBUF_POOL_SIZE=3 -DAPP_MAX_SESSIONS=$(BOARD_MAX_SESSIONS) \
	-DAPP_STORE_FILES=16 -DAPP_STORE_ARENA=$(BOARD_STORE_ARENA) -DAPP_ECHO_ENABLE=$(BOARD_ECHO) -DAPP_FAULT_INJECT_UDF=1
# The power-cut image (make storetest-image) adds a 1 KB write buffer; it
# makes no TLS handshake, so mbedTLS's heap gives it the room.
BOARD_STORETEST_VARS := BOARD_TLS_HEAP=12288
# What make test runs here (the full suite runs on mps2-an385): boot and
# faults, the seed GET and the error table over HTTP and HTTPS with JWTs,
# TLS versions and resumption, keep-alive and the pool-full 503, the store
# and its power cuts, and the write path (create, upload, PATCH, delete,
# reboot), lists and $value. Left to mps2-an385: fairness under hostile
# load, testssl, the TLS heap under two connections, echo, SNTP.
INTEGRATION_TESTS := test_boot.py test_http.py test_edges.py test_tls.py test_tls_modes.py \
	test_jwt.py test_metrics.py test_sessions.py test_store_boot.py test_store_powercut.py \
	test_flash_hal.py test_write_create.py test_write_upload.py test_write_patch.py \
	test_write_delete.py test_write_limits.py test_write_list.py

