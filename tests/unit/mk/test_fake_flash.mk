# The simulated NOR flash (tests/unit/fake_flash.c) that the store's
# power-cut tests run on.
UNIT_MODULE_TESTS += test_fake_flash
test_fake_flash_SRCS := tests/unit/test_fake_flash.c tests/unit/fake_flash.c
