# Store mount (firmware/store/): arbitrary flash images, over the fake NOR.
FUZZ_TARGETS += store
fuzz_store_SRCS := tests/fuzz/store/fuzz_store.c firmware/store/store.c firmware/store/store_log.c \
	tests/unit/fake_flash.c firmware/util/utf8.c
fuzz_store_FLAGS := -Itests/unit
