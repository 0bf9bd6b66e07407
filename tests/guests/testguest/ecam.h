/* SPDX-License-Identifier: MIT */
/*
 * testguest: the PCIe host bridge a guest sees (pci-host-ecam-generic) and configuration
 * access to the functions on its first bus through ECAM [PCIe Base 6.0 7.2.2; PCI Local Bus
 * 3.0 ch. 6]. Used by virtio.c and edu.c; addresses are guest physical (satp = 0).
 */
#ifndef TESTGUEST_ECAM_H
#define TESTGUEST_ECAM_H

#include <stdbool.h>
#include <stdint.h>

/* Configuration space registers and bits [PCI Local Bus 3.0 6.1, 6.2, 6.7]. */
#define PCI_ID          0x00   /* device << 16 | vendor */
#define PCI_COMMAND     0x04
#define PCI_STATUS      0x06
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0        0x10
#define PCI_CAP_PTR     0x34
#define PCI_CMD_MEM     (1U << 1)
#define PCI_CMD_MASTER  (1U << 2)
#define PCI_STATUS_CAPS (1U << 4)
#define PCI_HEADER_MF   0x80
#define PCI_BARS        6      /* BAR registers of a type 0 header */

/** The host bridge: ECAM of its first bus, that bus's number, its memory windows. */
struct ecam {
	uint64_t base;        /**< CPU address of the first bus's configuration space */
	unsigned bus;         /**< first bus number (bus-range) */
	int nwin;             /**< memory windows found (`ranges` space codes 2 and 3) */
	struct {
		uint64_t pci, cpu, size;   /**< bus address, CPU address, bytes */
		unsigned space;            /**< `ranges` space code: 2 = 32-bit, 3 = 64-bit memory */
	} win[4];
};

/** Fill @e from the first usable pci-host-ecam-generic node of @fdt; false if there is none. */
bool ecam_find(const void *fdt, struct ecam *e);

/** Read @width (1, 2 or 4) bytes at offset @off of function @dev.@fn on the first bus. */
uint32_t ecam_read(const struct ecam *e, unsigned dev, unsigned fn, unsigned off, unsigned width);

/** Write @width (1, 2 or 4) bytes of @v at offset @off of function @dev.@fn on the first bus. */
void ecam_write(const struct ecam *e, unsigned dev, unsigned fn, unsigned off, unsigned width, uint32_t v);

/** What ecam_each() calls for a function present at @dev.@fn, @id its ID dword, @ctx the caller's. */
typedef void ecam_visit_fn(void *ctx, unsigned dev, unsigned fn, uint32_t id);

/** Call @visit for every function present on the first bus, in device then function order
 * (functions 1..7 only of a multi-function device [PCI Local Bus 3.0 6.2.1]); returns how many. */
int ecam_each(const struct ecam *e, ecam_visit_fn *visit, void *ctx);

/** Count the functions on the first bus; the first whose ID dword is @id goes to *@dev.*@fn
 * (*@found says whether there was one). */
int ecam_scan(const struct ecam *e, uint32_t id, unsigned *dev, unsigned *fn, bool *found);

/** Offset of the first capability with ID @cap after offset @after (0: from the start of the
 * list) [PCI Local Bus 3.0 6.7]; 0 if none. */
unsigned ecam_find_cap(const struct ecam *e, unsigned dev, unsigned fn, unsigned cap, unsigned after);

/** Bus address of the memory BAR whose (lower) register is BAR @i (0..5; a 64-bit BAR takes
 * @i and @i + 1); 0 if it is an I/O BAR or unassigned. */
uint64_t ecam_bar(const struct ecam *e, unsigned dev, unsigned fn, unsigned i);

/** Give memory BAR @i (0..5; a 64-bit BAR takes @i and @i + 1) of function @dev.@fn an address:
 * sizes it [PCI Local Bus 3.0 6.2.5.1] with Memory Space decoding off and places it at the lowest
 * address aligned to its size in the first 32-bit memory window of the host bridge (below 4 GiB,
 * so a 64-bit BAR gets 0 in its upper half). No allocator: for one BAR per bus (the native edu
 * bench, where firmware assigned nothing). Leaves the Command register as it was. Returns the
 * bus address, 0 for an I/O or unimplemented BAR or when no window holds it. */
uint64_t ecam_assign_bar(const struct ecam *e, unsigned dev, unsigned fn, unsigned i);

/** CPU address of PCI bus address @a through the host bridge's memory windows; 0 if outside. */
uint64_t ecam_to_cpu(const struct ecam *e, uint64_t a);

#endif
