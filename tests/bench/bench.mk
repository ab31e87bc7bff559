# Host benchmark of the request path (parse -> route -> encode, auth left
# out), counted in instructions by callgrind: see tests/bench/host_request.c
# and tools/bench-host. `make bench-host` builds the program with the host
# gcc -O2 into $(BUILD)/host/bench/ and prints instructions per request and
# the ratio to the reference in ../shared/bench/README.md.
# Included by the top-level Makefile (BUILD, DEPS_STAMP, MBEDTLS_DIR,
# JSMN_DIR, PYTHON, Q come from there).

HOST_CC ?= gcc
BENCH_OUT := $(BUILD)/host/bench
BENCH_OBJ := $(BENCH_OUT)/obj
BENCH_BIN := $(BENCH_OUT)/host_request
BENCH_REQUEST ?= ../shared/bench/seed-request.http
BENCH_REQUESTS ?= 1000
BENCH_RUNS ?= 3
# A fixed wall clock for the Date header (2025-11-28T12:00:00Z).
BENCH_CLOCK_MS ?= 1764331200000
BENCH_CONFIG := $(BENCH_OUT)/device-config.bin

BENCH_OPT ?= -O2
BENCH_CFLAGS := -std=c11 $(BENCH_OPT) -g -Wall -Wextra -Werror -MMD -MP -ffunction-sections -fdata-sections
# The harness itself also gets the firmware's stricter warnings.
BENCH_HARNESS_WARN := -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wconversion \
	-Wno-sign-conversion
# mbedTLS builds with its own quiet flags, as in the firmware.
BENCH_MBEDTLS_CFLAGS := -std=gnu11 $(BENCH_OPT) -g -w -MMD -MP -ffunction-sections -fdata-sections
BENCH_INC := -Ihal -Itests/unit -Ifirmware/upload -Ifirmware/config -Ifirmware/log -Ifirmware/diag -Ifirmware/json -Ifirmware/util \
	-Ifirmware/http -Ifirmware/api -Ifirmware/store -Ifirmware/auth -Ifirmware/clock -Ifirmware/tls \
	-I$(JSMN_DIR) -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
# Bind every symbol at load time: no lazy PLT resolution inside the
# counted functions on a first call.
BENCH_LDFLAGS := -Wl,-z,now -Wl,--gc-sections

BENCH_FW_SRCS := firmware/http/http_parser.c firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/api/api.c firmware/upload/csv.c firmware/upload/multipart.c firmware/api/resp.c \
	firmware/json/json.c firmware/util/datetime.c firmware/util/utf8.c firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c \
	firmware/config/config.c firmware/json/json_tok.c firmware/util/uuid.c \
	firmware/clock/clock.c firmware/auth/auth.c firmware/util/uhash.c firmware/log/log.c firmware/log/log_ring.c \
	$(HOST_CRYPTO_SRCS)
BENCH_OWN_SRCS := tests/bench/host_request.c tests/bench/fake_hal.c tests/unit/fake_console_tx.c \
	tests/unit/fake_metrics.c firmware/diag/metrics.c
BENCH_MBEDTLS_SRCS := $(HOST_CRYPTO_MBEDTLS)

BENCH_OBJS := $(patsubst %.c,$(BENCH_OBJ)/%.o,$(BENCH_FW_SRCS) $(BENCH_OWN_SRCS)) \
	$(patsubst $(MBEDTLS_DIR)/library/%.c,$(BENCH_OBJ)/mbedtls/%.o,$(BENCH_MBEDTLS_SRCS))

$(BENCH_OBJ)/firmware/%.o: firmware/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(BENCH_CFLAGS) $(BENCH_INC) -c $< -o $@

$(BENCH_OBJ)/tests/%.o: tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(BENCH_CFLAGS) $(BENCH_HARNESS_WARN) $(BENCH_INC) -c $< -o $@

$(BENCH_OBJ)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(BENCH_MBEDTLS_CFLAGS) -Ifirmware/config -I$(MBEDTLS_DIR)/include \
		$(MBEDTLS_DEFS) -c $< -o $@

$(BENCH_BIN): $(BENCH_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOST_CC) $(BENCH_LDFLAGS) -o $@ $^

# The seed configuration (tools/provision's, in a directory of its own so
# that an edited build/provision config cannot change the figures), framed
# for config_load() with the fixed clock floor.
$(BENCH_OUT)/provision/device-config.json:
	$(Q)tools/provision init --dir $(BENCH_OUT)/provision >/dev/null

$(BENCH_CONFIG): $(BENCH_OUT)/provision/device-config.json tools/provision
	$(Q)tools/provision pack $< $@ --clock-floor-ms $(BENCH_CLOCK_MS) >/dev/null

.PHONY: bench-host
bench-host: $(BENCH_BIN) $(BENCH_CONFIG)
	$(Q)$(PYTHON) tools/bench-host --bin $(BENCH_BIN) --request $(BENCH_REQUEST) \
		--config $(BENCH_CONFIG) --out $(BENCH_OUT) --requests $(BENCH_REQUESTS) --runs $(BENCH_RUNS)

-include $(BENCH_OBJS:.o=.d)
