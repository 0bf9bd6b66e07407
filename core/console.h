/* SPDX-License-Identifier: MIT */
/*
 * Console: hypervisor messages and partition output through the firmware
 * console (SBI DBCN to OpenSBI), and console input with a focus that moves
 * between partitions (Ctrl-a three times). Partitions are clients of the
 * console; it knows them only by the struct con_client they register.
 * Every line is written whole under one (ticket) lock, so lines of different
 * harts never interleave, and each partition line is prefixed "[name] ".
 */
#ifndef PV_CONSOLE_H
#define PV_CONSOLE_H

#include <stdarg.h>

#include "types.h"

/** Longest partition output line before it is cut, bytes. */
#define CON_LINE_MAX 160
/** Bytes of console input queued per client. */
#define CON_INPUT_SIZE 256
/** Console clients (partitions) the focus cycles through. */
#define CON_MAX_CLIENTS 8

/** Console input waiting for a client (filled from the physical console while it has the focus). */
struct con_input {
	char buf[CON_INPUT_SIZE];
	unsigned head, tail;        /**< ring indexes; empty when equal */
};

/** One console client: a partition's name (the line prefix) and its input queue. */
struct con_client {
	const char *name;
	struct con_input input;
};

/** One output stream of a client (a vCPU's DBCN, a partition's UART): a partial line. */
struct con_stream {
	struct con_client *client;
	char buf[CON_LINE_MAX];
	unsigned len;
};

/** Route pr() messages to the firmware console. Call once, first thing at boot. */
void console_init(void);

/**
 * Add @c to the clients the input focus cycles through, in registration order;
 * the first client registered has the focus at boot. Returns 0, or -PV_ENOMEM
 * when CON_MAX_CLIENTS are registered.
 */
int console_register(struct con_client *c);

/** Forget every client (host tests). */
void console_reset(void);

/** Make @s an empty output stream of client @c. */
void console_stream_init(struct con_stream *s, struct con_client *c);

/**
 * Write @len bytes of output to stream @s: '\r' is dropped, a line is emitted
 * with its client's prefix when it ends with '\n' or reaches CON_LINE_MAX bytes.
 */
void console_write(struct con_stream *s, const char *buf, size_t len);

/** Emit a partial line left in @s (at stop) and empty it. */
void console_flush(struct con_stream *s);

/**
 * Poll the physical console for input on behalf of client @c: bytes go to the
 * client that has the focus (Ctrl-a three times moves it to the next client;
 * Ctrl-a presses that did not switch are passed on). Then returns the next byte
 * queued for @c, or -1.
 */
int console_getc(struct con_client *c);

/** Drop every byte of input queued for @c (its partition restarts). */
void console_input_clear(struct con_client *c);

/** Tell the user which client has the console input and how to switch. */
void console_input_banner(void);

/** Stop this hart after printing @fmt. Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
