/* lwIP port: compiler and platform glue for arm-none-eabi-gcc and for the
 * host build of the unit tests. */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>

#define LWIP_NO_STDINT_H 0
#define LWIP_NO_INTTYPES_H 0
#define LWIP_TIMEVAL_PRIVATE 0
/* lwIP's own isdigit/isxdigit/... macros (arch.h) instead of libc's
 * <ctype.h>, whose 257-byte table only ip4addr_aton would use. */
#define LWIP_NO_CTYPE_H 1

void lwip_port_diag(const char *msg);
void lwip_port_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
uint32_t lwip_port_rand(void);

#define LWIP_PLATFORM_DIAG(x) do { (void)0; } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() lwip_port_rand()

/* Put every lwIP pool and its heap in a named .pool.* section so that the
 * linker script gathers them and the map file shows each one's size. */
#define LWIP_DECLARE_MEMORY_ALIGNED(variable_name, size) \
    u8_t variable_name[LWIP_MEM_ALIGN_BUFFER(size)] \
        __attribute__((aligned(4), section(".pool.lwip." #variable_name)))

#endif
