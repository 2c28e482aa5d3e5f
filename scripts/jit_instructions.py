#!/usr/bin/env python3
"""Instructions executed per JIT-compiled function: callgrind's per-instruction counts of a
Node run (`--dump-instr=yes`) mapped onto the functions of V8's jitdump (`node --perf-prof`).

    jit_instructions.py JIT_DUMP CALLGRIND_OUT [PATTERN]

Prints one line per function whose name matches PATTERN (a regex, default: the engine's
crates) with millions of instructions (from 0.1 M), and the total of all that match. Used by scripts/wasm-instructions.sh.
"""

import bisect
import collections
import re
import struct
import sys

JIT_CODE_LOAD = 0
# Header: magic, version, total_size, elf_mach, pad1, pid, timestamp, flags.
HEADER = struct.Struct("<IIIIIIQQ")
# Record prefix: id, total_size, timestamp; a code load then has pid, tid, vma, code_addr,
# code_size, code_index, the name (NUL-terminated) and the code.
PREFIX = struct.Struct("<IIQ")
CODE_LOAD = struct.Struct("<IIQQQQ")


def code_ranges(path):
    data = open(path, "rb").read()
    offset = HEADER.unpack_from(data, 0)[2]
    ranges = []
    while offset + PREFIX.size <= len(data):
        kind, size, _ = PREFIX.unpack_from(data, offset)
        if size == 0:
            break
        if kind == JIT_CODE_LOAD:
            _, _, _, addr, code_size, _ = CODE_LOAD.unpack_from(data, offset + PREFIX.size)
            start = offset + PREFIX.size + CODE_LOAD.size
            name = data[start:data.index(b"\0", start)].decode(errors="replace")
            ranges.append((addr, addr + code_size, name))
        offset += size
    ranges.sort()
    return ranges


def costs(path):
    """Yields (instruction address, count) from a callgrind file written with --dump-instr=yes,
    leaving out the inclusive cost lines that follow `calls=`."""
    address, after_call = 0, False
    position = re.compile(r"^(0x[0-9a-f]+|[+-][0-9]+|\*)\s+\S+\s+(\d+)")
    for line in open(path):
        if line.startswith("calls="):
            after_call = True
            continue
        match = position.match(line)
        if not match:
            continue
        token = match.group(1)
        if token.startswith("0x"):
            address = int(token, 16)
        elif token[0] in "+-":
            address += int(token)
        if after_call:
            after_call = False
            continue
        yield address, int(match.group(2))


def main():
    dump, out = sys.argv[1], sys.argv[2]
    pattern = re.compile(sys.argv[3] if len(sys.argv) > 3 else r"scalelab|libm")
    ranges = code_ranges(dump)
    starts = [r[0] for r in ranges]
    per_function = collections.Counter()
    for address, count in costs(out):
        i = bisect.bisect_right(starts, address) - 1
        if i >= 0 and address < ranges[i][1]:
            per_function[ranges[i][2]] += count
    total = 0
    for name, count in per_function.most_common():
        if pattern.search(name):
            total += count
            if count < 100_000:
                continue
            short = re.sub(r"::h[0-9a-f]{16}", "", name)
            print(f"{count / 1e6:10.1f} M  {short}")
    print(f"{total / 1e6:10.1f} M  total")


if __name__ == "__main__":
    main()
