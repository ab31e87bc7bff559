# store on flash: power cuts at every program/erase of a scenario (three
# tear modes, two geometries), formatting, corrupt images left alone,
# limits, store full, 100,000-cycle wear spread; over tests/unit/fake_flash.c.
UNIT_MODULE_TESTS += test_store_flash
test_store_flash_SRCS := tests/unit/test_store_flash.c firmware/store/store.c firmware/store/store_log.c \
	firmware/util/utf8.c tests/unit/fake_flash.c
$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,tests/unit/test_store_flash.c): UNIT_MOD_INC += -Itests/unit
