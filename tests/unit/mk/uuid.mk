# Request ids (firmware/util/uuid.c) over a fake DRBG (the test's own
# rng_fill) and mbedTLS's ChaCha20.
UNIT_MODULE_TESTS += test_uuid
test_uuid_SRCS := tests/unit/test_uuid.c firmware/util/uuid.c \
	$(MBEDTLS_DIR)/library/chacha20.c $(MBEDTLS_DIR)/library/platform_util.c
$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,tests/unit/test_uuid.c firmware/util/uuid.c): UNIT_MOD_INC += \
	-I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
