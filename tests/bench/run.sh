#!/usr/bin/env bash
# Loa benchmarks (make bench): starts a throw-away stack (deploy/stack.sh:
# PostgreSQL and the programs from $BUILD, on free ports), loads the gateway
# with wrk and prints each figure beside its reference measured in the same
# run. Figures, not pass/fail; the exit status is non-zero only when a
# benchmark could not be measured (the stack did not start, a route did not
# answer 200, wrk reported errors). See tests/bench/README.md.
#
# Settings (environment):
#   BUILD              where the programs are (default build)
#   BENCH_SECONDS      length of each measurement, in seconds (default 10)
#   BENCH_CONNECTIONS  open connections (default 64)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_WARMUP       seconds of warm-up before each measurement (default 2; 0: none)
#   BENCH_KEEP         1: keep the stack's directory (logs, wrk output) afterwards
set -euo pipefail

cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_WARMUP=${BENCH_WARMUP:-2}
BENCH_KEEP=${BENCH_KEEP:-0}

die() {
    echo "bench: $*" >&2
    exit 1
}

for v in BENCH_SECONDS BENCH_CONNECTIONS BENCH_THREADS BENCH_WARMUP; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not [${!v}]"
done
[ "$BENCH_SECONDS" -ge 1 ] || die "BENCH_SECONDS must be at least 1"
[ "$BENCH_CONNECTIONS" -ge "$BENCH_THREADS" ] || die "BENCH_CONNECTIONS must be at least BENCH_THREADS"
command -v wrk >/dev/null 2>&1 || die "wrk is not installed (make deps, or apt-get install wrk)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"
[ -f deploy/stack.sh ] || die "deploy/stack.sh is missing"
[ -x "$BUILD/gateway" ] || die "$BUILD/gateway is missing (run make first)"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench.XXXXXX")
status=0

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if declare -F stack_down >/dev/null; then
        stack_down || true
    fi
    if [ "$BENCH_KEEP" = 1 ] || [ "$rc" -ne 0 ]; then
        echo "bench: logs and wrk output kept in $DIR" >&2
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
echo "bench: starting the stack from $BUILD under $DIR" >&2
stack_up "$DIR" || die "the stack did not start (see $DIR)"
[ -n "${GW:-}" ] || die "stack_up did not set GW"

# wrk prints its summary as text; this script adds one line that is easy to
# read back: requests/s, latency percentiles (microseconds), error counts.
cat >"$DIR/report.lua" <<'EOF'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "LOA_RESULT rps=%.1f p50=%d p99=%d requests=%d socket_errors=%d non2xx=%d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(99), summary.requests,
        e.connect + e.read + e.write + e.timeout, e.status))
end
EOF

# bench NAME PATH [HEADER]: measures GET PATH (with HEADER added); sets R_RPS
# R_P50 R_P99 (empty when not measured) and R_NOTE.
bench() {
    local name=$1 path=$2 code bytes out=$DIR/wrk-$1.txt line
    local -a extra=(-H 'Accept: application/json')
    [ -n "${3:-}" ] && extra+=(-H "$3")
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    code=$(curl -s -o "$DIR/body-$name" -w '%{http_code}' --max-time 10 \
        "${extra[@]}" "$GW$path") || code=000
    if [ "$code" != 200 ]; then
        R_NOTE="not measured: GET $path answered HTTP $code"
        status=1
        return
    fi
    bytes=$(wc -c <"$DIR/body-$name")
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" \
            "${extra[@]}" "$GW$path" >/dev/null 2>&1 || true
    fi
    echo "bench: GET $path for ${BENCH_SECONDS}s" >&2
    if ! wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency \
        "${extra[@]}" -s "$DIR/report.lua" "$GW$path" >"$out" 2>&1; then
        R_NOTE="not measured: wrk failed ($(tail -1 "$out"))"
        status=1
        return
    fi
    line=$(grep '^LOA_RESULT ' "$out" | tail -1) || true
    [ -n "$line" ] || { R_NOTE="not measured: no result in wrk's output"; status=1; return; }
    R_RPS=$(field rps "$line") R_P50=$(field p50 "$line") R_P99=$(field p99 "$line")
    R_NOTE="${bytes} B body"
    local errs non2xx
    errs=$(field socket_errors "$line") non2xx=$(field non2xx "$line")
    if [ "$errs" != 0 ] || [ "$non2xx" != 0 ]; then
        R_NOTE="$R_NOTE; ERRORS: $non2xx non-2xx, $errs socket errors of $(field requests "$line")"
        status=1
    fi
}

field() { # field NAME "LOA_RESULT a=1 b=2"
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ms() { # microseconds -> "1.23 ms"
    if [ -n "$1" ]; then awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; else printf -- '-'; fi
}
ratio() { # ratio A B: A/B as a percentage
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1f%%", 100 * a / b }'
}
times() { # times A B: A/B as a factor
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1fx", a / b }'
}
row() { # row LABEL RPS P50 P99 COMPARISON NOTE
    local rps=${2:+$(printf '%.0f' "$2")}
    printf '%-22s %12s %11s %11s  %s\n' "$1" "${rps:--}" "$(ms "$3")" "$(ms "$4")" "$5${6:+ ($6)}"
}

echo "bench: loading 10,000 published articles" >&2
PGOPTIONS='--client-min-messages=warning' "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -d "$LOA_DB_URL" \
    -f tests/bench/articles.sql >"$DIR/articles-load.txt" 2>&1 ||
    die "loading the articles failed (see $DIR/articles-load.txt)"

bench healthz /healthz
H_RPS=$R_RPS H_P50=$R_P50 H_P99=$R_P99 H_NOTE=$R_NOTE
bench topics /api/v1/topics
T_RPS=$R_RPS T_P50=$R_P50 T_P99=$R_P99 T_NOTE=$R_NOTE
# The same read past the cache: gateway -> RPC -> content-svc -> PostgreSQL.
bench topics-origin /api/v1/topics 'Cache-Control: no-cache'
O_RPS=$R_RPS O_P50=$R_P50 O_P99=$R_P99 O_NOTE=$R_NOTE
# Articles (issue 4): the public list of the 20 newest, one article by slug,
# and a search, each from the cache and past it.
A_LIST=/api/v1/articles?per_page=20
A_SLUG=/api/v1/articles/bench-bai-viet-5000
A_SEARCH='/api/v1/articles?q=dang%20ky%20kinh%20doanh&per_page=20'
bench list "$A_LIST"
L_RPS=$R_RPS L_P50=$R_P50 L_P99=$R_P99 L_NOTE=$R_NOTE
bench list-origin "$A_LIST" 'Cache-Control: no-cache'
LO_RPS=$R_RPS LO_P50=$R_P50 LO_P99=$R_P99 LO_NOTE=$R_NOTE
bench slug "$A_SLUG"
S_RPS=$R_RPS S_P50=$R_P50 S_P99=$R_P99 S_NOTE=$R_NOTE
bench slug-origin "$A_SLUG" 'Cache-Control: no-cache'
SO_RPS=$R_RPS SO_P50=$R_P50 SO_P99=$R_P99 SO_NOTE=$R_NOTE
bench search "$A_SEARCH"
Q_RPS=$R_RPS Q_P50=$R_P50 Q_P99=$R_P99 Q_NOTE=$R_NOTE
bench search-origin "$A_SEARCH" 'Cache-Control: no-cache'
QO_RPS=$R_RPS QO_P50=$R_P50 QO_P99=$R_P99 QO_NOTE=$R_NOTE

# target ROW_RPS ROW_P99: the list's target, at least half the /healthz
# rate with p99 under 20 ms.
target() {
    awk -v r="$1" -v p="$2" -v h="$H_RPS" 'BEGIN {
        if (r == "" || h == "" || p == "") { print "target: not measured"; exit }
        ok = (r >= h / 2 && p < 20000)
        printf "target >= 50%% of /healthz and p99 < 20 ms: %s", ok ? "met" : "MISSED" }'
}

echo
echo "Loa benchmarks: wrk, ${BENCH_THREADS} threads, ${BENCH_CONNECTIONS} connections, ${BENCH_SECONDS} s each" \
    "(after ${BENCH_WARMUP} s warm-up), on $(nproc) cores shared by wrk and the stack;" \
    "gateway HTTP threads: ${LOA_HTTP_THREADS:-default (cores)}"
printf '%-22s %12s %11s %11s  %s\n' "benchmark" "requests/s" "p50" "p99" "beside its reference"
printf '%-22s %12s %11s %11s  %s\n' "---------" "----------" "---" "---" "--------------------"
row "GET /healthz" "$H_RPS" "$H_P50" "$H_P99" "reference: the gateway's own ceiling" "$H_NOTE"
row "GET /api/v1/topics" "$T_RPS" "$T_P50" "$T_P99" \
    "$(ratio "$T_RPS" "$H_RPS") of /healthz req/s, p50 $(times "$T_P50" "$H_P50"), p99 $(times "$T_P99" "$H_P99")" \
    "$T_NOTE"
row "  same, no-cache" "$O_RPS" "$O_P50" "$O_P99" \
    "$(ratio "$O_RPS" "$H_RPS") of /healthz req/s, p50 $(times "$O_P50" "$H_P50"), p99 $(times "$O_P99" "$H_P99")" \
    "through RPC and PostgreSQL; $O_NOTE"
cmp_h() { echo "$(ratio "$1" "$H_RPS") of /healthz req/s, p50 $(times "$2" "$H_P50"), p99 $(times "$3" "$H_P99")"; }
row "articles, 20 newest" "$L_RPS" "$L_P50" "$L_P99" "$(cmp_h "$L_RPS" "$L_P50" "$L_P99"); $(target "$L_RPS" "$L_P99")" \
    "10,000 published; $L_NOTE"
row "  same, no-cache" "$LO_RPS" "$LO_P50" "$LO_P99" "$(cmp_h "$LO_RPS" "$LO_P50" "$LO_P99")" \
    "through RPC and PostgreSQL; $LO_NOTE"
row "article by slug" "$S_RPS" "$S_P50" "$S_P99" "$(cmp_h "$S_RPS" "$S_P50" "$S_P99")" "$S_NOTE"
row "  same, no-cache" "$SO_RPS" "$SO_P50" "$SO_P99" "$(cmp_h "$SO_RPS" "$SO_P50" "$SO_P99")" \
    "through RPC and PostgreSQL; $SO_NOTE"
row "search, 20 best" "$Q_RPS" "$Q_P50" "$Q_P99" "$(cmp_h "$Q_RPS" "$Q_P50" "$Q_P99")" \
    "q=dang ky kinh doanh; $Q_NOTE"
row "  same, no-cache" "$QO_RPS" "$QO_P50" "$QO_P99" "$(cmp_h "$QO_RPS" "$QO_P50" "$QO_P99")" \
    "through RPC and PostgreSQL; $QO_NOTE"
echo
exit "$status"
