#!/usr/bin/env bash
# Profiles the uncached by-slug read end to end (issue 15, item 4): starts a
# throw-away stack (deploy/stack.sh) from $BUILD, loads the bench's 10,000
# articles, warms up, then loads
#   GET /api/v1/articles/bench-bai-viet-5000  with  Cache-Control: no-cache
# with wrk, PROFILE_SECONDS a run:
#   1. plain, PROFILE_ROUNDS times: wrk's figures and each program's CPU time
#      per request, from /proc/<pid>/stat (utime + stime) before and after
#      (the median of the rounds: other work on the machine disturbs them);
#   2. perf stat: syscalls, context switches and CPU migrations per request;
#   3. perf record -F PROFILE_FREQ -g of every process of the stack (the five
#      programs from their pid files, the postmaster and all its children),
#      rendered as one SVG flame graph per program (gateway, content-svc,
#      postgres) and one of the whole stack, plus folded stacks and the top
#      frames (self and total) of each program.
# See docs/performance.md ("Profiling the uncached by-slug read").
#
#   tests/bench/profile.sh [OUTDIR]     (default: a new temporary directory)
#
# Settings (environment):
#   BUILD               where the programs are (default build; relative to CHECKOUT)
#   CHECKOUT            the source tree the programs were built from: its
#                       deploy/stack.sh, tests/bench/articles.sql and web/ are
#                       used (default: the checkout holding this script). The
#                       flame graph tool is always this script's own
#                       (tests/bench/profile/, npm ci on first use).
#   PROFILE_SECONDS     length of each run (default 10)
#   PROFILE_ROUNDS      plain runs, for the median CPU per request (default 3)
#   PROFILE_WARMUP      seconds of unmeasured load first (default 3)
#   PROFILE_CONNECTIONS wrk's connections (default 64)
#   PROFILE_THREADS     wrk's threads (default 2)
#   PROFILE_FREQ        samples per second of each thread on CPU (default 999)
#   PROFILE_CALLGRAPH   perf's --call-graph: dwarf (default; Debian's libraries
#                       and PostgreSQL have no frame pointers), dwarf,SIZE, fp
#   PROFILE_INLINE      1 (default): perf script names inlined functions too
#                       (static functions of -O2 code); 0: faster, callers only
#   PROFILE_LABEL       prefix of the output files and titles (e.g. before)
#   PROFILE_PATH        the route (default the bench's article by slug)
#   PROFILE_MINWIDTH    narrowest frame drawn, in pixels of 1200 (default 0.5)
#   PROFILE_KEEP        1: keep the stack's directory (logs, database)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "${CHECKOUT:-$HERE/../..}" && pwd)
# The output directory, relative to where the script was started.
OUT=${1:-$(mktemp -d "${TMPDIR:-/tmp}/loa-profile-out.XXXXXX")}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$CHECKOUT"
BUILD=$(cd "${BUILD:-build}" && pwd)
export BUILD
PROFILE_SECONDS=${PROFILE_SECONDS:-10}
PROFILE_WARMUP=${PROFILE_WARMUP:-3}
PROFILE_CONNECTIONS=${PROFILE_CONNECTIONS:-64}
PROFILE_THREADS=${PROFILE_THREADS:-2}
PROFILE_FREQ=${PROFILE_FREQ:-999}
PROFILE_CALLGRAPH=${PROFILE_CALLGRAPH:-dwarf}
PROFILE_INLINE=${PROFILE_INLINE:-1}
PROFILE_LABEL=${PROFILE_LABEL:-}
PROFILE_PATH=${PROFILE_PATH:-/api/v1/articles/bench-bai-viet-5000}
PROFILE_KEEP=${PROFILE_KEEP:-0}
PROFILE_MINWIDTH=${PROFILE_MINWIDTH:-0.5}
PROFILE_ROUNDS=${PROFILE_ROUNDS:-3}
PREFIX=${PROFILE_LABEL:+$PROFILE_LABEL-}

die() {
    echo "profile: $*" >&2
    exit 1
}
say() { echo "profile: $*" >&2; }

for v in PROFILE_SECONDS PROFILE_WARMUP PROFILE_CONNECTIONS PROFILE_THREADS PROFILE_FREQ PROFILE_ROUNDS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not [${!v}]"
done
[ "$PROFILE_SECONDS" -ge 1 ] || die "PROFILE_SECONDS must be at least 1"
[ "$PROFILE_ROUNDS" -ge 1 ] || die "PROFILE_ROUNDS must be at least 1"
[ "$PROFILE_FREQ" -ge 1 ] || die "PROFILE_FREQ must be at least 1"
[ "$PROFILE_CONNECTIONS" -ge "$PROFILE_THREADS" ] || die "PROFILE_CONNECTIONS must be at least PROFILE_THREADS"
[[ $PROFILE_LABEL =~ ^[A-Za-z0-9._-]*$ ]] || die "PROFILE_LABEL may hold letters, digits, '.', '_' and '-' only"
for c in perf wrk curl awk ps; do
    command -v "$c" >/dev/null 2>&1 || die "$c is not installed (perf: apt-get install linux-perf)"
done
# PostgreSQL runs as the postgres user: only root may sample it (or anyone
# when kernel.perf_event_paranoid is -1).
if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt -1 ]; then
    die "perf must sample other users' processes: run as root (or sysctl kernel.perf_event_paranoid=-1)"
fi
[ -f deploy/stack.sh ] || die "$CHECKOUT/deploy/stack.sh is missing (CHECKOUT)"
[ -x "$BUILD/gateway" ] || die "$BUILD/gateway is missing (run make in $CHECKOUT first)"

# The flame graph generator: thlorenz/flamegraph from npm, pinned by
# tests/bench/profile/package-lock.json. Without node and npm the run still
# writes the folded stacks and the top frames.
FLAMEGRAPH=$HERE/profile/node_modules/.bin/flamegraph
if [ ! -x "$FLAMEGRAPH" ]; then
    if command -v npm >/dev/null 2>&1; then
        say "installing the flame graph generator (npm ci in $HERE/profile)"
        (cd "$HERE/profile" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
            say "npm ci failed: no SVGs, folded stacks only"
    else
        say "npm is not installed: no SVGs, folded stacks only"
    fi
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/loa-profile.XXXXXX")
PERF_PID=""

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$PERF_PID" ]; then
        kill -INT "$PERF_PID" 2>/dev/null || true
        wait "$PERF_PID" 2>/dev/null || true
    fi
    if declare -F stack_down >/dev/null; then
        stack_down || true
    fi
    if [ "$PROFILE_KEEP" = 1 ] || [ "$rc" -ne 0 ]; then
        echo "profile: the stack's directory is kept: $DIR" >&2
    else
        rm -rf "$DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=/dev/null
. deploy/stack.sh
say "starting the stack from $BUILD under $DIR"
stack_up "$DIR" || die "the stack did not start (see $DIR/logs)"
[ -n "${GW:-}" ] || die "stack_up did not set GW"
say "loading 10,000 published articles"
PGOPTIONS='--client-min-messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$LOA_DB_URL" \
    -f tests/bench/articles.sql >"$DIR/articles-load.txt" 2>&1 ||
    die "loading the articles failed (see $DIR/articles-load.txt)"

URL=$GW$PROFILE_PATH
HDR=(-H 'Accept: application/json' -H 'Cache-Control: no-cache')
code=$(curl -s -o "$OUT/body.json" -w '%{http_code}' --max-time 10 "${HDR[@]}" "$URL") || code=000
[ "$code" = 200 ] || die "GET $PROFILE_PATH answered HTTP $code"
BODY_BYTES=$(wc -c <"$OUT/body.json")

# ------------------------------------------------------------ the processes
# program PID lines: the six programs, the postmaster and its children.
: >"$OUT/pids-programs.txt"
for p in $STACK_PROGRAMS; do
    pid=$(cat "$DIR/pids/$p" 2>/dev/null) || die "no pid file for $p"
    kill -0 "$pid" 2>/dev/null || die "$p ($pid) is not running (see $DIR/logs/$p.log)"
    echo "$p $pid" >>"$OUT/pids-programs.txt"
done
PM_PID=$(head -1 "$DIR/pgdata/postmaster.pid")
# refresh_pids: OUT/pids.txt anew: the programs, the postmaster and its
# children now (autovacuum workers come and go; perf refuses to start when a
# pid it was given has gone).
refresh_pids() {
    {
        cat "$OUT/pids-programs.txt"
        echo "postgres $PM_PID"
        ps -o pid= --ppid "$PM_PID" | awk '{ print "postgres", $1 }'
    } >"$OUT/pids.txt"
}
refresh_pids
pids_of() { awk -v p="$1" '$1 == p { print $2 }' "$OUT/pids.txt"; }
PROGRAMS="gateway content-svc postgres"
OTHERS="feedback-svc quota-svc media-svc notify-svc"
HZ=$(getconf CLK_TCK)

# cpu_ticks PROGRAM: utime + stime of its processes (all threads), in clock
# ticks; the postmaster's also counts its children that ended (cutime +
# cstime), so a backend or autovacuum worker that exits mid-run is not lost.
cpu_ticks() {
    local pid
    for pid in $(pids_of "$1"); do
        # The command name may hold spaces: the fields after its ')'.
        sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null |
            awk -v pm=$((pid == PM_PID)) '{ print $12 + $13 + (pm ? $14 + $15 : 0) }'
    done | awk '{ s += $1 } END { print s + 0 }'
}
# cpu_snapshot: "program ticks" lines, now.
cpu_snapshot() {
    local p
    refresh_pids
    for p in $PROGRAMS $OTHERS; do echo "$p $(cpu_ticks "$p")"; done
}

# wrk's one-line result (as tests/bench/run.sh): requests/s, p50 and p99 in
# microseconds, requests, errors.
cat >"$OUT/report.lua" <<'LUA'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "LOA_RESULT rps=%.1f p50=%d p99=%d requests=%d socket_errors=%d non2xx=%d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(99), summary.requests,
        e.connect + e.read + e.write + e.timeout, e.status))
end
LUA
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; }

# measure NAME LABEL: PROFILE_SECONDS of wrk, each program's CPU time read
# before and after. Appends "NAME program µs-per-request seconds" lines to
# OUT/cpu.txt (the programs, "stack" for their sum, "wrk" for the load
# itself) and wrk's figures to OUT/wrk.txt; sets REQS.
measure() {
    local name=$1 label=$2 out=$OUT/wrk-$1.txt line before after errs non2xx TIMEFORMAT='%U %S'
    say "run '$name': GET $PROFILE_PATH (no-cache), ${PROFILE_SECONDS}s, $PROFILE_CONNECTIONS connections"
    before=$(cpu_snapshot)
    { time wrk -t"$PROFILE_THREADS" -c"$PROFILE_CONNECTIONS" -d"${PROFILE_SECONDS}s" --latency \
        "${HDR[@]}" -s "$OUT/report.lua" "$URL" >"$out" 2>&1; } 2>"$OUT/wrk-$name.time" ||
        die "wrk failed: $(tail -1 "$out")"
    after=$(cpu_snapshot)
    line=$(grep '^LOA_RESULT ' "$out" | tail -1) || die "no result in $out"
    REQS=$(field requests "$line") errs=$(field socket_errors "$line") non2xx=$(field non2xx "$line")
    [ "$REQS" -gt 0 ] || die "wrk made no request"
    # A few socket errors (wrk's 2 s timeout, on a machine shared with other
    # work) are shown, not fatal; answers other than 2xx would profile
    # something else than the read.
    [ $((non2xx * 100)) -le "$REQS" ] || die "$non2xx of $REQS answers were not 2xx"
    printf '  %-26s %8.0f req/s  p50 %s  p99 %s  (%s requests in %s s%s)\n' "$label" \
        "$(field rps "$line")" "$(ms "$(field p50 "$line")")" "$(ms "$(field p99 "$line")")" "$REQS" \
        "$PROFILE_SECONDS" "$([ "$errs$non2xx" = 00 ] || echo ", ERRORS: $errs socket errors, $non2xx non-2xx")" \
        >>"$OUT/wrk.txt"
    {
        printf '%s\n' "$before" | sed 's/^/before /'
        printf '%s\n' "$after" | sed 's/^/after /'
        echo "wrkcpu $(awk '{ print $1 + $2 }' "$OUT/wrk-$name.time")"
    } | awk -v name="$name" -v n="$REQS" -v hz="$HZ" '
        $1 == "before" { b[$2] = $3 }
        $1 == "after" { a[$2] = $3; order[++k] = $2 }
        $1 == "wrkcpu" { w = $2 }
        END {
            for (i = 1; i <= k; i++) {
                p = order[i]; t = (a[p] - b[p]) / hz; all += t
                printf "%s %s %.1f %.2f\n", name, p, 1e6 * t / n, t
            }
            printf "%s stack %.1f %.2f\n", name, 1e6 * all / n, all
            printf "%s wrk %.1f %.2f\n", name, 1e6 * w / n, w
        }' >>"$OUT/cpu.txt"
}

# cpu_table: the CPU time per request of each program in each plain round,
# their median and minimum, and under perf record.
cpu_table() {
    awk -v rounds="$PROFILE_ROUNDS" -v progs="$PROGRAMS $OTHERS stack wrk" '
        { us[$1, $2] = $3 }
        END {
            printf "  %-16s", "program"
            for (r = 1; r <= rounds; r++) printf " %11s", "round " r
            printf " %11s %11s %14s\n", "median", "min", "perf record"
            np = split(progs, pr, " ")
            for (i = 1; i <= np; i++) {
                p = pr[i]
                label = p == "stack" ? "all the stack" : p == "wrk" ? "wrk (the load)" : p
                printf "  %-16s", label
                for (r = 1; r <= rounds; r++) { v[r] = us["plain" r, p]; printf " %8.1f µs", v[r] }
                for (a = 2; a <= rounds; a++) {
                    t = v[a]
                    for (b = a - 1; b >= 1 && v[b] > t; b--) v[b + 1] = v[b]
                    v[b + 1] = t
                }
                med = rounds % 2 ? v[(rounds + 1) / 2] : (v[rounds / 2] + v[rounds / 2 + 1]) / 2
                printf " %8.1f µs %8.1f µs %11.1f µs\n", med, v[1], us["perf", p]
            }
        }' "$OUT/cpu.txt"
}

# start_perf LOG ARGS...: starts perf ARGS PIDS in the background (PIDS from
# pids_of_args; PERF_STARTED is its pid), listing the stack's processes anew
# and trying again when one of them ended before perf attached.
start_perf() {
    local log=$1 try
    shift
    for try in 1 2 3 4 5; do
        refresh_pids
        perf "$@" "$(pids_of_args)" >"$log" 2>&1 &
        PERF_STARTED=$!
        sleep 0.5
        kill -0 "$PERF_STARTED" 2>/dev/null && return 0
        wait "$PERF_STARTED" 2>/dev/null || true
        say "perf $1 did not start (try $try): $(grep -v '^ *$' "$log" | head -1)"
    done
    die "perf $1 did not start: see $log"
}

if [ "$PROFILE_WARMUP" -gt 0 ]; then
    say "warming up for ${PROFILE_WARMUP}s"
    wrk -t"$PROFILE_THREADS" -c"$PROFILE_CONNECTIONS" -d"${PROFILE_WARMUP}s" "${HDR[@]}" "$URL" >/dev/null 2>&1 || true
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$OUT/cpu.txt"
: >"$OUT/wrk.txt"

# ------------------------------------------------------------ 1. plain
for r in $(seq "$PROFILE_ROUNDS"); do measure "plain$r" "plain, round $r"; done

# ------------------------------------------------------------ 2. perf stat
# One perf stat per program, counting over all its threads.
STAT_EVENTS=task-clock,context-switches,cpu-migrations,raw_syscalls:sys_enter
declare -a STAT_PIDS=()
for p in $PROGRAMS; do
    pids_of_args() { pids_of "$p" | paste -sd,; }
    start_perf "$OUT/stat-$p.log" stat -x, -e "$STAT_EVENTS" -o "$OUT/stat-$p.csv" -p
    STAT_PIDS+=("$PERF_STARTED")
done
measure stat "under perf stat"
kill -INT "${STAT_PIDS[@]}" 2>/dev/null || true
wait "${STAT_PIDS[@]}" 2>/dev/null || true
STAT_REQS=$REQS
stat_table() {
    local p
    printf '  %-14s %16s %18s %12s %10s\n' "program" "CPU (task-clock)" "context switches" "migrations" "syscalls"
    for p in $PROGRAMS; do
        awk -F, -v p="$p" -v n="$STAT_REQS" '
            $3 == "task-clock" { tc = $1 }
            $3 == "context-switches" { cs = $1 }
            $3 == "cpu-migrations" { mi = $1 }
            $3 == "raw_syscalls:sys_enter" { sc = $1 }
            END { printf "  %-14s %13.1f µs %18.2f %12.3f %10.2f\n", p, 1000 * tc / n, cs / n, mi / n, sc / n }' \
            "$OUT/stat-$p.csv"
    done
}
STAT_TABLE=$(stat_table)

# ------------------------------------------------------------ 3. perf record
pids_of_args() { awk '{ print $2 }' "$OUT/pids.txt" | paste -sd,; }
say "perf record -F $PROFILE_FREQ --call-graph $PROFILE_CALLGRAPH of the stack's processes"
start_perf "$OUT/perf-record.log" record -F "$PROFILE_FREQ" -g --call-graph "$PROFILE_CALLGRAPH" \
    -o "$OUT/perf.data" -p
PERF_PID=$PERF_STARTED
cp "$OUT/pids.txt" "$OUT/pids-recorded.txt"
measure perf "under perf record"
kill -INT "$PERF_PID"
wait "$PERF_PID" || true
PERF_PID=""
# Every process sampled, also those gone since (for the split by program).
refresh_pids
sort -u "$OUT/pids-recorded.txt" "$OUT/pids.txt" -o "$OUT/pids.txt"
CPU_TABLE=$(cpu_table)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

stack_down
trap - EXIT INT TERM
if [ "$PROFILE_KEEP" = 1 ]; then say "the stack's directory is kept: $DIR"; else rm -rf "$DIR"; fi
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ stacks
say "perf script (unwinding the samples; this takes a while)"
SCRIPT_OPTS=(-F 'comm,pid,time,period,event,ip,sym,dso')
[ "$PROFILE_INLINE" = 1 ] || SCRIPT_OPTS+=(--no-inline)
perf script -i "$OUT/perf.data" "${SCRIPT_OPTS[@]}" 2>"$OUT/perf-script.log" >"$OUT/perf.script" ||
    die "perf script failed: $(tail -3 "$OUT/perf-script.log")"

# Splits perf script's samples by program (by pid), naming each sample's
# command after its program and each unknown symbol after its file
# ("[postgres]", "[libc.so.6]"); writes OUT/stacks-PROGRAM.txt (perf script's
# format, for the flame graph), OUT/stacks-stack.txt (every sample, with its
# program as the root frame) and OUT/folded.txt ("program;root;...;leaf N").
awk -v out="$OUT" '
    function flush(   i, s, f) {
        if (!prog) return
        s = prog
        for (i = nf; i >= 1; i--) s = s ";" names[i]
        folded[s]++
        # the object (executable, library, kernel) the sample was in
        o = "?"
        for (i = 1; i <= nf; i++) if (dsos[i] != "inlined") { o = dsos[i]; sub(/.*\//, "", o); break }
        objects[prog "\t" o]++
        f = out "/stacks-" prog ".txt"
        print head > f
        for (i = 1; i <= nf; i++) print frames[i] > f
        print "" > f
        # the converter names the root after the first sample command
        h = head; sub(/^[^ ]+/, "loa-stack", h)
        print h > all
        for (i = 1; i <= nf; i++) print frames[i] > all
        print "\t0 " prog " ([loa])" > all
        print "" > all
        prog = ""
    }
    FNR == NR { program[$2] = $1; next }
    BEGIN { all = out "/stacks-stack.txt" }
    /^[^ \t]/ {
        flush()
        # comm pid time: period event: (comm may hold spaces)
        n = split($0, w, " ")
        for (i = 1; i <= n; i++) if (w[i] ~ /^[0-9]+$/ && w[i + 1] ~ /^[0-9]+\.[0-9]+:$/) break
        pid = w[i]
        prog = (pid in program) ? program[pid] : "other"
        rest = ""
        for (j = i; j <= n; j++) rest = rest " " w[j]
        head = prog rest
        nf = 0
        next
    }
    /^[ \t]+[0-9a-f]+ / && prog {
        line = $0
        sub(/^[ \t]+/, "", line)
        ip = line; sub(/ .*/, "", ip)
        sym = substr(line, length(ip) + 2)
        dso = sym
        sub(/ \([^()]*\)$/, "", sym)
        dso = substr(dso, length(sym) + 3); sub(/\)$/, "", dso)
        if (sym == "[unknown]" || sym == "") {
            d = dso; sub(/.*\//, "", d)
            sym = (d ~ /^\[/) ? d : "[" d "]"
        }
        gsub(/;/, ":", sym)
        nf++
        names[nf] = sym
        dsos[nf] = dso
        frames[nf] = "\t" ip " " sym " (" dso ")"
        next
    }
    /^$/ { flush() }
    END {
        flush()
        for (s in folded) print s, folded[s] > (out "/folded.txt")
        for (s in objects) print objects[s] "\t" s > (out "/objects.txt")
    }
' "$OUT/pids.txt" "$OUT/perf.script"
[ -s "$OUT/folded.txt" ] || die "no samples of the stack's processes in $OUT/perf.data"
sort -o "$OUT/folded.txt" "$OUT/folded.txt"

# top PROGRAM N: the N functions with the most samples of PROGRAM, self
# (the leaf) and total (anywhere in the stack, but the roots that are in 90 %
# of the samples or more: main, start_thread, clone...), as shares of its
# samples.
top() {
    local p=$1 n=$2 total
    total=$(awk -v p="$p" 'index($0, p ";") == 1 { t += $NF } END { print t + 0 }' "$OUT/folded.txt")
    echo "  $p: $total samples"
    [ "$total" -gt 0 ] || return 0
    echo "    by object (where the samples were, self):"
    sort -t"$(printf '\t')" -k1,1nr "$OUT/objects.txt" |
        awk -F'\t' -v p="$p" -v t="$total" '$2 == p && $1 >= 0.01 * t { printf "    %5.1f%%  %s\n", 100 * $1 / t, $3 }'
    echo "    self    function"
    awk -v p="$p" 'index($0, p ";") == 1 {
            c = $NF; s = $0; sub(/ [0-9]+$/, "", s); k = split(s, f, ";"); self[f[k]] += c }
        END { for (x in self) print self[x] "\t" x }' "$OUT/folded.txt" |
        sort -t"$(printf '\t')" -k1,1nr |
        awk -F'\t' -v t="$total" -v n="$n" 'NR <= n { printf "    %5.1f%%  %s\n", 100 * $1 / t, $2 }'
    echo "    total   function"
    awk -v p="$p" 'index($0, p ";") == 1 {
            c = $NF; s = $0; sub(/ [0-9]+$/, "", s); k = split(s, f, ";")
            split("", seen)
            for (i = 2; i <= k; i++) if (!(f[i] in seen)) { seen[f[i]] = 1; incl[f[i]] += c } }
        END { for (x in incl) print incl[x] "\t" x }' "$OUT/folded.txt" |
        sort -t"$(printf '\t')" -k1,1nr |
        awk -F'\t' -v t="$total" -v n="$n" '$1 < 0.9 * t && m++ < n { printf "    %5.1f%%  %s\n", 100 * $1 / t, $2 }'
}

# ------------------------------------------------------------ flame graphs
# thlorenz/flamegraph writes its SVG for inline use in HTML: its event
# handlers hold a bare "&&" and its title is commented out. As an .svg file
# (XML) a browser refuses the first and hides the second, so both are fixed
# here.
render() { # render NAME TITLE
    local in=$OUT/stacks-$1.txt svg=$OUT/$PREFIX$1.svg
    [ -s "$in" ] || { say "no samples for $1"; return 0; }
    [ -x "$FLAMEGRAPH" ] || return 0
    if NODE_OPTIONS=--max-old-space-size=4096 "$FLAMEGRAPH" --titletext "$2" --countname samples \
        --minwidth "$PROFILE_MINWIDTH" --file "$in" 2>"$OUT/flamegraph-$1.log" |
        sed -e 's/&&/\&amp;\&amp;/g' -e 's/^<!--\(<text text-anchor="middle".*<\/text>\)-->$/\1/' >"$svg" &&
        [ -s "$svg" ]; then
        say "wrote $svg"
    else
        say "the flame graph of $1 failed (see $OUT/flamegraph-$1.log)"
        rm -f "$svg"
    fi
}
REV=$(git -C "$CHECKOUT" rev-parse --short HEAD 2>/dev/null || echo "?")
# The generator does not escape its title.
XPATH=${PROFILE_PATH//&/'&amp;'}
XPATH=${XPATH//</'&lt;'}
WHAT="GET $XPATH, no-cache, $PROFILE_CONNECTIONS connections, ${PROFILE_SECONDS}s, $PROFILE_FREQ Hz"
for p in $PROGRAMS; do render "$p" "${PROFILE_LABEL:+$PROFILE_LABEL: }$p at $REV: $WHAT"; done
render stack "${PROFILE_LABEL:+$PROFILE_LABEL: }the whole stack at $REV: $WHAT"

# ------------------------------------------------------------ summary
{
    echo
    echo "Profile of the uncached by-slug read: $CHECKOUT at $REV, programs from $BUILD"
    echo "GET $PROFILE_PATH with Cache-Control: no-cache; wrk -t$PROFILE_THREADS -c$PROFILE_CONNECTIONS," \
        "${PROFILE_SECONDS}s per run after ${PROFILE_WARMUP}s of warm-up; $(nproc) cores shared with wrk" \
        "(load average $LOAD_BEFORE before, $LOAD_AFTER after)"
    echo
    echo "wrk ($BODY_BYTES B body):"
    cat "$OUT/wrk.txt"
    echo
    echo "CPU time per request (/proc/<pid>/stat utime + stime over all threads; postgres: the postmaster and"
    echo "all its children), in $PROFILE_ROUNDS plain rounds and under perf record (its overhead included):"
    echo "$CPU_TABLE"
    echo
    echo "Per request under perf stat (over the program's threads):"
    echo "$STAT_TABLE"
    echo
    echo "Top frames (perf record, --call-graph $PROFILE_CALLGRAPH):"
    for p in $PROGRAMS; do top "$p" 10; done
    echo
    echo "Output in $OUT:"
    for f in "$OUT/$PREFIX"*.svg; do [ -e "$f" ] && echo "  $(basename "$f")"; done
    echo "  objects.txt (samples by program and object),"
    echo "  folded.txt (folded stacks: program;root;...;leaf samples), stacks-*.txt, perf.data, perf.script,"
    echo "  wrk.txt and wrk-*.txt (wrk), cpu.txt (CPU per request, every run), stat-*.csv (perf stat), pids.txt"
} | tee "$OUT/${PREFIX}summary.txt"
echo "$OUT"
