# QEMU virt: OpenSBI (fw_dynamic or fw_jump) enters the payload at 0x80200000.
LOAD_ADDR := 0x80200000
# Images embedded in the firmware, as name=path; the partition config refers to them by name.
IMAGES ?= testguest=$(BUILD)/guests/testguest.bin

# partvisor-check against QEMU's dumped device tree (make check-configs): that tree lacks what
# OpenSBI reserves for itself at boot, which is the RAM below the payload address.
CHECK_PLATFORM_ARGS := --reserve 0x80000000,0x200000

# Linux guest payloads are not embedded: QEMU's generic loader (-device loader) puts them in host
# RAM at these addresses, and the config names the regions (partvisor,image-reg / initrd-reg).
# They lie above the RAM the default config's partitions get (first fit from 0x80400000).
LINUX_KERNEL_ADDR := 0xb0000000
LINUX_INITRD_ADDR := 0xb4000000
LINUX_KERNEL = $(shell bash tools/mkinitramfs.sh --kernel-path 2>/dev/null)
LINUX_INITRD = $(BUILD)/linux/initramfs.cpio
# Passed to the C preprocessor that runs over the config .dts before dtc.
CONFIG_DEFS = -DLINUX_KERNEL_ADDR=$(LINUX_KERNEL_ADDR) -DLINUX_INITRD_ADDR=$(LINUX_INITRD_ADDR) \
              -DLINUX_KERNEL_SIZE=$$(stat -c %s $(LINUX_KERNEL)) -DLINUX_INITRD_SIZE=$$(stat -c %s $(LINUX_INITRD))
CONFIG_DEPS = $(LINUX_INITRD)
# Extra QEMU arguments for make run and the Linux boot tests.
RUN_ARGS = -device loader,file=$(LINUX_KERNEL),addr=$(LINUX_KERNEL_ADDR),force-raw=on \
           -device loader,file=$(LINUX_INITRD),addr=$(LINUX_INITRD_ADDR),force-raw=on

# ---- PCI passthrough ----------------------------------------------------------------------------
# Two virtio-net-pci on one QEMU network hub (hub 0: the partitions reach each other, nothing
# else) and a virtio-serial-pci with a virtio console port (hvc0 in the guest), at fixed slots
# (config: partvisor,pci-devices = bus<<8|dev<<3|fn): net0 00:02.0 (0x10), net1 00:03.0 (0x18),
# console 00:04.0 (0x20). 00:01.0 stays free for -device riscv-iommu-pci. iommu_platform=on: the
# devices' DMA is translated by the IOMMU; disable-legacy=on: virtio 1.0 only (no I/O BAR);
# romfile=: no option ROM (useless on RISC-V; without it QEMU needs ipxe-qemu's efi-virtio.rom).
# HVC_CHARDEV: the console's QEMU backend (id hvc0 is added). Default: a unix socket (interactive:
# socat -,raw,echo=0 UNIX-CONNECT:$(BUILD)/hvc0.sock), everything the guest writes also in
# $(BUILD)/hvc0.log; tests use file,path=...
HVC_CHARDEV ?= socket,path=$(BUILD)/hvc0.sock,server=on,wait=off,logfile=$(BUILD)/hvc0.log
PCI_ARGS = -netdev hubport,id=n0,hubid=0 -netdev hubport,id=n1,hubid=0 \
           -device virtio-net-pci,netdev=n0,iommu_platform=on,disable-legacy=on,romfile=,addr=2 \
           -device virtio-net-pci,netdev=n1,iommu_platform=on,disable-legacy=on,romfile=,addr=3 \
           -device virtio-serial-pci,iommu_platform=on,disable-legacy=on,addr=4 \
           -device virtconsole,chardev=hvc0 -chardev $(HVC_CHARDEV),id=hvc0
# The IOMMU: PCI_IOMMU=sys (QEMU virt's platform riscv-iommu, -M virt,iommu-sys=on) or pci
# (-device riscv-iommu-pci at 00:01.0). Never both.
PCI_IOMMU ?= sys
PCI_MACHINE_OPTS_sys := iommu-sys=on
PCI_ARGS_pci := -device riscv-iommu-pci,addr=1
PCI_MEM := 2G

# make run / make run-args: the default config boots with the PCI devices and the IOMMU. run.sh
# takes the machine options and the RAM size from the environment: RUN_ENV, which make run puts
# in front of run.sh only (never exported: tests choose their own), make run-env prints it.
RUN_ARGS += $(PCI_ARGS) $(PCI_ARGS_$(PCI_IOMMU))
RUN_ENV = MACHINE_OPTS=$(PCI_MACHINE_OPTS_$(PCI_IOMMU)) MEM=$(PCI_MEM)
