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
int mmio_decode_htinst(uint64_t htinst, struct mmio_access *a);

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
uint64_t mmio_load_extend(uint64_t raw, const struct mmio_access *a);

#endif
