/* SPDX-License-Identifier: MIT */
/* Per-device MSI page tables and the compose/release bookkeeping. See vmsi.h. */
#include <string.h>

#include "core/guest_layout.h"
#include "core/vmsi.h"

/* vCPU @vcpu's entry: MSI page-table index k (iommu_msi_window), or the k-th guest IMSIC page's G-stage slot. */
static void set_pte(struct vmsi_dev *d, unsigned vcpu, uint64_t pte)
{
	if (d->stride == 2)
		d->table[2 * vcpu + 1] = 0;
	__atomic_store_n(&d->table[d->stride * vcpu], pte, __ATOMIC_RELEASE);
}

void vmsi_reset(struct vmsi *m)
{
	for (unsigned i = 0; i < m->nr_devs; i++) {
		struct vmsi_dev *d = &m->devs[i];

		memset(d->ids, 0, sizeof(d->ids));
		memset(d->nr, 0, sizeof(d->nr));
		if (!d->table)
			continue;
		for (unsigned k = 0; k < m->nr_vcpus; k++)
			set_pte(d, k, m->policy == PV_MSI_OPEN ? m->pte[k] : 0);
	}
}

/* Check the arguments; -PV_ENOENT / -PV_EINVAL. */
static int check(const struct vmsi *m, unsigned dev, unsigned vcpu, uint32_t id)
{
	if (dev >= m->nr_devs || !m->devs[dev].table)
		return -PV_ENOENT;
	if (vcpu >= m->nr_vcpus || id == 0 || id > m->nr_ids || id >= VMSI_MAX_IDS)
		return -PV_EINVAL;
	return 0;
}

/* Whether identity @id is composed for (@d, @vcpu). */
static bool composed(const struct vmsi_dev *d, unsigned vcpu, uint32_t id)
{
	return d->ids[vcpu][id / 64] & (1ULL << (id % 64));
}

/*
 * Open (@open: MSI_COMPOSE) or close (MSI_RELEASE) identity @id of (@dev, @vcpu): the
 * first identity opened for a vCPU writes its entry, the last one closed clears it (policy
 * "composed"), each change synced before the lock is dropped. Composing twice is allowed;
 * releasing what is not composed is -PV_EALREADY.
 */
static int update(struct vmsi *m, unsigned dev, unsigned vcpu, uint32_t id, bool open)
{
	struct vmsi_dev *d;
	uint64_t bit = 1ULL << (id % 64);
	int ret = check(m, dev, vcpu, id);

	if (ret < 0)
		return ret;
	d = &m->devs[dev];
	spin_lock(&m->lock);
	if (composed(d, vcpu, id) == open) {
		ret = open ? 0 : -PV_EALREADY;
	} else if (open) {
		if (d->nr[vcpu]++ == 0 && m->policy == PV_MSI_COMPOSED) {
			set_pte(d, vcpu, m->pte[vcpu]);
			if (m->sync && (ret = m->sync(m->sync_ctx, dev)) < 0) {
				set_pte(d, vcpu, 0);
				d->nr[vcpu]--;
			}
		}
		if (ret == 0)
			d->ids[vcpu][id / 64] |= bit;
	} else {
		d->ids[vcpu][id / 64] &= ~bit;
		if (--d->nr[vcpu] == 0 && m->policy == PV_MSI_COMPOSED) {
			set_pte(d, vcpu, 0);
			if (m->sync)
				ret = m->sync(m->sync_ctx, dev);
		}
	}
	spin_unlock(&m->lock);
	return ret;
}

int vmsi_compose(struct vmsi *m, unsigned dev, unsigned vcpu, uint32_t id, gpa_t *addr)
{
	int ret = update(m, dev, vcpu, id, true);

	if (ret == 0)
		*addr = gpa(GUEST_IMSIC_GPA + (uint64_t)vcpu * PAGE_SIZE);
	return ret;
}

int vmsi_release(struct vmsi *m, unsigned dev, unsigned vcpu, uint32_t id)
{
	return update(m, dev, vcpu, id, false);
}
