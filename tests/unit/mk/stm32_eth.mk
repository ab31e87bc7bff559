# The STM32F4 Ethernet MAC+DMA driver against a model of its descriptor
# rings, DMA and registers (NUCLEO-F429ZI: no emulator models them).
UNIT_MODULE_TESTS += test_stm32_eth
test_stm32_eth_SRCS := tests/unit/test_stm32_eth.c drivers/stm32_eth.c
STM32_ETH_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_stm32_eth_SRCS))
$(STM32_ETH_UNIT_OBJS): UNIT_MOD_INC += -Idrivers -DSTM32_ETH_FAKE_REGS
