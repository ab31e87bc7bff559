# The log ring (firmware/log/log_ring.c): whole-line drops and the drop
# notice, wrap-around, exact fill, a consumer run between any two bytes
# of a put (LOG_RING_TEST_HOOKS).
UNIT_MODULE_TESTS += test_log_ring
test_log_ring_SRCS := tests/unit/test_log_ring.c tests/unit/log_ring_hooked.c
