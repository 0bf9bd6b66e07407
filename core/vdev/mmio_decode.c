/* SPDX-License-Identifier: MIT */
/*
 * Guest MMIO access decoding (see include/mmio.h). Pure logic, no CSR access.
 */
#include "core/vdev/mmio_decode.h"

/* RV64C quadrant 0 (op 00) and 2 (op 10) loads and stores, low 16 bits of @insn. */
static int decode_rvc(uint16_t insn, struct mmio_access *a)
{
	unsigned op = mmio_bits(insn, 1, 0);
	unsigned f3 = mmio_bits(insn, 15, 13);
	struct mmio_access r = { .insn_len = 2 };

	if (op == 0) {
		/* CL/CS format: rd' / rs2' in bits 4:2 name x8..x15. */
		r.reg = 8 + mmio_bits(insn, 4, 2);
		switch (f3) {
		case 2: r.width = 4; r.sign_extend = true; break;  /* c.lw */
		case 3: r.width = 8; break;                        /* c.ld (RV64) */
		case 6: r.width = 4; r.write = true; break;        /* c.sw */
		case 7: r.width = 8; r.write = true; break;        /* c.sd (RV64) */
		case 4:
			/* Zcb [Zc "Zcb"]: funct6 100 0xx, bits 12:10 select the instruction, bit 6 a variant. */
			switch (mmio_bits(insn, 12, 10)) {
			case 0: r.width = 1; break;                /* c.lbu */
			case 1: r.width = 2; r.sign_extend = mmio_bits(insn, 6, 6); break;  /* c.lhu / c.lh */
			case 2: r.width = 1; r.write = true; break; /* c.sb */
			case 3:                                    /* c.sh has bit 6 = 0; 1 is reserved */
				if (mmio_bits(insn, 6, 6))
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
			r.reg = mmio_bits(insn, 11, 7);
			if (r.reg == 0)
				return -PV_EINVAL;
			r.width = f3 == 2 ? 4 : 8;
			r.sign_extend = f3 == 2;
			break;
		case 6:                                            /* c.swsp */
		case 7:                                            /* c.sdsp (RV64) */
			/* CSS format: rs2 in bits 6:2. */
			r.reg = mmio_bits(insn, 6, 2);
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
	return mmio_decode_ldst32(insn, 4, a);
}
