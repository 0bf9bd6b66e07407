/* SPDX-License-Identifier: MIT */
/*
 * partvisor's own hypercalls, ABI v1 (include/partvisor/hypercall.h,
 * docs/hypercall.md): GET_INFO, MSI_COMPOSE and MSI_RELEASE for the functions on
 * the partition's virtual host bridge, and the deprecated v0 MSI address call.
 */
#include "core/guest_layout.h"
#include "core/vsbi/vsbi.h"
#include "partvisor/hypercall.h"
#include "sbi.h"

/* GET_INFO(item) -> value. */
static long get_info(const struct partition *p, unsigned long item, long *value)
{
	switch (item) {
	case PARTVISOR_INFO_VERSION: *value = (long)PARTVISOR_VERSION; return SBI_SUCCESS;
	case PARTVISOR_INFO_FEATURES:
		*value = (long)((p->msi.mode == VMSI_FLAT ? PARTVISOR_FEAT_MSI_FLAT : 0) |
				(p->msi.mode == VMSI_GSTAGE ? PARTVISOR_FEAT_MSI_GSTAGE : 0) |
				(p->msi.policy == PV_MSI_COMPOSED ? PARTVISOR_FEAT_COMPOSED : 0));
		return SBI_SUCCESS;
	case PARTVISOR_INFO_NR_VCPUS: *value = p->nr_vcpus; return SBI_SUCCESS;
	case PARTVISOR_INFO_NR_IDS: *value = p->guest_ids; return SBI_SUCCESS;
	case PARTVISOR_INFO_NR_DEVICES: *value = p->vpci.nr; return SBI_SUCCESS;
	}
	return SBI_ERR_INVALID_PARAM;
}

/* The index of guest function @bdf (00:i.0 on the virtual host bridge) in @p, or -1. */
static int guest_device(const struct partition *p, unsigned long bdf)
{
	if (bdf > 0xffff || PCI_BUS(bdf) || PCI_FN(bdf) || PCI_DEV(bdf) >= p->vpci.nr)
		return -1;
	return (int)PCI_DEV(bdf);
}

/* MSI_COMPOSE / MSI_RELEASE(device, vcpu, identity). Out of line: the other calls need no stack. */
static __attribute__((noinline)) void msi_call(struct partition *p, bool compose, const struct vsbi_call *c,
					       struct vsbi_ret *r)
{
	int dev = guest_device(p, c->a[0]);
	gpa_t addr;
	int ret;

	r->error = SBI_ERR_INVALID_PARAM;
	if (dev < 0 || c->a[1] >= p->nr_vcpus || c->a[2] == 0 || c->a[2] > p->guest_ids)
		return;
	ret = compose ? vmsi_compose(&p->msi, (unsigned)dev, (unsigned)c->a[1], (uint32_t)c->a[2], &addr) :
			vmsi_release(&p->msi, (unsigned)dev, (unsigned)c->a[1], (uint32_t)c->a[2]);
	if (ret == -PV_EALREADY)
		return;  /* nothing composed to release (the arguments were checked above) */
	if (ret < 0) {
		r->error = SBI_ERR_FAILED;  /* the IOMMU did not take the change */
		return;
	}
	if (compose)
		r->value = (long)addr.v;
	r->error = SBI_SUCCESS;
}

static void partvisor_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	struct partition *p = v->part;

	switch (c->fid) {
	case PARTVISOR_FID_MSI_ADDR:
		/* v0: the address of vCPU a0's interrupt file for identity a1; opens nothing. */
		if (c->a[0] >= p->nr_vcpus || c->a[1] == 0 || c->a[1] > p->guest_ids) {
			r->error = SBI_ERR_INVALID_PARAM;
			return;
		}
		r->error = SBI_SUCCESS;
		r->value = (long)(GUEST_IMSIC_GPA + c->a[0] * PAGE_SIZE);
		break;
	case PARTVISOR_FID_GET_INFO:
		r->error = get_info(p, c->a[0], &r->value);
		break;
	case PARTVISOR_FID_MSI_COMPOSE:
	case PARTVISOR_FID_MSI_RELEASE:
		msi_call(p, c->fid == PARTVISOR_FID_MSI_COMPOSE, c, r);
		break;
	}
}

const struct vsbi_ext vsbi_ext_partvisor = { PARTVISOR_EID, PARTVISOR_EID, EXIT_SBI_PARTVISOR, partvisor_handle };
