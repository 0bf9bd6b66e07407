/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics for configuration and platform errors: which device-tree node,
 * which property, and why. Filled by the parsers, printed by the boot code.
 */
#ifndef PV_DIAG_H
#define PV_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/** Where and why a device tree was rejected. Empty strings mean "not applicable". */
struct pv_diag {
	char node[128];  /**< full path of the offending node, e.g. "/partitions/alpha" */
	char prop[64];   /**< offending property name, e.g. "partvisor,harts" */
	char msg[192];   /**< human-readable reason */
};

/**
 * Record an error in @d (may be NULL) and return -@err so callers can
 * `return diag_set(d, ...)`. @node and @prop may be NULL. printf-style @fmt.
 */
int diag_set(struct pv_diag *d, int err, const char *node, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** As diag_set() with a va_list. */
int diag_vset(struct pv_diag *d, int err, const char *node, const char *prop, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/**
 * Copy the NUL-terminated @in to @out (@cap bytes, @cap >= 1), every byte that is not
 * printable ASCII (0x20..0x7e) written as "\xNN" (as the console does for guest output),
 * so strings from a device tree (node names, image names, bootargs) never put control
 * bytes on a console. Truncates (never in the middle of an escape); @out is always
 * terminated. Returns the length of @out.
 */
size_t diag_escape(char *out, size_t cap, const char *in);

/**
 * Format @d as "<node>: <prop>: <msg>" (empty parts and their ": " left out), each part
 * escaped with diag_escape(), into @out (@cap bytes, always terminated).
 * 4 * sizeof(struct pv_diag) bytes always suffice.
 */
void diag_format(const struct pv_diag *d, char *out, size_t cap);

#endif
