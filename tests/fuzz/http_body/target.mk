# Request body framing: Content-Length and chunked, whole vs split.
FUZZ_TARGETS += http_body
fuzz_http_body_SRCS := tests/fuzz/http_body/fuzz_http_body.c firmware/http/http_body.c
