/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU register layout and in-memory data-structure fields, for the driver
 * (iommu.c) and the encoder (iommu_hw.c) [RISC-V IOMMU Architecture Specification].
 * The public encoding API, and the field values it takes or returns (IOMMU_DDTP_MODE_*,
 * IOMMU_IGS_*), are in iommu_hw.h.
 *
 * Every field is one mask (GENMASK_ULL / BIT_ULL, include/bits.h): read it with
 * FIELD_GET(mask, v), build it with FIELD_PREP(mask, v). Field values are plain numbers.
 * The 32-bit registers' bits are 64-bit masks too; wr32() keeps their low 32 bits.
 *
 * Section numbers (§) are those of the ratified 1.0 document, as in Linux's
 * drivers/iommu/riscv/iommu-bits.h: chapter 2 data structures, 3 queues, 5 registers.
 * The 1.0.1 (20240901) document adds a numbered Preface, so its chapters are one higher
 * (§5.5 ddtp is §6.5 there), and its iommu_qosid (§6.27) moves icvec and msi_cfg_tbl to
 * §6.28 and §6.29. Section titles are the same in both.
 */
#ifndef PV_IOMMU_BITS_H
#define PV_IOMMU_BITS_H

#include "arch/riscv/gstage.h"
#include "bits.h"

/* ==== Chapter 5: memory-mapped registers [§5.1 "Register layout"] ==================== */
/*
 * Byte offsets, in spec order. 4- and 8-byte naturally aligned accesses only. The
 * register file is IOMMU_REG_SIZE bytes (iommu_hw.h: discovery checks it).
 */
#define IOMMU_REG_CAPS      0x000   /**< capabilities, 64-bit, RO [§5.3] */
#define IOMMU_REG_FCTL      0x008   /**< fctl, 32-bit [§5.4] */
#define IOMMU_REG_DDTP      0x010   /**< ddtp, 64-bit [§5.5] */
#define IOMMU_REG_CQB       0x018   /**< cqb, 64-bit [§5.6] */
#define IOMMU_REG_CQH       0x020   /**< cqh, 32-bit, RO [§5.7] */
#define IOMMU_REG_CQT       0x024   /**< cqt, 32-bit [§5.8] */
#define IOMMU_REG_FQB       0x028   /**< fqb, 64-bit [§5.9] */
#define IOMMU_REG_FQH       0x030   /**< fqh, 32-bit [§5.10] */
#define IOMMU_REG_FQT       0x034   /**< fqt, 32-bit, RO [§5.11] */
#define IOMMU_REG_PQB       0x038   /**< pqb, 64-bit (only with capabilities.ATS) [§5.12] */
#define IOMMU_REG_PQH       0x040   /**< pqh, 32-bit [§5.13] */
#define IOMMU_REG_PQT       0x044   /**< pqt, 32-bit, RO [§5.14] */
#define IOMMU_REG_CQCSR     0x048   /**< cqcsr, 32-bit [§5.15] */
#define IOMMU_REG_FQCSR     0x04c   /**< fqcsr, 32-bit [§5.16] */
#define IOMMU_REG_PQCSR     0x050   /**< pqcsr, 32-bit [§5.17] */
#define IOMMU_REG_IPSR      0x054   /**< ipsr, 32-bit, RW1C [§5.18] */
#define IOMMU_REG_ICVEC     0x2f8   /**< icvec, 64-bit [§5.27] */
#define IOMMU_REG_MSI_CFG   0x300   /**< msi_cfg_tbl, 16 bytes per vector [§5.28] */

/* ---- §5.3 IOMMU capabilities (capabilities), RO ---- */
#define IOMMU_CAP_VERSION   GENMASK_ULL(7, 0)    /**< spec version: major in 7:4, minor in 3:0 (0x10 = 1.0) */
#define IOMMU_CAP_SV32      BIT_ULL(8)           /**< first stage Sv32 */
#define IOMMU_CAP_SV39      BIT_ULL(9)           /**< first stage Sv39 */
#define IOMMU_CAP_SV48      BIT_ULL(10)          /**< first stage Sv48 */
#define IOMMU_CAP_SV57      BIT_ULL(11)          /**< first stage Sv57 */
#define IOMMU_CAP_SVPBMT    BIT_ULL(15)          /**< page-based memory types */
#define IOMMU_CAP_SV32X4    BIT_ULL(16)          /**< G-stage Sv32x4 */
#define IOMMU_CAP_SV39X4    BIT_ULL(17)          /**< G-stage Sv39x4 */
#define IOMMU_CAP_SV48X4    BIT_ULL(18)          /**< G-stage Sv48x4 */
#define IOMMU_CAP_SV57X4    BIT_ULL(19)          /**< G-stage Sv57x4 */
#define IOMMU_CAP_AMO_MRIF  BIT_ULL(21)          /**< atomic MRIF updates */
#define IOMMU_CAP_MSI_FLAT  BIT_ULL(22)          /**< basic-mode MSI PTEs (and extended device contexts) */
#define IOMMU_CAP_MSI_MRIF  BIT_ULL(23)          /**< MRIF-mode MSI PTEs */
#define IOMMU_CAP_AMO_HWAD  BIT_ULL(24)          /**< hardware A/D updates (allows tc.GADE/SADE) */
#define IOMMU_CAP_ATS       BIT_ULL(25)          /**< PCIe ATS and PRI */
#define IOMMU_CAP_T2GPA     BIT_ULL(26)          /**< GPAs in ATS completions */
#define IOMMU_CAP_END       BIT_ULL(27)          /**< both endiannesses (fctl.BE writable) */
#define IOMMU_CAP_IGS       GENMASK_ULL(29, 28)  /**< interrupt generation support, IOMMU_IGS_* (iommu_hw.h) */
#define IOMMU_CAP_HPM       BIT_ULL(30)          /**< performance monitor */
#define IOMMU_CAP_DBG       BIT_ULL(31)          /**< translation-request debug interface */
#define IOMMU_CAP_PAS       GENMASK_ULL(37, 32)  /**< physical address bits */
#define IOMMU_CAP_PD8       BIT_ULL(38)          /**< 1-level process directory */
#define IOMMU_CAP_PD17      BIT_ULL(39)          /**< 2-level process directory */
#define IOMMU_CAP_PD20      BIT_ULL(40)          /**< 3-level process directory */
/** Major version, within the value of IOMMU_CAP_VERSION [§5.3 version]. */
#define IOMMU_VERSION_MAJOR GENMASK_ULL(7, 4)
/** Minor version, within the value of IOMMU_CAP_VERSION [§5.3 version]. */
#define IOMMU_VERSION_MINOR GENMASK_ULL(3, 0)

/* ---- §5.4 Features-control register (fctl) ---- */
#define IOMMU_FCTL_BE       BIT_ULL(0)           /**< big-endian memory accesses */
#define IOMMU_FCTL_WSI      BIT_ULL(1)           /**< wired interrupts instead of MSIs */
#define IOMMU_FCTL_GXL      BIT_ULL(2)           /**< G-stage is Sv32x4 */

/*
 * PPN[43:0] in bits 53:10: the PTE's PPN field (arch/riscv/gstage.h), used by ddtp, cqb,
 * fqb and pqb [§5.5, §5.6, §5.9, §5.12], non-leaf DDT entries [§2.1.1] and MSI PTEs [§2.3.3].
 */
#define IOMMU_PPN_FIELD     PTE_PPN
/*
 * MODE in 63:60 and PPN[43:0] in 43:0: the hgatp layout (arch/riscv/gstage.h), used by the
 * device-context fields iohgatp, fsc (iosatp / pdtp) and msiptp [§2.1.3].
 */
#define IOMMU_ATP_MODE      HGATP_MODE
#define IOMMU_ATP_PPN       HGATP_PPN

/* ---- §5.5 Device-directory-table pointer (ddtp); iommu_mode values IOMMU_DDTP_MODE_* in iommu_hw.h ---- */
#define IOMMU_DDTP_MODE     GENMASK_ULL(3, 0)    /**< iommu_mode: Off, Bare, 1LVL, 2LVL, 3LVL */
#define IOMMU_DDTP_BUSY     BIT_ULL(4)           /**< RO: a mode change is in progress */
#define IOMMU_DDTP_PPN      IOMMU_PPN_FIELD      /**< root page of the device directory */

/* ---- §5.6 Command-queue base (cqb) ---- */
#define IOMMU_CQB_LOG2SZ_1  GENMASK_ULL(4, 0)    /**< LOG2SZ-1: the queue has 2^(field + 1) entries */
#define IOMMU_CQB_PPN       IOMMU_PPN_FIELD      /**< queue base (aligned to max(4 KiB, queue size)) */
/* §5.7 cqh, §5.8 cqt: the queue index in 31:0 (only its low LOG2SZ bits are used) */

/* ---- §5.9 Fault queue base (fqb): the cqb layout ---- */
#define IOMMU_FQB_LOG2SZ_1  IOMMU_CQB_LOG2SZ_1   /**< LOG2SZ-1 */
#define IOMMU_FQB_PPN       IOMMU_CQB_PPN        /**< queue base */
/* §5.10 fqh, §5.11 fqt: the queue index in 31:0 */

/*
 * ---- §5.15 Command-queue CSR (cqcsr), §5.16 Fault queue CSR (fqcsr), §5.17 pqcsr ----
 * The bits the three share have one name, IOMMU_QCSR_*.
 */
#define IOMMU_QCSR_EN       BIT_ULL(0)           /**< cqen / fqen / pqen: queue enable */
#define IOMMU_QCSR_IE       BIT_ULL(1)           /**< cie / fie / pie: interrupt enable */
#define IOMMU_QCSR_MF       BIT_ULL(8)           /**< cqmf / fqmf / pqmf: memory fault, RW1C */
#define IOMMU_CQCSR_CMD_TO  BIT_ULL(9)           /**< cqcsr.cmd_to: command timeout, RW1C */
#define IOMMU_CQCSR_CMD_ILL BIT_ULL(10)          /**< cqcsr.cmd_ill: illegal command, RW1C */
#define IOMMU_CQCSR_FENCE_W_IP BIT_ULL(11)       /**< cqcsr.fence_w_ip: IOFENCE.C wired interrupt, RW1C */
#define IOMMU_FQCSR_OF      BIT_ULL(9)           /**< fqof / pqof: queue overflow, RW1C */
#define IOMMU_QCSR_ON       BIT_ULL(16)          /**< cqon / fqon / pqon: RO, queue active */
#define IOMMU_QCSR_BUSY     BIT_ULL(17)          /**< RO: a csr write is in progress */

/* ---- §5.18 Interrupt pending status register (ipsr), RW1C ---- */
#define IOMMU_IPSR_CIP      BIT_ULL(0)           /**< command-queue interrupt pending */
#define IOMMU_IPSR_FIP      BIT_ULL(1)           /**< fault-queue interrupt pending */
#define IOMMU_IPSR_PMIP     BIT_ULL(2)           /**< performance-monitoring interrupt pending */
#define IOMMU_IPSR_PIP      BIT_ULL(3)           /**< page-request-queue interrupt pending */

/* ---- §5.27 Interrupt-cause-to-vector register (icvec): msi_cfg_tbl index per cause ---- */
#define IOMMU_ICVEC_CIV     GENMASK_ULL(3, 0)    /**< command queue */
#define IOMMU_ICVEC_FIV     GENMASK_ULL(7, 4)    /**< fault queue */
#define IOMMU_ICVEC_PMIV    GENMASK_ULL(11, 8)   /**< performance monitoring */
#define IOMMU_ICVEC_PIV     GENMASK_ULL(15, 12)  /**< page-request queue */

/* ---- §5.28 MSI configuration table (msi_cfg_tbl): entry @v is 16 bytes at IOMMU_REG_MSI_CFG + 16 * @v ---- */
/** msi_addr_@v, 64-bit [§5.28]. */
#define IOMMU_REG_MSI_ADDR(v)    (IOMMU_REG_MSI_CFG + 16 * (v))
/** msi_data_@v, 32-bit [§5.28]. */
#define IOMMU_REG_MSI_DATA(v)    (IOMMU_REG_MSI_CFG + 16 * (v) + 8)
/** msi_vec_ctl_@v, 32-bit [§5.28]. */
#define IOMMU_REG_MSI_VEC_CTL(v) (IOMMU_REG_MSI_CFG + 16 * (v) + 12)
#define IOMMU_MSI_ADDR      GENMASK_ULL(55, 2)   /**< msi_addr: address bits 55:2 (bits 1:0 are 0) */
#define IOMMU_MSI_DATA      GENMASK_ULL(31, 0)   /**< msi_data */
#define IOMMU_MSI_VEC_CTL_M BIT_ULL(0)           /**< msi_vec_ctl.M: vector masked */

/* ==== Chapter 2: data structures ========================================================= */

/* ---- §2.1.1 Non-leaf DDT entry ---- */
#define IOMMU_DDTE_V        BIT_ULL(0)           /**< valid */
#define IOMMU_DDTE_PPN      IOMMU_PPN_FIELD      /**< next directory page */

/* ---- §2.1.3 Device-context fields (struct iommu_dc in iommu_hw.h) ---- */
/* tc: translation control */
#define IOMMU_DC_TC_V       BIT_ULL(0)           /**< device context valid */
#define IOMMU_DC_TC_EN_ATS  BIT_ULL(1)           /**< ATS and translated requests allowed */
#define IOMMU_DC_TC_EN_PRI  BIT_ULL(2)           /**< page requests allowed */
#define IOMMU_DC_TC_T2GPA   BIT_ULL(3)           /**< ATS returns GPAs */
#define IOMMU_DC_TC_DTF     BIT_ULL(4)           /**< translation faults not reported */
#define IOMMU_DC_TC_PDTV    BIT_ULL(5)           /**< fsc holds pdtp */
#define IOMMU_DC_TC_PRPR    BIT_ULL(6)           /**< page-request responses carry the PASID */
#define IOMMU_DC_TC_GADE    BIT_ULL(7)           /**< hardware G-stage A/D updates */
#define IOMMU_DC_TC_SADE    BIT_ULL(8)           /**< hardware first-stage A/D updates */
#define IOMMU_DC_TC_DPE     BIT_ULL(9)           /**< default process_id 0 */
#define IOMMU_DC_TC_SBE     BIT_ULL(10)          /**< big-endian first-stage and PDT accesses */
#define IOMMU_DC_TC_SXL     BIT_ULL(11)          /**< 32-bit first stage */
/* iohgatp: MODE values are hgatp's, HGATP_MODE_* (arch/riscv/gstage.h) */
#define IOMMU_IOHGATP_MODE  IOMMU_ATP_MODE       /**< G-stage scheme, HGATP_MODE_* */
#define IOMMU_IOHGATP_GSCID GENMASK_ULL(59, 44)  /**< guest soft-context id (16 bits; hgatp.VMID has 14) */
#define IOMMU_IOHGATP_PPN   IOMMU_ATP_PPN        /**< G-stage root table (16 KiB-aligned) */
/* ta: translation attributes */
#define IOMMU_DC_TA_PSCID   GENMASK_ULL(31, 12)  /**< process soft-context id */
/* fsc: first-stage context (iosatp, or pdtp when tc.PDTV = 1) */
#define IOMMU_DC_FSC_MODE   IOMMU_ATP_MODE       /**< 0 = Bare: no first stage */
#define IOMMU_DC_FSC_PPN    IOMMU_ATP_PPN        /**< first-stage root / process directory */
/* msiptp: MSI page-table pointer */
#define IOMMU_MSIPTP_MODE   IOMMU_ATP_MODE       /**< IOMMU_MSIPTP_MODE_OFF / _FLAT */
#define IOMMU_MSIPTP_PPN    IOMMU_ATP_PPN        /**< MSI page table */
/** msiptp.MODE value: no MSI address recognition [§2.1.3]. */
#define IOMMU_MSIPTP_MODE_OFF  0ULL
/** msiptp.MODE value: flat MSI page table [§2.1.3]. */
#define IOMMU_MSIPTP_MODE_FLAT 1ULL
/* msi_addr_mask, msi_addr_pattern: page-number bits (address >> 12) */
#define IOMMU_DC_MSI_MASK    GENMASK_ULL(51, 0)  /**< msi_addr_mask */
#define IOMMU_DC_MSI_PATTERN GENMASK_ULL(51, 0)  /**< msi_addr_pattern */

/* ---- §2.3.3 MSI page-table entry, doubleword 0 [also AIA spec "IOMMU.adoc"] ---- */
#define IOMMU_MSI_PTE_V     BIT_ULL(0)           /**< valid */
#define IOMMU_MSI_PTE_M     GENMASK_ULL(2, 1)    /**< mode: IOMMU_MSI_PTE_M_MRIF / _BASIC (0 and 2 misconfigured) */
#define IOMMU_MSI_PTE_PPN   IOMMU_PPN_FIELD      /**< M = 3: the interrupt file page */
#define IOMMU_MSI_PTE_C     BIT_ULL(63)          /**< custom format */
/** MSI PTE mode M = 1: memory-resident interrupt file [§2.3.3]. */
#define IOMMU_MSI_PTE_M_MRIF  1ULL
/** MSI PTE mode M = 3: basic translate mode, the "flat" PTE of iommu_msi_pte_flat() [§2.3.3]. */
#define IOMMU_MSI_PTE_M_BASIC 3ULL

/* ==== Chapter 3: in-memory queues ======================================================== */

/* ---- §3.1 Command-queue entry (struct iommu_cmd): dword0 fields common to all commands ---- */
#define IOMMU_CMD_OPCODE    GENMASK_ULL(6, 0)
#define IOMMU_CMD_FUNC3     GENMASK_ULL(9, 7)

/* ---- §3.1.1 IOTINVAL.VMA / IOTINVAL.GVMA ---- */
#define IOMMU_CMD_IOTINVAL          1ULL         /**< opcode */
#define IOMMU_CMD_IOTINVAL_VMA      0ULL         /**< func3 */
#define IOMMU_CMD_IOTINVAL_GVMA     1ULL         /**< func3 */
#define IOMMU_CMD_IOTINVAL_AV       BIT_ULL(10)  /**< dword0: ADDR is valid */
#define IOMMU_CMD_IOTINVAL_PSCID    GENMASK_ULL(31, 12)  /**< dword0 */
#define IOMMU_CMD_IOTINVAL_PSCV     BIT_ULL(32)  /**< dword0: PSCID is valid (must be 0 for GVMA) */
#define IOMMU_CMD_IOTINVAL_GV       BIT_ULL(33)  /**< dword0: GSCID is valid */
#define IOMMU_CMD_IOTINVAL_GSCID    GENMASK_ULL(59, 44)  /**< dword0 */
#define IOMMU_CMD_IOTINVAL_ADDR     GENMASK_ULL(61, 10)  /**< dword1: ADDR[63:12] */

/* ---- §3.1.2 IOFENCE.C ---- */
#define IOMMU_CMD_IOFENCE           2ULL         /**< opcode */
#define IOMMU_CMD_IOFENCE_C         0ULL         /**< func3 */
#define IOMMU_CMD_IOFENCE_AV        BIT_ULL(10)  /**< dword0: store DATA at ADDR on completion */
#define IOMMU_CMD_IOFENCE_WSI       BIT_ULL(11)  /**< dword0: wired interrupt on completion */
#define IOMMU_CMD_IOFENCE_PR        BIT_ULL(12)  /**< dword0: order previous reads */
#define IOMMU_CMD_IOFENCE_PW        BIT_ULL(13)  /**< dword0: order previous writes */
#define IOMMU_CMD_IOFENCE_DATA      GENMASK_ULL(63, 32)  /**< dword0 */
#define IOMMU_CMD_IOFENCE_ADDR      GENMASK_ULL(61, 0)   /**< dword1: ADDR[63:2] */

/* ---- §3.1.3 IODIR.INVAL_DDT / IODIR.INVAL_PDT ---- */
#define IOMMU_CMD_IODIR             3ULL         /**< opcode */
#define IOMMU_CMD_IODIR_INVAL_DDT   0ULL         /**< func3 */
#define IOMMU_CMD_IODIR_INVAL_PDT   1ULL         /**< func3 */
#define IOMMU_CMD_IODIR_PID         GENMASK_ULL(31, 12)  /**< dword0 */
#define IOMMU_CMD_IODIR_DV          BIT_ULL(33)  /**< dword0: DID is valid */
#define IOMMU_CMD_IODIR_DID         GENMASK_ULL(63, 40)  /**< dword0: device_id */

/* ---- §3.2 Fault/Event-Queue record (32 bytes), dword0; dword2 = iotval, dword3 = iotval2 ---- */
#define IOMMU_FQ_CAUSE      GENMASK_ULL(11, 0)   /**< fault cause */
#define IOMMU_FQ_PID        GENMASK_ULL(31, 12)  /**< process_id (if PV) */
#define IOMMU_FQ_PV         BIT_ULL(32)          /**< PID is valid */
#define IOMMU_FQ_PRIV       BIT_ULL(33)          /**< privileged request */
#define IOMMU_FQ_TTYP       GENMASK_ULL(39, 34)  /**< transaction type */
#define IOMMU_FQ_DID        GENMASK_ULL(63, 40)  /**< device_id */

#endif
