# Upload-session status firmware: build, run in QEMU, test, measure.
# `make help` lists the targets. BOARD= picks the board, V=1 shows commands.

BOARD ?= mps2-an385
BUILD ?= build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

DEPS := $(BUILD)/deps
LWIP_DIR := $(DEPS)/lwip
MBEDTLS_DIR := $(DEPS)/mbedtls
JSMN_DIR := $(DEPS)/jsmn/usr/include
DEPS_STAMP := $(DEPS)/.fetched

include board/$(BOARD)/board.mk
# The integration tests a board runs (board.mk may name a subset), and
# whether its product image has the TCP echo service (a test and bench
# service: a board's BOARD_ECHO_VARS build it into an image of its own).
INTEGRATION_TESTS ?= .
BOARD_ECHO ?= 0
, := ,

OUT ?= $(BUILD)/$(BOARD)
OBJ := $(OUT)/obj
ELF := $(OUT)/firmware.elf
MAP := $(OUT)/firmware.map

CROSS ?= arm-none-eabi-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
NM := $(CROSS)nm
SIZE := $(CROSS)size
PYTHON := /usr/bin/python3

GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# ---- Sources -------------------------------------------------------------
APP_SRCS := \
	firmware/main.c \
	firmware/log/log.c \
	firmware/log/log_ring.c \
	firmware/net/ethif.c \
	firmware/net/lwip_port.c \
	firmware/net/net_listen.c \
	firmware/net/net_conn.c firmware/net/net_syn.c \
	firmware/net/net_sntp.c \
	firmware/diag/echo.c \
	firmware/diag/metrics.c firmware/diag/metrics_collect.c \
	firmware/clock/clock.c \
	firmware/util/datetime.c \
	firmware/util/utf8.c \
	firmware/util/uuid.c \
	firmware/json/json.c \
	firmware/json/json_tok.c \
	firmware/config/config.c \
	firmware/store/store.c firmware/store/store_log.c firmware/store/store_selftest.c \
	firmware/upload/csv.c firmware/upload/multipart.c \
	firmware/auth/auth.c \
	firmware/auth/jwt.c \
	firmware/api/route.c firmware/api/odata.c firmware/util/pct.c \
	firmware/api/api.c firmware/api/resp.c \
	firmware/http/http_parser.c \
	firmware/http/http_server.c firmware/http/http_body.c \
	firmware/http/http_tcp.c \
	firmware/tls/tls.c \
	firmware/tls/tls_port.c firmware/tls/tls_heap.c \
	firmware/tls/pem.c \
	firmware/util/rng.c \
	firmware/util/uhash.c \
	firmware/diag/prof.c \
	firmware/bench/floor.c \
	firmware/bench/httpd_fs.c \
	firmware/bench/bench_resp.c
APP_SRCS += $(EXTRA_APP_SRCS)

# mbedTLS modules in use (configuration: firmware/config/mbedtls_config.h).
MBEDTLS_SRCS := $(addprefix $(MBEDTLS_DIR)/library/, \
	aes.c asn1parse.c asn1write.c base64.c bignum.c bignum_core.c block_cipher.c \
	chacha20.c chachapoly.c cipher.c cipher_wrap.c constant_time.c \
	ctr_drbg.c ecdh.c ecdsa.c ecp.c ecp_curves.c entropy.c entropy_poll.c \
	gcm.c hkdf.c md.c oid.c pk.c pk_ecc.c \
	pk_wrap.c pkparse.c platform.c platform_util.c poly1305.c \
	psa_crypto.c psa_crypto_aead.c psa_crypto_cipher.c psa_crypto_client.c \
	psa_crypto_driver_wrappers_no_static.c psa_crypto_ecp.c \
	psa_crypto_hash.c psa_crypto_mac.c psa_crypto_rsa.c psa_crypto_slot_management.c \
	psa_util.c sha256.c sha512.c ssl_ciphersuites.c ssl_msg.c ssl_tls.c \
	ssl_tls12_server.c ssl_tls13_server.c ssl_tls13_generic.c \
	ssl_tls13_keys.c ssl_ticket.c ssl_debug_helpers_generated.c x509.c \
	x509_crt.c)

LWIP_SRCS := $(addprefix $(LWIP_DIR)/src/, \
	core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/stats.c core/sys.c \
	core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/acd.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
	core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	netif/ethernet.c apps/sntp/sntp.c)
LWIP_SRCS += $(EXTRA_LWIP_SRCS)

MBEDTLS_DEFS := -DMBEDTLS_CONFIG_FILE='<mbedtls_config.h>'
# Link-time optimisation of the whole image (README "Numbers": -7.7 KB for
# mbedTLS, about -8 KB more for the rest). The objects are "fat" (LTO IR
# and ordinary code), so a second, plain link of the same objects
# (firmware-nolto.map) tells `make size` which component each byte comes
# from. Price: slower links; frames in a debugger are harder to follow.
# LTO= turns it off.
LTO ?= -flto=auto -ffat-lto-objects
APP_INC := -Ihal -Ifirmware/config -Ifirmware/net -Ifirmware/log -Ifirmware/diag \
	-Ifirmware/clock -Ifirmware/util -Ifirmware/json -Ifirmware/store -Ifirmware/upload -Ifirmware/auth \
	-Ifirmware/api -Ifirmware/http -Ifirmware/bench -Ifirmware/tls \
	-I$(LWIP_DIR)/src/include -I$(MBEDTLS_DIR)/include -I$(JSMN_DIR) $(MBEDTLS_DEFS)
DRV_INC := -Ihal -Idrivers
BOARD_INC := -Ihal -Idrivers -Iboard/$(BOARD)

OPT ?= -Os
# BOARD_DEFS: a board's own sizes (board.mk), for our code and lwIP alike.
COMMON_CFLAGS := $(BOARD_CPU) $(OPT) -g3 -ffunction-sections -fdata-sections \
	-fno-common -ffreestanding -MMD -MP $(LTO) $(BOARD_DEFS)
WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wconversion -Wno-sign-conversion
OUR_CFLAGS := $(COMMON_CFLAGS) $(WARN) -DAPP_VERSION=\"$(GIT_REV)\" $(CFLAGS_EXTRA)
# Third-party code builds with its own (quiet) flags, never -Werror.
# Without -ffreestanding, whose -fno-builtin turned every small fixed-size
# memcpy in mbedTLS (its unaligned loads and stores, alignment.h) into a
# call: GHASH alone then cost ~1 M instructions per HTTPS request.
LWIP_CFLAGS := $(filter-out -ffreestanding,$(COMMON_CFLAGS)) -std=gnu11 -w $(CFLAGS_EXTRA)

LDFLAGS_BASE := $(BOARD_CPU) -nostartfiles --specs=nano.specs -Llinker -Wl,--gc-sections \
	-Wl,--cref -T $(BOARD_LDSCRIPT) -Wl,--no-warn-rwx-segments
LDFLAGS := $(LDFLAGS_BASE) $(LTO) -Wl,-Map=$(MAP)

obj = $(patsubst %.c,$(OBJ)/%.o,$(1))
APP_OBJS := $(call obj,$(APP_SRCS))
DRV_OBJS := $(call obj,$(BOARD_DRIVERS))
BOARD_OBJS := $(call obj,$(BOARD_SRCS))
LWIP_OBJS := $(patsubst $(LWIP_DIR)/src/%.c,$(OBJ)/lwip/%.o,$(LWIP_SRCS))
MBEDTLS_OBJS := $(patsubst $(MBEDTLS_DIR)/library/%.c,$(OBJ)/mbedtls/%.o,$(MBEDTLS_SRCS))
FW_OBJS := $(BOARD_OBJS) $(DRV_OBJS) $(APP_OBJS) $(LWIP_OBJS) $(MBEDTLS_OBJS)

# ---- Top-level targets ---------------------------------------------------
.DEFAULT_GOAL := all
.PHONY: all help setup deps run start stop test test-unit test-integration \
	check-noheap fault-image storetest-image echo-image provision size bench bench-images fuzz flash erase-flash clean distclean format

all: $(ELF) $(OUT)/firmware.bin

help:
	@echo "make [BOARD=$(BOARD)] [V=1] <target>   (boards: $(notdir $(wildcard board/*)))"
	@echo "  all               build the firmware ($(ELF))"
	@echo "  run               set up, build, boot in QEMU in the foreground (Ctrl-C quits)"
	@echo "  start / stop      boot in the background / stop it (log: $(BUILD)/qemu.log)"
	@echo "  test              everything: unit tests, firmware build, heap check, QEMU integration"
	@echo "  test-unit         host unit tests (cmocka) only"
	@echo "  test-integration  pytest against the firmware in QEMU only"
	@echo "  test-tls          testssl.sh against the firmware's HTTPS in QEMU (a few minutes)"
	@echo "  size              flash and RAM per component, from the map file"
	@echo "  echo-image        the image with the TCP echo test service (port 7; its tests and bench)"
	@echo "  soak              hostile clients for SOAK_MINUTES (10), stalls of a good client counted"
	@echo "  bench             measurements (per-request cost, TLS handshakes and heap, load, boot, echo)"
	@echo "  prof              where a keep-alive GET's instructions go, per function (PROF_ARGS=\"--path P -n N\")"
	@echo "  fuzz              run every libFuzzer harness for FUZZ_SECONDS (default 60) each"
	@echo "  flash             no physical board yet: prints how to boot the image"
	@echo "  erase-flash       delete the QEMU flash image ($(FLASH_IMG)): DESTROYS the device's stored sessions"
	@echo "  provision         dev config, token, CA and device certificate in $(BUILD)/provision (implied by run)"
	@echo "  token             mint and print a fresh dev JWT (TOKEN_ARGS=\"--alg RS256 --roles ... --ttl S\")"
	@echo "  setup / deps      install packages / fetch pinned Debian sources (both implied)"
	@echo "  format            clang-format our sources"
	@echo "  clean             remove build outputs (keeps $(DEPS))"
	@echo "  distclean         remove all of $(BUILD)"
	@echo "Ports (host, 127.0.0.1 only): HTTP_PORT=8080 HTTPS_PORT=8443 ECHO_PORT=8007 (echo image)"
	@echo "QEMU flash: FLASH_IMG=$(FLASH_IMG) FLASH_SIZE=$(FLASH_SIZE) (bytes, multiple of 4096; kept across boots)"

setup:
	$(Q)tools/setup

$(DEPS_STAMP): tools/fetch-deps | setup
	$(Q)tools/fetch-deps $(BUILD)
	$(Q)touch $@

deps: $(DEPS_STAMP)

# The fetched sources come from the stamp's recipe: saying so lets a
# parallel build on a fresh checkout (make -j2 run) fetch before it looks
# for them instead of finding no rule for lwIP's objects.
$(LWIP_SRCS) $(MBEDTLS_SRCS): $(DEPS_STAMP) ;

# ---- Firmware ------------------------------------------------------------
$(OBJ)/firmware/%.o: firmware/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(OUR_CFLAGS) $(APP_INC) -c $< -o $@

$(OBJ)/drivers/%.o: drivers/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(OUR_CFLAGS) $(DRV_INC) -c $< -o $@

$(OBJ)/board/%.o: board/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(OUR_CFLAGS) $(BOARD_INC) -c $< -o $@

$(OBJ)/lwip/%.o: $(LWIP_DIR)/src/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(LWIP_CFLAGS) $(APP_INC) -c $< -o $@

$(OBJ)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(LWIP_CFLAGS) -Ifirmware/config -I$(MBEDTLS_DIR)/include \
		$(MBEDTLS_DEFS) -c $< -o $@

# The server asks for no client certificate (authmode NONE, mbedTLS's
# server default), so X.509 chain verification never runs, yet the link
# keeps it: ssl_tls.c calls it behind that run-time check. The one call is
# renamed to tls_port_no_peer_verify(), which refuses any chain
# (tls_port.h), and the verification drops out: -2 KB of flash (README
# "Numbers"). Host builds (unit, fuzz) keep mbedTLS's own.
$(OBJ)/mbedtls/ssl_tls.o: MBEDTLS_DEFS += -Dmbedtls_x509_crt_verify_restartable=tls_port_no_peer_verify
$(OBJ)/mbedtls/ssl_tls.o: Makefile

$(ELF): $(FW_OBJS) $(BOARD_LDSCRIPT) linker/armv7m.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(FW_OBJS) -Wl,--start-group -lc -lgcc -Wl,--end-group
	$(Q)tools/check-noheap $(NM) $@

$(OUT)/firmware.bin: $(ELF)
	$(Q)$(OBJCOPY) -O binary $< $@

-include $(FW_OBJS:.o=.d)

# The link must fail when something pulls in malloc: prove it with a probe.
check-noheap: $(FW_OBJS)
	$(Q)tools/check-noheap --probe "$(CC)" "$(LDFLAGS)" $(OUT) $(FW_OBJS)

# ---- QEMU ----------------------------------------------------------------
HTTP_PORT ?= 8080
HTTPS_PORT ?= 8443
ECHO_PORT ?= 8007
PROVISION := $(BUILD)/provision
CONFIG ?= $(PROVISION)/device-config.json
# The device's store area (hal_flash) in QEMU: a host file, created erased
# (0xFF) on first boot and kept across boots and `make clean` (it is the
# device's state, not a build output); `make erase-flash` deletes it.
# Default 1 MiB = 256 sectors of 4 KiB; a multiple of 4096.
FLASH_SIZE ?= 1048576
FLASH_IMG ?= $(BUILD)/$(BOARD)/flash.img
RUNNER = tools/qemu-run --machine $(QEMU_MACHINE) --elf $(ELF) --seed-addr $(QEMU_SEED_ADDR) \
	--http-port $(HTTP_PORT) --https-port $(HTTPS_PORT) --echo-port $(if $(filter 1,$(BOARD_ECHO)),$(ECHO_PORT),0) \
	--config $(CONFIG) --config-addr $(QEMU_CONFIG_ADDR) --token-file $(PROVISION)/dev-token \
	--flash $(FLASH_IMG) --flash-size $(FLASH_SIZE)

# Development provisioning: the seed's session and a random dev token
# (kept if they exist). CONFIG=path uses your own configuration instead.
provision:
	$(Q)tools/provision init --dir $(PROVISION)

# A fresh dev JWT on stdout (ES256, EntitlementManagement.Read.All, 24 h),
# from the provisioned issuer key; TOKEN_ARGS="--alg RS256 --ttl 600 ..."
# (tools/provision token --help). Provisioning's own lines are not shown.
.PHONY: token
token: setup
	$(Q)tools/provision init --dir $(PROVISION) >/dev/null
	$(Q)tools/provision token --dir $(PROVISION) --config $(CONFIG) $(TOKEN_ARGS)

# A board without an emulator (no QEMU_MACHINE in its board.mk) is flashed.
NO_QEMU = $(if $(QEMU_MACHINE),,$(error $(BOARD) has no emulator: 'make flash BOARD=$(BOARD)' writes it to the board))

run: all provision
	$(NO_QEMU)$(Q)$(RUNNER) run

start: all provision
	$(NO_QEMU)$(Q)$(RUNNER) --pidfile $(BUILD)/qemu.pid --log $(BUILD)/qemu.log start

stop:
	$(Q)tools/qemu-run --pidfile $(BUILD)/qemu.pid stop

# Deleting the image under a running QEMU would leave it writing to a file
# nobody sees: stop first.
.PHONY: erase-flash
erase-flash:
ifneq ($(OPENOCD_BOARD),)
	$(Q)tools/flash --erase-store --elf $(ELF) --openocd-board $(OPENOCD_BOARD) $(addprefix --store ,$(BOARD_STORE_RANGES))
else
	$(Q)if [ -f $(BUILD)/qemu.pid ] && kill -0 $$(cat $(BUILD)/qemu.pid) 2>/dev/null; then \
		echo "erase-flash: QEMU is running (make stop first)" >&2; exit 1; fi
	$(Q)rm -f $(FLASH_IMG)
	@echo "erase-flash: deleted $(FLASH_IMG); the next boot starts with an erased flash"
endif

# A real board (board.mk names its openocd script): the image and the
# packed configuration through the debug probe (tools/flash says what is
# wrong when there is no probe). QEMU boards have nothing to flash.
flash:
ifneq ($(OPENOCD_BOARD),)
	$(Q)tools/setup
	$(Q)$(MAKE) --no-print-directory all provision
	$(Q)tools/flash --elf $(ELF) --config $(CONFIG) --config-addr $(BOARD_CONFIG_ADDR) \
		--config-size $(BOARD_CONFIG_SIZE) --openocd-board $(OPENOCD_BOARD) --out $(OUT)
else
	@echo "make flash: $(BOARD) runs in QEMU ('$(MAKE) run' boots it); boards to flash: nucleo-f429zi" >&2; exit 1
endif

# ---- Tests ---------------------------------------------------------------
# The crypto core every host build of the request path links: request
# ids draw from util/rng (CTR-DRBG over mbedTLS's entropy pool, whose hash
# context lives on tls_port's static heap).
HOST_CRYPTO_SRCS := firmware/util/rng.c firmware/tls/tls_port.c firmware/tls/tls_heap.c firmware/tls/pem.c \
	firmware/auth/jwt.c
# The firmware's mbedTLS modules (JWT validation reaches into ECDSA, PK
# and PSA); section GC drops what a test does not reach.
HOST_CRYPTO_MBEDTLS := $(MBEDTLS_SRCS)

include tests/unit/unit.mk
include tests/unit/modules.mk
include tests/fuzz/fuzz.mk
include tests/bench/bench.mk

test: setup deps
	$(Q)$(MAKE) --no-print-directory test-unit test-unit-modules
	$(Q)$(MAKE) --no-print-directory fuzz-smoke
	$(Q)$(MAKE) --no-print-directory all check-noheap
	$(Q)$(MAKE) --no-print-directory BOARD=nucleo-f429zi all check-noheap
	$(Q)$(MAKE) --no-print-directory BOARD=nucleo-f429zi test-tools
	$(Q)$(MAKE) --no-print-directory test-integration
	$(Q)$(MAKE) --no-print-directory BOARD=lm3s6965evb all check-noheap
	$(Q)$(MAKE) --no-print-directory BOARD=lm3s6965evb test-integration

# The host tools a user runs against a real board (tools/flash), without
# one: what they send to openocd and what they say when there is no probe.
.PHONY: test-tools
test-tools: all provision
	$(Q)cd tests/tools && ELF=$(abspath $(ELF)) CONFIG=$(abspath $(CONFIG)) \
		$(PYTHON) -m pytest -q -p no:cacheprovider .

# A second image that faults on purpose once it is up, to test the fault
# handler (registers logged, board reset).
FAULT_OUT := $(BUILD)/$(BOARD)-faultinject
fault-image:
	$(Q)$(MAKE) --no-print-directory OUT=$(FAULT_OUT) CFLAGS_EXTRA="$(CFLAGS_EXTRA) -DAPP_FAULT_INJECT=1" all

# A third that writes the store without end and acks each write on the UART,
# for the power-cut test (tests/integration/test_store_powercut.py).
STORE_SELFTEST_OUT := $(BUILD)/$(BOARD)-storetest
storetest-image:
	$(Q)$(MAKE) --no-print-directory OUT=$(STORE_SELFTEST_OUT) $(BOARD_STORETEST_VARS) \
		CFLAGS_EXTRA="$(CFLAGS_EXTRA) -DAPP_STORE_SELFTEST=1" all

# The product image with the TCP echo service (port 7) for its tests and
# the bench's TCP figures, where the board names what that takes
# (BOARD_ECHO_VARS in its board.mk); nothing on a board without them.
ECHO_OUT := $(BUILD)/$(BOARD)-echo
echo-image:
ifneq ($(BOARD_ECHO_VARS),)
	$(Q)$(MAKE) --no-print-directory OUT=$(ECHO_OUT) $(BOARD_ECHO_VARS) all
endif

test-integration: all fault-image storetest-image echo-image provision
	$(NO_QEMU)$(Q)cd tests/integration && FIRMWARE_ELF=$(abspath $(ELF)) FAULT_ELF=$(abspath $(FAULT_OUT)/firmware.elf) \
		ECHO_ELF=$(if $(BOARD_ECHO_VARS),$(abspath $(ECHO_OUT)/firmware.elf)) \
		STORETEST_ELF=$(abspath $(STORE_SELFTEST_OUT)/firmware.elf) \
		QEMU_MACHINE=$(QEMU_MACHINE) QEMU_SEED_ADDR=$(QEMU_SEED_ADDR) QEMU_CONFIG_ADDR=$(QEMU_CONFIG_ADDR) \
		DEVICE_CONFIG=$(abspath $(CONFIG)) DEV_TOKEN_FILE=$(abspath $(PROVISION)/dev-token) \
		HTTP_CONNS=$(BOARD_HTTP_CONNS) TLS_CONNS=$(BOARD_TLS_CONNS) ECHO_ENABLED=$(BOARD_ECHO) \
		MAX_SESSIONS=$(BOARD_MAX_SESSIONS) \
		FLASH_SIZE=$(FLASH_SIZE) $(PYTHON) -m pytest -q -p no:cacheprovider $(INTEGRATION_TESTS)

# The hostile clients of tests/integration/hostile.py for SOAK_MINUTES
# (default 10) against the firmware in QEMU, a well-behaved client probing
# both ports; counts its stalls over 2 s (README "Fairness").
SOAK_MINUTES ?= 10
.PHONY: soak
soak: all provision
	$(Q)QEMU_MACHINE=$(QEMU_MACHINE) QEMU_SEED_ADDR=$(QEMU_SEED_ADDR) QEMU_CONFIG_ADDR=$(QEMU_CONFIG_ADDR) \
		$(PYTHON) tools/soak --elf $(ELF) --config $(CONFIG) --token-file $(PROVISION)/dev-token \
		--minutes $(SOAK_MINUTES)

# testssl.sh against the firmware's HTTPS port (free host ports, dev CA):
# build/testssl.txt (+ .json, .csv) and a summary; fails on a protocol
# below TLS 1.2 or an unexpected HIGH/CRITICAL finding (tools/test-tls).
.PHONY: test-tls
test-tls: all provision
	$(Q)$(PYTHON) tools/test-tls --machine $(QEMU_MACHINE) --elf $(ELF) --seed-addr $(QEMU_SEED_ADDR) \
		--config $(CONFIG) --config-addr $(QEMU_CONFIG_ADDR) --out $(BUILD)

# ---- Measurements --------------------------------------------------------
# The same objects linked without LTO, only to attribute bytes to
# components (tools/size-report); never flashed. Without LTO the image can
# overflow a small board's flash: the map is all that is wanted, so the
# link keeps its output (--noinhibit-exec) and the overflow is not shown.
NOLTO_MAP := $(OUT)/firmware-nolto.map
$(OUT)/firmware-nolto.elf: $(FW_OBJS) $(BOARD_LDSCRIPT) linker/armv7m.ld
	@$(if $(Q),echo "  LD      $@ (for make size)")
	$(Q)$(CC) $(LDFLAGS_BASE) -fno-lto -Wl,--noinhibit-exec -Wl,-Map=$(NOLTO_MAP) -o $@ $(FW_OBJS) \
		-Wl,--start-group -lc -lgcc -Wl,--end-group 2>&1 | { grep -v "overflowed\|will not fit\|warning: .*noinhibit" || true; }
	$(Q)test -f $@

size: all $(OUT)/firmware-nolto.elf
	$(Q)$(PYTHON) tools/size-report $(MAP) $(ELF) --attribute $(NOLTO_MAP)

# Bench images: ours with cycle counters, and the two references on the
# same board, driver and lwIP settings (README "Benchmarks").
# Per board (mps2-an385's keep their names); figures in bench.json, or
# bench-<board>.json for another board.
BENCH_SFX := $(if $(filter-out mps2-an385,$(BOARD)),-$(BOARD))
BENCH_APP := $(BUILD)/bench-app$(BENCH_SFX)
BENCH_FLOOR := $(BUILD)/bench-floor$(BENCH_SFX)
BENCH_HTTPD := $(BUILD)/bench-httpd$(BENCH_SFX)
BENCH_NOLOG := $(BUILD)/bench-nolog$(BENCH_SFX)
BENCH_JSON := $(BUILD)/bench$(BENCH_SFX).json
# The bench images keep a 1 KiB log ring where a board has a smaller one
# (BOARD_LOG_RING): their counter lines ("prof ...") must not be dropped
# behind the request lines of a batch.
BENCH_VARS := $(if $(BOARD_LOG_RING),BOARD_LOG_RING=1024)
bench-images:
	$(Q)$(MAKE) --no-print-directory OUT=$(BENCH_APP) $(BENCH_VARS) CFLAGS_EXTRA="$(CFLAGS_EXTRA) -DAPP_PROF=1" all
	$(Q)$(MAKE) --no-print-directory OUT=$(BENCH_FLOOR) $(BENCH_VARS) \
		CFLAGS_EXTRA="$(CFLAGS_EXTRA) -DAPP_PROF=1 -DAPP_BENCH_SERVER=1" all
	$(Q)$(MAKE) --no-print-directory OUT=$(BENCH_HTTPD) $(BENCH_VARS) \
		CFLAGS_EXTRA="$(CFLAGS_EXTRA) -DAPP_PROF=1 -DAPP_BENCH_SERVER=2" \
		EXTRA_LWIP_SRCS="$(LWIP_DIR)/src/apps/http/httpd.c $(LWIP_DIR)/src/apps/http/fs.c" all
	$(Q)$(MAKE) --no-print-directory OUT=$(BENCH_NOLOG) $(BENCH_VARS) \
		CFLAGS_EXTRA="$(CFLAGS_EXTRA) -DAPP_PROF=1 -DAPP_LOG_REQUESTS=0" all

bench: all bench-images echo-image provision bench-host
	$(Q)$(PYTHON) tools/bench --elf $(ELF) --machine $(QEMU_MACHINE) --seed-addr $(QEMU_SEED_ADDR) \
		--config $(CONFIG) --config-addr $(QEMU_CONFIG_ADDR) --token-file $(PROVISION)/dev-token \
		--app-elf $(BENCH_APP)/firmware.elf --floor-elf $(BENCH_FLOOR)/firmware.elf \
		--httpd-elf $(BENCH_HTTPD)/firmware.elf --nolog-elf $(BENCH_NOLOG)/firmware.elf \
		--cycle-hz $(BOARD_CYCLE_HZ) $(if $(BOARD_STORE_ARENA),--store-arena $(BOARD_STORE_ARENA)) \
		$(if $(BOARD_ECHO_VARS),--echo-elf $(abspath $(ECHO_OUT)/firmware.elf),--only http$(,)jwt$(,)load$(,)tls$(,)upload$(,)boot) \
		--out $(BENCH_JSON)

# A per-function profile of keep-alive GETs on the firmware in QEMU
# (tools/guest-prof: QEMU's block trace under icount; for finding work,
# the figures come from make bench).
.PHONY: prof
prof: all provision
	$(Q)$(PYTHON) tools/guest-prof --elf $(ELF) --machine $(QEMU_MACHINE) --seed-addr $(QEMU_SEED_ADDR) \
		--config $(CONFIG) --config-addr $(QEMU_CONFIG_ADDR) $(PROF_ARGS)

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)/host $(BUILD)/qemu.*
	if [ -d $(OUT) ]; then find $(OUT) -mindepth 1 -maxdepth 1 ! -path $(FLASH_IMG) -exec rm -rf {} +; fi

distclean:
	rm -rf $(BUILD)
