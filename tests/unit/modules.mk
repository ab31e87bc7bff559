# Host unit tests of the portable application modules (json, http, ...),
# declared by one fragment per binary in tests/unit/mk/<name>.mk:
#
#   UNIT_MODULE_TESTS += test_json
#   test_json_SRCS := tests/unit/test_json.c firmware/json/json.c ...
#
# Each binary is built from exactly those sources with the flags of
# unit.mk (C11, -Werror, ASan+UBSan) and run by `make test-unit-modules`
# (part of `make test`). A fragment may append to UNIT_MOD_INC.

UNIT_MODULE_TESTS :=
UNIT_MOD_INC := -Ihal -Itests/unit -Ifirmware/upload -Ifirmware/config -Ifirmware/log -Ifirmware/json -Ifirmware/util \
	-Ifirmware/http -Ifirmware/api -Ifirmware/store -I$(JSMN_DIR)
include $(sort $(wildcard tests/unit/mk/*.mk))

define unit_module_rules
$(UNIT_OUT)/$(1): $$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTLD  $$@")
	$$(Q)$$(HOST_CC) $$(UNIT_LDFLAGS) -o $$@ $$^ $$(UNIT_LDLIBS)
-include $$(patsubst %.c,$(UNIT_OBJ)/mod/%.d,$$($(1)_SRCS))
endef
$(foreach t,$(UNIT_MODULE_TESTS),$(eval $(call unit_module_rules,$(t))))

$(UNIT_OBJ)/mod/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_MOD_INC) -c $< -o $@

UNIT_MODULE_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_MODULE_TESTS))

.PHONY: test-unit-modules
test-unit-modules: $(DEPS_STAMP) $(UNIT_MODULE_BINS)
	$(Q)for t in $(UNIT_MODULE_BINS); do \
		echo "  RUN     $$t"; \
		$(UNIT_ENV) $$t || exit 1; \
	done
