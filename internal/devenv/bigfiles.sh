#!/usr/bin/env bash
# bigfiles.sh: fail when git tracks a file over 1 MB that is not listed in
# .ci/large-files (one path per line): a build output or a dump committed by
# mistake makes every clone slower for good.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
allowed=.ci/large-files
bad=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue
	size=$(stat -c %s "$f")
	if [ "$size" -gt 1048576 ] && ! grep -qxF "$f" "$allowed" 2>/dev/null; then
		echo "tracked file over 1 MB: $f ($((size / 1048576)) MB); remove it, ignore it, or list it in $allowed" >&2
		bad=1
	fi
done < <(git ls-files -z 2>/dev/null)
exit $bad
