# Keyed universal hash (firmware/util/uhash.c) against a reference written
# with __uint128_t in the test, bit flips, lengths, alignment, keys.
UNIT_MODULE_TESTS += test_uhash
test_uhash_SRCS := tests/unit/test_uhash.c firmware/util/uhash.c
