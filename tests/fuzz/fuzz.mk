# libFuzzer harnesses, one folder each: tests/fuzz/<target>/ holds
# fuzz_<target>.c, a committed seed corpus in corpus/, and target.mk:
#
#   FUZZ_TARGETS += http_parser
#   fuzz_http_parser_SRCS := tests/fuzz/http_parser/fuzz_http_parser.c firmware/http/http_parser.c
#   fuzz_http_parser_FLAGS := (optional extra -D / -I)
#
# `make fuzz` runs each for FUZZ_SECONDS; `make test` runs each for
# FUZZ_SMOKE_SECONDS starting from its committed corpus. New inputs go to
# build/host/fuzz/<target>-corpus (the committed corpus is only read);
# crashes are written to build/host/fuzz/<target>-crash-*.

FUZZ_CC ?= clang
FUZZ_OUT := $(BUILD)/host/fuzz
# mbedTLS (the firmware's module list and configuration) as an archive,
# built once with the harnesses' sanitizers and coverage: a target that
# needs crypto lists it in fuzz_<target>_LIBS and links only what it uses.
FUZZ_MBEDTLS_LIB := $(FUZZ_OUT)/libmbedtls.a

FUZZ_TARGETS :=
include $(sort $(wildcard tests/fuzz/*/target.mk))
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_CFLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -ffunction-sections -fdata-sections -Wl,--gc-sections
FUZZ_INC := -Ihal -Ifirmware/upload -Ifirmware/config -Ifirmware/log -Ifirmware/diag -Ifirmware/json -Ifirmware/util \
	-Ifirmware/http -Ifirmware/api -Ifirmware/store -I$(JSMN_DIR)

FUZZ_MBEDTLS_OBJS := $(patsubst $(MBEDTLS_DIR)/library/%.c,$(FUZZ_OUT)/mbedtls/%.o,$(MBEDTLS_SRCS))
$(FUZZ_OUT)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c firmware/config/mbedtls_config.h $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -w -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all -ffunction-sections -fdata-sections -Ifirmware/config \
		-I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS) -c $< -o $@
$(FUZZ_MBEDTLS_LIB): $(FUZZ_MBEDTLS_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

define fuzz_rules
$(FUZZ_OUT)/fuzz_$(1): $$(fuzz_$(1)_SRCS) $$(fuzz_$(1)_LIBS) $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_INC) $$(fuzz_$(1)_FLAGS) -o $$@ $$(fuzz_$(1)_SRCS) \
		$$(fuzz_$(1)_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$(t))))

FUZZ_BINS := $(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_TARGETS))

# run_fuzz(target, seconds)
define run_fuzz
	@mkdir -p $(FUZZ_OUT)/$(1)-corpus
	@echo "  FUZZ    $(1) for $(2) s"
	$(Q)$(FUZZ_OUT)/fuzz_$(1) -max_total_time=$(2) -print_final_stats=0 \
		-artifact_prefix=$(FUZZ_OUT)/$(1)-crash- $(FUZZ_OUT)/$(1)-corpus tests/fuzz/$(1)/corpus \
		> $(FUZZ_OUT)/$(1).log 2>&1 || { tail -40 $(FUZZ_OUT)/$(1).log; exit 1; }
	@grep -E "^#[0-9]+[[:space:]]+DONE" $(FUZZ_OUT)/$(1).log | tail -1 | sed "s/^/          /"

endef

.PHONY: fuzz fuzz-smoke
fuzz: $(FUZZ_BINS)
	$(if $(FUZZ_TARGETS),$(foreach t,$(FUZZ_TARGETS),$(call run_fuzz,$(t),$(FUZZ_SECONDS))),@echo "no fuzz targets")

fuzz-smoke: $(FUZZ_BINS)
	$(if $(FUZZ_TARGETS),$(foreach t,$(FUZZ_TARGETS),$(call run_fuzz,$(t),$(FUZZ_SMOKE_SECONDS))),@echo "no fuzz targets")
