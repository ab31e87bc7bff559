# PEM block reader (firmware/tls/pem.c) over arbitrary config text: every
# block it returns lies inside the input and decodes to at most the buffer.
FUZZ_TARGETS += pem
fuzz_pem_SRCS := tests/fuzz/pem/fuzz_pem.c firmware/tls/pem.c
fuzz_pem_LIBS := $(FUZZ_MBEDTLS_LIB)
fuzz_pem_FLAGS := -Ifirmware/tls -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
