# Host unit tests (cmocka): one binary per module, the real module plus
# fakes, built with the host gcc and the sanitizers into $(BUILD)/host/unit/.
# `make test-unit` builds and runs them all; the first failing binary fails
# make, so the output ends with cmocka's own summary lines.
# Included by the top-level Makefile (BUILD, DEPS_STAMP, LWIP_DIR, LWIP_SRCS,
# Q come from there).

HOST_CC ?= gcc
UNIT_SRC := tests/unit
UNIT_OUT := $(BUILD)/host/unit
UNIT_OBJ := $(BUILD)/host/obj

# Any sanitizer report fails the binary, not just prints.
UNIT_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Sections per function and --gc-sections, as in the firmware link: host
# builds keep only what is reached (mbedTLS modules reference the TLS path).
UNIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 $(UNIT_SAN) -MMD -MP -ffunction-sections -fdata-sections
# lwIP builds with its own quiet flags, never -Werror, but sanitized too.
UNIT_LWIP_CFLAGS := -std=gnu11 -w -g -O1 $(UNIT_SAN) -MMD -MP
# Same include order as the firmware.
UNIT_INC := -Ihal -Idrivers -Ifirmware/config -Ifirmware/net -Ifirmware/log -Ifirmware/diag \
	-I$(LWIP_DIR)/src/include
UNIT_LDFLAGS := $(UNIT_SAN) -Wl,--gc-sections
UNIT_LDLIBS := -lcmocka
UNIT_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

unit_obj = $(patsubst %.c,$(UNIT_OBJ)/$(1)/%.o,$(2))

# ---- test_lan9118: the driver against a register model of the chip.
UNIT_LAN9118_SRCS := drivers/lan9118.c $(UNIT_SRC)/fake_lan9118.c $(UNIT_SRC)/test_lan9118.c
UNIT_LAN9118_OBJS := $(call unit_obj,lan9118,$(UNIT_LAN9118_SRCS))

$(UNIT_OBJ)/lan9118/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -DLAN9118_FAKE_REGS $(UNIT_INC) -c $< -o $@

$(UNIT_OUT)/test_lan9118: $(UNIT_LAN9118_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOST_CC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LDLIBS)

# ---- test_stellaris_enet: the LM3S6965 MAC driver against a register
# model of its FIFOs.
UNIT_SENET_SRCS := drivers/stellaris_enet.c $(UNIT_SRC)/test_stellaris_enet.c
UNIT_SENET_OBJS := $(call unit_obj,senet,$(UNIT_SENET_SRCS))

$(UNIT_OBJ)/senet/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -DSTELLARIS_ENET_FAKE_REGS $(UNIT_INC) -c $< -o $@

$(UNIT_OUT)/test_stellaris_enet: $(UNIT_SENET_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOST_CC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LDLIBS)

# ---- test_ethif: the lwIP glue with the real lwIP core (the firmware's
# source list and lwipopts.h) over a fake hal_eth and fakes of the board
# services. lwipopts.h says MEM_ALIGNMENT 4, exact for the 32-bit target;
# on a 64-bit host that leaves lwIP's pool elements (which hold 8-byte
# pointers) 4-byte aligned, which x86-64 handles but UBSan's alignment
# check reports in memp.c. This binary alone skips that one check rather
# than test a different lwIP configuration; the driver test keeps it.
UNIT_ETHIF_NOSAN := -fno-sanitize=alignment
UNIT_ETHIF_SRCS := firmware/net/ethif.c firmware/net/lwip_port.c firmware/net/net_conn.c firmware/net/net_syn.c firmware/log/log.c firmware/log/log_ring.c \
	$(UNIT_SRC)/fake_hal_eth.c $(UNIT_SRC)/fake_hal_board.c $(UNIT_SRC)/fake_console_tx.c $(UNIT_SRC)/test_ethif.c
UNIT_ETHIF_OBJS := $(call unit_obj,ethif,$(UNIT_ETHIF_SRCS))
# lwIP's core only: apps/sntp calls back into the firmware's clock glue.
UNIT_LWIP_OBJS := $(patsubst $(LWIP_DIR)/src/%.c,$(UNIT_OBJ)/lwip/%.o, \
	$(filter-out $(LWIP_DIR)/src/apps/%,$(LWIP_SRCS)))

$(UNIT_OBJ)/ethif/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_ETHIF_NOSAN) $(UNIT_INC) -c $< -o $@

$(UNIT_OBJ)/lwip/%.o: $(LWIP_DIR)/src/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(UNIT_LWIP_CFLAGS) $(UNIT_ETHIF_NOSAN) $(UNIT_INC) -c $< -o $@

$(UNIT_OUT)/test_ethif: $(UNIT_ETHIF_OBJS) $(UNIT_LWIP_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOST_CC) $(UNIT_LDFLAGS) -o $@ $^ $(UNIT_LDLIBS)

# ---- run
UNIT_BINS := $(UNIT_OUT)/test_lan9118 $(UNIT_OUT)/test_stellaris_enet $(UNIT_OUT)/test_ethif

test-unit: $(DEPS_STAMP) $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do \
		echo "  RUN     $$t"; \
		$(UNIT_ENV) $$t || exit 1; \
	done

-include $(UNIT_LAN9118_OBJS:.o=.d) $(UNIT_ETHIF_OBJS:.o=.d) $(UNIT_LWIP_OBJS:.o=.d)
