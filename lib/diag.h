/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics for configuration and platform errors: which device-tree node,
 * which property, and why. Filled by the parsers, printed by the boot code.
 */
#ifndef PV_DIAG_H
#define PV_DIAG_H

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

#endif
