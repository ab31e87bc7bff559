/* metrics_snapshot() for host builds of the API (the real one,
 * firmware/diag/metrics_collect.c, reads lwIP, the servers and the
 * board): value i is i * 1000003 + 7, so every field is told apart and
 * long numbers are rendered too. */
#include "metrics.h"

void metrics_snapshot(uint32_t v[METRICS_VALUES])
{
    for (unsigned i = 0; i < METRICS_VALUES; i++) {
        v[i] = i * 1000003u + 7u;
    }
}
