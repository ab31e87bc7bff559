# ST NUCLEO-F429ZI (STM32F429ZI Cortex-M4F at 180 MHz, 2 MB flash, 192 KB
# SRAM, Ethernet with a LAN8742A RMII PHY). A real board: `make flash`
# writes it with openocd; no emulator in the archive models its Ethernet,
# so its drivers are tested on the host against register models
# (tests/unit/test_stm32_*.c). The FPU is left off (-mfloat-abi=soft):
# nothing here computes in floating point, and the exception frames stay
# the Cortex-M3's.
BOARD_CPU := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
BOARD_SRCS := board/$(BOARD)/startup.c board/$(BOARD)/board.c
BOARD_DRIVERS := drivers/armv7m.c drivers/armv7m_rt.c drivers/stm32_gpio.c drivers/stm32_usart.c \
	drivers/stm32_eth.c drivers/stm32_flash.c drivers/stm32_rng.c
BOARD_LDSCRIPT := linker/$(BOARD).ld
BOARD_CYCLE_HZ := 180000000
# Flash addresses openocd writes (board.h BOARD_CONFIG_ADDR) and its
# board file (Debian's openocd: /usr/share/openocd/scripts/board/).
BOARD_CONFIG_ADDR := 0x08004000
BOARD_CONFIG_SIZE := 16384
OPENOCD_BOARD := board/st_nucleo_f4.cfg
# The store's flash (board.h BOARD_STORE_ADDRS), for make erase-flash.
BOARD_STORE_RANGES := 0x08008000:0x8000 0x08100000:0x10000
# 64 KB of SRAM for everything, the Ethernet DMA's rings included (README
# "Boards", each knob's price): as lm3s6965evb, 2 plain and 1 TLS
# connection, one head buffer, 17 KB of mbedTLS heap, a receive pool of one
# frame per connection, 16 sessions and 3 KB of their strings; plus the
# DMA rings (8 x 512 B RX, 4 x 512 B TX, 6.2 KB) and DHCP, on by default
# here (a board on an office network). DHCP's 4.6 KB of flash are paid
# for on this board by its ARP probe of the leased address (RFC 5227
# conflict detection, -0.8 KB: a duplicate address shows up as lost
# connections, not as a declined lease) and by the two AES-256-GCM-SHA384
# suites (-3.0 KB: SHA-512 goes with them; ChaCha20-Poly1305 and
# AES-128-GCM remain, TLS 1.2 and 1.3).
BOARD_HTTP_CONNS := 2
BOARD_TLS_CONNS := 1
BOARD_TLS_HEAP ?= 17408
BOARD_MAX_SESSIONS := 16
BOARD_STORE_ARENA := 3072
BOARD_DEFS := -DAPP_HTTP_MAX_CONNS=$(BOARD_HTTP_CONNS) -DAPP_TLS_MAX_CONNS=$(BOARD_TLS_CONNS) \
	-DAPP_HTTP_HEAD_BUFS=1 -DAPP_TLS_HEAP=$(BOARD_TLS_HEAP) -DPBUF_POOL_SIZE=3 -DAPP_MAX_SESSIONS=$(BOARD_MAX_SESSIONS) \
	-DAPP_STORE_FILES=16 -DAPP_STORE_ARENA=$(BOARD_STORE_ARENA) -DAPP_ECHO_ENABLE=0 -DAPP_NET_DHCP=1 \
	-DLWIP_DHCP_DOES_ACD_CHECK=0 -DAPP_TLS_SHA384=0
# No QEMU machine: make run / test-integration refuse this board.
INTEGRATION_TESTS :=
