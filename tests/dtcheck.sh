#!/usr/bin/env bash
# Schema checks for partition configs (dt-schema 2022.08, offline):
#   1. dt-doc-validate: docs/bindings/partvisor-config.yaml is a valid binding
#   2. dt-mk-schema:    processed schema (core schemas + ours) under $BUILD/dtcheck
#   3. every tests/configs/*.dts and platform/*/partitions*.dts is compiled with dtc
#      (warnings count as failures)
#      and checked with dt-validate, limited to our schema (-l) so the core schemas
#      (root-node.yaml wants model, #address-cells, ...) only provide types.
#      Files named bad-schema*.dts must be REJECTED by the schema; all others must
#      pass (bad-overlap / bad-hart-twice are schema-valid: config_parse rejects them).
#      Every file must also be matched by our schema, so a check cannot pass vacuously.
# dt-validate exits 0 even when it reports errors, so its stderr is what counts.
# Prints PASS:/FAIL: lines and "N passed, M failed"; exit status non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
OUT=$BUILD/dtcheck
BINDINGS=docs/bindings
SCHEMA=$BINDINGS/partvisor-config.yaml
SCHEMA_ID='http://devicetree.org/schemas/partvisor-config.yaml#'
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

# 1. the binding itself
log=$OUT/doc-validate.log
if dt-doc-validate -u "$BINDINGS" "$SCHEMA" >"$log" 2>&1 && [ ! -s "$log" ]; then
  pass "dt-doc-validate $SCHEMA"
else
  fail "dt-doc-validate $SCHEMA"; show "$log"
fi

# 2. processed schema; dt-mk-schema drops a broken schema with only a warning, so look for our $id
log=$OUT/mk-schema.log
if dt-mk-schema -j "$BINDINGS" -o "$PROCESSED" >"$log" 2>&1 && grep -qF "\"$SCHEMA_ID\"" "$PROCESSED"; then
  pass "dt-mk-schema $BINDINGS (schema $SCHEMA_ID present)"
else
  fail "dt-mk-schema $BINDINGS"; show "$log"
  finish
fi

# 3. the configs
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
  case $(basename "$dts") in
  bad-schema*)
    if grep -q "From schema: .*partvisor-config.yaml" "$log"; then
      pass "$dts: rejected by the schema, as expected ($(grep -c 'From schema:' "$log") errors)"
    else
      fail "$dts: expected schema errors, dt-validate reported none"; show "$log"
    fi
    ;;
  *)
    if [ ! -s "$log" ]; then
      pass "$dts: schema-valid"
    else
      fail "$dts: schema errors"; show "$log"
    fi
    ;;
  esac
done

finish
