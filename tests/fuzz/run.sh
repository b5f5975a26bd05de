#!/usr/bin/env bash
# make fuzz (and make test's "== fuzz" section): runs every fuzz target
# built into $FUZZ_BUILD (build/fuzz/fuzz-<name>, by make FUZZ=1 fuzz-build)
# for FUZZ_SECONDS (60) over its seeds in tests/fuzz/corpus/<name>/. New
# inputs it finds go to $FUZZ_BUILD/scratch/<name>/ (kept between runs, not
# in git), a crash's reproducer to $FUZZ_BUILD/crashes/<name>-crash-<sha1>.
# tests/fuzz/<name>.dict, when there is one, gives libFuzzer the tokens of
# the target's format. One line per target ("ok NAME: ..." or "FAIL NAME: ..." with the
# reproducer's path), then "fuzz: N passed, N failed"; exit status 1 on any
# failure. FUZZ_TARGETS=form,range runs only those.
#
# A reproducer runs again with: build/fuzz/fuzz-<name> <file>
set -u
cd "$(dirname "$0")/../.." || exit 2
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# Leaks count (LeakSanitizer after each input); UBSan's reports are fatal
# already (-fno-sanitize-recover=all), with their stacks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LOA_LOG_LEVEL=${LOA_LOG_LEVEL:-error}

passed=0 failed=0
mkdir -p "$FUZZ_BUILD/crashes"
for src in tests/fuzz/*.c; do
    name=$(basename "$src" .c)
    if [ -n "${FUZZ_TARGETS:-}" ]; then
        case ",$FUZZ_TARGETS," in *",$name,"*) ;; *) continue ;; esac
    fi
    bin=$FUZZ_BUILD/fuzz-$name
    seeds=tests/fuzz/corpus/$name
    scratch=$FUZZ_BUILD/scratch/$name
    log=$FUZZ_BUILD/logs/$name.log
    if [ ! -x "$bin" ]; then
        echo "   FAIL $name: $bin not built (make FUZZ=1 fuzz-build)"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$scratch" "$(dirname "$log")"
    # The first directory takes what the run finds; the seeds are only read.
    # -timeout: an input taking 10 s is a hang, a finding like a crash.
    # tests/fuzz/<name>.dict: tokens the target's format is made of.
    args=(-max_total_time="$FUZZ_SECONDS" -timeout=10 -max_len=8192 -print_final_stats=1
        -artifact_prefix="$FUZZ_BUILD/crashes/$name-")
    if [ -f "tests/fuzz/$name.dict" ]; then args+=(-dict="tests/fuzz/$name.dict"); fi
    "$bin" "${args[@]}" "$scratch" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(sed -n 's/^stat::.*//; s/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
    if [ "$rc" = 0 ]; then
        echo "   ok $name: ${runs:-?} runs in ${secs:-$FUZZ_SECONDS} s, corpus $(ls "$scratch" | wc -l) new + $(ls "$seeds" | wc -l) seeds"
        passed=$((passed + 1))
    else
        repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        echo "   FAIL $name: exit $rc after ${runs:-?} runs; reproducer: ${repro:-none written}; log: $log"
        grep -m1 -A12 'ERROR: \|runtime error:\|property failed' "$log" | sed 's/^/      /'
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
