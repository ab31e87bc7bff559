UNIT_MODULE_TESTS += test_json
test_json_SRCS := tests/unit/test_json.c firmware/json/json.c firmware/util/datetime.c firmware/util/utf8.c
