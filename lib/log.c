/* SPDX-License-Identifier: MIT */
/* Hypervisor messages: format, then hand the bytes to the sink the console registered. */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"

static log_sink_fn log_sink;

void log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

void pr(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	log_sink_fn sink = log_sink;
	va_list ap;
	int n;

	if (!sink)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	sink(buf, (size_t)n);
}
