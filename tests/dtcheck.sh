#!/usr/bin/env bash
# Schema checks for partition configs (dt-schema 2022.08, offline):
#   1. dt-doc-validate: docs/bindings/partvisor-config.yaml (the config node) and
#      partvisor-chosen.yaml (/chosen/partvisor-config of a host tree) are valid bindings
#   2. dt-mk-schema:    processed schema (core schemas + ours) under $BUILD/dtcheck
#   3. every tests/configs/*.dts and platform/*/partitions*.dts is compiled with dtc
#      (warnings count as failures)
#      and checked with dt-validate, limited to our schema (-l) so the core schemas
#      (root-node.yaml wants model, #address-cells, ...) only provide types.
#      Files named bad-schema*.dts must be REJECTED by the schema; all others must
#      pass (bad-overlap / bad-hart-twice are schema-valid: config_parse rejects them).
#      Every file must also be matched by our schema, so a check cannot pass vacuously.
#   4. every config also as /chosen/partvisor-config of a host tree (tools/host-dtb.sh, as
#      make host-dtb does, on a minimal host tree), checked with both schemas (-l partvisor-):
#      bad-schema* rejected, the others valid; and a /chosen/partvisor-config without its
#      compatible must be rejected by partvisor-chosen.yaml.
# dt-validate exits 0 even when it reports errors, so its stderr is what counts.
# Prints PASS:/FAIL: lines and "N passed, M failed"; exit status non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
OUT=$BUILD/dtcheck
BINDINGS=docs/bindings
SCHEMA=$BINDINGS/partvisor-config.yaml
SCHEMA_ID='http://devicetree.org/schemas/partvisor-config.yaml#'
CHOSEN_SCHEMA=$BINDINGS/partvisor-chosen.yaml
CHOSEN_ID='http://devicetree.org/schemas/partvisor-chosen.yaml#'
PROCESSED=$OUT/processed.json

passed=0 failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# show a tool's output under a FAIL line
show() { sed 's/^/    | /' "$1"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

mkdir -p "$OUT"

missing=0
for tool in dtc dt-doc-validate dt-mk-schema dt-validate; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "tool $tool not found (make deps installs device-tree-compiler and dt-schema)"
    missing=1
  fi
done
[ $missing -eq 0 ] || finish

# 1. the bindings themselves
for schema in "$SCHEMA" "$CHOSEN_SCHEMA"; do
  log=$OUT/doc-validate-$(basename "$schema" .yaml).log
  if dt-doc-validate -u "$BINDINGS" "$schema" >"$log" 2>&1 && [ ! -s "$log" ]; then
    pass "dt-doc-validate $schema"
  else
    fail "dt-doc-validate $schema"; show "$log"
  fi
done

# 2. processed schema; dt-mk-schema drops a broken schema with only a warning, so look for our $ids
log=$OUT/mk-schema.log
if dt-mk-schema -j "$BINDINGS" -o "$PROCESSED" >"$log" 2>&1 && grep -qF "\"$SCHEMA_ID\"" "$PROCESSED" &&
   grep -qF "\"$CHOSEN_ID\"" "$PROCESSED"; then
  pass "dt-mk-schema $BINDINGS (schemas $SCHEMA_ID and $CHOSEN_ID present)"
else
  fail "dt-mk-schema $BINDINGS"; show "$log"
  finish
fi

# check_result DTS WHAT LOG SCHEMA-FILE: a dt-validate log (of WHAT, made from DTS) says what
# DTS's name promises: bad-schema* rejected by SCHEMA-FILE, everything else valid.
check_result() {
  local dts=$1 what=$2 log=$3 schema=$4
  case $(basename "$dts") in
  bad-schema*)
    if grep -q "From schema: .*$schema" "$log"; then
      pass "$what: rejected by the schema, as expected ($(grep -c 'From schema:' "$log") errors)"
    else
      fail "$what: expected schema errors, dt-validate reported none"; show "$log"
    fi
    ;;
  *)
    if [ ! -s "$log" ]; then
      pass "$what: schema-valid"
    else
      fail "$what: schema errors"; show "$log"
    fi
    ;;
  esac
}

# 4. a minimal host tree (board compatible, /chosen) to carry the configs
HOST_BASE=$OUT/host-base.dtb
printf '/dts-v1/;\n/ {\n\tcompatible = "riscv-virtio";\n\tchosen {\n\t\tstdout-path = "/soc/serial@10000000";\n\t};\n};\n' |
  dtc -q -I dts -O dtb -o "$HOST_BASE" -

# host_check DTS DTB: the compiled config DTB as /chosen/partvisor-config of the host tree,
# matched by both schemas and valid (bad-schema*: rejected by partvisor-config.yaml).
host_check() {
  local dts=$1 cfg=$2 hname hdtb hlog
  hname=${cfg%.dtb}.host
  hdtb=$hname.dtb hlog=$hname.log
  if ! bash tools/host-dtb.sh dtbo "$cfg" "$hname.dtbo" >"$hlog" 2>&1 ||
     ! bash tools/host-dtb.sh merge "$HOST_BASE" "$hname.dtbo" "$cfg" "$hdtb" >"$hlog" 2>&1; then
    fail "$dts in /chosen/partvisor-config: tools/host-dtb.sh"; show "$hlog"
    return
  fi
  dt-validate -M -s "$PROCESSED" -l partvisor- "$hdtb" >"$hlog" 2>&1
  if ! grep -qF "$CHOSEN_ID" "$hlog" || ! grep -qF "$SCHEMA_ID" "$hlog"; then
    fail "$dts in /chosen/partvisor-config: not matched by both schemas"; show "$hlog"
    return
  fi
  dt-validate -s "$PROCESSED" -l partvisor- "$hdtb" >"$hlog" 2>&1
  check_result "$dts" "$dts in /chosen/partvisor-config" "$hlog" partvisor-config.yaml
}

# 3. the configs (and 4. each in a host tree)
for dts in tests/configs/*.dts platform/*/partitions*.dts; do
  [ -e "$dts" ] || continue
  name=${dts%.dts}; name=${name//\//_}
  dtb=$OUT/$name.dtb
  log=$OUT/$name.log
  # configs may use the platform's macros (as the Makefile does; sample values here)
  if ! gcc -E -P -nostdinc -undef -x assembler-with-cpp -DLINUX_KERNEL_ADDR=0xb0000000 \
       -DLINUX_INITRD_ADDR=0xb4000000 -DLINUX_KERNEL_SIZE=0x1000000 -DLINUX_INITRD_SIZE=0x100000 \
       -o "$OUT/$name.pp.dts" "$dts" >"$log" 2>&1 ||
     ! dtc -I dts -O dtb -o "$dtb" "$OUT/$name.pp.dts" >"$log" 2>&1 || [ -s "$log" ]; then
    fail "$dts: dtc (errors or warnings)"; show "$log"
    continue
  fi
  # does our schema select the root node at all?
  if ! dt-validate -M -s "$PROCESSED" -l partvisor-config.yaml "$dtb" 2>&1 | grep -qF "$SCHEMA_ID"; then
    fail "$dts: not matched by $SCHEMA (root compatible must be \"partvisor,config\")"
    continue
  fi
  dt-validate -s "$PROCESSED" -l partvisor-config.yaml "$dtb" >"$log" 2>&1
  check_result "$dts" "$dts" "$log" partvisor-config.yaml
  host_check "$dts" "$dtb"
done

# 4. /chosen/partvisor-config without its compatible: partvisor-chosen.yaml must reject it
host=$OUT/tests_configs_two-testguests.host.dtb
nocompat=$OUT/host-nocompat.dtb
log=$OUT/host-nocompat.log
if [ -f "$host" ] && cp "$host" "$nocompat" &&
   fdtput -d "$nocompat" /chosen/partvisor-config compatible; then
  dt-validate -s "$PROCESSED" -l partvisor- "$nocompat" >"$log" 2>&1
  if grep -q "'compatible' is a required property" "$log" && grep -q "From schema: .*partvisor-chosen.yaml" "$log"; then
    pass "/chosen/partvisor-config without compatible: rejected by partvisor-chosen.yaml"
  else
    fail "/chosen/partvisor-config without compatible: expected an error from partvisor-chosen.yaml"; show "$log"
  fi
else
  fail "could not build $nocompat"
fi

finish
