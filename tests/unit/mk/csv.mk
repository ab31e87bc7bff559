# Streaming CSV check (firmware/upload/csv.c): table of valid and invalid
# files, each fed whole, byte by byte and in random chunks.
UNIT_MODULE_TESTS += test_csv
test_csv_SRCS := tests/unit/test_csv.c firmware/upload/csv.c

# modules.mk sets UNIT_MOD_INC after including the fragments: the upload
# folder goes in as a target-specific addition on this binary's objects.
CSV_UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ)/mod/%.o,$(test_csv_SRCS))
$(CSV_UNIT_OBJS): UNIT_MOD_INC += -Ifirmware/upload
