/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the guest device tree generator, guest_fdt_build()
 * (core/guest_fdt.c).
 *
 * The input chooses a host tree (fuzz_host.h: 1..8 harts, IMSIC num-ids, which ISA
 * properties the cpu nodes carry, optionally their raw bytes taken from the input),
 * a partition config as config_parse() would leave it (1..8 distinct harts of the
 * machine, a valid name, 2 MiB aligned guest RAM below the guest limit, bootargs of
 * at most 255 bytes), the per-boot facts (initrd, boot count, UART, PCIe and its
 * windows) and the output buffer size (mostly GUEST_FDT_RESERVE, sometimes small).
 * The platform is platform_discover() of that host tree. Input layout: flags (F_*),
 * harts, num-ids, [raw ISA list], [raw ISA string], vCPUs, hart picks, buffer size,
 * RAM size and base, name, bootargs, boot count, [initrd], [PCIe windows], in the order
 * LLVMFuzzerTestOneInput() reads them (tools/fuzz-seeds.sh writes the same); missing
 * bytes read as zero.
 *
 * Invariants checked:
 *  - the result is 0 or -PV_ENOMEM with a message; with a GUEST_FDT_RESERVE buffer it
 *    is always 0, and a build that fits a smaller buffer gives the same bytes;
 *  - on success the tree passes fdt_check_full() within the buffer, and says what the
 *    config says: root compatible, /chosen (bootargs, boot count, initrd range,
 *    stdout-path iff the UART, linux,pci-probe-only iff PCIe), one cpu@k per vCPU
 *    with reg k and interrupt-controller phandle k + 1, an ISA extension list of
 *    non-empty, unique entries each allowed by guest_isa_allowed() (so no "h", no
 *    machine-level ones) whose riscv,isa string is "rv64" + those extensions
 *    (possibly cut at 1023 bytes), the memory node, the IMSIC (one page and one
 *    interrupts-extended entry per vCPU, the platform's num-ids) and the PCIe node
 *    iff PCIe, with one ranges entry per non-empty window.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "core/guest_fdt.h"
#include "core/guest_layout.h"
#include "fuzz_host.h"
#include "fuzz_util.h"

#define FULL GUEST_FDT_RESERVE

/* Input flags (first byte). */
enum {
	F_UART = 1 << 0, F_PCIE = 1 << 1, F_INITRD = 1 << 2, F_NO_LIST = 1 << 3, F_NO_STRING = 1 << 4,
	F_RAW_LIST = 1 << 5, F_RAW_STRING = 1 << 6, F_SMALL_BUF = 1 << 7,
};

static uint8_t host[32768] __attribute__((aligned(8)));
static uint8_t full[FULL] __attribute__((aligned(8)));
static struct pv_platform plat;
static struct pv_part_config pc;
static struct guest_fdt_info info;
static char raw_list[1100], raw_string[1100];

static void check(const uint8_t *buf, size_t size)
{
	const struct pv_hart_info *h0 = &plat.harts[platform_hart_index(&plat, pc.hartids[0])];
	char isa[1200], name[64];
	const char *s;
	const fdt32_t *c;
	const fdt64_t *r;
	int node, cpus, len, elen, n;

	FUZZ_CHECK(fdt_totalsize(buf) <= size, "totalsize %u > %zu", fdt_totalsize(buf), size);
	FUZZ_CHECK(fdt_check_full(buf, size) == 0, "fdt_check_full: %s", fdt_strerror(fdt_check_full(buf, size)));
	FUZZ_CHECK(fdt_node_check_compatible(buf, 0, "partvisor,partition") == 0, "root compatible");

	node = fdt_path_offset(buf, "/chosen");
	FUZZ_CHECK(node >= 0, "/chosen");
	s = fdt_getprop(buf, node, "bootargs", &len);
	if (pc.bootargs[0])
		FUZZ_CHECK(s && len == (int)strlen(pc.bootargs) + 1 && !strcmp(s, pc.bootargs), "bootargs");
	else
		FUZZ_CHECK(!s, "empty bootargs written");
	c = fdt_getprop(buf, node, "partvisor,boot-count", &len);
	FUZZ_CHECK(c && len == 4 && fdt32_ld(c) == info.boot_count, "boot count");
	r = fdt_getprop(buf, node, "linux,initrd-start", &len);
	FUZZ_CHECK(!info.initrd_size == !r, "initrd-start");
	if (r) {
		FUZZ_CHECK(len == 8 && fdt64_ld(r) == info.initrd_start.v, "initrd-start value");
		r = fdt_getprop(buf, node, "linux,initrd-end", &len);
		FUZZ_CHECK(r && len == 8 && fdt64_ld(r) == info.initrd_start.v + info.initrd_size, "initrd-end");
	}
	FUZZ_CHECK(!fdt_getprop(buf, node, "stdout-path", NULL) == !info.uart, "stdout-path");
	FUZZ_CHECK(!fdt_getprop(buf, node, "linux,pci-probe-only", NULL) == !info.pcie, "pci-probe-only");

	cpus = fdt_path_offset(buf, "/cpus");
	FUZZ_CHECK(cpus >= 0, "/cpus");
	n = 0;
	fdt_for_each_subnode(node, buf, cpus)
		n++;
	FUZZ_CHECK(n == (int)pc.nr_vcpus, "%d cpu nodes for %u vcpus", n, pc.nr_vcpus);
	for (unsigned k = 0; k < pc.nr_vcpus; k++) {
		const char *list;
		size_t il = 4;
		int intc;

		snprintf(name, sizeof(name), "cpu@%u", k);
		node = fdt_subnode_offset(buf, cpus, name);
		FUZZ_CHECK(node >= 0, "%s", name);
		c = fdt_getprop(buf, node, "reg", &len);
		FUZZ_CHECK(c && len == 4 && fdt32_ld(c) == k, "%s reg", name);
		intc = fdt_subnode_offset(buf, node, "interrupt-controller");
		FUZZ_CHECK(intc >= 0 && fdt_get_phandle(buf, intc) == k + 1, "%s intc phandle", name);

		/* the extension list: allowed, unique, non-empty; the isa string follows it */
		list = fdt_getprop(buf, node, "riscv,isa-extensions", &elen);
		FUZZ_CHECK(list && (elen == 0 || list[elen - 1] == 0), "%s isa-extensions", name);
		strcpy(isa, "rv64");
		for (int off = 0; off < elen; off += (int)strlen(list + off) + 1) {
			const char *e = list + off;

			FUZZ_CHECK(e[0], "empty extension");
			FUZZ_CHECK(guest_isa_allowed(e, h0), "extension '%s' given to the guest", e);
			FUZZ_CHECK(strcmp(e, "h") && strncmp(e, "sm", 2), "extension '%s' given to the guest", e);
			for (int o2 = 0; o2 < off; o2 += (int)strlen(list + o2) + 1)
				FUZZ_CHECK(strcmp(list + o2, e), "extension '%s' twice", e);
			if (il + strlen(e) + 2 < sizeof(isa))
				il += (size_t)snprintf(isa + il, sizeof(isa) - il, "%s%s", e[1] ? "_" : "", e);
		}
		s = fdt_getprop(buf, node, "riscv,isa", &len);
		FUZZ_CHECK(s && len >= 5 && s[len - 1] == 0, "%s riscv,isa", name);
		FUZZ_CHECK(!strncmp(s, isa, strlen(s)) && (strlen(s) == strlen(isa) || strlen(s) == 1023),
			   "riscv,isa '%s' is not '%s'", s, isa);
	}

	snprintf(name, sizeof(name), "/memory@%llx", (ull)pc.mem_gpa.v);
	node = fdt_path_offset(buf, name);
	FUZZ_CHECK(node >= 0, "%s", name);
	r = fdt_getprop(buf, node, "reg", &len);
	FUZZ_CHECK(r && len == 16 && fdt64_ld(r) == pc.mem_gpa.v && fdt64_ld(r + 1) == pc.mem_size, "memory reg");

	node = fdt_node_offset_by_compatible(buf, -1, "riscv,imsics");
	FUZZ_CHECK(node >= 0, "imsic node");
	r = fdt_getprop(buf, node, "reg", &len);
	FUZZ_CHECK(r && len == 16 && fdt64_ld(r) == GUEST_IMSIC_GPA && fdt64_ld(r + 1) == pc.nr_vcpus * PAGE_SIZE,
		   "imsic reg");
	c = fdt_getprop(buf, node, "interrupts-extended", &len);
	FUZZ_CHECK(c && len == (int)(8 * pc.nr_vcpus), "imsic interrupts-extended");
	for (unsigned k = 0; k < pc.nr_vcpus; k++)
		FUZZ_CHECK(fdt32_ld(&c[2 * k]) == k + 1 && fdt32_ld(&c[2 * k + 1]) == 9, "imsic entry %u", k);
	c = fdt_getprop(buf, node, "riscv,num-ids", &len);
	FUZZ_CHECK(c && len == 4 && fdt32_ld(c) == plat.imsic.num_ids, "imsic num-ids");

	node = fdt_node_offset_by_compatible(buf, -1, "pci-host-ecam-generic");
	FUZZ_CHECK((node >= 0) == info.pcie, "pcie node");
	if (node >= 0) {
		int want = 28 * ((info.pci_mem32.size != 0) + (info.pci_mem64.size != 0));

		FUZZ_CHECK(fdt_getprop(buf, node, "ranges", &len) && len == want, "pcie ranges %d", len);
	}
	FUZZ_CHECK((fdt_node_offset_by_compatible(buf, -1, "ns16550a") >= 0) == info.uart, "uart node");
}

/* Pick @len bytes of text off the input: [a-z][a-z0-9-]* for a name, any non-NUL for bootargs. */
static void take_name(struct fz *f, char *out, unsigned len)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyz";
	static const char rest[] = "abcdefghijklmnopqrstuvwxyz0123456789-";

	for (unsigned i = 0; i < len; i++) {
		uint8_t b = fz_u8(f);

		out[i] = i ? rest[b % (sizeof(rest) - 1)] : first[b % (sizeof(first) - 1)];
	}
	out[len] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	struct fuzz_host_opts o = fuzz_host_default();
	uint8_t flags = fz_u8(&f);
	unsigned nr_harts = 1 + fz_u8(&f) % 8, left[8], nleft = nr_harts;
	uint16_t bufsel, ids;
	uint64_t v;
	size_t bsize;
	unsigned len;
	struct pv_diag diag;
	uint8_t *buf;
	int rc;

	/* the machine */
	o.nr_harts = nr_harts;
	ids = fz_u16(&f);
	o.num_ids = 63 + ids % (2047 - 63 + 1);
	o.isa_list = !(flags & F_NO_LIST);
	o.isa_string = !(flags & F_NO_STRING);
	if (flags & F_RAW_LIST) {
		o.isa_list_len = (int)(fz_u16(&f) % sizeof(raw_list));
		fz_bytes(&f, raw_list, (size_t)o.isa_list_len);
		o.isa_list_raw = raw_list;
	}
	if (flags & F_RAW_STRING) {
		len = fz_u16(&f) % (sizeof(raw_string) - 1);
		fz_bytes(&f, raw_string, len);
		raw_string[len] = 0;
		o.isa_string_raw = raw_string;
	}
	FUZZ_CHECK(fuzz_host_build(host, sizeof(host), &o) == 0, "host tree");
	FUZZ_CHECK(platform_discover(host, &plat, &diag) == 0, "discover: %s", diag.msg);

	/* the partition, as config_parse leaves it */
	memset(&pc, 0, sizeof(pc));
	pc.nr_vcpus = 1 + fz_u8(&f) % nr_harts;
	for (unsigned i = 0; i < nr_harts; i++)
		left[i] = plat.harts[i].hartid;
	for (unsigned k = 0; k < pc.nr_vcpus; k++) {
		unsigned pick = fz_u8(&f) % nleft;

		pc.hartids[k] = left[pick];
		left[pick] = left[--nleft];
	}
	bufsel = fz_u16(&f);
	bsize = (flags & F_SMALL_BUF) ? bufsel % FULL : FULL;
	pc.mem_size = MiB(2) * (1 + fz_u16(&f) % 4096);
	v = ALIGN_DOWN(fz_u64(&f) % GUEST_GPA_LIMIT, MiB(2));
	pc.mem_gpa = gpa(v <= GUEST_GPA_LIMIT - pc.mem_size ? v : GUEST_GPA_LIMIT - pc.mem_size);
	take_name(&f, pc.name, 1 + fz_u8(&f) % (PV_NAME_MAX - 1));
	snprintf(pc.node_path, sizeof(pc.node_path), "/partitions/%s", pc.name);
	len = fz_u8(&f);
	fz_bytes(&f, pc.bootargs, len);
	for (unsigned i = 0; i < len; i++)
		if (!pc.bootargs[i])
			pc.bootargs[i] = ' ';
	pc.bootargs[len] = 0;

	/* the per-boot facts */
	memset(&info, 0, sizeof(info));
	info.uart = flags & F_UART;
	info.pcie = flags & F_PCIE;
	info.boot_count = fz_u32(&f);
	if (flags & F_INITRD) {
		info.initrd_start = gpa(fz_u64(&f));
		info.initrd_size = fz_u64(&f);
	}
	if (info.pcie) {
		info.pci_mem32 = (struct pci_window){ hpa(fz_u64(&f)), fz_u64(&f), fz_u64(&f) };
		info.pci_mem64 = (struct pci_window){ hpa(fz_u64(&f)), fz_u64(&f), fz_u64(&f) };
	}

	/* the full-size build always fits */
	memset(&diag, 0, sizeof(diag));
	rc = guest_fdt_build(full, FULL, host, &plat, &pc, &info, &diag);
	FUZZ_CHECK(rc == 0, "full-size build: rc %d: %s", rc, diag.msg);
	check(full, FULL);

	if (bsize < FULL) {
		buf = malloc(bsize ? bsize : 1);
		FUZZ_CHECK(buf, "malloc");
		memset(&diag, 0, sizeof(diag));
		rc = guest_fdt_build(buf, bsize, host, &plat, &pc, &info, &diag);
		if (rc == 0) {
			check(buf, bsize);
			FUZZ_CHECK(fdt_totalsize(buf) == fdt_totalsize(full) && !memcmp(buf, full, fdt_totalsize(full)),
				   "a %zu-byte buffer gives another tree", bsize);
		} else {
			FUZZ_CHECK(rc == -PV_ENOMEM && diag.msg[0], "rc %d in %zu bytes", rc, bsize);
			FUZZ_CHECK(bsize < fdt_totalsize(full), "%zu bytes refused for a %u-byte tree", bsize,
				   fdt_totalsize(full));
		}
		free(buf);
	}
	return 0;
}
