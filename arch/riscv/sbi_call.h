/* SPDX-License-Identifier: MIT */
/*
 * Calls from the hypervisor (HS-mode) down into the SBI implementation below it
 * (OpenSBI, M-mode) [SBI binary-encoding.adoc]. Naming rule: sbi_* calls go
 * down to the firmware; vsbi_* (core/vsbi/) is the SBI partvisor offers guests.
 */
#ifndef PV_ARCH_SBI_CALL_H
#define PV_ARCH_SBI_CALL_H

#include <stdbool.h>
#include <stddef.h>

/** The a0/a1 pair an SBI call returns: error code and value. */
struct sbiret { long error; long value; };

/** Raw SBI call with extension @eid, function @fid and arguments a0..a5. */
struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);
/** HSM hart_start of physical hart @hartid at @addr with a1 = @opaque. Returns the SBI error. */
long sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque);
/** SRST system_reset(shutdown, @failure ? system failure : none). Does not return. */
void sbi_shutdown(bool failure) __attribute__((noreturn));
/** Whether the firmware implements the SBI Debug Console extension (DBCN) [SBI ext-debug-console]. */
bool sbi_has_dbcn(void);
/** Write @len bytes at physical address @buf to the firmware console (DBCN, legacy putchar fallback). */
void sbi_console_write(const char *buf, size_t len);
/** Read one byte from the firmware console (DBCN read, legacy getchar fallback); -1 if none. */
int sbi_console_getc(void);

#endif
