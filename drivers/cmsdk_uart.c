/* ARM CMSDK APB UART, polled. */
#include "cmsdk_uart.h"

#include "cmsdk_uart_regs.h"

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))

/* At 115200 baud one byte takes ~87 us; this bound is far above that at
 * any core clock the CMSDK runs at, and only matters if TX hangs. */
#define CMSDK_UART_POLL_LIMIT 100000u

void cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud)
{
    uint32_t div = pclk_hz / baud;
    /* BAUDDIV must be at least 16 (TRM 4.3). */
    REG(base, CMSDK_UART_BAUDDIV) = div < 16u ? 16u : div;
    REG(base, CMSDK_UART_CTRL) = CMSDK_UART_CTRL_TXEN;
}

void cmsdk_uart_write(uintptr_t base, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (uint32_t n = 0; n < CMSDK_UART_POLL_LIMIT; n++) {
            if ((REG(base, CMSDK_UART_STATE) & CMSDK_UART_STATE_TXFULL) == 0u) {
                break;
            }
        }
        REG(base, CMSDK_UART_DATA) = (uint8_t)data[i];
    }
}
