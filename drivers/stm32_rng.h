/* hal_rng on the STM32F4's true random number generator (RM0090 section
 * 24): an analog noise source behind a linear shift register, 32 bits per
 * read of RNG_DR. The board clocks it (PLL48CLK at least HCLK / 16) and
 * calls stm32_rng_attach(). */
#ifndef STM32_RNG_H
#define STM32_RNG_H

#include <stdint.h>

/* Reads of RNG_SR before a word is given up on: a word takes 40 periods of
 * the RNG clock (RM0090 24.3.1), well under 1000 reads. */
#ifndef STM32_RNG_POLLS
#define STM32_RNG_POLLS 10000u
#endif
/* Restarts after a seed error before hal_rng_fill() fails. */
#ifndef STM32_RNG_RESTARTS
#define STM32_RNG_RESTARTS 3u
#endif

/* Enable the generator at base. */
void stm32_rng_attach(uintptr_t base);

#endif
