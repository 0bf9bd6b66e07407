#!/usr/bin/env bash
# Emits assembly that embeds guest images into the firmware and a table of them:
#   struct { const char *name; const void *data; uint64_t size; } pv_embedded_images[], pv_nr_embedded_images
# Arguments: name=path pairs.
set -euo pipefail
echo '.section .rodata.images,"a"'
i=0
for arg in "$@"; do
  name=${arg%%=*}; path=${arg#*=}
  printf '.balign 4096\nimg_%d_start:\n.incbin "%s"\nimg_%d_end:\nimg_%d_name: .asciz "%s"\n' "$i" "$path" "$i" "$i" "$name"
  i=$((i + 1))
done
echo '.section .rodata.image_table,"a"'
echo '.balign 8'
echo '.globl pv_embedded_images'
echo 'pv_embedded_images:'
for ((j = 0; j < i; j++)); do
  printf '.dword img_%d_name, img_%d_start, img_%d_end - img_%d_start\n' "$j" "$j" "$j" "$j"
done
echo '.globl pv_nr_embedded_images'
echo '.balign 4'
echo "pv_nr_embedded_images: .word $i"
