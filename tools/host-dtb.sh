#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Put a partition config into a host device tree as /chosen/partvisor-config (docs/config.md),
# with Debian's device-tree-compiler tools only (dtc, fdtoverlay, fdtget).
#
#   host-dtb.sh dtbo  CONFIG.dtb OUT.dtbo          the config as an overlay for /chosen (dtc -@),
#                                                  for fdtoverlay or U-Boot's `fdt apply`
#   host-dtb.sh merge BASE.dtb OVERLAY.dtbo CONFIG.dtb OUT.dtb
#                                                  BASE with the overlay applied; checked to hold
#                                                  exactly CONFIG under /chosen/partvisor-config
#
# CONFIG.dtb is a compiled config (root compatible "partvisor,config", /partitions).
# Node order matters (partitions are placed and numbered in config order), but libfdt's overlay
# application (fdtoverlay, U-Boot `fdt apply`) adds each new node in front of its siblings, so
# an overlay written in config order comes out reversed. The overlay is therefore built from
# the config once applied to an empty tree (reversed), and applying it reverses it back; `merge`
# compares the result with the config node by node, property by property, in order.
set -euo pipefail

die() { echo "host-dtb.sh: $*" >&2; exit 1; }

# body DTB: the root node's contents of DTB, decompiled (dtc's own layout: "/ {" ... "};").
body() {
  dtc -q -I dtb -O dts "$1" | sed '1,/^\/ {$/d;$d'
}

# same_tree A PATH_A B PATH_B: node PATH_A of A equals node PATH_B of B (properties, values,
# subnodes in order, recursively).
same_tree() {
  local a=$1 pa=$2 b=$3 pb=$4 p la lb
  [ "$(fdtget -p "$a" "$pa" | sort)" = "$(fdtget -p "$b" "$pb" | sort)" ] ||
    die "$pb: properties differ from the config's $pa"
  while read -r p; do
    [ -n "$p" ] || continue
    [ "$(fdtget -t bx "$a" "$pa" "$p")" = "$(fdtget -t bx "$b" "$pb" "$p")" ] ||
      die "$pb: property $p differs from the config's"
  done < <(fdtget -p "$a" "$pa")
  la=$(fdtget -l "$a" "$pa"); lb=$(fdtget -l "$b" "$pb")
  [ "$la" = "$lb" ] || die "$pb: subnodes '$(echo $lb)' differ from the config's '$(echo $la)'"
  for p in $la; do
    same_tree "$a" "${pa%/}/$p" "$b" "${pb%/}/$p"
  done
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case ${1:-} in
dtbo)
  [ $# -eq 3 ] || die "usage: host-dtb.sh dtbo CONFIG.dtb OUT.dtbo"
  cfg=$2 out=$3
  [ "$(fdtget "$cfg" / compatible 2>/dev/null)" = "partvisor,config" ] ||
    die "$cfg: root compatible is not \"partvisor,config\""
  # 1. the config applied to an empty tree: its nodes in reverse order
  printf '/dts-v1/;\n/ {\n};\n' >"$tmp/empty.dts"
  dtc -q -I dts -O dtb -o "$tmp/empty.dtb" "$tmp/empty.dts"
  { printf '/dts-v1/;\n/plugin/;\n\n&{/} {\n'; body "$cfg"; printf '};\n'; } >"$tmp/rev.dts"
  dtc -q -@ -I dts -O dtb -o "$tmp/rev.dtbo" "$tmp/rev.dts"
  fdtoverlay -i "$tmp/empty.dtb" -o "$tmp/rev.dtb" "$tmp/rev.dtbo"
  # 2. the overlay for /chosen, from the reversed tree
  { printf '/dts-v1/;\n/plugin/;\n\n/* partition config for /chosen/partvisor-config (docs/config.md) */\n'
    printf '&{/chosen} {\n\tpartvisor-config {\n'; body "$tmp/rev.dtb" | sed 's/^/\t/'; printf '\t};\n};\n'
  } >"$tmp/chosen.dts"
  dtc -q -@ -I dts -O dtb -o "$out" "$tmp/chosen.dts"
  # 3. check: applied to a tree with an empty /chosen it gives the config, in order
  printf '/dts-v1/;\n/ {\n\tchosen {\n\t};\n};\n' >"$tmp/chosen-empty.dts"
  dtc -q -I dts -O dtb -o "$tmp/chosen-empty.dtb" "$tmp/chosen-empty.dts"
  fdtoverlay -i "$tmp/chosen-empty.dtb" -o "$tmp/check.dtb" "$out"
  same_tree "$cfg" / "$tmp/check.dtb" /chosen/partvisor-config
  ;;
merge)
  [ $# -eq 5 ] || die "usage: host-dtb.sh merge BASE.dtb OVERLAY.dtbo CONFIG.dtb OUT.dtb"
  base=$2 ovl=$3 cfg=$4 out=$5
  fdtget -l "$base" /chosen >/dev/null 2>&1 || die "$base has no /chosen node"
  if fdtget -l "$base" /chosen | grep -qx partvisor-config; then
    die "$base already has a /chosen/partvisor-config"
  fi
  fdtoverlay -i "$base" -o "$tmp/out.dtb" "$ovl"
  same_tree "$cfg" / "$tmp/out.dtb" /chosen/partvisor-config
  mv "$tmp/out.dtb" "$out"
  ;;
*)
  die "usage: host-dtb.sh dtbo CONFIG.dtb OUT.dtbo | merge BASE.dtb OVERLAY.dtbo CONFIG.dtb OUT.dtb"
  ;;
esac
