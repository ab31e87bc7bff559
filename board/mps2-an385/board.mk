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
