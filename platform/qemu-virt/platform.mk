# QEMU virt: OpenSBI (fw_dynamic or fw_jump) enters the payload at 0x80200000.
LOAD_ADDR := 0x80200000
# Images embedded in the firmware, as name=path; the partition config refers to them by name.
IMAGES ?= testguest=$(BUILD)/guests/testguest.bin

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
