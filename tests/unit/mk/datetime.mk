UNIT_MODULE_TESTS += test_datetime
test_datetime_SRCS := tests/unit/test_datetime.c firmware/util/datetime.c
