# HTTPS transport (firmware/tls/tls.c) driven by arbitrary client bytes:
# real mbedTLS, real lwIP pbufs under a fake of the raw TCP API
# (fake_tcp.c), the real HTTP server core and request path above it. All
# of firmware/tls is linked (tls.c, its port and helpers, as they come);
# util/rng.c is not: the harness restarts its own random source per input.
FUZZ_TARGETS += tls
fuzz_tls_SRCS := tests/fuzz/tls/fuzz_tls.c tests/fuzz/tls/fake_tcp.c \
	tests/unit/fake_server_hal.c tests/unit/fake_console_tx.c tests/unit/fake_metrics.c firmware/diag/metrics.c $(sort $(wildcard firmware/tls/*.c)) \
	firmware/http/http_server.c firmware/http/http_body.c firmware/http/http_parser.c firmware/api/api.c firmware/upload/csv.c firmware/upload/multipart.c firmware/api/resp.c \
	firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/json/json.c firmware/json/json_tok.c \
	firmware/util/datetime.c firmware/util/utf8.c firmware/util/uuid.c firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c \
	firmware/config/config.c firmware/clock/clock.c firmware/auth/auth.c firmware/util/uhash.c firmware/auth/jwt.c firmware/log/log.c firmware/log/log_ring.c \
	firmware/net/net_conn.c

# lwIP's pbufs and the pools under them, as an archive with lwIP's own quiet
# flags. lwipopts.h says MEM_ALIGNMENT 4 (exact on the target): on a 64-bit
# host pool elements holding pointers are then 4-byte aligned, so this
# target skips UBSan's alignment check, like test_ethif (tests/unit/unit.mk).
FUZZ_TLS_NOALIGN := -fno-sanitize=alignment
FUZZ_TLS_LWIP_LIB := $(FUZZ_OUT)/liblwip-tls.a
FUZZ_TLS_LWIP_OBJS := $(patsubst %,$(FUZZ_OUT)/tls-lwip/%.o,def mem memp pbuf stats)
$(FUZZ_OUT)/tls-lwip/%.o: $(LWIP_DIR)/src/core/%.c firmware/config/lwipopts.h \
		firmware/config/app_config.h firmware/net/arch/cc.h $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -w -fsanitize=fuzzer-no-link,address,undefined \
		$(FUZZ_TLS_NOALIGN) -fno-sanitize-recover=all -ffunction-sections -fdata-sections \
		-Ihal -Ifirmware/config -Ifirmware/net -I$(LWIP_DIR)/src/include -c $< -o $@
$(FUZZ_TLS_LWIP_LIB): $(FUZZ_TLS_LWIP_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

fuzz_tls_LIBS := $(FUZZ_MBEDTLS_LIB) $(FUZZ_TLS_LWIP_LIB)
# --wrap: the harness checks tls.c's mbedtls_ssl_write() calls (fuzz_tls.c).
fuzz_tls_FLAGS := $(FUZZ_TLS_NOALIGN) -Wl,--wrap=mbedtls_ssl_write -Ifirmware/tls -Ifirmware/net \
	-Ifirmware/auth -Ifirmware/clock -Ifirmware/diag -Itests/unit -Itests/fuzz/tls \
	-I$(LWIP_DIR)/src/include -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
