# JWT validation (firmware/auth/jwt.c): arbitrary tokens, claims sets
# through the test hook (JWT_TEST_HOOKS), and headers or claims between
# the valid parts of a signed token (the first byte picks; fuzz_jwt.c).
# Keys and policy are those of tests/unit/jwt_vectors.h.
FUZZ_TARGETS += jwt
fuzz_jwt_SRCS := tests/fuzz/jwt/fuzz_jwt.c firmware/auth/jwt.c firmware/json/json_tok.c \
	firmware/util/utf8.c firmware/tls/pem.c firmware/tls/tls_port.c firmware/tls/tls_heap.c firmware/clock/clock.c \
	firmware/log/log.c firmware/log/log_ring.c tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c
fuzz_jwt_LIBS := $(FUZZ_MBEDTLS_LIB)
fuzz_jwt_FLAGS := -DJWT_TEST_HOOKS -Ifirmware/auth -Ifirmware/tls -Ifirmware/clock -Itests/unit \
	-I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
# The rule lists only the sources; the headers the harness reads too.
$(FUZZ_OUT)/fuzz_jwt: firmware/auth/jwt.h tests/unit/jwt_vectors.h
