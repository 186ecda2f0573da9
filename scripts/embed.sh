#!/bin/sh
# embed.sh NAME FILE -- prints a C file defining `const char NAME[]` with FILE's bytes and
# `const size_t NAME_len`, so data (the built-in capsdb entry) is compiled into the binary.
set -eu
name=$1
file=$2
echo "/* Generated from $file by scripts/embed.sh; do not edit. */"
echo "#include <stddef.h>"
echo "extern const char ${name}[];"
echo "extern const size_t ${name}_len;"
echo "const char ${name}[] = {"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
echo "0};"
echo "const size_t ${name}_len = sizeof(${name}) - 1;"
