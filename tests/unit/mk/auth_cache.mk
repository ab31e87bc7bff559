# What a connection remembers of its token (firmware/auth/auth.c, struct
# auth_cache): the real auth.c, jwt.c and uhash.c with the tokens of
# jwt_vectors.h, the test's clock (fake_server_hal.c) and a fixed DRBG and
# config_string() defined in the test. mbedTLS as in jwt.mk.
UNIT_MODULE_TESTS += test_auth_cache
AUTH_CACHE_MBEDTLS_SRCS := $(addprefix $(MBEDTLS_DIR)/library/, aes.c asn1parse.c base64.c \
	bignum.c bignum_core.c constant_time.c ctr_drbg.c ecdsa.c ecp.c ecp_curves.c \
	platform.c platform_util.c sha256.c)
test_auth_cache_SRCS := tests/unit/test_auth_cache.c tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c \
	firmware/auth/auth.c firmware/auth/jwt.c firmware/util/uhash.c firmware/json/json_tok.c \
	firmware/util/utf8.c firmware/tls/pem.c firmware/tls/tls_port.c firmware/tls/tls_heap.c firmware/clock/clock.c \
	firmware/log/log.c firmware/log/log_ring.c $(AUTH_CACHE_MBEDTLS_SRCS)

AUTH_CACHE_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_auth_cache_SRCS))
$(AUTH_CACHE_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/auth -Ifirmware/tls -Ifirmware/clock \
	-Itests/unit -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(AUTH_CACHE_MBEDTLS_SRCS)): UNIT_CFLAGS := \
	-std=gnu11 -w -g -O1 $(UNIT_SAN) -MMD -MP -ffunction-sections -fdata-sections
