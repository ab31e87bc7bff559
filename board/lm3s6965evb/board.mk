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
QEMU_CONFIG_ADDR := 0x00030000
# 64 KB of SRAM for everything (README "Boards", each knob's price):
# 2 plain and 1 TLS connection, one head buffer, mbedTLS's heap for one
# connection, a receive pool sized to the MAC's 2 KB RX FIFO, 16 sessions.
BOARD_DEFS := -DAPP_HTTP_MAX_CONNS=2 -DAPP_TLS_MAX_CONNS=1 -DAPP_HTTP_HEAD_BUFS=1 \
	-DAPP_TLS_HEAP=17408 -DPBUF_POOL_SIZE=4 -DAPP_MAX_SESSIONS=16 -DAPP_STORE_FILES=16 \
	-DAPP_STORE_ARENA=2048
