/* Host fakes of the board services lwIP and the glue link against:
 * hal_time (a clock the test sets), hal_rng (a fixed-seed generator),
 * hal_console (captured), hal_board (reset fails the running test). */
#ifndef FAKE_HAL_BOARD_H
#define FAKE_HAL_BOARD_H

#include <stddef.h>
#include <stdint.h>

void fake_hal_board_reset(void);
void fake_hal_board_set_ms(uint32_t ms);
void fake_hal_board_advance_ms(uint32_t ms);
/* Everything written to the console since fake_hal_board_reset(), NUL-terminated. */
const char *fake_hal_board_console(void);

#endif
