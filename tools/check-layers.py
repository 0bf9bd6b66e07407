#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check partvisor's layering (docs/architecture.md, "Layout").

Two graphs are built and both must respect the layer order and have no cycle:
  * includes: every `#include "..."` of every source and header;
  * calls and data: for the firmware objects in BUILD/obj, each undefined symbol
    is resolved to the object that defines it (riscv64-unknown-elf-nm).
A folder may depend only on folders of a lower layer (or its own); modules
(a .c with its .h) of core/ and its subfolders must not form a cycle; drivers
never reach core. The upcalls the arch layer declares for the layer above
(vcpu_handle_exit, vcpu_handle_ecall and vcpu_handle_guest_page_fault in
arch/riscv/trap.h; hv_main and hart_main in arch/riscv/entry.h) are the only edges allowed upwards.
Prints one PASS:/FAIL: line per check; exits 1 on any failure.
Usage: check-layers.py [BUILD]   (BUILD defaults to build)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
# Layers, lowest first. Folders of one layer may use each other (without cycles).
LAYERS = [["include"], ["lib"], ["arch/riscv"], ["drivers/imsic", "drivers/pci", "drivers/iommu", "drivers/aplic", "drivers/uart"],
          ["core", "core/vdev", "core/vsbi"]]
RANK = {f: i for i, layer in enumerate(LAYERS) for f in layer}
# Declared by arch/riscv/trap.h and entry.h, implemented by core/exit.c and core/main.c.
UPCALLS = {"vcpu_handle_exit", "vcpu_handle_ecall", "vcpu_handle_guest_page_fault", "hv_main", "hart_main"}
# Inserted by the compiler (-fstack-protector), defined by arch/riscv/setup.c.
RUNTIME = {"__stack_chk_fail", "__stack_chk_guard"}
# Folders checked as one module: the extension table and its entries refer to each other by design.
ONE_MODULE = {"core/vsbi"}
SRC_DIRS = [f for layer in LAYERS for f in layer]
failures = 0


def result(ok, what):
    global failures
    print(("PASS: " if ok else "FAIL: ") + "layers: " + what)
    if not ok:
        failures += 1


def folder(path):
    return os.path.dirname(path) or "include"


def module(path):
    return folder(path) if folder(path) in ONE_MODULE else os.path.splitext(path)[0]


def sources():
    for d in SRC_DIRS:
        for name in sorted(os.listdir(os.path.join(ROOT, d))):
            if name.endswith((".c", ".h", ".S")):
                yield os.path.join(d, name)


def resolve(inc):
    """Project path of an included header, or None for system / generated headers."""
    if os.path.exists(os.path.join(ROOT, inc)) and "/" in inc:
        return inc
    if os.path.exists(os.path.join(ROOT, "include", inc)):
        return os.path.join("include", inc)
    return None


def find_cycle(graph):
    """A list of nodes forming a cycle in {node: set(nodes)}, or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def check(kind, edges):
    """edges: list of (from_path, to_path, why)."""
    bad = [(a, b, w) for a, b, w in edges if RANK[folder(b)] > RANK[folder(a)]]
    for a, b, w in bad[:10]:
        print(f"  {a} -> {b} ({w}): {folder(a)} may not depend on the higher layer {folder(b)}")
    result(not bad, f"{kind}: every dependency points down ({len(edges)} edges)")
    fgraph = {}
    for a, b, _ in edges:
        if folder(a) != folder(b):
            fgraph.setdefault(folder(a), set()).add(folder(b))
    # core and its subfolders are one layer, checked module by module below.
    fg = {a: {b for b in bs if not (RANK[a] == RANK[b] == RANK["core"])} for a, bs in fgraph.items()}
    c = find_cycle(fg)
    if c:
        print("  cycle: " + " -> ".join(c))
    result(c is None, f"{kind}: no cycle between folders")
    mgraph = {}
    for a, b, _ in edges:
        ma, mb = module(a), module(b)
        if ma != mb and folder(a).startswith("core") and folder(b).startswith("core"):
            mgraph.setdefault(ma, set()).add(mb)
    c = find_cycle(mgraph)
    if c:
        print("  cycle: " + " -> ".join(c))
    result(c is None, f"{kind}: no cycle between modules of core/")


# ---- includes ----
inc_edges = []
for src in sources():
    with open(os.path.join(ROOT, src), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m:
                h = resolve(m.group(1))
                if h and folder(h) in RANK:
                    inc_edges.append((src, h, "#include"))
check("includes", inc_edges)

# ---- symbols ----
objdir = os.path.join(ROOT, BUILD, "obj")
nm = os.environ.get("NM", "riscv64-unknown-elf-nm")
objs = {}
for d in SRC_DIRS:
    od = os.path.join(objdir, d)
    if os.path.isdir(od):
        for name in os.listdir(od):
            if name.endswith(".o"):
                base = name[:-2]
                for ext in (".c", ".S"):
                    if os.path.exists(os.path.join(ROOT, d, base + ext)):
                        objs[os.path.join(d, base + ext)] = os.path.join(od, name)
if not objs:
    result(False, f"symbols: no firmware objects under {BUILD}/obj (build first)")
    sys.exit(1)
defined, undefined = {}, {}
for src, obj in objs.items():
    out = subprocess.run([nm, obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.setdefault(src, set()).add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCVWS" + "tdbr".upper():
            defined.setdefault(parts[2], src)
sym_edges = []
for src, syms in undefined.items():
    for s in sorted(syms):
        dst = defined.get(s)
        if dst and dst != src and s not in UPCALLS | RUNTIME:
            sym_edges.append((src, dst, s))
check("symbols", sym_edges)
sys.exit(1 if failures else 0)
