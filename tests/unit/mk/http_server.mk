# HTTP server core (firmware/http/http_server.c firmware/http/http_body.c) over a fake transport,
# with the real parser, api, store, config, auth and request ids below it
# (mbedTLS for SHA-256 and the CTR-DRBG, as in tests/bench/bench.mk).
UNIT_MODULE_TESTS += test_http_server
HTTP_SERVER_MBEDTLS_SRCS := $(HOST_CRYPTO_MBEDTLS)
test_http_server_SRCS := tests/unit/test_http_server.c tests/unit/fake_transport.c \
	tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c tests/unit/fake_metrics.c firmware/diag/metrics.c firmware/http/http_server.c firmware/http/http_body.c firmware/http/http_parser.c \
	firmware/api/api.c firmware/upload/csv.c firmware/upload/multipart.c firmware/api/resp.c firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/json/json.c firmware/json/json_tok.c \
	firmware/util/datetime.c firmware/util/utf8.c firmware/util/uuid.c firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c \
	firmware/config/config.c firmware/clock/clock.c firmware/auth/auth.c firmware/util/uhash.c firmware/log/log.c firmware/log/log_ring.c \
	$(HOST_CRYPTO_SRCS) $(HTTP_SERVER_MBEDTLS_SRCS)

# modules.mk sets UNIT_MOD_INC after including the fragments, so the extra
# include directories go in as target-specific additions on this binary's
# objects (appended to the global value when the recipe runs).
HTTP_SERVER_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_http_server_SRCS))
$(HTTP_SERVER_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/auth -Ifirmware/clock -Ifirmware/diag \
	-Itests/unit -Ifirmware/tls -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
# mbedTLS builds with its own quiet flags (not -Werror), sanitized like the rest.
$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(HTTP_SERVER_MBEDTLS_SRCS)): UNIT_CFLAGS := \
	-std=gnu11 -w -g -O1 $(UNIT_SAN) -MMD -MP -ffunction-sections -fdata-sections
