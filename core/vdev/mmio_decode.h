/* SPDX-License-Identifier: MIT */
/*
 * Decoding of guest loads and stores that trapped as load/store guest-page
 * faults, for trap-and-emulate of emulated MMIO devices. Pure logic: the caller
 * reads htinst (or the faulting instruction from guest memory), this file turns
 * it into a struct mmio_access, and the caller performs the device access and
 * updates the guest registers and sepc.
 *
 * Only the RV64 base integer loads and stores (and their compressed forms) are
 * supported; floating-point, vector, atomic and any other accesses to emulated
 * MMIO are rejected with -PV_EINVAL.
 */
#ifndef PV_MMIO_DECODE_H
#define PV_MMIO_DECODE_H

#include "types.h"

/** One decoded guest load or store to emulated MMIO. */
struct mmio_access {
	bool write;        /**< true for a store, false for a load */
	unsigned width;    /**< access size in bytes: 1, 2, 4 or 8 */
	bool sign_extend;  /**< loads only: sign-extend the loaded value to 64 bits (lb/lh/lw) */
	unsigned reg;      /**< GPR number 0..31: rd for loads (0 = discard result), rs2 for stores */
	unsigned insn_len; /**< length in bytes (2 or 4) of the guest instruction: how far to advance sepc */
};

#define MMIO_OPC_LOAD   0x03U   /* LOAD major opcode, bits 6:0 */
#define MMIO_OPC_STORE  0x23U   /* STORE major opcode, bits 6:0 */

/* Bit field @hi:@lo of @x. */
static inline unsigned mmio_bits(uint32_t x, unsigned hi, unsigned lo)
{
	return (unsigned)((x >> lo) & ((1U << (hi - lo + 1)) - 1));
}

/*
 * Decode a 32-bit-format LOAD/STORE @insn (bits 1:0 must read 11) into *@a with
 * instruction length @len. Only opcode, funct3 and rd / rs2 are looked at, so the
 * same code serves transformed htinst values (zeroed immediates, address offset in
 * the rs1 field) and raw instructions.
 */
static inline int mmio_decode_ldst32(uint32_t insn, unsigned len, struct mmio_access *a)
{
	unsigned f3 = mmio_bits(insn, 14, 12);
	struct mmio_access r = { .insn_len = len };

	switch (mmio_bits(insn, 6, 0)) {
	case MMIO_OPC_LOAD:
		/* funct3: 0 lb, 1 lh, 2 lw, 3 ld, 4 lbu, 5 lhu, 6 lwu; 7 is reserved. */
		if (f3 == 7)
			return -PV_EINVAL;
		r.write = false;
		r.width = 1U << (f3 & 3);
		r.sign_extend = f3 < 3;
		r.reg = mmio_bits(insn, 11, 7);
		break;
	case MMIO_OPC_STORE:
		/* funct3: 0 sb, 1 sh, 2 sw, 3 sd; 4..7 are reserved. */
		if (f3 > 3)
			return -PV_EINVAL;
		r.write = true;
		r.width = 1U << f3;
		r.reg = mmio_bits(insn, 24, 20);
		break;
	default:
		return -PV_EINVAL;
	}
	*a = r;
	return PV_OK;
}

/**
 * Decode the value the hardware wrote to htinst on a load or store guest-page fault
 * [RISC-V Privileged ISA, Hypervisor Extension, "Transformed Instruction or
 * Pseudoinstruction for mtinst or htinst"].
 *
 * A transformed standard instruction has bit 0 = 1; bit 1 = 0 says the original
 * instruction was 16-bit (insn_len 2), bit 1 = 1 that it was 32-bit (insn_len 4).
 * The transformed value is always in the 32-bit load/store format (with bit 1 forced
 * to 1 for decoding); the address-offset field (bits 19:15) and immediates are ignored.
 * Supported: LOAD (opcode 0x03: lb lh lw ld lbu lhu lwu) and STORE (opcode 0x23:
 * sb sh sw sd).
 *
 * On success fills *@a and returns PV_OK. Errors (*@a is left unchanged):
 *  -PV_ENOENT  @htinst is 0: no information, decode the instruction from guest
 *              memory instead (mmio_decode_insn());
 *  -PV_EINVAL  anything else: the VS-stage page-table pseudoinstructions
 *              (0x00002000, 0x00003000, 0x00002020, 0x00003020: an implicit access,
 *              never MMIO), other values with bit 0 = 0, FP loads/stores, AMOs,
 *              reserved funct3 values, bits above 31 set.
 */

static inline int mmio_decode_htinst(uint64_t htinst, struct mmio_access *a)
{
	uint32_t insn;

	if (htinst == 0)
		return -PV_ENOENT;
	/*
	 * Bit 0 clear: a pseudoinstruction (VS-stage page-table access, never MMIO) or
	 * a reserved/custom value. Transformed instructions fit in 32 bits.
	 */
	if (!(htinst & 1) || (htinst >> 32))
		return -PV_EINVAL;
	insn = (uint32_t)htinst;
	/* Bit 1 tells the original length; decode with bit 1 forced to 1. */
	return mmio_decode_ldst32(insn | 2U, (insn & 2U) ? 4U : 2U, a);
}

/**
 * Decode a raw guest instruction @insn read from guest memory at sepc (the fallback
 * when htinst is 0) [RISC-V Unprivileged ISA, "RV32I Base Integer Instruction Set"
 * (Load and Store Instructions), "RV64I" and "C Standard Extension" (Load and Store
 * Instructions)].
 *
 * If (@insn & 3) != 3 only the low 16 bits are used, as an RV64C instruction:
 * c.lw, c.ld, c.sw, c.sd (register fields rd'/rs2' in bits 4:2 mean x8..x15) and
 * c.lwsp, c.ldsp (rd in bits 11:7, rd = 0 is reserved), c.swsp, c.sdsp (rs2 in
 * bits 6:2), and the Zcb byte/halfword forms c.lbu, c.lhu, c.lh, c.sb, c.sh
 * [Zc extensions, "Zcb"] (rd'/rs2' in bits 4:2); insn_len 2. Otherwise @insn is a 32-bit LOAD (0x03) or STORE (0x23)
 * as in mmio_decode_htinst(); insn_len 4.
 *
 * On success fills *@a and returns PV_OK; -PV_EINVAL (and *@a unchanged) for any
 * other instruction (FP, AMO, reserved encodings, longer-than-32-bit instructions).
 */
int mmio_decode_insn(uint32_t insn, struct mmio_access *a);

/**
 * The 64-bit register value of a load: @raw (the device data, in the low
 * @a->width bytes) truncated to @a->width bytes, then sign-extended from the
 * access's top bit if @a->sign_extend, else zero-extended. A width other than
 * 1, 2 or 4 returns @raw unchanged (8-byte loads need no extension).
 */

static inline uint64_t mmio_load_extend(uint64_t raw, const struct mmio_access *a)
{
	unsigned shift;

	if (a->width != 1 && a->width != 2 && a->width != 4)
		return raw;
	shift = 64 - 8 * a->width;
	if (a->sign_extend)
		return (uint64_t)((int64_t)(raw << shift) >> shift);
	return (raw << shift) >> shift;
}

#endif
