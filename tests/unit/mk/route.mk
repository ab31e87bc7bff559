UNIT_MODULE_TESTS += test_route
test_route_SRCS := tests/unit/test_route.c firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/util/utf8.c
