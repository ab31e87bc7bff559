# JWT validation (firmware/auth/jwt.c): the token table of jwt_vectors.h
# (minted by tests/unit/gen_jwt_vectors.py) with keys from PEM and from JWK
# members, the claims hook (JWT_TEST_HOOKS), key loading. mbedTLS: bignum,
# ECP/ECDSA, ASN.1 and SHA-256 on tls_port's static heap; no RSA module.
UNIT_MODULE_TESTS += test_jwt
# Only the modules jwt.c, pem.c and tls_port.c reach (ECP's blinding RNG
# is a CTR-DRBG over AES): no PSA, no RSA.
JWT_UNIT_MBEDTLS_SRCS := $(addprefix $(MBEDTLS_DIR)/library/, aes.c asn1parse.c base64.c \
	bignum.c bignum_core.c constant_time.c ctr_drbg.c ecdsa.c ecp.c ecp_curves.c \
	platform.c platform_util.c sha256.c)
test_jwt_SRCS := tests/unit/test_jwt.c tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c firmware/auth/jwt.c \
	firmware/json/json_tok.c firmware/util/utf8.c firmware/tls/pem.c firmware/tls/tls_port.c firmware/tls/tls_heap.c \
	firmware/clock/clock.c firmware/log/log.c firmware/log/log_ring.c $(JWT_UNIT_MBEDTLS_SRCS)

JWT_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_jwt_SRCS))
$(JWT_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/auth -Ifirmware/tls -Ifirmware/clock -Itests/unit \
	-I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
# The claims hook is compiled into jwt.c for the host tests only.
$(UNIT_OBJ)/mod/firmware/auth/jwt.o $(UNIT_OBJ)/mod/tests/unit/test_jwt.o: UNIT_MOD_INC += \
	-DJWT_TEST_HOOKS
# mbedTLS builds with its own quiet flags (not -Werror), sanitized like the rest.
$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(JWT_UNIT_MBEDTLS_SRCS)): UNIT_CFLAGS := \
	-std=gnu11 -w -g -O1 $(UNIT_SAN) -MMD -MP -ffunction-sections -fdata-sections
