/* STM32F4 GPIO alternate functions (RM0090 8.3.2, 8.4). */
#include "stm32_gpio.h"

#define GPIO(port, off) (*(volatile uint32_t *)((port) + (off)))
#define GPIO_MODER 0x00u
#define GPIO_OTYPER 0x04u
#define GPIO_OSPEEDR 0x08u
#define GPIO_PUPDR 0x0Cu
#define GPIO_AFR 0x20u /* AFRL, then AFRH at 0x24: 4 bits a pin */
#define MODE_AF 2u
#define SPEED_VERY_HIGH 3u

void stm32_gpio_af_set(const struct stm32_gpio_af *pins, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        uintptr_t port = pins[i].port;
        unsigned pin = pins[i].pin & 15u;
        unsigned two = 2u * pin;
        uint32_t afr = GPIO_AFR + 4u * (pin / 8u);
        unsigned four = 4u * (pin % 8u);
        /* The function first, then the mode: the pin never drives a wrong
         * function in between. */
        GPIO(port, afr) = (GPIO(port, afr) & ~(0xFu << four)) | ((uint32_t)(pins[i].af & 15u) << four);
        GPIO(port, GPIO_OTYPER) &= ~(1u << pin);
        GPIO(port, GPIO_OSPEEDR) = (GPIO(port, GPIO_OSPEEDR) & ~(3u << two)) | (SPEED_VERY_HIGH << two);
        GPIO(port, GPIO_PUPDR) &= ~(3u << two);
        GPIO(port, GPIO_MODER) = (GPIO(port, GPIO_MODER) & ~(3u << two)) | (MODE_AF << two);
    }
}
