UNIT_MODULE_TESTS += test_pem
test_pem_SRCS := tests/unit/test_pem.c firmware/tls/pem.c $(MBEDTLS_DIR)/library/base64.c \
	$(MBEDTLS_DIR)/library/constant_time.c
TEST_PEM_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_pem_SRCS))
$(TEST_PEM_OBJS): UNIT_MOD_INC += -Ifirmware/tls -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
