# mbedTLS's allocator (firmware/tls/tls_heap.c) under any program of
# allocations and frees: blocks in bounds, aligned, zeroed, intact until
# freed; headers and counters agree; a fully freed heap is one block.
FUZZ_TARGETS += tls_heap
fuzz_tls_heap_SRCS := tests/fuzz/tls_heap/fuzz_tls_heap.c firmware/tls/tls_heap.c
fuzz_tls_heap_FLAGS := -Ifirmware/tls
