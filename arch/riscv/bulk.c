/* SPDX-License-Identifier: MIT */
/* Bulk zero/copy with cbo.zero or vector whole-register moves. See bulk.h. */
#include "arch/riscv/bulk.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/hart.h"
#include "lib/mem.h"

/* Largest cache block we accept (riscv,cboz-block-size is a power of two; 4 KiB is a page). */
#define CBOZ_MAX_BLOCK 4096u

/* Per hart: the chosen methods and their widths (TLS starts zeroed: scalar until probed). */
static __thread uint8_t zero_method;   /* copying uses the vector registers whenever vgroup_bytes != 0 */
static __thread uint32_t cboz_block, vgroup_bytes;

/* One block the cbo.zero probe may clear (its contents do not matter). */
static uint8_t probe_block[CBOZ_MAX_BLOCK] __attribute__((aligned(CBOZ_MAX_BLOCK)));

/* Run cbo.zero on probe_block; a trap (menvcfg.CBZE clear: illegal instruction) resumes at the fixup. */
static bool probe_cbo_zero(void)
{
	uint64_t err, fix;

	__asm__ volatile("lla	%[fix], 1f\n"
			 "sd	%[fix], %[slot]\n"
			 ".option push\n.option arch,+zicboz\n"
			 "cbo.zero (%[blk])\n"
			 ".option pop\n"
			 "li	%[err], 0\n"
			 "j	2f\n"
			 "1:	li	%[err], 1\n"
			 "2:	sd	zero, %[slot]\n"
			 : [err] "=&r"(err), [fix] "=&r"(fix), [slot] "=m"(arch_this_hart->fixup)
			 : [blk] "r"(probe_block)
			 : "memory");
	return err == 0;
}

/* With sstatus.VS on, read vlenb; 0 if that traps (no V). sstatus is restored. */
static uint64_t probe_vlenb(void)
{
	uint64_t old = csr_read(sstatus), vlenb = 0, err, fix;

	csr_set(sstatus, SSTATUS_VS_INITIAL);
	__asm__ volatile("lla	%[fix], 1f\n"
			 "sd	%[fix], %[slot]\n"
			 ".option push\n.option arch,+v\n"
			 "csrr	%[vl], vlenb\n"
			 ".option pop\n"
			 "li	%[err], 0\n"
			 "j	2f\n"
			 "1:	li	%[err], 1\n"
			 "2:	sd	zero, %[slot]\n"
			 : [err] "=&r"(err), [fix] "=&r"(fix), [slot] "=m"(arch_this_hart->fixup), [vl] "+&r"(vlenb)
			 :: "memory");
	csr_write(sstatus, old);
	return err ? 0 : vlenb;
}

void arch_bulk_hart_init(const struct arch_bulk_features *f)
{
	uint32_t b = f->cboz_block;

	zero_method = BULK_SCALAR;
	cboz_block = vgroup_bytes = 0;
	if (b >= 8 && b <= CBOZ_MAX_BLOCK && !(b & (b - 1)) && probe_cbo_zero())
		cboz_block = b;
	if (f->v) {
		uint64_t vlenb = probe_vlenb();

		/* 8 registers per whole-register move; keep it sane (VLEN <= 64 Kib). */
		if (vlenb >= 16 && vlenb <= 8192 && !(vlenb & (vlenb - 1)))
			vgroup_bytes = (uint32_t)(8 * vlenb);
	}
	if (cboz_block && cboz_block >= vgroup_bytes)
		zero_method = BULK_CBO_ZERO;
	else if (vgroup_bytes)
		zero_method = BULK_VECTOR;
}

enum arch_bulk_method arch_bulk_zero_method(void)
{
	return (enum arch_bulk_method)zero_method;
}

const char *arch_bulk_method_name(enum arch_bulk_method m)
{
	return m == BULK_CBO_ZERO ? "cbo.zero" : m == BULK_VECTOR ? "vector" : "doubleword stores";
}

/* Zero [p, end) with cbo.zero, 4 blocks per iteration; p aligned to the block, (end - p) a multiple of 4 blocks. */
static void cbo_zero_blocks(uint8_t *p, uint8_t *end, uint64_t blk)
{
	uint8_t *p1 = p + blk, *p2 = p + 2 * blk, *p3 = p + 3 * blk;
	uint64_t step = 4 * blk;

	__asm__ volatile(".option push\n.option arch,+zicboz\n"
			 "1:	cbo.zero (%[p0])\n"
			 "	cbo.zero (%[p1])\n"
			 "	cbo.zero (%[p2])\n"
			 "	cbo.zero (%[p3])\n"
			 "	add	%[p0], %[p0], %[st]\n"
			 "	add	%[p1], %[p1], %[st]\n"
			 "	add	%[p2], %[p2], %[st]\n"
			 "	add	%[p3], %[p3], %[st]\n"
			 "	bltu	%[p0], %[end], 1b\n"
			 ".option pop"
			 : [p0] "+r"(p), [p1] "+r"(p1), [p2] "+r"(p2), [p3] "+r"(p3)
			 : [st] "r"(step), [end] "r"(end)
			 : "memory");
}

/*
 * Zero [p, end) with vs8r.v of a zeroed v0-v7, 8 stores per iteration (vector stores take
 * no offset: every store has its own address register); (end - p) a multiple of 8 groups.
 */
static void vector_zero_groups(uint8_t *p, uint8_t *end, uint64_t g)
{
	uint8_t *p1 = p + g, *p2 = p + 2 * g, *p3 = p + 3 * g, *p4 = p + 4 * g, *p5 = p + 5 * g;
	uint8_t *p6 = p + 6 * g, *p7 = p + 7 * g;
	uint64_t step = 8 * g, vl;

	__asm__ volatile(".option push\n.option arch,+v\n"
			 "	vsetvli	%[vl], zero, e8, m8, ta, ma\n"
			 "	vmv.v.i	v0, 0\n"
			 "1:	vs8r.v	v0, (%[p0])\n"
			 "	vs8r.v	v0, (%[p1])\n"
			 "	vs8r.v	v0, (%[p2])\n"
			 "	vs8r.v	v0, (%[p3])\n"
			 "	vs8r.v	v0, (%[p4])\n"
			 "	vs8r.v	v0, (%[p5])\n"
			 "	vs8r.v	v0, (%[p6])\n"
			 "	vs8r.v	v0, (%[p7])\n"
			 "	add	%[p0], %[p0], %[st]\n"
			 "	add	%[p1], %[p1], %[st]\n"
			 "	add	%[p2], %[p2], %[st]\n"
			 "	add	%[p3], %[p3], %[st]\n"
			 "	add	%[p4], %[p4], %[st]\n"
			 "	add	%[p5], %[p5], %[st]\n"
			 "	add	%[p6], %[p6], %[st]\n"
			 "	add	%[p7], %[p7], %[st]\n"
			 "	bltu	%[p0], %[end], 1b\n"
			 ".option pop"
			 : [p0] "+r"(p), [p1] "+r"(p1), [p2] "+r"(p2), [p3] "+r"(p3), [p4] "+r"(p4), [p5] "+r"(p5),
			   [p6] "+r"(p6), [p7] "+r"(p7), [vl] "=&r"(vl)
			 : [st] "r"(step), [end] "r"(end)
			 : "memory");
}

/* Copy (end - s) bytes, a multiple of 2 groups, from s to d with vl8re8.v / vs8r.v (v0-v7, v8-v15). */
static void vector_copy_groups(uint8_t *d, const uint8_t *s, const uint8_t *end, uint64_t g)
{
	uint8_t *d1 = d + g;
	const uint8_t *s1 = s + g;
	uint64_t step = 2 * g;

	__asm__ volatile(".option push\n.option arch,+v\n"
			 "1:	vl8re8.v v0, (%[s0])\n"
			 "	vl8re8.v v8, (%[s1])\n"
			 "	vs8r.v	v0, (%[d0])\n"
			 "	vs8r.v	v8, (%[d1])\n"
			 "	add	%[s0], %[s0], %[st]\n"
			 "	add	%[s1], %[s1], %[st]\n"
			 "	add	%[d0], %[d0], %[st]\n"
			 "	add	%[d1], %[d1], %[st]\n"
			 "	bltu	%[s0], %[end], 1b\n"
			 ".option pop"
			 : [s0] "+r"(s), [s1] "+r"(s1), [d0] "+r"(d), [d1] "+r"(d1)
			 : [st] "r"(step), [end] "r"(end)
			 : "memory");
}

void arch_bulk_zero(void *p, size_t n)
{
	uint8_t *b = p;
	uint64_t unit, head, bulk;

	if (zero_method == BULK_SCALAR) {
		mem_zero(p, n);
		return;
	}
	unit = zero_method == BULK_CBO_ZERO ? cboz_block : vgroup_bytes;
	/* cbo.zero clears whole aligned blocks: the head up to the next block boundary goes bytewise. */
	head = zero_method == BULK_CBO_ZERO ? (-(uintptr_t)b) & (unit - 1) : 0;
	if (head > n)
		head = n;
	mem_zero(b, head);
	b += head;
	n -= head;
	{
		uint64_t per_iter = (zero_method == BULK_CBO_ZERO ? 4 : 8) * unit;

		bulk = n / per_iter * per_iter;
	}
	if (bulk) {
		if (zero_method == BULK_CBO_ZERO) {
			cbo_zero_blocks(b, b + bulk, unit);
		} else {
			uint64_t old = csr_read(sstatus);

			csr_set(sstatus, SSTATUS_VS_INITIAL);
			vector_zero_groups(b, b + bulk, unit);
			csr_write(sstatus, old);
		}
	}
	mem_zero(b + bulk, n - bulk);
}

void arch_bulk_copy(void *dst, const void *src, size_t n)
{
	uint64_t bulk = 0;

	if (vgroup_bytes) {
		bulk = n / (2 * vgroup_bytes) * (2 * vgroup_bytes);
		if (bulk) {
			uint64_t old = csr_read(sstatus);

			csr_set(sstatus, SSTATUS_VS_INITIAL);
			vector_copy_groups(dst, src, (const uint8_t *)src + bulk, vgroup_bytes);
			csr_write(sstatus, old);
		}
	}
	mem_copy((uint8_t *)dst + bulk, (const uint8_t *)src + bulk, n - bulk);
}
