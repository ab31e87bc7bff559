# The STM32F4 USART console driver (polled and TXE-interrupt transmit)
# against a model of the transmitter (TDR + shift register, TXE, TXEIE).
UNIT_MODULE_TESTS += test_stm32_usart
test_stm32_usart_SRCS := tests/unit/test_stm32_usart.c drivers/stm32_usart.c
STM32_USART_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_stm32_usart_SRCS))
$(STM32_USART_UNIT_OBJS): UNIT_MOD_INC += -Idrivers -DSTM32_USART_FAKE_REGS
