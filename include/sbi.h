/* SPDX-License-Identifier: MIT */
/* SBI extension and function IDs and error codes [SBI spec v2.0, binary-encoding.adoc, ext-*.adoc]. */
#ifndef PV_SBI_H
#define PV_SBI_H

#include "partvisor/hypercall.h"

#define SBI_SUCCESS               0
#define SBI_ERR_FAILED           -1
#define SBI_ERR_NOT_SUPPORTED    -2
#define SBI_ERR_INVALID_PARAM    -3
#define SBI_ERR_DENIED           -4
#define SBI_ERR_INVALID_ADDRESS  -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED  -7
#define SBI_ERR_ALREADY_STOPPED  -8

#define SBI_EXT_LEGACY_SET_TIMER   0x0
#define SBI_EXT_LEGACY_PUTCHAR     0x1
#define SBI_EXT_LEGACY_GETCHAR     0x2
#define SBI_EXT_LEGACY_SHUTDOWN    0x8
#define SBI_EXT_BASE  0x10
#define SBI_EXT_TIME  0x54494D45
#define SBI_EXT_IPI   0x735049
#define SBI_EXT_RFNC  0x52464E43
#define SBI_EXT_HSM   0x48534D
#define SBI_EXT_SRST  0x53525354
#define SBI_EXT_DBCN  0x4442434E
/* partvisor's own hypercalls (SBI experimental range): the ABI is include/partvisor/hypercall.h. */
#define SBI_EXT_PARTVISOR PARTVISOR_EID
#define SBI_PARTVISOR_MSI_COMPOSE PARTVISOR_FID_MSI_ADDR  /* v0 name */

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT        3
#define SBI_BASE_GET_MVENDORID    4
#define SBI_BASE_GET_MARCHID      5
#define SBI_BASE_GET_MIMPID       6

#define SBI_HSM_HART_START      0
#define SBI_HSM_HART_STOP       1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND    3
#define SBI_HSM_SUSPEND_RET_DEFAULT     0x00000000UL  /* default retentive suspend */
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000UL  /* default non-retentive suspend */
/* hart_get_status values [SBI ext-hsm "HSM Hart States"]. */
#define SBI_HSM_STATE_STARTED       0
#define SBI_HSM_STATE_STOPPED       1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING  3
#define SBI_HSM_STATE_SUSPENDED     4

#define SBI_SRST_RESET           0
#define SBI_SRST_TYPE_SHUTDOWN   0
#define SBI_SRST_TYPE_COLD       1
#define SBI_SRST_TYPE_WARM       2
#define SBI_SRST_REASON_NONE     0
#define SBI_SRST_REASON_FAILURE  1
#define SBI_SRST_TYPE_VENDOR     0xF0000000U  /* 0xF0000000..0xFFFFFFFF: vendor or platform specific */
#define SBI_SRST_REASON_VENDOR   0xF0000000U  /* 0xF0000000..0xFFFFFFFF: vendor or platform specific */

#define SBI_DBCN_WRITE      0
#define SBI_DBCN_READ       1
#define SBI_DBCN_WRITE_BYTE 2

#define SBI_RFNC_FENCE_I           0
#define SBI_RFNC_SFENCE_VMA        1
#define SBI_RFNC_SFENCE_VMA_ASID   2

/** SBI spec version partvisor implements for guests: 2.0 (major in bits 30:24). */
#define PV_SBI_SPEC_VERSION ((2UL << 24) | 0)
/** SBI implementation ID reported to guests (not in the SBI registry; experimental value). */
#define PV_SBI_IMPL_ID 0x5056   /* "PV" */
#define PV_SBI_IMPL_VERSION 1

#endif
