# The cursor renderer (firmware/api/resp.c) as api.c drives it, against an
# oracle built with the JSON writer; the real parser, router, store, auth
# (static tokens) and request ids below it, as in http_server.mk.
UNIT_MODULE_TESTS += test_api_render
test_api_render_SRCS := tests/unit/test_api_render.c tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c tests/unit/fake_metrics.c firmware/diag/metrics.c \
	tests/unit/fake_transport.c firmware/http/http_server.c firmware/http/http_body.c firmware/http/http_parser.c \
	firmware/api/api.c firmware/upload/csv.c firmware/upload/multipart.c firmware/api/resp.c firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/json/json.c \
	firmware/json/json_tok.c firmware/util/datetime.c firmware/util/utf8.c firmware/util/uuid.c \
	firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c firmware/config/config.c firmware/clock/clock.c firmware/auth/auth.c firmware/util/uhash.c \
	firmware/log/log.c firmware/log/log_ring.c $(HOST_CRYPTO_SRCS) $(HOST_CRYPTO_MBEDTLS)
API_RENDER_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,tests/unit/test_api_render.c)
$(API_RENDER_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/auth -Ifirmware/clock -Ifirmware/diag \
	-Itests/unit -Ifirmware/tls -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
