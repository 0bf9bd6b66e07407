/* SPDX-License-Identifier: MIT */
/* Fake arch layer for host unit tests: records calls in `fake` (fakes.h). */
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/lock.h"
#include "arch/riscv/sbi_call.h"
#include "fakes.h"

struct fake_state fake = { .ack_fences = 1 };

__thread uint32_t hv_hartid;
__thread struct arch_hart *arch_this_hart;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.ack_fences = 1;
}

void spin_lock(spinlock_t *l)
{
	l->next++;
	fake.locks_held++;
}

bool spin_trylock(spinlock_t *l)
{
	if (l->next != l->owner)
		return false;
	spin_lock(l);
	return true;
}

void spin_unlock(spinlock_t *l)
{
	l->owner++;
	fake.locks_held--;
}

void sbi_console_write(const char *buf, size_t len)
{
	size_t room = FAKE_OUT_SIZE - 1 - fake.out_len;

	if (len > room)
		len = room;
	memcpy(fake.out + fake.out_len, buf, len);
	fake.out_len += len;
	fake.out[fake.out_len] = 0;
	fake.out_calls++;
}

int sbi_console_getc(void)
{
	if (!fake.in || !fake.in[fake.in_pos])
		return -1;
	return (unsigned char)fake.in[fake.in_pos++];
}

bool sbi_has_dbcn(void)
{
	return true;
}

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	fake.ecalls++;
	fake.last_eid = eid;
	fake.last_fid = fid;
	return (struct sbiret){ 0, (long)(0x100 + fid) };
}

void arch_vcpu_set_timer(uint64_t when)
{
	fake.timer = when;
	fake.timer_sets++;
}

void arch_vcpu_raise_ssip(void)
{
	fake.ssip_raised++;
}

void arch_vcpu_local_fence(void)
{
	fake.local_fences++;
}

void arch_wait_for_interrupt(void)
{
}

uint64_t arch_time(void)
{
	return 0;
}

int arch_guest_read_u16(uint64_t gva, uint16_t *out)
{
	fake.guest_reads++;
	if (gva < fake.mem_base || gva - fake.mem_base + 2 > FAKE_MEM_SIZE)
		return -PV_EINVAL;
	*out = (uint16_t)(fake.mem[gva - fake.mem_base] | fake.mem[gva - fake.mem_base + 1] << 8);
	return 0;
}

bool arch_vcpu_irq_pending(void)
{
	return false;
}
