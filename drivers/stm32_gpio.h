/* STM32F4 GPIO ports (RM0090 section 8): a pin to one of its alternate
 * functions. */
#ifndef STM32_GPIO_H
#define STM32_GPIO_H

#include <stdint.h>

struct stm32_gpio_af {
    uintptr_t port; /* the port's registers */
    uint8_t pin;    /* 0..15 */
    uint8_t af;     /* AF0..AF15 (the datasheet's alternate function table) */
};

/* Each pin to its alternate function: push-pull, very high speed (RMII
 * needs it at 50 MHz, RM0090 33.3), no pull. */
void stm32_gpio_af_set(const struct stm32_gpio_af *pins, unsigned count);

#endif
