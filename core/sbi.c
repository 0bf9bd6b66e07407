/* SPDX-License-Identifier: MIT */
/*
 * The SBI implementation partvisor offers its guests [SBI spec v2.0]: BASE, TIME,
 * IPI, RFENCE, HSM, SRST, DBCN and the legacy console/timer/shutdown calls.
 * Hart ids a guest passes are its own vCPU ids (0..nr_vcpus-1); nothing a guest
 * asks for reaches a hart of another partition.
 */
#include <string.h>

#include "csr.h"
#include "hv.h"
#include "sbi.h"

/* Bytes of DBCN output handled per call; the guest continues with the rest (SBI ext-debug-console). */
#define DBCN_MAX_CHUNK 1024

/* Does bit @vhartid fall into (@mask, @base)? base == -1 means every hart [SBI "Hart list"]. */
static bool hart_in_mask(unsigned long mask, unsigned long base, unsigned vhartid)
{
	if (base == -1UL)
		return true;
	return vhartid >= base && vhartid - base < 64 && (mask >> (vhartid - base)) & 1;
}

/* Check that every hart named by (@mask, @base) is a vCPU of @p. */
static bool mask_valid(struct partition *p, unsigned long mask, unsigned long base)
{
	if (base == -1UL)
		return true;
	if (base >= p->nr_vcpus)
		return false;
	for (unsigned b = 0; b < 64; b++)
		if ((mask >> b) & 1 && base + b >= p->nr_vcpus)
			return false;
	return true;
}

/*
 * Wait until @target acknowledged a REQ_FENCE (its ack count passed @want).
 * Serves requests aimed at this hart meanwhile; returns false if this vCPU must stop.
 */
static bool wait_fence_ack(struct pcpu *self, struct pcpu *target, uint32_t want)
{
	while ((int32_t)(__atomic_load_n(&target->fence_ack, __ATOMIC_SEQ_CST) - want) < 0) {
		if (target->vcpu->state != VCPU_STARTED)
			return true; /* it no longer runs the guest: nothing stale to flush there */
		if (self->mailbox && pcpu_handle_mailbox(self))
			return false;
	}
	return true;
}

static long sbi_ipi(struct pcpu *pc, unsigned long mask, unsigned long base)
{
	struct partition *p = pc->vcpu->part;

	if (!mask_valid(p, mask, base))
		return SBI_ERR_INVALID_PARAM;
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		struct vcpu *t = &p->vcpus[k];

		if (!hart_in_mask(mask, base, k))
			continue;
		if (t == pc->vcpu)
			csr_set(hvip, 1ULL << IRQ_VS_SOFT);
		else if (t->state == VCPU_STARTED)
			pcpu_send(t->pcpu, REQ_VSSIP);
	}
	return SBI_SUCCESS;
}

/* Remote fence.i / sfence.vma: each target hart flushes its VS-stage TLB for this VMID and its I-cache. */
static long sbi_rfence(struct pcpu *pc, unsigned long fid, unsigned long mask, unsigned long base, bool *stop)
{
	struct partition *p = pc->vcpu->part;
	uint32_t want[PV_MAX_VCPUS];

	if (fid > SBI_RFNC_SFENCE_VMA_ASID)
		return SBI_ERR_NOT_SUPPORTED; /* hfence.* need H in the caller, which guests do not have */
	if (!mask_valid(p, mask, base))
		return SBI_ERR_INVALID_PARAM;
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		struct vcpu *t = &p->vcpus[k];

		want[k] = 0;
		if (!hart_in_mask(mask, base, k))
			continue;
		if (t == pc->vcpu) {
			__asm__ volatile("fence.i" ::: "memory");
			hfence_vvma_all();
		} else if (t->state == VCPU_STARTED) {
			want[k] = __atomic_load_n(&t->pcpu->fence_ack, __ATOMIC_SEQ_CST) + 1;
			pcpu_send(t->pcpu, REQ_FENCE);
		}
	}
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		if (want[k] && !wait_fence_ack(pc, p->vcpus[k].pcpu, want[k])) {
			*stop = true;
			break;
		}
	return SBI_SUCCESS;
}

static long sbi_hsm_start(struct pcpu *pc, unsigned long vhartid, unsigned long addr, unsigned long opaque)
{
	struct partition *p = pc->vcpu->part;
	struct vcpu *t;
	long ret = SBI_SUCCESS;

	if (vhartid >= p->nr_vcpus)
		return SBI_ERR_INVALID_PARAM;
	if (!partition_gpa_to_host(p, addr, 4))
		return SBI_ERR_INVALID_ADDRESS;
	t = &p->vcpus[vhartid];
	spin_lock(&p->lock);
	if (t->state != VCPU_STOPPED) {
		ret = SBI_ERR_ALREADY_AVAILABLE;
	} else {
		t->start_pc = addr;
		t->start_arg = opaque;
		t->state = VCPU_START_PENDING;
	}
	spin_unlock(&p->lock);
	if (ret == SBI_SUCCESS)
		pcpu_send(t->pcpu, REQ_WAKE);
	return ret;
}

static long sbi_dbcn_write(struct pcpu *pc, unsigned long len, unsigned long lo, unsigned long hi, long *written)
{
	const char *buf;

	if (hi)
		return SBI_ERR_INVALID_PARAM; /* RV64: the address fits in base_addr_lo */
	if (len > DBCN_MAX_CHUNK)
		len = DBCN_MAX_CHUNK;
	buf = partition_gpa_to_host(pc->vcpu->part, lo, len);
	if (!buf)
		return SBI_ERR_INVALID_PARAM;
	console_guest_write(pc->vcpu->part, &pc->vcpu->dbcn, buf, len);
	*written = (long)len;
	return SBI_SUCCESS;
}

static long sbi_dbcn_read(struct pcpu *pc, unsigned long len, unsigned long lo, unsigned long hi, long *nread)
{
	char *buf;
	long n = 0;
	int c;

	if (hi)
		return SBI_ERR_INVALID_PARAM;
	if (len > DBCN_MAX_CHUNK)
		len = DBCN_MAX_CHUNK;
	buf = partition_gpa_to_host(pc->vcpu->part, lo, len);
	if (!buf)
		return SBI_ERR_INVALID_PARAM;
	while ((unsigned long)n < len && (c = console_getc(pc->vcpu->part)) >= 0)
		buf[n++] = (char)c;
	*nread = n;
	return SBI_SUCCESS;
}

static bool ext_supported(unsigned long eid)
{
	switch (eid) {
	case SBI_EXT_BASE: case SBI_EXT_TIME: case SBI_EXT_IPI: case SBI_EXT_RFNC:
	case SBI_EXT_HSM: case SBI_EXT_SRST: case SBI_EXT_DBCN:
	case SBI_EXT_LEGACY_SET_TIMER: case SBI_EXT_LEGACY_PUTCHAR: case SBI_EXT_LEGACY_GETCHAR:
	case SBI_EXT_LEGACY_SHUTDOWN: case SBI_EXT_PARTVISOR:
		return true;
	}
	return false;
}

bool sbi_handle_guest(struct pcpu *pc)
{
	struct guest_regs *r = &pc->regs;
	struct vcpu *v = pc->vcpu;
	struct partition *p = v->part;
	unsigned long eid = r->x[17], fid = r->x[16];
	unsigned long a0 = r->x[10], a1 = r->x[11], a2 = r->x[12];
	long err = SBI_ERR_NOT_SUPPORTED, val = 0;
	bool stop = false, legacy = false;
	enum exit_cause cause = EXIT_SBI_OTHER;

	r->sepc += 4;  /* ecall is always 4 bytes */
	switch (eid) {
	case SBI_EXT_BASE:
		cause = EXIT_SBI_BASE;
		err = SBI_SUCCESS;
		switch (fid) {
		case SBI_BASE_GET_SPEC_VERSION: val = PV_SBI_SPEC_VERSION; break;
		case SBI_BASE_GET_IMPL_ID: val = PV_SBI_IMPL_ID; break;
		case SBI_BASE_GET_IMPL_VERSION: val = PV_SBI_IMPL_VERSION; break;
		case SBI_BASE_PROBE_EXT: val = ext_supported(a0); break;
		case SBI_BASE_GET_MVENDORID: case SBI_BASE_GET_MARCHID: case SBI_BASE_GET_MIMPID:
			val = sbi_ecall(SBI_EXT_BASE, fid, 0, 0, 0, 0, 0, 0).value;  /* the machine's own ids */
			break;
		default: err = SBI_ERR_NOT_SUPPORTED; break;
		}
		break;
	case SBI_EXT_TIME:
		cause = EXIT_SBI_TIME;
		if (fid == 0) {
			csr_write(vstimecmp, a0);
			err = SBI_SUCCESS;
		}
		break;
	case SBI_EXT_IPI:
		cause = EXIT_SBI_IPI;
		if (fid == 0)
			err = sbi_ipi(pc, a0, a1);
		break;
	case SBI_EXT_RFNC:
		cause = EXIT_SBI_RFENCE;
		err = sbi_rfence(pc, fid, a0, a1, &stop);
		break;
	case SBI_EXT_HSM:
		cause = EXIT_SBI_HSM;
		switch (fid) {
		case SBI_HSM_HART_START:
			err = sbi_hsm_start(pc, a0, a1, a2);
			break;
		case SBI_HSM_HART_STOP:
			partition_count_exit(p, cause);
			return false;  /* does not return to the guest on success */
		case SBI_HSM_HART_GET_STATUS:
			if (a0 >= p->nr_vcpus) {
				err = SBI_ERR_INVALID_PARAM;
			} else {
				err = SBI_SUCCESS;
				val = p->vcpus[a0].state;
			}
			break;
		case SBI_HSM_HART_SUSPEND:
			/* Default retentive suspend may resume at once; non-retentive is not offered. */
			err = a0 == SBI_HSM_SUSPEND_RET_DEFAULT ? SBI_SUCCESS :
			      a0 == SBI_HSM_SUSPEND_NON_RET_DEFAULT ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM;
			break;
		}
		break;
	case SBI_EXT_SRST:
		cause = EXIT_SBI_SRST;
		if (fid == SBI_SRST_RESET) {
			if (a0 > SBI_SRST_TYPE_WARM || a1 > SBI_SRST_REASON_FAILURE) {
				err = SBI_ERR_INVALID_PARAM;
				break;
			}
			partition_count_exit(p, cause);
			partition_stop(p, v, a0 != SBI_SRST_TYPE_SHUTDOWN);
		}
		break;
	case SBI_EXT_DBCN:
		cause = EXIT_SBI_DBCN;
		switch (fid) {
		case SBI_DBCN_WRITE:
			err = sbi_dbcn_write(pc, a0, a1, a2, &val);
			break;
		case SBI_DBCN_READ:
			err = sbi_dbcn_read(pc, a0, a1, a2, &val);
			break;
		case SBI_DBCN_WRITE_BYTE: {
			char c = (char)a0;

			console_guest_write(p, &v->dbcn, &c, 1);
			err = SBI_SUCCESS;
			break;
		}
		}
		break;
	case SBI_EXT_PARTVISOR:
		if (fid == SBI_PARTVISOR_MSI_COMPOSE) {
			gpa_t addr;

			err = a0 >= PV_MAX_VCPUS || a1 > UINT32_MAX ||
			      passthrough_msi_address(p, (unsigned)a0, (uint32_t)a1, &addr) < 0 ?
			      SBI_ERR_INVALID_PARAM : SBI_SUCCESS;
			val = err ? 0 : (long)addr.v;
		}
		break;
	case SBI_EXT_LEGACY_SET_TIMER:
		cause = EXIT_SBI_LEGACY;
		legacy = true;
		csr_write(vstimecmp, a0);
		err = 0;
		break;
	case SBI_EXT_LEGACY_PUTCHAR: {
		char c = (char)a0;

		cause = EXIT_SBI_LEGACY;
		legacy = true;
		console_guest_write(p, &v->dbcn, &c, 1);
		err = 0;
		break;
	}
	case SBI_EXT_LEGACY_GETCHAR:
		cause = EXIT_SBI_LEGACY;
		legacy = true;
		err = console_getc(p);  /* -1 when there is no input */
		break;
	case SBI_EXT_LEGACY_SHUTDOWN:
		partition_count_exit(p, EXIT_SBI_LEGACY);
		partition_stop(p, v, false);
	}
	partition_count_exit(p, cause);
	r->x[10] = (uint64_t)err;
	if (!legacy)
		r->x[11] = (uint64_t)val;
	return !stop;
}
