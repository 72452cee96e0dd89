#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl (--strict) over every C source and header
# of drivers/, include/ and tools/ (tracked and untracked, not ignored).
# checkpatch.pl and its data files are extracted once from Debian's
# linux-source-6.12 tarball into a cache outside the repository.
#
#   scripts/checkpatch.sh            check all files
#   scripts/checkpatch.sh FILE...    check only these files
#
# Environment: OVNIC_LINUX_SOURCE (tarball, default the newest
# /usr/src/linux-source-6.12*.tar.xz), XDG_CACHE_HOME.
# Exits 1 when checkpatch reports any ERROR, WARNING or CHECK.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ovnic/checkpatch
members=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)

tarball=${OVNIC_LINUX_SOURCE:-}
if [ -z "$tarball" ]; then
	tarball=$(printf '%s\n' /usr/src/linux-source-6.12*.tar.xz | sort -V | tail -n 1)
fi
if [ ! -r "$tarball" ]; then
	echo "checkpatch: no linux-source-6.12 tarball (scripts/setup.sh installs it)" >&2
	exit 2
fi

# (Re)extract when missing or older than the tarball.
stamp=$cache/.source
if [ ! -x "$cache/scripts/checkpatch.pl" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$tarball" ] ||
	[ "$tarball" -nt "$stamp" ]; then
	echo "checkpatch: extracting checkpatch.pl from $tarball" >&2
	rm -rf "$cache.tmp"
	mkdir -p "$cache.tmp"
	pats=()
	for m in "${members[@]}"; do
		pats+=("*/$m")
	done
	tar -xJf "$tarball" -C "$cache.tmp" --strip-components=1 --wildcards "${pats[@]}"
	for m in "${members[@]}"; do
		[ -f "$cache.tmp/$m" ] || { echo "checkpatch: $m not in $tarball" >&2; exit 2; }
	done
	echo "$tarball" >"$cache.tmp/.source"
	rm -rf "$cache"
	mv "$cache.tmp" "$cache"
fi

cd "$ROOT"
files=()
if [ $# -gt 0 ]; then
	files=("$@")
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	while IFS= read -r f; do
		[ -f "$f" ] && files+=("$f")
	done < <(git ls-files -c -o --exclude-standard -- drivers include tools |
		grep -E '\.[ch]$' | sort -u)
else
	while IFS= read -r f; do
		files+=("$f")
	done < <(find drivers include tools -name '*.[ch]' -type f | sort)
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "checkpatch: no C files to check"
	exit 0
fi

echo "checkpatch: ${#files[@]} files"
rc=0
out=$(perl "$cache/scripts/checkpatch.pl" --strict --no-tree --show-types \
	--color=never -f "${files[@]}" 2>&1) || rc=$?
printf '%s\n' "$out"
if [ "$rc" != 0 ] || grep -qE '^(ERROR|WARNING|CHECK):' <<<"$out"; then
	echo "checkpatch: FAILED"
	exit 1
fi
echo "checkpatch: clean"
