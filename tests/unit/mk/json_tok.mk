# json_tok: strict JSON reading over jsmn tokens.
UNIT_MODULE_TESTS += test_json_tok
test_json_tok_SRCS := tests/unit/test_json_tok.c firmware/json/json_tok.c firmware/util/utf8.c
