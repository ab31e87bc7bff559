/* Arm semihosting calls (M-profile: BKPT 0xAB; "Semihosting for AArch32
 * and AArch64", Arm IHI 0046, "The semihosting interface" and the
 * operation list "Semihosting operations"). */
#include "semihost.h"

#include "app_err.h"

/* Operation numbers (spec, "Semihosting operations"). */
#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_WRITE 0x05u
#define SYS_READ 0x06u
#define SYS_SEEK 0x0Au
#define SYS_FLEN 0x0Cu
#define SYS_GET_CMDLINE 0x15u

/* r0 = operation, r1 = parameter block; the result comes back in r0. The
 * host reads and writes the block and the buffers it points to: "memory". */
static uint32_t semihost_call(uint32_t op, uint32_t *block)
{
    register uint32_t r0 __asm("r0") = op;
    register uint32_t r1 __asm("r1") = (uint32_t)(uintptr_t)block;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int semihost_open(const char *path, uint32_t mode, uint32_t *handle)
{
    uint32_t n = 0;
    while (path[n] != '\0') {
        n++;
    }
    /* SYS_OPEN: block = {path, mode, length of path without its NUL}. */
    uint32_t block[3] = {(uint32_t)(uintptr_t)path, mode, n};
    uint32_t r = semihost_call(SYS_OPEN, block);
    if (r == UINT32_MAX) {
        return APP_ERR_IO;
    }
    *handle = r;
    return APP_OK;
}

int semihost_close(uint32_t handle)
{
    uint32_t block[1] = {handle};
    return semihost_call(SYS_CLOSE, block) == 0u ? APP_OK : APP_ERR_IO;
}

int semihost_seek(uint32_t handle, uint32_t pos)
{
    /* SYS_SEEK: 0 on success, negative on error. */
    uint32_t block[2] = {handle, pos};
    return semihost_call(SYS_SEEK, block) == 0u ? APP_OK : APP_ERR_IO;
}

int semihost_read(uint32_t handle, void *buf, size_t len)
{
    /* SYS_READ returns the number of bytes NOT read: 0 is all of them. */
    uint32_t block[3] = {handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return semihost_call(SYS_READ, block) == 0u ? APP_OK : APP_ERR_IO;
}

int semihost_write(uint32_t handle, const void *buf, size_t len)
{
    /* SYS_WRITE returns the number of bytes NOT written: 0 is all. */
    uint32_t block[3] = {handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return semihost_call(SYS_WRITE, block) == 0u ? APP_OK : APP_ERR_IO;
}

int semihost_flen(uint32_t handle, uint32_t *len)
{
    uint32_t block[1] = {handle};
    uint32_t r = semihost_call(SYS_FLEN, block);
    if (r == UINT32_MAX) {
        return APP_ERR_IO;
    }
    *len = r;
    return APP_OK;
}

int semihost_get_cmdline(char *buf, size_t size, size_t *len)
{
    /* Block = {buffer, its size}; the host writes the length back into
     * the second word. A line that does not fit is an error (-1). */
    if (size < 2u) {
        return APP_ERR_OVERFLOW;
    }
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)size};
    if (semihost_call(SYS_GET_CMDLINE, block) != 0u) {
        return APP_ERR_OVERFLOW;
    }
    if (block[1] >= size) {
        return APP_ERR_OVERFLOW;
    }
    buf[block[1]] = '\0';
    *len = block[1];
    return APP_OK;
}
