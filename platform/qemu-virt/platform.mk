# QEMU virt: OpenSBI (fw_dynamic or fw_jump) enters the payload at 0x80200000.
LOAD_ADDR := 0x80200000
PLATFORM_CFLAGS := -DPV_LOAD_ADDR=$(LOAD_ADDR)
# Images embedded in the firmware, as name=path; the partition config refers to them by name.
IMAGES ?= testguest=$(BUILD)/guests/testguest.bin
