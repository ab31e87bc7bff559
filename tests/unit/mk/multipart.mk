# Streaming multipart/form-data reader (firmware/upload/multipart.c): table
# of bodies and the header limits, each fed whole, byte by byte, split in
# two and in random chunks; mp_boundary(), mp_init() and the arguments.
UNIT_MODULE_TESTS += test_multipart
test_multipart_SRCS := tests/unit/test_multipart.c firmware/upload/multipart.c

MULTIPART_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_multipart_SRCS))
$(MULTIPART_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/upload
