# partvisor: a static-partitioning Type-1 hypervisor for RISC-V (OpenSBI payload, HS-mode).
#
#   make            build build/partvisor.elf and build/partvisor.bin
#   make run        install dependencies if needed, build, boot the default config in QEMU
#   make run CONFIG_DTS=x.dts
#                   boot the stock firmware (default config embedded) with QEMU's device tree
#                   carrying x.dts as /chosen/partvisor-config (make host-dtb; docs/config.md)
#   make host-dtb CONFIG_DTS=x.dts
#                   only build that device tree: $(BUILD)/host-x.dtb (and the overlay
#                   $(BUILD)/partvisor-config-x.dtbo, for U-Boot's `fdt apply`)
#   make test       install dependencies if needed, run host unit tests, schema checks and QEMU boot tests
#   make bench      deterministic figures (QEMU -icount instruction counts, exit counts, image size)
#
#   make check-configs  partvisor-check on every shipped config against QEMU's device tree for it
#
# Variables: PLATFORM (default qemu-virt), CONFIG_DTS (partition config), BUILD (output folder),
# PARTVISOR_CACHE (downloaded riscv64 packages, outside git; default ~/.cache/partvisor),
# CONFIG_DTB (embed this config blob as it is instead of compiling CONFIG_DTS: boot tests of
# broken blobs), CONFIG_CHECK (yes: the build runs partvisor-check on the config; no: it does not),
# CHECK_CONFIGS (yes: the build also runs make check-configs once; the boot tests' builds say no; make test runs it again as a test).

PLATFORM   ?= qemu-virt
BUILD      ?= build
PARTVISOR_CACHE ?= $(HOME)/.cache/partvisor
export PARTVISOR_CACHE

include platform/$(PLATFORM)/platform.mk
DEFAULT_CONFIG_DTS := platform/$(PLATFORM)/partitions.dts
CONFIG_DTS ?= $(DEFAULT_CONFIG_DTS)
# The config embedded in the firmware: CONFIG_DTS, except for run and host-dtb, where CONFIG_DTS
# goes into the host device tree and the firmware stays the stock one (the default config).
ifneq ($(filter run host-dtb,$(MAKECMDGOALS)),)
EMBED_DTS := $(DEFAULT_CONFIG_DTS)
else
EMBED_DTS := $(CONFIG_DTS)
endif

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
SIZE    := $(CROSS)size
HOSTCC  ?= gcc
DTC     ?= dtc

LIBFDT_DIR := $(PARTVISOR_CACHE)/sysroot/libfdt/usr
LIBFDT_A   := $(LIBFDT_DIR)/lib/riscv64-linux-gnu/libfdt.a

# libfdt.a from Debian is rv64gc/lp64d: the whole image uses that ABI.
TARGET_ARCH := -march=rv64gc -mabi=lp64d -mcmodel=medany
COMMON_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  := $(TARGET_ARCH) -specs=picolibc.specs -O2 -g -std=gnu11 -ffreestanding -fno-common \
           -fomit-frame-pointer -fstack-protector-strong -ffunction-sections -fdata-sections \
           $(COMMON_WARN) -I. -Iinclude -isystem $(LIBFDT_DIR)/include -MMD -MP
ASFLAGS := $(TARGET_ARCH) -specs=picolibc.specs -g -I. -Iinclude -MMD -MP
LDFLAGS := $(TARGET_ARCH) -specs=picolibc.specs -nostartfiles -static -Wl,--gc-sections \
           -Wl,--no-warn-rwx-segments -Wl,-Map=$(BUILD)/partvisor.map -Wl,--defsym=PV_LOAD_ADDR=$(LOAD_ADDR)

# One object list per folder (docs/architecture.md has the layers and who may depend on whom).
LIB_SRC     := $(wildcard lib/*.c)
ARCH_SRC    := $(wildcard arch/riscv/*.c arch/riscv/*.S)
DRIVERS_SRC := $(wildcard drivers/imsic/*.c) $(wildcard drivers/iommu/*.c) $(wildcard drivers/pci/*.c) \
               $(wildcard drivers/aplic/*.c) $(wildcard drivers/uart/*.c)
CORE_SRC    := $(wildcard core/*.c)
VDEV_SRC    := $(wildcard core/vdev/*.c)
VSBI_SRC    := $(wildcard core/vsbi/*.c)
HV_SRC := $(LIB_SRC) $(ARCH_SRC) $(DRIVERS_SRC) $(CORE_SRC) $(VDEV_SRC) $(VSBI_SRC)
HV_OBJ := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(HV_SRC))) $(BUILD)/obj/images.o $(BUILD)/obj/config_dtb.o

.PHONY: all deps run run-args run-env host-dtb test unit dtcheck qemu-tests bench clean guests check-configs FORCE
CONFIG_DTB   ?= $(BUILD)/config.dtb
CONFIG_CHECK ?= yes
CHECK_CONFIGS ?= yes
all: $(BUILD)/partvisor.elf $(BUILD)/partvisor.bin $(if $(filter yes,$(CONFIG_CHECK)),$(BUILD)/config.checked) \
     $(if $(filter yes,$(CHECK_CONFIGS)),$(BUILD)/configs.checked)

deps:
	@bash tools/deps.sh

# ---- guests -------------------------------------------------------------------------------
# testguest-4g: the test guest linked for guest RAM at 4 GiB (partvisor,mem-guest-base =
# 0x100000000, load offset 0x200000), so that a partition's guest physical addresses around
# 0x80000000 are not its RAM (tests/configs/iommu-edu.dts). Not in IMAGES by default.
GUESTS := $(notdir $(wildcard tests/guests/*)) testguest-4g
guests: $(foreach g,$(GUESTS),$(BUILD)/guests/$(g).bin)

GUEST_CFLAGS := $(TARGET_ARCH) -specs=picolibc.specs -O2 -g -std=gnu11 -ffreestanding -fno-common \
                -fstack-protector-strong $(COMMON_WARN) -I. -Iinclude -isystem $(LIBFDT_DIR)/include
GUEST_LDFLAGS := -nostartfiles -static -Wl,--gc-sections -Wl,--no-warn-rwx-segments
TESTGUEST_SRC = $(wildcard tests/guests/testguest/*.c tests/guests/testguest/*.S tests/guests/testguest/*.h tests/guests/testguest/*.ld)

$(BUILD)/guests/testguest-4g.elf: $(TESTGUEST_SRC) $(LIBFDT_A)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,--defsym=GUEST_LOAD_ADDR=0x100200000 \
	  -T tests/guests/testguest/guest.ld -o $@ $(filter %.c %.S,$^) $(LIBFDT_A)

.SECONDEXPANSION:
$(BUILD)/guests/%.elf: $$(wildcard tests/guests/$$*/*.c tests/guests/$$*/*.S tests/guests/$$*/*.h tests/guests/$$*/*.ld) $(LIBFDT_A)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -T tests/guests/$*/guest.ld -o $@ $(filter %.c %.S,$^) $(LIBFDT_A)

$(BUILD)/guests/%.bin: $(BUILD)/guests/%.elf
	$(OBJCOPY) -O binary $< $@

# ---- firmware -----------------------------------------------------------------------------
# Header dependencies come from the compiler (-MMD -MP): touching a header rebuilds
# exactly the objects that include it.
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c -o $@ $<

# The config may use C preprocessor macros (image sizes and addresses from platform.mk).
# $(BUILD)/config.src names the embedded config's source, so switching it rebuilds config.dtb.
$(BUILD)/config.src: FORCE
	@mkdir -p $(dir $@)
	@echo "$(EMBED_DTS)" | cmp -s - $@ || echo "$(EMBED_DTS)" > $@

$(BUILD)/config.dtb: $(EMBED_DTS) $(BUILD)/config.src $(CONFIG_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -E -P -nostdinc -undef -x assembler-with-cpp $(CONFIG_DEFS) -o $(BUILD)/config.pp.dts $<
	$(DTC) -q -I dts -O dtb -o $@ $(BUILD)/config.pp.dts

$(BUILD)/linux/initramfs.cpio: tools/mkinitramfs.sh tests/linux/init $(BUILD)/linux/rdtime
	@mkdir -p $(dir $@)
	PARTVISOR_RDTIME=$(BUILD)/linux/rdtime bash tools/mkinitramfs.sh $@

# /bin/rdtime of the initramfs (boot milestones): a static riscv64 Linux executable without libc.
$(BUILD)/linux/rdtime: tests/linux/rdtime.S
	@mkdir -p $(dir $@)
	$(CC) $(TARGET_ARCH) -nostdlib -nostartfiles -static -Wl,--build-id=none -o $@ $<

# Embedded images: "name=path" pairs from platform.mk (IMAGES).
IMAGE_FILES := $(foreach i,$(IMAGES),$(word 2,$(subst =, ,$(i))))
$(BUILD)/images.S: tools/gen-images.sh $(MAKEFILE_LIST)
	@mkdir -p $(dir $@)
	bash tools/gen-images.sh $(IMAGES) > $@

$(BUILD)/obj/images.o: $(BUILD)/images.S $(IMAGE_FILES)
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c -o $@ $<

$(BUILD)/obj/config_dtb.o: $(CONFIG_DTB)
	@mkdir -p $(dir $@)
	printf '.section .rodata.config_dtb,"a"\n.balign 8\n.globl pv_config_dtb\npv_config_dtb:\n.incbin "%s"\n.globl pv_config_dtb_end\npv_config_dtb_end:\n' $< > $(BUILD)/config_dtb.S
	$(CC) $(ASFLAGS) -c -o $@ $(BUILD)/config_dtb.S

$(BUILD)/partvisor.elf: $(HV_OBJ) linker/partvisor.ld $(LIBFDT_A)
	$(CC) $(LDFLAGS) -T linker/partvisor.ld -o $@ $(HV_OBJ) $(LIBFDT_A)
	@$(SIZE) $@

$(BUILD)/partvisor.bin: $(BUILD)/partvisor.elf
	$(OBJCOPY) -O binary $< $@

$(LIBFDT_A):
	@bash tools/deps.sh

# ---- config checker (host) -----------------------------------------------------------------
# partvisor-check (docs/config.md "Checking a config"): the firmware's own parser built for the
# host, printing every error of a config. The build checks the embedded config with it, without
# a machine (that is only known at boot) but with the embedded images (IMAGES); check-configs
# checks every shipped config against QEMU's device tree for the machine it boots on
# (tools/check-configs.sh).
CHECK_SRC    := tools/partvisor-check.c core/config.c core/platform.c drivers/imsic/imsic_geom.c lib/diag.c
CHECK_CFLAGS := -O2 -g -std=gnu11 $(COMMON_WARN) -I. -Iinclude
CHECK_IMAGE_ARGS = $(foreach i,$(IMAGES),--image $(i))

$(BUILD)/partvisor-check: $(CHECK_SRC) $(wildcard core/*.h lib/*.h drivers/imsic/*.h drivers/pci/*.h include/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CHECK_CFLAGS) -o $@ $(CHECK_SRC) -lfdt

$(BUILD)/config.checked: $(CONFIG_DTB) $(BUILD)/partvisor-check $(IMAGE_FILES)
	$(BUILD)/partvisor-check -q $(CHECK_IMAGE_ARGS) $(CONFIG_DTB)
	@touch $@

# The build checks the shipped configs once (again when one of them or the checker changes).
SHIPPED_CONFIGS := $(wildcard platform/*/partitions*.dts tests/configs/*.dts)
$(BUILD)/configs.checked: $(SHIPPED_CONFIGS) tools/check-configs.sh $(BUILD)/partvisor-check $(BUILD)/partvisor.elf \
                          $(BUILD)/guests/testguest.bin $(BUILD)/guests/testguest-4g.bin $(CONFIG_DEPS)
	@if ! command -v qemu-system-riscv64 >/dev/null; then echo "check-configs: no qemu-system-riscv64 (make deps)"; exit 1; fi
	@BUILD=$(BUILD) NM=$(CROSS)nm CPP_DEFS="$(CONFIG_DEFS)" CHECK_ARGS="$(CHECK_PLATFORM_ARGS)" \
	  bash tools/check-configs.sh >$(BUILD)/check-configs.log 2>&1 || { grep -A20 '^FAIL' $(BUILD)/check-configs.log; exit 1; }
	@touch $@

check-configs: $(BUILD)/partvisor-check $(BUILD)/partvisor.elf $(BUILD)/guests/testguest.bin \
               $(BUILD)/guests/testguest-4g.bin $(CONFIG_DEPS)
	@BUILD=$(BUILD) NM=$(CROSS)nm CPP_DEFS="$(CONFIG_DEFS)" CHECK_ARGS="$(CHECK_PLATFORM_ARGS)" \
	  bash tools/check-configs.sh

# ---- config in the host device tree (docs/config.md) ------------------------------------------
# $(BUILD)/host-machine.dtb: QEMU's own device tree for exactly the machine `make run` starts
# (run.sh with RUN_ENV and RUN_ARGS, plus -M dumpdtb). QEMU's -dtb replaces the tree it would
# generate, so a tree for -dtb must come from the same machine options (harts, RAM, AIA,
# IOMMU); QEMU still re-randomizes /chosen/rng-seed at every start.
# $(BUILD)/partvisor-config-NAME.dtbo: CONFIG_DTS (preprocessed like the embedded config) as an
# overlay for /chosen; $(BUILD)/host-NAME.dtb: the machine's tree with it applied.
CONFIG_NAME := $(basename $(notdir $(CONFIG_DTS)))
HOST_DTB    := $(BUILD)/host-$(CONFIG_NAME).dtb
CONFIG_DTBO := $(BUILD)/partvisor-config-$(CONFIG_NAME).dtbo

# (the virtio console's backend is no machine option: null, so no socket is bound for the dump)
$(BUILD)/host-machine.dtb: HVC_CHARDEV = null
$(BUILD)/host-machine.dtb: $(BUILD)/partvisor.bin platform/$(PLATFORM)/run.sh $(MAKEFILE_LIST)
	$(RUN_ENV) bash platform/$(PLATFORM)/run.sh $(BUILD)/partvisor.bin $(RUN_ARGS) -M dumpdtb=$@ </dev/null >/dev/null 2>$(BUILD)/host-machine.log || \
	  { cat $(BUILD)/host-machine.log; exit 1; }

$(BUILD)/chosen-cfg/$(CONFIG_NAME).dtb: $(CONFIG_DTS) $(CONFIG_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -E -P -nostdinc -undef -x assembler-with-cpp $(CONFIG_DEFS) -o $(@:.dtb=.pp.dts) $<
	$(DTC) -q -I dts -O dtb -o $@ $(@:.dtb=.pp.dts)

$(CONFIG_DTBO): $(BUILD)/chosen-cfg/$(CONFIG_NAME).dtb tools/host-dtb.sh
	bash tools/host-dtb.sh dtbo $< $@

$(HOST_DTB): $(BUILD)/host-machine.dtb $(CONFIG_DTBO) $(BUILD)/chosen-cfg/$(CONFIG_NAME).dtb tools/host-dtb.sh
	bash tools/host-dtb.sh merge $(BUILD)/host-machine.dtb $(CONFIG_DTBO) $(BUILD)/chosen-cfg/$(CONFIG_NAME).dtb $@
	@echo "host device tree with $(CONFIG_DTS) as /chosen/partvisor-config: $@"

host-dtb: $(HOST_DTB)

# ---- run and test -------------------------------------------------------------------------
# make run: the default config (embedded); make run CONFIG_DTS=x.dts: the same stock firmware
# with $(BUILD)/host-x.dtb passed to QEMU (-dtb), so the config comes from the device tree.
RUN_DTB := $(if $(filter $(DEFAULT_CONFIG_DTS),$(CONFIG_DTS)),,$(HOST_DTB))
run: deps all $(RUN_DTB)
	$(RUN_ENV) bash platform/$(PLATFORM)/run.sh $(BUILD)/partvisor.bin $(RUN_ARGS) $(if $(RUN_DTB),-dtb $(RUN_DTB))

# Print the QEMU arguments the platform needs besides the firmware (used by tests).
run-args:
	@echo $(RUN_ARGS)

# Environment for platform/$(PLATFORM)/run.sh that goes with run-args (machine options, RAM size).
run-env:
	@echo $(RUN_ENV)

HOST_CFLAGS := -O1 -g -std=gnu11 $(COMMON_WARN) -Wno-missing-prototypes -I. -Iinclude -Itests/unit -DPV_HOST_TEST \
               -fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(wildcard tests/unit/test_*.c))

# Each unit test links only the modules it tests, plus fakes (tests/unit/fake_*.c) for what
# lies below them. TEST_MODS_<test> lists them.
TEST_MODS_test_config      := core/config.c core/platform.c drivers/imsic/imsic_geom.c lib/diag.c
TEST_MODS_test_gstage      := arch/riscv/gstage.c
TEST_MODS_test_guest_fdt   := core/guest_fdt.c core/platform.c drivers/imsic/imsic_geom.c lib/diag.c
TEST_MODS_test_iommu       := drivers/iommu/iommu_hw.c lib/diag.c
TEST_MODS_test_mmio_decode := core/vdev/mmio_decode.c
TEST_MODS_test_pci         := drivers/pci/pci.c drivers/pci/pci_group.c core/vdev/vpci.c core/assign.c lib/diag.c tests/unit/fake_arch.c
TEST_MODS_test_platform    := core/platform.c drivers/imsic/imsic_geom.c lib/diag.c
TEST_MODS_test_vuart       := core/vdev/vuart.c
TEST_MODS_test_vcon        := core/vdev/vcon.c
TEST_MODS_test_entropy     := lib/entropy.c
TEST_MODS_test_mem         := lib/mem.c
TEST_MODS_test_vsbi        := $(VSBI_SRC) core/vmsi.c core/console.c core/vdev/vconsole.c core/vdev/vcon.c core/vdev/uart.c core/vdev/vuart.c core/vdev/mmio.c core/vdev/mmio_decode.c lib/log.c lib/ratelimit.c tests/unit/fake_arch.c tests/unit/fake_run.c
TEST_MODS_test_console     := core/console.c lib/log.c tests/unit/fake_arch.c
TEST_MODS_test_mmio        := core/vdev/mmio.c core/vdev/mmio_decode.c core/vdev/uart.c core/vdev/vuart.c \
                              core/console.c lib/log.c tests/unit/fake_arch.c

host_objs = $(patsubst %.c,$(BUILD)/host/obj/%.o,$(1))

$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(BUILD)/host/%: $(BUILD)/host/obj/tests/unit/%.o $$(call host_objs,$$(TEST_MODS_$$*))
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ -lcmocka -lfdt

unit: $(UNIT_TESTS)

test: deps
	bash tests/run-tests.sh

bench: deps all
	bash tests/bench.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/host/obj -name '*.d' 2>/dev/null)
include tests/fuzz/fuzz.mk
