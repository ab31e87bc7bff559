# Streaming CSV check: whole vs chunked feeding give the same verdict, line,
# field, reason and record count; chunks are exact (poisoned around), so a
# read outside them is caught; the verdict agrees with an independent UTF-8
# check (firmware/util/utf8.c).
FUZZ_TARGETS += csv
fuzz_csv_SRCS := tests/fuzz/csv/fuzz_csv.c firmware/upload/csv.c firmware/util/utf8.c
fuzz_csv_FLAGS := -Ifirmware/upload
