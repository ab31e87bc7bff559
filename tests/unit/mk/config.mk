# config: the config partition (frame, JSON, schema) into the store.
UNIT_MODULE_TESTS += test_config
test_config_SRCS := tests/unit/test_config.c firmware/config/config.c firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c \
	firmware/json/json_tok.c firmware/util/datetime.c firmware/util/utf8.c
