# Request-head parser: whole vs chunked feeding, invariants of the result.
# Limits are lowered so that short inputs reach them (414, 431 by count and
# by token size); the bench request still fits (request line 232 bytes,
# 5 fields, 242-byte token).
FUZZ_TARGETS += http_parser
fuzz_http_parser_SRCS := tests/fuzz/http_parser/fuzz_http_parser.c firmware/http/http_parser.c
fuzz_http_parser_FLAGS := -DAPP_HTTP_LINE_MAX=256 -DAPP_HTTP_MAX_HEADERS=8 -DAPP_HTTP_TOKEN_MAX=256
