# The STM32F4 RNG driver (hal_rng) against a model of the peripheral:
# DRDY, the continuous test, seed and clock errors.
UNIT_MODULE_TESTS += test_stm32_rng
test_stm32_rng_SRCS := tests/unit/test_stm32_rng.c drivers/stm32_rng.c
STM32_RNG_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_stm32_rng_SRCS))
$(STM32_RNG_UNIT_OBJS): UNIT_MOD_INC += -Idrivers -DSTM32_RNG_FAKE_REGS
