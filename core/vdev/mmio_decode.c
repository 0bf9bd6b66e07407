/* SPDX-License-Identifier: MIT */
/*
 * Guest MMIO access decoding (see include/mmio.h). Pure logic, no CSR access.
 */
#include "core/vdev/mmio_decode.h"

#define OPC_LOAD   0x03U   /* LOAD major opcode, bits 6:0 */
#define OPC_STORE  0x23U   /* STORE major opcode, bits 6:0 */

/* Bit field @hi:@lo of @x. */
static inline unsigned bits(uint32_t x, unsigned hi, unsigned lo)
{
	return (unsigned)((x >> lo) & ((1U << (hi - lo + 1)) - 1));
}

/*
 * Decode a 32-bit-format LOAD/STORE @insn (bits 1:0 must read 11) into *@a with
 * instruction length @len. Only opcode, funct3 and rd / rs2 are looked at, so the
 * same code serves transformed htinst values (zeroed immediates, address offset in
 * the rs1 field) and raw instructions.
 */
static int decode_ldst32(uint32_t insn, unsigned len, struct mmio_access *a)
{
	unsigned f3 = bits(insn, 14, 12);
	struct mmio_access r = { .insn_len = len };

	switch (bits(insn, 6, 0)) {
	case OPC_LOAD:
		/* funct3: 0 lb, 1 lh, 2 lw, 3 ld, 4 lbu, 5 lhu, 6 lwu; 7 is reserved. */
		if (f3 == 7)
			return -PV_EINVAL;
		r.write = false;
		r.width = 1U << (f3 & 3);
		r.sign_extend = f3 < 3;
		r.reg = bits(insn, 11, 7);
		break;
	case OPC_STORE:
		/* funct3: 0 sb, 1 sh, 2 sw, 3 sd; 4..7 are reserved. */
		if (f3 > 3)
			return -PV_EINVAL;
		r.write = true;
		r.width = 1U << f3;
		r.reg = bits(insn, 24, 20);
		break;
	default:
		return -PV_EINVAL;
	}
	*a = r;
	return PV_OK;
}

int mmio_decode_htinst(uint64_t htinst, struct mmio_access *a)
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
	return decode_ldst32(insn | 2U, (insn & 2U) ? 4U : 2U, a);
}

/* RV64C quadrant 0 (op 00) and 2 (op 10) loads and stores, low 16 bits of @insn. */
static int decode_rvc(uint16_t insn, struct mmio_access *a)
{
	unsigned op = bits(insn, 1, 0);
	unsigned f3 = bits(insn, 15, 13);
	struct mmio_access r = { .insn_len = 2 };

	if (op == 0) {
		/* CL/CS format: rd' / rs2' in bits 4:2 name x8..x15. */
		r.reg = 8 + bits(insn, 4, 2);
		switch (f3) {
		case 2: r.width = 4; r.sign_extend = true; break;  /* c.lw */
		case 3: r.width = 8; break;                        /* c.ld (RV64) */
		case 6: r.width = 4; r.write = true; break;        /* c.sw */
		case 7: r.width = 8; r.write = true; break;        /* c.sd (RV64) */
		case 4:
			/* Zcb [Zc "Zcb"]: funct6 100 0xx, bits 12:10 select the instruction, bit 6 a variant. */
			switch (bits(insn, 12, 10)) {
			case 0: r.width = 1; break;                /* c.lbu */
			case 1: r.width = 2; r.sign_extend = bits(insn, 6, 6); break;  /* c.lhu / c.lh */
			case 2: r.width = 1; r.write = true; break; /* c.sb */
			case 3:                                    /* c.sh has bit 6 = 0; 1 is reserved */
				if (bits(insn, 6, 6))
					return -PV_EINVAL;
				r.width = 2;
				r.write = true;
				break;
			default: return -PV_EINVAL;
			}
			break;
		default: return -PV_EINVAL;
		}
	} else if (op == 2) {
		switch (f3) {
		case 2:                                            /* c.lwsp */
		case 3:                                            /* c.ldsp (RV64) */
			/* CI format: rd in bits 11:7; rd = x0 is reserved. */
			r.reg = bits(insn, 11, 7);
			if (r.reg == 0)
				return -PV_EINVAL;
			r.width = f3 == 2 ? 4 : 8;
			r.sign_extend = f3 == 2;
			break;
		case 6:                                            /* c.swsp */
		case 7:                                            /* c.sdsp (RV64) */
			/* CSS format: rs2 in bits 6:2. */
			r.reg = bits(insn, 6, 2);
			r.width = f3 == 6 ? 4 : 8;
			r.write = true;
			break;
		default:
			return -PV_EINVAL;
		}
	} else {
		return -PV_EINVAL;
	}
	*a = r;
	return PV_OK;
}

int mmio_decode_insn(uint32_t insn, struct mmio_access *a)
{
	if ((insn & 3U) != 3U)
		return decode_rvc((uint16_t)insn, a);
	/* bits 4:2 = 111 marks an instruction longer than 32 bits; the opcode check rejects it. */
	return decode_ldst32(insn, 4, a);
}

uint64_t mmio_load_extend(uint64_t raw, const struct mmio_access *a)
{
	unsigned shift;

	if (a->width != 1 && a->width != 2 && a->width != 4)
		return raw;
	shift = 64 - 8 * a->width;
	if (a->sign_extend)
		return (uint64_t)((int64_t)(raw << shift) >> shift);
	return (raw << shift) >> shift;
}
