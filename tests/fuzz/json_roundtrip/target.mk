FUZZ_TARGETS += json_roundtrip
fuzz_json_roundtrip_SRCS := tests/fuzz/json_roundtrip/fuzz_json_roundtrip.c firmware/json/json.c firmware/util/datetime.c firmware/util/utf8.c
