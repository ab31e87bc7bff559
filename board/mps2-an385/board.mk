# ARM MPS2 + AN385 (Cortex-M3), QEMU's -M mps2-an385.
BOARD_CPU := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_SRCS := board/$(BOARD)/startup.c board/$(BOARD)/board.c
BOARD_DRIVERS := drivers/armv7m.c drivers/armv7m_rt.c drivers/cmsdk_timer.c drivers/cmsdk_uart.c drivers/lan9118.c drivers/semihost.c \
	drivers/semihost_flash.c drivers/seed_rng.c
BOARD_LDSCRIPT := linker/$(BOARD).ld
# How tools/qemu-run boots it.
QEMU_MACHINE := mps2-an385
# RAM address of the 32-byte seed area the runner fills (linker .seed).
QEMU_SEED_ADDR := 0x20000000
# Flash address of the configuration partition (board.h BOARD_CONFIG_ADDR).
# Rate of hal_time_cycles() (make bench turns its counts into instructions).
BOARD_CYCLE_HZ := 25000000
QEMU_CONFIG_ADDR := 0x003C0000
# Connections the integration tests may count on (app_config.h defaults).
BOARD_HTTP_CONNS := 4
BOARD_TLS_CONNS := 2
# 64 KB of RAM with 4 plain and 2 TLS connections (README "Boards", each
# knob's price): one head buffer, a receive pool of one frame per
# connection (ACKs, ARP and SYNs go through ethif's small-frame buffer),
# 16 sessions with 16 files and 3 KB of their strings (one session of 10
# files with 255-byte names), 4 KB of lwIP heap for outgoing segments and
# 16 TCP segments, one lingering PCB, a 256-byte log ring, 4 remembered
# JWT verdicts, no TCP echo service in the product image (its own image
# below); linker/mps2-an385.ld: a 4.75 KB stack.
BOARD_ECHO := 0
BOARD_PBUF_POOL := 6
BOARD_MAX_SESSIONS := 16
BOARD_STORE_ARENA := 3072
BOARD_MEM_SIZE := 4096
BOARD_TCP_SEG := 16
BOARD_LOG_RING := 256
BOARD_DEFS := -DAPP_HTTP_HEAD_BUFS=1 -DPBUF_POOL_SIZE=$(BOARD_PBUF_POOL) -DAPP_MAX_SESSIONS=$(BOARD_MAX_SESSIONS) \
	-DAPP_STORE_FILES=16 -DAPP_STORE_ARENA=$(BOARD_STORE_ARENA) -DAPP_ECHO_ENABLE=$(BOARD_ECHO) \
	-DMEM_SIZE=$(BOARD_MEM_SIZE) -DMEMP_NUM_TCP_SEG=$(BOARD_TCP_SEG) -DAPP_TCP_LINGER=1 -DLOG_RING_SIZE=$(BOARD_LOG_RING) -DAPP_AUTH_CACHE=4
# The echo image (make echo-image: test_echo.py, the bench's TCP figures):
# the service's 10 connections, and the 8-frame receive pool, 6 KB lwIP
# heap and segments they need (README "Memory": with a 6-frame pool, bulk
# echo clients lost frames and stalled).
BOARD_ECHO_VARS := BOARD_ECHO=1 BOARD_PBUF_POOL=8 BOARD_MEM_SIZE=6144 BOARD_TCP_SEG=64
