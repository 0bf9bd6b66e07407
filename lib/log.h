/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor messages. Every module prints through pr(); where the bytes go is
 * decided once at boot by the console (log_set_sink), so this lowest layer knows
 * no console, lock or firmware. Until a sink is set, messages are dropped.
 */
#ifndef PV_LOG_H
#define PV_LOG_H

#include <stddef.h>

/** Longest message pr() formats, bytes (longer ones are cut). */
#define LOG_LINE_MAX 256

/** Where formatted messages go: @len bytes at @s, one or more whole lines. */
typedef void (*log_sink_fn)(const char *s, size_t len);

/** Send every later pr() message to @sink (NULL: drop them). */
void log_set_sink(log_sink_fn sink);

/** printf-style hypervisor message; one call is written to the sink in one piece. */
void pr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
