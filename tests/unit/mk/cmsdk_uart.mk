# The CMSDK UART's transmit paths against a model of the UART's TX side.
UNIT_MODULE_TESTS += test_cmsdk_uart
test_cmsdk_uart_SRCS := tests/unit/test_cmsdk_uart.c drivers/cmsdk_uart.c
CMSDK_UART_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_cmsdk_uart_SRCS))
$(CMSDK_UART_UNIT_OBJS): UNIT_MOD_INC += -Idrivers -DCMSDK_UART_FAKE_REGS
