#!/bin/sh
# Regenerates t2s_table.go: the common traditional→simplified pairs used by
# the keyword normaliser. Needs the Debian package "opencc" and python3; the
# generated file is committed, nothing runs at build or run time.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -c "print('\n'.join(chr(c) for c in range(0x4E00, 0x9FA6)))" >"$tmp/t.txt"
opencc -c t2s -i "$tmp/t.txt" -o "$tmp/s.txt"
paste "$tmp/t.txt" "$tmp/s.txt" | python3 -c '
import sys
pairs = []
for line in sys.stdin:
    t, s = line.rstrip("\n").split("\t")
    if t == s or len(s) != 1:
        continue
    try:
        t.encode("big5"); s.encode("gb2312")
    except UnicodeError:
        continue
    pairs.append(t + s)
s = "".join(pairs)
rows = ["\t\"" + s[i:i + 60] + "\" +" for i in range(0, len(s), 60)]
rows[-1] = rows[-1][:-2]
print("// Code generated from OpenCC 1.1.6 t2s; DO NOT EDIT.")
print("//")
print("// Origin: every CJK character U+4E00–U+9FA5 run one per line through")
print("// `opencc -c t2s` (OpenCC data, Apache-2.0, Debian package opencc")
print("// 1.1.6+ds1-1), keeping the single-character changes whose traditional form")
print("// is in Big5 and whose simplified form is in GB 2312 — the common pairs, %d" % len(pairs))
print("// of them. Regenerate with review/rules/gen_t2s.sh.")
print()
print("package rules")
print()
print("// t2sPairs holds traditional→simplified pairs, two runes per pair.")
print("const t2sPairs = \"\" +")
print("\n".join(rows))
' >t2s_table.go
gofmt -l t2s_table.go
