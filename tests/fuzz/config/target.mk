# Config partition loader (frame, JSON, schema, store). Store limits are
# lowered so that short inputs reach every pool limit; the seed configs
# (one session, one file) still load.
FUZZ_TARGETS += config
fuzz_config_SRCS := tests/fuzz/config/fuzz_config.c firmware/config/config.c \
	firmware/store/store.c firmware/store/store_log.c tests/unit/fake_flash.c firmware/json/json_tok.c firmware/util/datetime.c firmware/util/utf8.c
fuzz_config_FLAGS := -Itests/unit -DAPP_MAX_SESSIONS=4 -DAPP_MAX_FILES=3 -DAPP_STORE_FILES=6 \
	-DAPP_STORE_ARENA=512 -DAPP_CONFIG_MAX_TOKENS=160 -DAPP_MAX_STATIC_TOKENS=2
