# Streaming multipart/form-data reader: whole vs chunked feeding give the
# same verdict, reason, part name, filename and content, a sink stopping
# the reader too; chunks are exact copies, so a read outside them is
# caught; the content never outgrows the body, is a run of it and holds no
# delimiter; faults are sticky. The same input as a Content-Type value for
# mp_boundary().
FUZZ_TARGETS += multipart
fuzz_multipart_SRCS := tests/fuzz/multipart/fuzz_multipart.c firmware/upload/multipart.c
fuzz_multipart_FLAGS := -Ifirmware/upload
