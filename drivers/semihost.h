/* Arm semihosting for M-profile: `bkpt 0xAB` with the operation in r0 and
 * a parameter block in r1 ("Semihosting for AArch32 and AArch64", Arm
 * IHI 0046). Only the file calls the QEMU board's flash file needs.
 *
 * A semihosting call traps to the debugger or emulator; with neither (a
 * real board, or QEMU without -semihosting-config enable=on) the bkpt
 * escalates to HardFault on M-profile. Call these only where semihosting
 * is known to be on. */
#ifndef SEMIHOST_H
#define SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* SYS_OPEN modes: the index of the fopen() mode string (spec, SYS_OPEN). */
#define SEMIHOST_MODE_RB 1u      /**< "rb" */
#define SEMIHOST_MODE_RPLUS_B 3u /**< "r+b": read and write, never creates */

/* Open the host file path (NUL-terminated) in mode (SEMIHOST_MODE_*).
 * Returns APP_OK and the handle in *handle; APP_ERR_IO when the host
 * refused (no such file, no permission). */
int semihost_open(const char *path, uint32_t mode, uint32_t *handle);

/* Close a handle. APP_OK; APP_ERR_IO. */
int semihost_close(uint32_t handle);

/* Move the file position of handle to pos bytes from the start.
 * APP_OK; APP_ERR_IO (host error, or pos beyond what the host allows). */
int semihost_seek(uint32_t handle, uint32_t pos);

/* Read exactly len bytes at the file position into buf. APP_OK;
 * APP_ERR_IO on a host error or a short read (end of file). */
int semihost_read(uint32_t handle, void *buf, size_t len);

/* Write exactly len bytes from buf at the file position. APP_OK;
 * APP_ERR_IO on a host error or a short write. */
int semihost_write(uint32_t handle, const void *buf, size_t len);

/* The file's length in bytes into *len. APP_OK; APP_ERR_IO. */
int semihost_flen(uint32_t handle, uint32_t *len);

/* The command line the host gives the program (QEMU: the
 * -semihosting-config arg= values joined by spaces, else the -kernel
 * path and -append), NUL-terminated, into buf of size bytes; its length
 * without the NUL into *len. APP_OK; APP_ERR_OVERFLOW when it does not
 * fit; APP_ERR_IO. */
int semihost_get_cmdline(char *buf, size_t size, size_t *len);

#endif
