# Streaming multipart/form-data reader: whole vs chunked feeding give the
# same verdict, reason, filename and content; chunks are exact (poisoned
# around); the content never outgrows the input; faults are sticky. The
# same input as a Content-Type value for mp_boundary().
FUZZ_TARGETS += multipart
fuzz_multipart_SRCS := tests/fuzz/multipart/fuzz_multipart.c firmware/upload/multipart.c
fuzz_multipart_FLAGS := -Ifirmware/upload
