# store: the session tables, file pool and string arena.
UNIT_MODULE_TESTS += test_store
test_store_SRCS := tests/unit/test_store.c firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c firmware/util/utf8.c
