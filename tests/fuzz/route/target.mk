FUZZ_TARGETS += route
fuzz_route_SRCS := tests/fuzz/route/fuzz_route.c firmware/api/route.c firmware/api/odata.c firmware/util/pct.c firmware/util/utf8.c
