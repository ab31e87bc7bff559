# The STM32F4 flash driver (hal_flash) against a model of the flash
# interface and array (keys, BSY, SER/PG/PSIZE, error flags, the ART data
# cache), then the real store over both. Small poll bounds so that the
# stuck-BSY cases time out quickly.
UNIT_MODULE_TESTS += test_stm32_flash
test_stm32_flash_SRCS := tests/unit/test_stm32_flash.c drivers/stm32_flash.c firmware/store/store.c \
	firmware/store/store_log.c firmware/util/utf8.c
STM32_FLASH_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,tests/unit/test_stm32_flash.c drivers/stm32_flash.c)
$(STM32_FLASH_UNIT_OBJS): UNIT_MOD_INC += -Idrivers -DSTM32_FLASH_FAKE_REGS \
	-DSTM32_FLASH_ERASE_POLLS=5000u -DSTM32_FLASH_PROGRAM_POLLS=500u
