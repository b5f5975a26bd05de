#!/usr/bin/env bash
# make lint: the static checks, also run by make test (tests/run.sh), so
# CI fails on them. Each prints "ok   WHAT" or "FAIL WHAT" and its findings;
# the last line is "lint: N passed, N failed" (exit status 1 on any failure).
#   clang-format  every tracked .c and .h as .clang-format wants (make format
#                 rewrites them)
#   Cppcheck      warning, portability and performance checks of every
#                 tracked .c; false positives in tests/cppcheck.supp, each
#                 with why
#   ShellCheck    every tracked shell script (*.sh, and scripts whose first
#                 line names sh or bash), warnings and errors
set -u
cd "$(dirname "$0")/.." || exit 2

L_PASSED=0
L_FAILED=0
# lint_step WHAT CMD...: runs CMD, counts it, shows its output when it fails.
lint_step() {
    local what=$1 out
    shift
    if out=$("$@" 2>&1); then
        L_PASSED=$((L_PASSED + 1))
        echo "  ok   $what"
    else
        L_FAILED=$((L_FAILED + 1))
        echo "  FAIL $what"
        printf '%s\n' "$out" | head -200 | sed 's/^/     /'
    fi
}

mapfile -t l_sources < <(git ls-files '*.c' '*.h')
mapfile -t l_c < <(git ls-files '*.c')
mapfile -t l_scripts < <(git ls-files | while read -r f; do
    case $f in
    *.sh) echo "$f" ;;
    *) [ -f "$f" ] && head -n 1 "$f" | grep -qE '^#!(/usr/bin/env |/bin/)(ba)?sh$' && echo "$f" ;;
    esac
done)

lint_step "clang-format: ${#l_sources[@]} files formatted as .clang-format wants (make format)" \
    clang-format --dry-run --Werror "${l_sources[@]}"
lint_step "cppcheck: warning, portability, performance in ${#l_c[@]} files" \
    cppcheck --std=c11 -D_GNU_SOURCE --enable=warning,portability,performance --error-exitcode=1 \
    --quiet --inline-suppr --suppressions-list=tests/cppcheck.supp -j 2 \
    -I services/common -I gateway -I tests/unit -I services/quota-svc -I services/media-svc \
    -I services/content-svc -I services/feedback-svc -I services/notify-svc \
    "${l_c[@]}"
lint_step "shellcheck: warnings and errors in ${#l_scripts[@]} scripts" \
    shellcheck -S warning -x "${l_scripts[@]}"

echo "lint: $L_PASSED passed, $L_FAILED failed"
[ "$L_FAILED" = 0 ]
