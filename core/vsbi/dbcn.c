/* SPDX-License-Identifier: MIT */
/*
 * SBI Debug Console extension [SBI ext-debug-console.adoc]: write, read and
 * write_byte on the partition's console, buffers inside the partition's RAM only.
 */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

/* Bytes of DBCN output or input handled per call; the guest continues with the rest. */
#define DBCN_MAX_CHUNK 1024

/*
 * The host pointer of guest buffer (@lo, @hi) of *@len bytes, or NULL unless all
 * of it lies in the partition's RAM; then *@len is cut to DBCN_MAX_CHUNK.
 */
static char *dbcn_buffer(struct vcpu *v, unsigned long *len, unsigned long lo, unsigned long hi)
{
	char *buf;

	if (hi)
		return NULL; /* RV64: the address fits in base_addr_lo */
	buf = partition_gpa_to_host(v->part, gpa(lo), *len);
	if (buf && *len > DBCN_MAX_CHUNK)
		*len = DBCN_MAX_CHUNK;
	return buf;
}

static void dbcn_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	unsigned long len = c->a[0];
	char *buf;
	int ch;

	switch (c->fid) {
	case SBI_DBCN_WRITE:
		if (!(buf = dbcn_buffer(v, &len, c->a[1], c->a[2]))) {
			r->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		/* Fewer bytes when the partition's console ring is full: the guest writes the rest later. */
		partition_console_break(v->part);  /* after this vCPU's earlier console-device bytes */
		r->error = SBI_SUCCESS;
		r->value = (long)console_write_some(&v->dbcn, buf, len);   /* progress even when full */
		break;
	case SBI_DBCN_READ:
		if (!(buf = dbcn_buffer(v, &len, c->a[1], c->a[2]))) {
			r->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		r->error = SBI_SUCCESS;
		while ((unsigned long)r->value < len && (ch = console_getc(&v->part->con)) >= 0)
			buf[r->value++] = (char)ch;
		break;
	case SBI_DBCN_WRITE_BYTE: {
		char b = (char)c->a[0];

		partition_console_break(v->part);
		console_write_all(&v->dbcn, &b, 1);  /* blocking by the spec */
		r->error = SBI_SUCCESS;
		break;
	}
	}
}

const struct vsbi_ext vsbi_ext_dbcn = { SBI_EXT_DBCN, SBI_EXT_DBCN, EXIT_SBI_DBCN, dbcn_handle };
