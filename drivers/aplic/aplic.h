/* SPDX-License-Identifier: MIT */
/*
 * The S-level APLIC interrupt domain in MSI delivery mode [RISC-V AIA 1.0,
 * AdvPLIC.adoc §4.5 "Memory-mapped control region", §4.9 "MSI delivery"]: just
 * enough to turn one wired source (the physical console UART's receive interrupt)
 * into an MSI to one hart's S-level IMSIC file. The MSI address comes from
 * smsiaddrcfg, which M-mode (OpenSBI) programs; the root domain delegates the source.
 */
#ifndef PV_APLIC_H
#define PV_APLIC_H

#include "types.h"

/** sourcecfg source modes [AdvPLIC §4.5.2]. */
#define APLIC_SM_EDGE_RISE  4
#define APLIC_SM_LEVEL_HIGH 6

/**
 * Route source @src (1..1023) of the domain at @base (@size bytes of control region)
 * with source mode @sm as interrupt identity @eiid (1..2047) to the S-level interrupt
 * file of the hart with IMSIC hart index @hart_index, enable it, and enable the domain
 * in MSI delivery mode (domaincfg IE = DM = 1). Returns 0, -PV_EINVAL for an argument
 * out of range or a control region too small for @src, -PV_ENOENT if the domain does
 * not take MSI mode (domaincfg.DM reads back 0) or @src is not delegated to it
 * (sourcecfg reads back 0).
 */
int aplic_route_msi(hpa_t base, uint64_t size, uint32_t src, uint32_t sm, uint32_t hart_index, uint32_t eiid);

#endif
