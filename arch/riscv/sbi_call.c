/* SPDX-License-Identifier: MIT */
/* Calls from the hypervisor (HS-mode) into OpenSBI (M-mode) [SBI binary-encoding.adoc]. */
#include "arch/riscv/sbi_call.h"
#include "sbi.h"

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r4 __asm__("a4") = a4;
	register unsigned long r5 __asm__("a5") = a5;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = eid;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){ (long)r0, (long)r1 };
}

long sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, addr, opaque, 0, 0, 0).error;
}

void sbi_shutdown(bool failure)
{
	sbi_ecall(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
		  failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0, 0, 0, 0);
	/* No SRST: nothing else can power the machine off; stop here. */
	for (;;)
		__asm__ volatile("wfi");
}

bool sbi_has_dbcn(void)
{
	static int dbcn = -1;  /* probed once; the answer never changes */

	if (dbcn < 0)
		dbcn = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN, 0, 0, 0, 0, 0).value != 0;
	return dbcn;
}

void sbi_console_write(const char *buf, size_t len)
{
	if (sbi_has_dbcn()) {
		while (len) {
			struct sbiret r = sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE, len, (unsigned long)buf, 0, 0, 0, 0);

			if (r.error || r.value <= 0)
				break;
			buf += r.value;
			len -= (size_t)r.value;
		}
		return;
	}
	while (len--)
		sbi_ecall(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)*buf++, 0, 0, 0, 0, 0);
}

int sbi_console_getc(void)
{
	char c;

	if (sbi_has_dbcn()) {
		struct sbiret r = sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_READ, 1, (unsigned long)&c, 0, 0, 0, 0);

		return r.error || r.value != 1 ? -1 : (unsigned char)c;
	}
	long v = sbi_ecall(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, 0, 0).error;
	return v < 0 ? -1 : (int)(v & 0xff);
}
