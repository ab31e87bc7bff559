/* libFuzzer harness for pem_next(): walk all blocks of the input with a
 * DER buffer whose size the first byte picks; positions only move
 * forward, lengths fit, errors are ours. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "pem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1u) {
        return 0;
    }
    size_t cap = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1u;
    unsigned char *der = malloc(cap + 1u); /* exact size: ASan sees any overrun */
    size_t pos = 0;
    for (;;) {
        char label[PEM_LABEL_MAX + 1];
        size_t before = pos;
        int n = pem_next(text, len, &pos, label, der, cap);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (n != APP_ERR_INVAL && n != APP_ERR_OVERFLOW) {
                abort();
            }
            break;
        }
        if ((size_t)n > cap || pos <= before || pos > len || strlen(label) == 0u ||
            strlen(label) > PEM_LABEL_MAX) {
            abort();
        }
    }
    free(der);
    return 0;
}
