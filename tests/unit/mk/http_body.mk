# http_body: request body framing (Content-Length, chunked), in any split.
UNIT_MODULE_TESTS += test_http_body
test_http_body_SRCS := tests/unit/test_http_body.c firmware/http/http_body.c
