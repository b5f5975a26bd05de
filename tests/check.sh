#!/usr/bin/env bash
# make check: the unit tests alone, in well under a minute: tests/unit.sh's
# unit_run in a temporary directory, with throw-away PostgreSQL clusters
# (deploy/stack.sh's stack_pg_start) on free ports, removed afterwards. Ends
# with the line "unit: N passed, N failed" (exit status 1 on any failure).
set -u
cd "$(dirname "$0")/.." || exit 2
export BUILD=${BUILD:-build/sanitize}
export LOA_LOG_LEVEL=${LOA_LOG_LEVEL:-info}
. deploy/stack.sh
. tests/unit.sh

mkdir -p "${LOA_TEST_TMPDIR:-/tmp}"
C_TMP=$(mktemp -d "${LOA_TEST_TMPDIR:-/tmp}/loa-check.XXXXXX") && [ -n "$C_TMP" ] || {
    echo "cannot make a temporary directory in ${LOA_TEST_TMPDIR:-/tmp}" >&2
    exit 2
}
chmod 755 "$C_TMP"
cleanup() {
    unit_stop "$C_TMP"
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $C_TMP"; else rm -rf "$C_TMP"; fi
}
trap cleanup EXIT

start=$(date +%s)
echo "== unit tests ($BUILD)"
unit_run "$C_TMP"
echo "   in $(($(date +%s) - start)) s"
echo "unit: $UNIT_PASSED passed, $UNIT_FAILED failed"
[ "$UNIT_FAILED" = 0 ]
