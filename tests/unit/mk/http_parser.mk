# Request-head parser (firmware/http/http_parser.c), table-driven.
UNIT_MODULE_TESTS += test_http_parser
test_http_parser_SRCS := tests/unit/test_http_parser.c firmware/http/http_parser.c
