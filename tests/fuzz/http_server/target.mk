# HTTP server core over the fake transport of tests/unit/fake_transport.c:
# chunked input, varying send rooms and a moving clock; responses checked
# as HTTP with strict JSON bodies. Real parser, api, auth and request ids
# (mbedTLS SHA-256 and CTR-DRBG, as in tests/bench/bench.mk).
FUZZ_TARGETS += http_server
fuzz_http_server_SRCS := tests/fuzz/http_server/fuzz_http_server.c tests/unit/fake_transport.c \
	tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c tests/unit/fake_metrics.c firmware/diag/metrics.c firmware/http/http_server.c firmware/http/http_body.c firmware/http/http_parser.c \
	firmware/api/api.c firmware/upload/csv.c firmware/upload/multipart.c firmware/api/resp.c firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/json/json.c firmware/json/json_tok.c \
	firmware/util/datetime.c firmware/util/utf8.c firmware/util/uuid.c firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c \
	firmware/config/config.c firmware/clock/clock.c firmware/auth/auth.c firmware/util/uhash.c firmware/log/log.c firmware/log/log_ring.c \
	$(HOST_CRYPTO_SRCS)
fuzz_http_server_LIBS := $(FUZZ_MBEDTLS_LIB)
fuzz_http_server_FLAGS := -Ifirmware/auth -Ifirmware/clock -Ifirmware/diag -Itests/unit -Ifirmware/tls \
	-I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
