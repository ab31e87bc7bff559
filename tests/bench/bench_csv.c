/* Host figure for the streaming CSV check (firmware/upload/csv.c): a
 * realistic 100 KB upload (Entra how-to header, GUIDs, quoted descriptions
 * with commas and "" escapes, some UTF-8, CRLF) fed in 1460-byte chunks, as
 * TCP segments arrive. Not part of the build; count instructions with
 *
 *   gcc -O2 -Ihal -Ifirmware/util -Ifirmware/upload tests/bench/bench_csv.c \
 *       firmware/upload/csv.c -o /tmp/bench_csv
 *   valgrind --tool=callgrind --toggle-collect=csv_feed --toggle-collect=csv_end \
 *       /tmp/bench_csv
 *
 * and divide the total by the KB printed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app_err.h"
#include "csv.h"

static char s_buf[100 * 1024];

static uint32_t s_rng = 12345;

static uint32_t next_rand(void)
{
    uint32_t x = s_rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s_rng = x;
    return x;
}

static size_t gen_file(char *buf, size_t cap, uint32_t *records)
{
    static const char *const kinds[] = {"User", "Group", "ServicePrincipal"};
    static const char *const doors[] = {"Front door", "Server room", "Loading dock \xE2\x80\x93 east",
                                        "\"Lab \"\"B\"\", floor 2\"", "Parking"};
    size_t n = (size_t)snprintf(buf, cap,
                                "\xEF\xBB\xBFprincipalId,principalType,permissionId,permissionName,"
                                "permissionDescription,permissionType,ScopeId,ScopeDisplayName,"
                                "EntitlementOwners_Users,EntitlementOwners_Groups,CustomData\r\n");
    *records = 0;
    while (n + 400 < cap) {
        uint32_t r = next_rand();
        n += (size_t)snprintf(buf + n, cap - n,
                              "%08x-%04x-4%03x-a%03x-%012x,%s,door-%u,%s,\"Access to door %u, badge "
                              "reader %u\",Badge,site-%u,Site %u,user%u@contoso.com,,\r\n",
                              (unsigned)r, (unsigned)(r >> 7) & 0xFFFFu, (unsigned)(r >> 3) & 0xFFFu,
                              (unsigned)(r >> 11) & 0xFFFu, (unsigned)r, kinds[r % 3u],
                              (unsigned)(r % 97u), doors[r % 5u], (unsigned)(r % 97u),
                              (unsigned)(r % 13u), (unsigned)(r % 7u), (unsigned)(r % 7u),
                              (unsigned)(r % 1000u));
        (*records)++;
    }
    return n;
}

int main(void)
{
    struct csv_check c;
    uint32_t records;
    size_t len = gen_file(s_buf, sizeof(s_buf), &records);
    int rc = APP_OK;

    csv_init(&c);
    for (size_t off = 0; off < len && rc == APP_OK; off += 1460) {
        size_t n = len - off < 1460 ? len - off : 1460;
        rc = csv_feed(&c, s_buf + off, n);
    }
    if (rc == APP_OK) {
        rc = csv_end(&c);
    }
    printf("%zu bytes (%.1f KB), %u records, rc %d (%s), checked %u records\n", len, (double)len / 1024.0,
           (unsigned)records, rc, csv_reason(&c), (unsigned)csv_records(&c));
    return rc == APP_OK && csv_records(&c) == records ? 0 : 1;
}
