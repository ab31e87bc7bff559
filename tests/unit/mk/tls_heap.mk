# mbedTLS's allocator (firmware/tls/tls_heap.c) against a model.
UNIT_MODULE_TESTS += test_tls_heap
test_tls_heap_SRCS := tests/unit/test_tls_heap.c firmware/tls/tls_heap.c
$(patsubst %.c,$(UNIT_OBJ)/mod/%.o,tests/unit/test_tls_heap.c): UNIT_MOD_INC += -Ifirmware/tls
