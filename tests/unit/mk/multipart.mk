# Streaming multipart/form-data reader (firmware/upload/multipart.c): table
# of bodies and the header limits, each fed whole, byte by byte, split in
# two and in random chunks; mp_boundary(), mp_init() and the arguments.
UNIT_MODULE_TESTS += test_multipart
test_multipart_SRCS := tests/unit/test_multipart.c firmware/upload/multipart.c

MULTIPART_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_multipart_SRCS))
$(MULTIPART_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/upload

# The same test with the header block limit at the top of the range that
# multipart.h allows (65535, all its uint16_t counter holds). Objects of
# its own (the generic rule makes one per source path); the link rule that
# modules.mk makes for it has no sources and links these prerequisites.
UNIT_MODULE_TESTS += test_multipart_hdr_max
MULTIPART_MAX_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mp_hdr_max/%.o,$(test_multipart_SRCS))
$(UNIT_OUT)/test_multipart_hdr_max: $(MULTIPART_MAX_OBJS)
$(UNIT_OBJ)/mp_hdr_max/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_MOD_INC) -DAPP_MP_HDR_MAX=65535u -c $< -o $@
-include $(MULTIPART_MAX_OBJS:.o=.d)
