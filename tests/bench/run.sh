#!/usr/bin/env bash
# Loa benchmarks (make bench): starts a throw-away stack (deploy/stack.sh:
# PostgreSQL and the programs from $BUILD, on free ports), loads the gateway
# with wrk and prints each figure beside its reference measured in the same
# run, and beside a reference peer (tests/bench/peer: fastify + pg on Node.js,
# the same reads and write on the same PostgreSQL). The targets (issue 15)
# print "met" or "MISSED" and a final count; they do not change the exit
# status, which is non-zero only when a benchmark could not be measured (the
# stack or the peer did not start, a route did not answer 200, the peer's
# answer differed from Loa's, wrk reported errors). See tests/bench/README.md.
#
# Settings (environment):
#   BUILD              where the programs are (default build)
#   BENCH_SECONDS      length of each measurement, in seconds (default 10)
#   BENCH_CONNECTIONS  open connections (default 64)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_WARMUP       seconds of warm-up before each measurement (default 2; 0: none)
#   BENCH_KEEP         1: keep the stack's directory (logs, wrk output) afterwards
#   BENCH_ONLY         reads, feedback or media: only those rows (default: all)
#   BENCH_MEDIA_MB     size of the media row's video file, MiB (default 200)
#   BENCH_FEEDBACK_WORKERS  feedback-svc's workers (and the gateway's HTTP
#                      threads) of the second feedback row (default 32, as
#                      pgbench's connections)
#   BENCH_PEER         0: no peer rows (default 1; needs Node.js 20 or later)
#   BENCH_PEER_POOL    the peer's pg.Pool size, per pool (default 20)
#   BENCH_SOAK         seconds of the gateway's memory soak after the reads
#                      (default 0: none; the issue's figure is 600)
#   BENCH_ROUNDS       alternations of a cached row with /healthz (default 3)
#   BENCH_ROUND_SECONDS  length of each half of an alternation (default 10)
set -euo pipefail

cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_WARMUP=${BENCH_WARMUP:-2}
BENCH_KEEP=${BENCH_KEEP:-0}
BENCH_ONLY=${BENCH_ONLY:-all}
BENCH_FEEDBACK_WORKERS=${BENCH_FEEDBACK_WORKERS:-32}
BENCH_MEDIA_MB=${BENCH_MEDIA_MB:-200}
BENCH_PEER=${BENCH_PEER:-1}
BENCH_PEER_POOL=${BENCH_PEER_POOL:-20}
BENCH_SOAK=${BENCH_SOAK:-0}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_ROUND_SECONDS=${BENCH_ROUND_SECONDS:-10}
# The media row's parallel downloads: the issue's figure.
MEDIA_CLIENTS=8
# The feedback row's connections: the issue's figure, for wrk and pgbench.
FB_CONNECTIONS=32

die() {
    echo "bench: $*" >&2
    exit 1
}

for v in BENCH_SECONDS BENCH_CONNECTIONS BENCH_THREADS BENCH_WARMUP BENCH_FEEDBACK_WORKERS BENCH_MEDIA_MB \
    BENCH_PEER BENCH_PEER_POOL BENCH_SOAK BENCH_ROUNDS BENCH_ROUND_SECONDS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not [${!v}]"
done
[ "$BENCH_SECONDS" -ge 1 ] || die "BENCH_SECONDS must be at least 1"
[ "$BENCH_CONNECTIONS" -ge "$BENCH_THREADS" ] || die "BENCH_CONNECTIONS must be at least BENCH_THREADS"
if [ "$BENCH_FEEDBACK_WORKERS" -lt 1 ] || [ "$BENCH_FEEDBACK_WORKERS" -gt 256 ]; then
    die "BENCH_FEEDBACK_WORKERS must be from 1 to 256"
fi
[ "$BENCH_ROUNDS" -ge 1 ] || die "BENCH_ROUNDS must be at least 1"
[ "$BENCH_ROUND_SECONDS" -ge 1 ] || die "BENCH_ROUND_SECONDS must be at least 1"
[ "$BENCH_MEDIA_MB" -ge 1 ] || die "BENCH_MEDIA_MB must be at least 1"
[ "$BENCH_PEER" -le 1 ] || die "BENCH_PEER must be 0 or 1"
if [ "$BENCH_PEER_POOL" -lt 1 ] || [ "$BENCH_PEER_POOL" -gt 100 ]; then
    die "BENCH_PEER_POOL must be from 1 to 100"
fi
case $BENCH_ONLY in all | reads | feedback | media) ;; *) die "BENCH_ONLY must be reads, feedback or media" ;; esac
want() { [ "$BENCH_ONLY" = all ] || [ "$BENCH_ONLY" = "$1" ]; }
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
    if [ -f "$DIR/nginx/nginx.pid" ]; then
        kill "$(cat "$DIR/nginx/nginx.pid")" 2>/dev/null || true
    fi
    peer_stop
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

# ------------------------------------------------------------ the peer
# tests/bench/peer: fastify 5 + pg 8 on Node.js, serving the same reads and
# the same submission from the same PostgreSQL with the same SQL (see its
# server.js). Its packages come from package-lock.json (npm ci), for the
# bench only. PEER (its URL) is empty when it is not running; PEER_NOTE says
# why.
PEER="" PEER_PID="" PEER_NOTE=""
PEER_DIR=tests/bench/peer

# shellcheck disable=SC2317 # also called by the EXIT trap
peer_stop() {
    [ -n "$PEER_PID" ] || return 0
    kill -TERM "$PEER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PEER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PEER_PID" 2>/dev/null || true
    wait "$PEER_PID" 2>/dev/null || true
    PEER_PID=""
}

# peer_install: Node.js 20 or later and the locked packages (npm ci when
# node_modules is older than the lock file). 0, or 1 with PEER_NOTE set.
peer_install() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        PEER_NOTE="not measured: Node.js 20 or later and npm are needed (or BENCH_PEER=0)"
        return 1
    fi
    if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
        PEER_NOTE="not measured: Node.js $(node --version) is older than 20 (fastify 5 needs 20)"
        return 1
    fi
    if [ ! "$PEER_DIR/node_modules/.package-lock.json" -nt "$PEER_DIR/package-lock.json" ]; then
        echo "bench: npm ci in $PEER_DIR" >&2
        if ! (cd "$PEER_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$DIR/npm-ci.txt" 2>&1; then
            PEER_NOTE="not measured: npm ci failed ($(tail -1 "$DIR/npm-ci.txt"))"
            return 1
        fi
    fi
}

# peer_start: the peer on the first free port after the stack's ten, its log
# in $DIR/logs/peer.log; sets PEER, or PEER_NOTE.
peer_start() {
    local port=$((LOA_PG_PORT + 11))
    while ! port_free "$port"; do port=$((port + 1)); done
    LOA_DB_URL=$LOA_DB_URL PEER_PORT=$port PEER_POOL_MAX=$BENCH_PEER_POOL \
        node "$PEER_DIR/server.js" >>"$DIR/logs/peer.log" 2>&1 &
    PEER_PID=$!
    for _ in $(seq 100); do
        if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz"; then
            PEER="http://127.0.0.1:$port"
            return 0
        fi
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    peer_stop
    PEER_NOTE="not measured: the peer did not start ($(tail -1 "$DIR/logs/peer.log"))"
    return 1
}

# shellcheck source=/dev/null
. deploy/stack.sh
# The feedback row measures durable commits: PostgreSQL syncs its WAL
# (fsync on, synchronous_commit on by default), whatever the environment
# says. Client addresses come from X-Forwarded-For, so the row can play many
# clients of the intake throttle.
export LOA_PG_FSYNC=on LOA_TRUST_PROXY=1
# The media row uploads its video as an editor the first admin creates.
LOA_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
export LOA_ADMIN_PASSWORD
echo "bench: starting the stack from $BUILD under $DIR" >&2
stack_up "$DIR" || die "the stack did not start (see $DIR)"
[ -n "${GW:-}" ] || die "stack_up did not set GW"
if [ "$BENCH_PEER" = 1 ] && { want reads || want feedback; }; then
    if peer_install && peer_start; then
        echo "bench: the peer (fastify + pg): $(grep -m1 'listening' "$DIR/logs/peer.log")" >&2
    else
        echo "bench: $PEER_NOTE" >&2
        status=1
    fi
fi

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

# wrk_timeout URL: wrk's timeout for a row of the server at URL. Loa's rows
# keep wrk's 2 s, so that a stall of Loa's (issue 15, item 6) counts as socket
# errors and fails the run; the peer is given 10 s, because under 64
# connections its slower rows (the search: p50 about 1.3 s) pass 2 s and those
# timeouts are its slowness, already in its figures, not a failed measurement.
wrk_timeout() { if [ -n "$PEER" ] && [[ $1 == "$PEER"* ]]; then echo 10s; else echo 2s; fi; }

# bench NAME PATH [HEADER...]: measures GET PATH (with the HEADERs added) of
# the gateway, or of another server when PATH is a whole URL; sets R_RPS
# R_P50 R_P99 (empty when not measured) and R_NOTE. The body's size is as
# sent (compressed when a header asks for it).
bench() {
    local name=$1 path=$2 code bytes out=$DIR/wrk-$1.txt line url=$2 timeout h
    local -a extra=(-H 'Accept: application/json')
    for h in "${@:3}"; do [ -n "$h" ] && extra+=(-H "$h"); done
    [[ $url == http://* ]] || url=$GW$path
    timeout=$(wrk_timeout "$url")
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    code=$(curl -s -o "$DIR/body-$name" -w '%{http_code}' --max-time 10 \
        "${extra[@]}" "$url") || code=000
    if [ "$code" != 200 ]; then
        R_NOTE="not measured: GET $path answered HTTP $code"
        status=1
        return
    fi
    bytes=$(wc -c <"$DIR/body-$name")
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" --timeout "$timeout" \
            "${extra[@]}" "$url" >/dev/null 2>&1 || true
    fi
    echo "bench: GET $url for ${BENCH_SECONDS}s" >&2
    if ! wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --timeout "$timeout" --latency \
        "${extra[@]}" -s "$DIR/report.lua" "$url" >"$out" 2>&1; then
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

# bench_cached NAME PATH [HEADER...]: a cached row beside the gateway's own ceiling,
# measured as the target asks (the row's share of /healthz) in the same
# conditions: BENCH_ROUNDS alternations of /healthz then PATH, each
# BENCH_ROUND_SECONDS long. On two cores shared with wrk and PostgreSQL (whose
# autovacuum, checkpoints and WAL writer follow the rows before), the rate of
# a single run drifts by 10-20 % from one minute to the next, more than the
# difference being measured; a ratio taken within one alternation does not.
# Sets R_* from the alternation whose ratio is the median, R_H (/healthz in
# that alternation) and R_RATIOS (every alternation's, in order).
bench_cached() {
    local name=$1 path=$2 i warm=$BENCH_WARMUP
    local -a c_rps=() p50=() p99=() notes=() h=() ratios=()
    R_H="" R_RATIOS=""
    for ((i = 1; i <= BENCH_ROUNDS; i++)); do
        BENCH_SECONDS=$BENCH_ROUND_SECONDS BENCH_WARMUP=$warm bench "healthz-$name-$i" /healthz
        [ -n "$R_RPS" ] || { R_NOTE="not measured: /healthz beside it failed; $R_NOTE"; return; }
        h+=("$R_RPS")
        BENCH_SECONDS=$BENCH_ROUND_SECONDS BENCH_WARMUP=$warm bench "$name-$i" "$path" "${@:3}"
        [ -n "$R_RPS" ] || return
        c_rps+=("$R_RPS") p50+=("$R_P50") p99+=("$R_P99") notes+=("$R_NOTE")
        ratios+=("$(awk -v a="$R_RPS" -v b="${h[-1]}" 'BEGIN { printf "%.4f", a / b }')")
        warm=0
    done
    # The median alternation (the lower of the middle two for an even count).
    local mid
    mid=$(for i in "${!ratios[@]}"; do echo "${ratios[$i]} $i"; done | sort -n |
        awk -v n="${#ratios[@]}" 'NR == int((n + 1) / 2) { print $2 }')
    R_RPS=${c_rps[$mid]} R_P50=${p50[$mid]} R_P99=${p99[$mid]} R_H=${h[$mid]}
    R_RATIOS=$(printf '%s\n' "${ratios[@]}" | awk '{ printf "%s%.1f%%", (NR > 1 ? ", " : ""), 100 * $1 }')
    R_NOTE="${notes[$mid]}; share of /healthz in ${BENCH_ROUNDS} alternations of ${BENCH_ROUND_SECONDS} s: $R_RATIOS, the median"
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
LABEL_W=24
row() { # row LABEL RPS P50 P99 COMPARISON NOTE
    local rps=${2:+$(printf '%.0f' "$2")}
    printf "%-${LABEL_W}s %12s %11s %11s  %s\n" "$1" "${rps:--}" "$(ms "$3")" "$(ms "$4")" "$5${6:+ ($6)}"
}

psql_q() { PGOPTIONS='--client-min-messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$LOA_DB_URL" "$@"; }

# bench_peer NAME PATH LOA_NAME: measures GET PATH of the peer like bench,
# right after Loa's row LOA_NAME, and checks that the peer's answer is
# Loa's, as JSON (the same keys and values).
bench_peer() {
    local name=$1 path=$2 loa=$3
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    if [ -z "$PEER" ]; then
        R_NOTE=${PEER_NOTE:-not measured: BENCH_PEER=0}
        return 0
    fi
    bench "$name" "$PEER$path"
    [ -n "$R_RPS" ] || return 0
    if [ ! -s "$DIR/body-$loa" ] ||
        [ "$(jq -cS . "$DIR/body-$name" 2>&1)" != "$(jq -cS . "$DIR/body-$loa" 2>&1)" ]; then
        R_NOTE="$R_NOTE; ANSWER DIFFERS from Loa's (body-$name, body-$loa)"
        status=1
    else
        R_NOTE="$R_NOTE, the same JSON as Loa's"
    fi
}

# The resident memory of a process, "VmRSS VmHWM" in kB (empty when gone).
mem_of() {
    awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { if (r != "") print r, h }' \
        "/proc/$1/status" 2>/dev/null || true
}
# The programs' pids (the peer's too), one a line.
MEM_PROGRAMS="gateway content-svc feedback-svc quota-svc media-svc notify-svc"
mem_pids() {
    local p
    for p in $MEM_PROGRAMS; do cat "$STACK_DIR/pids/$p" 2>/dev/null || true; done
    [ -z "$PEER_PID" ] || echo "$PEER_PID"
}
# mem_reset: each program's VmHWM back to its VmRSS (clear_refs 5, Linux
# 4.0), so that the peak measured is the load's: the gateway's start hashes
# the admin's password with Argon2id, whose 64 MiB would otherwise be its
# peak. MEM_SINCE says from when the peak counts.
MEM_SINCE="since each program started"
mem_reset() {
    local pid ok=1
    for pid in $(mem_pids); do
        { echo 5 >"/proc/$pid/clear_refs"; } 2>/dev/null || ok=0
    done
    [ "$ok" = 0 ] || MEM_SINCE="since $1 (reset through /proc/PID/clear_refs)"
}
# mem_sample WHEN: VmRSS and VmHWM of each program (and the peer's) now,
# into MEM[program] ("rss hwm" in kB, or empty); MEM_WHEN says when.
MEM_WHEN=""
declare -A MEM=()
mem_sample() {
    local p pid
    MEM_WHEN=$1
    for p in $MEM_PROGRAMS; do
        pid=$(cat "$STACK_DIR/pids/$p" 2>/dev/null) || pid=""
        MEM[$p]=""
        [ -z "$pid" ] || MEM[$p]=$(mem_of "$pid")
    done
    MEM[peer]=""
    [ -z "$PEER_PID" ] || MEM[peer]=$(mem_of "$PEER_PID")
}

# soak: BENCH_SOAK seconds of the gateway at BENCH_CONNECTIONS connections
# over the four reads above, each from the cache and past it in turn (the
# same eight requests again and again), after a warm-up of the same mix; the
# gateway's VmRSS sampled every 10 s into $DIR/soak-rss.txt ("second kB"),
# from 10 s on: the gateway frees a connection's memory pool (64 KB) when it
# closes, so a sample taken before the soak's connections are all open reads
# about 4 MB less, which is connections, not growth.
# Sets SOAK_RPS, SOAK_FIRST SOAK_LAST SOAK_MAX (kB), SOAK_GROWTH (% from the
# first minute's average to the last minute's) and SOAK_NOTE.
SOAK_RPS="" SOAK_FIRST="" SOAK_LAST="" SOAK_MAX="" SOAK_GROWTH="" SOAK_NOTE=""
soak() {
    [ "$BENCH_SOAK" -gt 0 ] || return 0
    local pid wpid start next=10 v line out=$DIR/wrk-soak.txt samples=$DIR/soak-rss.txt
    local -a paths=(/api/v1/topics "$A_LIST" "$A_SLUG" "$A_SEARCH")
    pid=$(cat "$STACK_DIR/pids/gateway" 2>/dev/null) || pid=""
    if [ -z "$pid" ] || [ -z "$(mem_of "$pid")" ]; then
        SOAK_NOTE="not measured: the gateway is not running"
        status=1
        return 0
    fi
    {
        echo 'local reqs, i = {}, 0'
        echo 'function init(args)'
        echo '    for _, p in ipairs(args) do'
        echo '        reqs[#reqs + 1] = wrk.format("GET", p, { ["Accept"] = "application/json" })'
        echo '        reqs[#reqs + 1] = wrk.format("GET", p, { ["Accept"] = "application/json",'
        echo '            ["Cache-Control"] = "no-cache" })'
        echo '    end'
        echo 'end'
        echo 'function request()'
        echo '    i = i % #reqs + 1'
        echo '    return reqs[i]'
        echo 'end'
        cat "$DIR/report.lua"
    } >"$DIR/soak.lua"
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" --timeout 10s \
            -s "$DIR/soak.lua" "$GW" -- "${paths[@]}" >/dev/null 2>&1 || true
    fi
    echo "bench: soak of the gateway for ${BENCH_SOAK}s (its VmRSS every 10 s)" >&2
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SOAK}s" --timeout 10s --latency \
        -s "$DIR/soak.lua" "$GW" -- "${paths[@]}" >"$out" 2>&1 &
    wpid=$!
    start=$SECONDS
    : >"$samples"
    while kill -0 "$wpid" 2>/dev/null; do
        if [ $((SECONDS - start)) -ge "$next" ]; then
            v=$(mem_of "$pid")
            [ -n "$v" ] || break
            echo "$((SECONDS - start)) ${v%% *}" >>"$samples"
            next=$((next + 10))
        fi
        sleep 0.5
    done
    if ! wait "$wpid"; then
        SOAK_NOTE="not measured: wrk failed ($(tail -1 "$out"))"
        status=1
        return 0
    fi
    if [ -z "$(mem_of "$pid")" ]; then
        SOAK_NOTE="not measured: the gateway died during the soak"
        status=1
        return 0
    fi
    line=$(grep '^LOA_RESULT ' "$out" | tail -1) || true
    [ -n "$line" ] || { SOAK_NOTE="not measured: no result in wrk's output"; status=1; return 0; }
    SOAK_RPS=$(field rps "$line")
    read -r SOAK_FIRST SOAK_LAST SOAK_MAX SOAK_GROWTH < <(awk '
        { t[NR] = $1; v[NR] = $2; if ($2 > max) max = $2 }
        END {
            end = t[NR]
            for (i = 1; i <= NR; i++) {
                if (t[i] < t[1] + 60) { f += v[i]; nf++ }
                if (t[i] > end - 60) { l += v[i]; nl++ }
            }
            if (NR && f > 0) printf "%d %d %d %.2f\n", v[1], v[NR], max, 100 * (l / nl - f / nf) / (f / nf)
        }' "$samples") || true
    SOAK_NOTE="$(wc -l <"$samples") samples, $(field requests "$line") requests"
    [ "$BENCH_SOAK" -ge 120 ] || SOAK_NOTE="$SOAK_NOTE; shorter than 2 minutes: the first and last minutes overlap"
    local errs non2xx
    errs=$(field socket_errors "$line") non2xx=$(field non2xx "$line")
    if [ "$errs" != 0 ] || [ "$non2xx" != 0 ]; then
        SOAK_NOTE="$SOAK_NOTE; ERRORS: $non2xx non-2xx, $errs socket errors"
        status=1
    fi
}

# ------------------------------------------------------------ reads
# pgbench_file NAME CLIENTS FILE [PGOPTIONS [ARG...]]: pgbench runs FILE at
# CLIENTS connections (-M prepared, as the services prepare their
# statements), with PGOPTIONS for its sessions and ARGs of its own (-D
# name=value). Sets R_* like bench (R_RPS is transactions per second; p50
# and p99 from pgbench's per-transaction log).
pgbench_file() {
    local name=$1 clients=$2 file=$3 options=${4:-} out=$DIR/pgbench-$1.txt
    shift 4 2>/dev/null || shift $#
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    local pgb=(env PGOPTIONS="$options" "$PG_BIN/pgbench" -n -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa
        -M prepared -c "$clients" -j 2 -f "$file" "$@")
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        "${pgb[@]}" -T "$BENCH_WARMUP" loa >/dev/null 2>&1 || true
    fi
    echo "bench: pgbench $name for ${BENCH_SECONDS}s" >&2
    mkdir -p "$DIR/pgbench-log-$name"
    if ! "${pgb[@]}" -T "$BENCH_SECONDS" -l --log-prefix="$DIR/pgbench-log-$name/tx" loa >"$out" 2>&1; then
        R_NOTE="not measured: pgbench failed ($(grep -m1 -i 'error\|abort' "$out" || tail -1 "$out"))"
        status=1
        return
    fi
    R_RPS=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$out")
    # The log: client transaction time_us script epoch epoch_us; a failed
    # transaction has "failed" (or "skipped") in place of its time.
    local lat
    lat=$(cat "$DIR"/pgbench-log-"$name"/tx* | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) printf "%d %d %d", v[int((NR - 1) * 0.5) + 1], v[int((NR - 1) * 0.99) + 1], NR }')
    R_P50=${lat%% *}
    R_P99=$(echo "$lat" | cut -d' ' -f2)
    local failed
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
    R_NOTE="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out") transactions"
    if [ -z "$R_RPS" ] || [ "${failed:-0}" != 0 ]; then
        R_NOTE="$R_NOTE; ERRORS: ${failed:-?} failed transactions"
        status=1
    fi
}

if want reads; then
echo "bench: loading 10,000 published articles" >&2
psql_q -f tests/bench/articles.sql >"$DIR/articles-load.txt" 2>&1 ||
    die "loading the articles failed (see $DIR/articles-load.txt)"

mem_reset "the start of the reads"
bench healthz /healthz
H_RPS=$R_RPS H_P50=$R_P50 H_P99=$R_P99 H_NOTE=$R_NOTE
bench_cached topics /api/v1/topics
T_RPS=$R_RPS T_P50=$R_P50 T_P99=$R_P99 T_NOTE=$R_NOTE T_H=$R_H
# The same read past the cache: gateway -> RPC -> content-svc -> PostgreSQL.
bench topics-origin /api/v1/topics 'Cache-Control: no-cache'
O_RPS=$R_RPS O_P50=$R_P50 O_P99=$R_P99 O_NOTE=$R_NOTE
# Articles (issue 4): the public list of the 20 newest, one article by slug,
# and a search, each from the cache and past it.
A_LIST='/api/v1/articles?per_page=20'
A_SLUG=/api/v1/articles/bench-bai-viet-5000
A_SEARCH='/api/v1/articles?q=dang%20ky%20kinh%20doanh&per_page=20'
# Each past the cache is followed by the peer's same read (the same path)
# and, for the list and the article, by pgbench running content-svc's
# statement in a session like content-svc's.
CONTENT_SESSION='-c search_path=content,public -c TimeZone=UTC'
bench_cached list "$A_LIST"
L_RPS=$R_RPS L_P50=$R_P50 L_P99=$R_P99 L_NOTE=$R_NOTE L_H=$R_H
bench list-origin "$A_LIST" 'Cache-Control: no-cache'
LO_RPS=$R_RPS LO_P50=$R_P50 LO_P99=$R_P99 LO_NOTE=$R_NOTE
bench_peer peer-list "$A_LIST" list-origin
LP_RPS=$R_RPS LP_P50=$R_P50 LP_P99=$R_P99 LP_NOTE=$R_NOTE
# PostgreSQL's own pace on the same statement at the same number of
# connections: what no service in front of it can exceed.
pgbench_file pg-list "$BENCH_CONNECTIONS" tests/bench/newest.sql "$CONTENT_SESSION"
LG_RPS=$R_RPS LG_P50=$R_P50 LG_P99=$R_P99 LG_NOTE=$R_NOTE
bench_cached slug "$A_SLUG"
S_RPS=$R_RPS S_P50=$R_P50 S_P99=$R_P99 S_NOTE=$R_NOTE S_H=$R_H
bench slug-origin "$A_SLUG" 'Cache-Control: no-cache'
SO_RPS=$R_RPS SO_P50=$R_P50 SO_P99=$R_P99 SO_NOTE=$R_NOTE
bench_peer peer-slug "$A_SLUG" slug-origin
SP_RPS=$R_RPS SP_P50=$R_P50 SP_P99=$R_P99 SP_NOTE=$R_NOTE
pgbench_file pg-slug "$BENCH_CONNECTIONS" tests/bench/slug.sql "$CONTENT_SESSION" \
    -D "slug=${A_SLUG##*/}"
SG_RPS=$R_RPS SG_P50=$R_P50 SG_P99=$R_P99 SG_NOTE=$R_NOTE
bench_cached search "$A_SEARCH"
Q_RPS=$R_RPS Q_P50=$R_P50 Q_P99=$R_P99 Q_NOTE=$R_NOTE Q_H=$R_H
bench search-origin "$A_SEARCH" 'Cache-Control: no-cache'
QO_RPS=$R_RPS QO_P50=$R_P50 QO_P99=$R_P99 QO_NOTE=$R_NOTE
bench_peer peer-search "$A_SEARCH" search-origin
QP_RPS=$R_RPS QP_P50=$R_P50 QP_P99=$R_P99 QP_NOTE=$R_NOTE
# The same article as a page rendered on the server (decision 0035), asked
# as a browser asks (Accept-Encoding: the Brotli form kept in the cache,
# decision 0042): from the cache, then past it (Cache-Control: no-cache: the
# three RPCs and the template again; the bytes being the same, the kept
# compressed forms are reused, not made again).
P_SLUG=/tin-tuc/bench-bai-viet-5000
P_AE='Accept-Encoding: gzip, deflate, br'
bench_cached page "$P_SLUG" "$P_AE"
P_RPS=$R_RPS P_P50=$R_P50 P_P99=$R_P99 P_NOTE=$R_NOTE P_H=$R_H
bench page-origin "$P_SLUG" 'Cache-Control: no-cache' "$P_AE"
PO_RPS=$R_RPS PO_P50=$R_P50 PO_P99=$R_P99 PO_NOTE=$R_NOTE
# Memory at load: each program's peak resident set (VmHWM) over the reads.
mem_sample "at the end of the reads"
soak
# CURVE's cost (issue 16): the article by slug past the cache (one RPC each)
# with CURVE, then with content-svc and the gateway restarted with
# LOA_CURVE=off, then both back with CURVE and measured again. The run
# without CURVE is bracketed by the two with it, and the target is judged
# against their mean: on two shared cores the rate drifts from one run to
# the next by as much as the cost being measured.
bench curve-on "$A_SLUG" 'Cache-Control: no-cache'
CN1_RPS=$R_RPS CN_P50=$R_P50 CN_P99=$R_P99 CN_NOTE=$R_NOTE
curve_restart() {
    stack_stop gateway
    stack_stop content-svc
    LOA_CURVE=$1 stack_start content-svc
    LOA_CURVE=$1 stack_start gateway
    # Ready: the gateway answers the read (readyz would also ping the
    # other services, which refuse a plain client while CURVE is off).
    for _ in $(seq 300); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Cache-Control: no-cache' \
            "$GW$A_SLUG")" = 200 ] && return 0
        sleep 0.1
    done
    die "content-svc and the gateway did not come back with LOA_CURVE=$1 (see $DIR/logs)"
}
echo "bench: restarting content-svc and the gateway without CURVE" >&2
curve_restart off
bench curve-off "$A_SLUG" 'Cache-Control: no-cache'
CF_RPS=$R_RPS CF_P50=$R_P50 CF_P99=$R_P99 CF_NOTE=$R_NOTE
echo "bench: restarting content-svc and the gateway with CURVE" >&2
curve_restart on
stack_wait_ready 300 || die "the stack did not come back with CURVE (see $DIR/logs)"
bench curve-on-again "$A_SLUG" 'Cache-Control: no-cache'
CN2_RPS=$R_RPS
# The mean of the two (empty if either failed: then not measured).
CN_RPS=$(awk -v a="$CN1_RPS" -v b="$CN2_RPS" 'BEGIN { if (a != "" && b != "") printf "%.0f", (a + b) / 2 }')
CN_NOTE="the mean of the runs before and after the next row: ${CN1_RPS:-failed} and ${CN2_RPS:-failed}/s; $CN_NOTE"
fi

# ------------------------------------------------------------ feedback (issue 5)
# Durable submissions through the whole path (gateway, intake throttle,
# RPC, feedback-svc, one transaction, WAL flush) beside pgbench running the
# same INSERTs on the same PostgreSQL, both at FB_CONNECTIONS connections.

# The gateway's counters of its intake throttle, "counted refused evicted".
throttle_counts() {
    curl -s --max-time 5 "$GW/metrics" | awk '
        /^loa_http_requests_total\{route="\/api\/v1\/feedback",method="POST"/ { n += $2 }
        /^loa_throttle_refused_total / { r = $2 }
        /^loa_throttle_evictions_total / { e = $2 }
        END { printf "%d %d %d", n, r, e }'
}

# bench_feedback NAME RUN [URL]: wrk POSTs feedback (tests/bench/feedback.lua)
# at FB_CONNECTIONS connections to the gateway, or to the server at URL (the
# peer: no throttle to count); RUN (0..7) keeps the client addresses of this
# row apart from the others'. Sets R_* like bench.
bench_feedback() {
    local name=$1 run=$2 base=${3:-$GW} out=$DIR/wrk-$1.txt line code timeout
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    timeout=$(wrk_timeout "$base")
    code=$(curl -s -o "$DIR/body-$name" -w '%{http_code}' --max-time 10 \
        -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.255.255.$run" \
        --data-binary '{"kind":"report","title":"Thử","content":"Thử nghiệm","submitter":{"name":"Lê Văn Thử","address":"Đà Nẵng","phone":"0905000000","email":"thu@example.vn"}}' \
        "$base/api/v1/feedback") || code=000
    if [ "$code" != 201 ]; then
        R_NOTE="not measured: POST /api/v1/feedback answered HTTP $code"
        status=1
        return
    fi
    local before="" after
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        wrk -t"$BENCH_THREADS" -c"$FB_CONNECTIONS" -d"${BENCH_WARMUP}s" --timeout "$timeout" \
            -s tests/bench/feedback.lua "$base/api/v1/feedback" -- $((run * 2)) >/dev/null 2>&1 || true
    fi
    [ "$base" = "$GW" ] && before=$(throttle_counts)
    echo "bench: POST $base/api/v1/feedback ($name) for ${BENCH_SECONDS}s" >&2
    if ! wrk -t"$BENCH_THREADS" -c"$FB_CONNECTIONS" -d"${BENCH_SECONDS}s" --timeout "$timeout" --latency \
        -s tests/bench/feedback.lua "$base/api/v1/feedback" -- $((run * 2 + 1)) >"$out" 2>&1; then
        R_NOTE="not measured: wrk failed ($(tail -1 "$out"))"
        status=1
        return
    fi
    line=$(grep '^LOA_RESULT ' "$out" | tail -1) || true
    [ -n "$line" ] || { R_NOTE="not measured: no result in wrk's output"; status=1; return; }
    R_RPS=$(field rps "$line") R_P50=$(field p50 "$line") R_P99=$(field p99 "$line")
    if [ -n "$before" ]; then
        after=$(throttle_counts)
        R_NOTE=$(printf '%s %s' "$before" "$after" | awk '{
            printf "throttle counted %d, refused %d, forgot %d live clients (full table)",
                $4 - $1, $5 - $2, $6 - $3 }')
    else
        R_NOTE="$(field requests "$line") submissions"
    fi
    local errs non2xx not201
    errs=$(field socket_errors "$line") non2xx=$(field non2xx "$line") not201=$(field not201 "$line")
    if [ "$errs" != 0 ] || [ "$non2xx" != 0 ] || [ "$not201" != 0 ]; then
        R_NOTE="$R_NOTE; ERRORS: $not201 not 201, $errs socket errors of $(field requests "$line")"
        status=1
    fi
}

# pgbench_feedback NAME NOTIFY: pgbench_file of tests/bench/feedback_insert.sql
# into fresh scratch tables (feedback_tables.sql; NOTIFY 1 keeps the
# outbox's former NOTIFY trigger) at FB_CONNECTIONS connections.
pgbench_feedback() {
    local name=$1 notify=$2
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    if ! psql_q -v notify="$notify" -f tests/bench/feedback_tables.sql >"$DIR/tables-$name.txt" 2>&1; then
        R_NOTE="not measured: the scratch tables failed ($(tail -1 "$DIR/tables-$name.txt"))"
        status=1
        return
    fi
    pgbench_file "$name" "$FB_CONNECTIONS" tests/bench/feedback_insert.sql
}

if want feedback; then
    PG_DURABILITY=$(psql_q -tA -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' ||
        current_setting('synchronous_commit') || ', wal_sync_method=' || current_setting('wal_sync_method')")
    case $PG_DURABILITY in
    fsync=on,\ synchronous_commit=on,*) ;;
    *) die "PostgreSQL is not durable ($PG_DURABILITY): the feedback row would mean nothing" ;;
    esac
    FB_THREADS_DEFAULT=$(($(nproc) * 4 > 8 ? $(nproc) * 4 : 8))
    want reads || mem_reset "the start of the feedback rows"
    # 1. The reference: pgbench, the same INSERTs, with the outbox's former NOTIFY trigger.
    pgbench_feedback insert 1
    PB_RPS=$R_RPS PB_P50=$R_P50 PB_P99=$R_P99 PB_NOTE=$R_NOTE
    # The reference right before the service's row, and again at the end
    # (4.): this disk's sync rate drifts by ±10 % within a run, so the
    # target is judged against the mean of the two, which brackets the row.
    pgbench_feedback insert-no-notify-before 0
    PN0_RPS=$R_RPS PN0_P50=$R_P50 PN0_P99=$R_P99 PN0_NOTE=$R_NOTE
    # 2. The service as installed: the gateway's and feedback-svc's defaults.
    # feedback-svc's workers as it sized them (its start's log line).
    FB1_THREADS=${LOA_HTTP_THREADS:-$FB_THREADS_DEFAULT}
    FB1_WORKERS=$(grep -o 'feedback-svc: [0-9]* workers' "$STACK_DIR/logs/feedback-svc.log" |
        tail -1 | grep -o '[0-9]*') || FB1_WORKERS="?"
    bench_feedback feedback 0
    F1_RPS=$R_RPS F1_P50=$R_P50 F1_P99=$R_P99 F1_NOTE=$R_NOTE
    # The peer's same submission, right after (client addresses of its own;
    # it has no throttle). Its rows are counted in feedback.feedback.
    FP_RPS="" FP_P50="" FP_P99="" FP_NOTE=${PEER_NOTE:-not measured: BENCH_PEER=0}
    if [ -n "$PEER" ]; then
        rows_before=$(psql_q -tA -c 'SELECT count(*) FROM feedback.feedback')
        bench_feedback peer-feedback 2 "$PEER"
        FP_RPS=$R_RPS FP_P50=$R_P50 FP_P99=$R_P99 FP_NOTE=$R_NOTE
        rows_after=$(psql_q -tA -c 'SELECT count(*) FROM feedback.feedback')
        [ -z "$FP_RPS" ] || FP_NOTE="$FP_NOTE; $((rows_after - rows_before)) new rows in feedback.feedback, the warm-up's included"
    fi
    # Without the reads, memory is sampled here, at the defaults' load (the
    # next row restarts the gateway and feedback-svc).
    want reads || mem_sample "at the end of the feedback rows at the defaults"
    # 3. On equal footing with pgbench's connections: as many commits in
    # flight (feedback-svc's workers, each one database connection) and as
    # many gateway threads (each waits on its RPC).
    echo "bench: restarting feedback-svc with LOA_WORKERS=$BENCH_FEEDBACK_WORKERS" \
        "and the gateway with LOA_HTTP_THREADS=$BENCH_FEEDBACK_WORKERS" >&2
    stack_stop gateway
    stack_stop feedback-svc
    LOA_WORKERS=$BENCH_FEEDBACK_WORKERS stack_start feedback-svc
    LOA_HTTP_THREADS=$BENCH_FEEDBACK_WORKERS stack_start gateway
    stack_wait_ready 300 || die "the stack did not come back (see $DIR/logs)"
    bench_feedback feedback-workers 1
    F2_RPS=$R_RPS F2_P50=$R_P50 F2_P99=$R_P99 F2_NOTE=$R_NOTE
    # 4. What the service commits now: the same pgbench without the trigger.
    pgbench_feedback insert-no-notify 0
    PN_RPS=$R_RPS PN_P50=$R_P50 PN_P99=$R_P99 PN_NOTE=$R_NOTE
    # The reference of the target: the mean of the two (empty if either is).
    PNM_RPS=$(awk -v a="$PN0_RPS" -v b="$PN_RPS" 'BEGIN { if (a != "" && b != "") printf "%.1f", (a + b) / 2 }')
    psql_q -c 'DROP SCHEMA bench CASCADE' >/dev/null 2>&1 || true
fi

# ------------------------------------------------------------ media (issue 7)
# A video file of BENCH_MEDIA_MB MiB downloaded by MEDIA_CLIENTS parallel
# clients, whole, again and again: through the gateway (GET
# /api/v1/assets/{id}: authentication, the asset's row from media-svc, then
# the file by sendfile) beside nginx from Debian serving the very same blob
# file with sendfile, started for this row only.

# The bytes/s wrk moved, the downloads and the errors.
cat >"$DIR/report-bytes.lua" <<'EOF'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "LOA_RESULT bps=%.0f rps=%.3f p50=%d p99=%d requests=%d socket_errors=%d non2xx=%d\n",
        summary.bytes / (summary.duration / 1e6), summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(99), summary.requests,
        e.connect + e.read + e.write + e.timeout, e.status))
end
EOF

# json_post PATH JSON [curl args]: the body of the answer.
json_post() {
    local path=$1 json=$2
    shift 2
    curl -s --max-time 30 -H 'Content-Type: application/json' --data-binary "$json" "$@" "$GW$path"
}

# media_file FILE MIB: an MP4 (ftyp, then one mdat box of random bytes)
# of exactly MIB MiB, which libmagic takes for video/mp4.
media_file() {
    local total=$(($2 * 1048576)) mdat
    mdat=$((total - 24))
    {
        printf '\000\000\000\030ftypisom\000\000\002\000isomiso2'
        printf "\\$(printf %03o $((mdat >> 24 & 255)))\\$(printf %03o $((mdat >> 16 & 255)))"
        printf "\\$(printf %03o $((mdat >> 8 & 255)))\\$(printf %03o $((mdat & 255)))mdat"
        head -c $((mdat - 8)) /dev/urandom
    } >"$1"
}

# bench_download NAME URL [HEADER]: wrk downloads URL whole at
# MEDIA_CLIENTS connections; sets R_BPS (bytes/s), R_RPS, R_P50, R_P99, R_NOTE.
bench_download() {
    local name=$1 url=$2 out=$DIR/wrk-$1.txt line code
    local -a extra=()
    [ -n "${3:-}" ] && extra+=(-H "$3")
    R_BPS="" R_RPS="" R_P50="" R_P99="" R_NOTE=""
    code=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 60 "${extra[@]}" "$url") ||
        code=000
    if [ "${code%% *}" != 200 ] || [ "${code#* }" != "$MEDIA_BYTES" ]; then
        R_NOTE="not measured: GET $url answered HTTP ${code%% *} with ${code#* } bytes"
        status=1
        return
    fi
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        wrk -t"$BENCH_THREADS" -c"$MEDIA_CLIENTS" -d"${BENCH_WARMUP}s" --timeout 60s \
            "${extra[@]}" "$url" >/dev/null 2>&1 || true
    fi
    echo "bench: GET $url ($name) at $MEDIA_CLIENTS connections for ${BENCH_SECONDS}s" >&2
    if ! wrk -t"$BENCH_THREADS" -c"$MEDIA_CLIENTS" -d"${BENCH_SECONDS}s" --timeout 60s --latency \
        "${extra[@]}" -s "$DIR/report-bytes.lua" "$url" >"$out" 2>&1; then
        R_NOTE="not measured: wrk failed ($(tail -1 "$out"))"
        status=1
        return
    fi
    line=$(grep '^LOA_RESULT ' "$out" | tail -1) || true
    [ -n "$line" ] || { R_NOTE="not measured: no result in wrk's output"; status=1; return; }
    R_BPS=$(field bps "$line") R_RPS=$(field rps "$line") R_P50=$(field p50 "$line") R_P99=$(field p99 "$line")
    R_NOTE="$(field requests "$line") whole downloads"
    local errs non2xx
    errs=$(field socket_errors "$line") non2xx=$(field non2xx "$line")
    if [ "$errs" != 0 ] || [ "$non2xx" != 0 ]; then
        R_NOTE="$R_NOTE; ERRORS: $non2xx non-2xx, $errs socket errors"
        status=1
    fi
}

if want media; then
    command -v nginx >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v nginx >/dev/null 2>&1 || die "nginx is not installed (make deps, or apt-get install nginx-light)"
    echo "bench: a $BENCH_MEDIA_MB MiB video, uploaded by an editor" >&2
    media_file "$DIR/video.mp4" "$BENCH_MEDIA_MB"
    MEDIA_BYTES=$(stat -c %s "$DIR/video.mp4")
    ADMIN_TOKEN=$(json_post /api/v1/auth/login "$(jq -nc --arg p "$LOA_ADMIN_PASSWORD" '{username: "admin", password: $p}')" |
        jq -r '.token // empty')
    [ -n "$ADMIN_TOKEN" ] || die "the admin could not log in"
    ED_PW="pw-bench-$(head -c 9 /dev/urandom | base64 | tr '+/' '-_')"
    json_post /api/v1/users "$(jq -nc --arg p "$ED_PW" '{username: "bench.editor", password: $p,
        full_name: "Biên tập viên đo hiệu năng", roles: ["editor"]}')" -H "Authorization: Bearer $ADMIN_TOKEN" >/dev/null
    ED_TOKEN=$(json_post /api/v1/auth/login "$(jq -nc --arg p "$ED_PW" '{username: "bench.editor", password: $p}')" |
        jq -r '.token // empty')
    [ -n "$ED_TOKEN" ] || die "the bench's editor could not log in"
    ASSET=$(curl -s --max-time 300 -X POST -H "Authorization: Bearer $ED_TOKEN" -H 'Content-Type: video/mp4' \
        -T "$DIR/video.mp4" "$GW/api/v1/assets")
    ASSET_ID=$(printf '%s' "$ASSET" | jq -r '.id // empty')
    ASSET_SHA=$(printf '%s' "$ASSET" | jq -r '.sha256 // empty')
    [ -n "$ASSET_ID" ] && [ "$ASSET_SHA" = "$(sha256sum "$DIR/video.mp4" | cut -d' ' -f1)" ] ||
        die "the upload failed: $ASSET"
    BLOB=sha256/${ASSET_SHA:0:2}/${ASSET_SHA:2:2}/$ASSET_SHA
    [ -f "$LOA_MEDIA_DIR/$BLOB" ] || die "the blob is not at $LOA_MEDIA_DIR/$BLOB"
    # The reference: nginx, as many workers as cores, sendfile, on the
    # first free port after the stack's ten.
    NGINX_PORT=$((LOA_PG_PORT + 10))
    while ! port_free "$NGINX_PORT"; do NGINX_PORT=$((NGINX_PORT + 1)); done
    mkdir -p "$DIR/nginx/tmp"
    {
        echo "worker_processes $(nproc);"
        [ "$(id -u)" = 0 ] && echo "user root;"
        echo "pid $DIR/nginx/nginx.pid; error_log $DIR/nginx/error.log;"
        echo "events { worker_connections 256; }"
        echo "http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;"
        echo "  types { video/mp4 mp4; } default_type video/mp4;"
        for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $DIR/nginx/tmp/$t;"; done
        echo "  server { listen 127.0.0.1:$NGINX_PORT; root $LOA_MEDIA_DIR; } }"
    } >"$DIR/nginx/nginx.conf"
    nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" || die "nginx did not start (see $DIR/nginx/error.log)"
    bench_download nginx "http://127.0.0.1:$NGINX_PORT/$BLOB"
    NG_BPS=$R_BPS NG_RPS=$R_RPS NG_P50=$R_P50 NG_P99=$R_P99 NG_NOTE=$R_NOTE
    kill "$(cat "$DIR/nginx/nginx.pid")" 2>/dev/null || true
    bench_download gateway "$GW/api/v1/assets/$ASSET_ID" "Authorization: Bearer $ED_TOKEN"
    MG_BPS=$R_BPS MG_RPS=$R_RPS MG_P50=$R_P50 MG_P99=$R_P99 MG_NOTE=$R_NOTE
fi

# ------------------------------------------------------------ targets
# The targets of issue 15 (and issue 7's media target): each prints "met",
# "MISSED" or "not measured" and counts in the last line; none changes the
# exit status. They are judged here, in this shell, so that the counts hold.
T_MET=0 T_MISSED=0 T_UNMEASURED=0
# verdict OK: V becomes "met" (OK is 1), "MISSED" (0) or "not measured"
# (empty: a figure is missing), and its count grows.
verdict() {
    case $1 in
    1) V=met T_MET=$((T_MET + 1)) ;;
    0) V=MISSED T_MISSED=$((T_MISSED + 1)) ;;
    *) V="not measured" T_UNMEASURED=$((T_UNMEASURED + 1)) ;;
    esac
}
# holds EXPR NAME=VALUE...: 1 when awk finds EXPR true of the values, 0
# when false, nothing when a value is empty (not measured).
holds() {
    local expr=$1 kv
    shift
    local -a vars=()
    for kv; do
        [ -n "${kv#*=}" ] || return 0
        vars+=(-v "$kv")
    done
    awk "${vars[@]}" "BEGIN { print (($expr) ? 1 : 0) }"
}
# vs_peer LOA PEER: "Loa = X.XXx the peer" (requests/s).
vs_peer() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "" || b == "" || b == 0) print "Loa = ?x the peer (not measured)"
        else printf "Loa = %.2fx the peer", a / b }'
}
# mb KB: kilobytes (of /proc) as decimal megabytes.
mb() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f MB", k * 1024 / 1e6 }'; }
MEM_LIMIT_MB=30

if want reads; then
    verdict "$(holds 'r >= 0.8 * h' r="$T_RPS" h="$T_H")"
    TG_T="target ≥ 80 % of /healthz: $V"
    verdict "$(holds 'r >= 0.8 * h' r="$L_RPS" h="$L_H")"
    TG_L="target ≥ 80 % of /healthz: $V"
    verdict "$(holds 'r >= 0.8 * h' r="$S_RPS" h="$S_H")"
    TG_S="target ≥ 80 % of /healthz: $V"
    verdict "$(holds 'r >= 0.8 * h' r="$Q_RPS" h="$Q_H")"
    TG_Q="target ≥ 80 % of /healthz: $V"
    verdict "$(holds 'r >= 2 * p && q < 20000' r="$LO_RPS" p="$LP_RPS" q="$LO_P99")"
    TG_LO="target ≥ 2x the peer and p99 < 20 ms: $V"
    verdict "$(holds 'r >= 1.5 * p && q < 20000' r="$SO_RPS" p="$SP_RPS" q="$SO_P99")"
    TG_SO="target ≥ 1.5x the peer and p99 < 20 ms: $V"
    verdict "$(holds 'r >= 1000 && q < 100000' r="$QO_RPS" q="$QO_P99")"
    TG_QO="target ≥ 1,000 req/s and p99 < 100 ms: $V"
    # "A few percent": at most a tenth of the rate of the same read without.
    verdict "$(holds 'c >= 0.9 * f' c="$CN_RPS" f="$CF_RPS")"
    TG_CURVE="$(ratio "$CN_RPS" "$CF_RPS") of the rate without CURVE, target ≥ 90 %: $V"
    if [ "$BENCH_SOAK" -gt 0 ]; then
        verdict "$(holds 'g < 5' g="$SOAK_GROWTH")"
        TG_SOAK="target flat (growth < 5 %): $V"
    fi
fi
if want feedback; then
    # The feedback target: at least 80 % of the rate of pgbench running the
    # same transaction (the same INSERTs without a NOTIFY, which is what the
    # service commits: its notifier wakes the relay after the commit), at
    # the defaults.
    verdict "$(holds 'r >= 0.8 * n' r="$F1_RPS" n="$PNM_RPS")"
    TG_F1="$(ratio "$F1_RPS" "$PNM_RPS") of pgbench tps (same INSERTs, the mean of the runs before and after), target ≥ 80 %: $V"
    [ -z "$PB_RPS" ] || TG_F1="$TG_F1; $(ratio "$F1_RPS" "$PB_RPS") of the run with the former NOTIFY trigger"
fi
declare -A TG_MEM=()
if want reads || want feedback; then
    for p in $MEM_PROGRAMS; do
        verdict "$(holds "h * 1024 < $MEM_LIMIT_MB * 1e6" h="$(echo "${MEM[$p]:-}" | cut -s -d' ' -f2)")"
        TG_MEM[$p]=$V
    done
fi
if want media; then
    verdict "$(holds 'g >= 0.8 * n' g="$MG_BPS" n="$NG_BPS")"
    TG_MEDIA="$(ratio "$MG_BPS" "$NG_BPS") of nginx bytes/s, target ≥ 80 %: $V"
fi

# ------------------------------------------------------------ the table
# cmp_cached RPS H P50 P99: a cached row beside /healthz in its own
# alternation (bench_cached), and the latencies beside the ceiling row's.
cmp_cached() { echo "$(ratio "$1" "$2") of /healthz req/s ($(printf '%.0f' "${2:-0}")/s beside it), p50 $(times "$3" "$H_P50"), p99 $(times "$4" "$H_P99")"; }
cmp_h() { echo "$(ratio "$1" "$H_RPS") of /healthz req/s, p50 $(times "$2" "$H_P50"), p99 $(times "$3" "$H_P99")"; }
PG_ABOUT="reference: pgbench, content-svc's statement, ${BENCH_CONNECTIONS} connections"
PEER_ABOUT="reference: the same SQL, fastify 5 + pg 8 on Node.js $(node --version 2>/dev/null || echo '?')"
# peer_row: a row of the peer's, left out with BENCH_PEER=0.
peer_row() { [ "$BENCH_PEER" = 0 ] || row "$@"; }
SHARED="wrk and the stack"
[ "$BENCH_PEER" = 0 ] || SHARED="wrk, the stack and the peer"

echo
echo "Loa benchmarks: wrk, ${BENCH_THREADS} threads, ${BENCH_SECONDS} s each" \
    "(after ${BENCH_WARMUP} s warm-up), on $(nproc) cores shared by $SHARED"
printf "%-${LABEL_W}s %12s %11s %11s  %s\n" "benchmark" "requests/s" "p50" "p99" "beside its reference"
printf "%-${LABEL_W}s %12s %11s %11s  %s\n" "---------" "----------" "---" "---" "--------------------"
if want reads; then
echo "reads: ${BENCH_CONNECTIONS} connections; gateway HTTP threads: ${LOA_HTTP_THREADS:-default (4 per core, at least 8)}$(
    [ "$BENCH_PEER" = 0 ] || echo "; the peer's pg.Pool: ${BENCH_PEER_POOL} connections")"
row "GET /healthz" "$H_RPS" "$H_P50" "$H_P99" "reference: the gateway's own ceiling" "$H_NOTE"
row "GET /api/v1/topics" "$T_RPS" "$T_P50" "$T_P99" "$(cmp_cached "$T_RPS" "$T_H" "$T_P50" "$T_P99"); $TG_T" "$T_NOTE"
row "  same, no-cache" "$O_RPS" "$O_P50" "$O_P99" "$(cmp_h "$O_RPS" "$O_P50" "$O_P99")" \
    "through RPC and PostgreSQL; $O_NOTE"
row "articles, 20 newest" "$L_RPS" "$L_P50" "$L_P99" "$(cmp_cached "$L_RPS" "$L_H" "$L_P50" "$L_P99"); $TG_L" \
    "10,000 published; $L_NOTE"
row "  same, no-cache" "$LO_RPS" "$LO_P50" "$LO_P99" "$(vs_peer "$LO_RPS" "$LP_RPS"); $TG_LO" \
    "through RPC and PostgreSQL, the page and the count; $(cmp_h "$LO_RPS" "$LO_P50" "$LO_P99"); $LO_NOTE"
peer_row "  peer, same" "$LP_RPS" "$LP_P50" "$LP_P99" "$PEER_ABOUT" "$LP_NOTE"
row "  PostgreSQL alone" "$LG_RPS" "$LG_P50" "$LG_P99" "$PG_ABOUT; Loa = $(ratio "$LO_RPS" "$LG_RPS") of its tps" \
    "tests/bench/newest.sql; $LG_NOTE"
row "article by slug" "$S_RPS" "$S_P50" "$S_P99" "$(cmp_cached "$S_RPS" "$S_H" "$S_P50" "$S_P99"); $TG_S" "$S_NOTE"
row "  same, no-cache" "$SO_RPS" "$SO_P50" "$SO_P99" "$(vs_peer "$SO_RPS" "$SP_RPS"); $TG_SO" \
    "through RPC and PostgreSQL; $(cmp_h "$SO_RPS" "$SO_P50" "$SO_P99"); $SO_NOTE"
peer_row "  peer, same" "$SP_RPS" "$SP_P50" "$SP_P99" "$PEER_ABOUT" "$SP_NOTE"
row "  PostgreSQL alone" "$SG_RPS" "$SG_P50" "$SG_P99" "$PG_ABOUT; Loa = $(ratio "$SO_RPS" "$SG_RPS") of its tps" \
    "tests/bench/slug.sql; $SG_NOTE"
row "search, 20 best" "$Q_RPS" "$Q_P50" "$Q_P99" "$(cmp_cached "$Q_RPS" "$Q_H" "$Q_P50" "$Q_P99"); $TG_Q" \
    "q=dang ky kinh doanh; $Q_NOTE"
row "  same, no-cache" "$QO_RPS" "$QO_P50" "$QO_P99" "$(vs_peer "$QO_RPS" "$QP_RPS"); $TG_QO" \
    "through RPC and PostgreSQL; $(cmp_h "$QO_RPS" "$QO_P50" "$QO_P99"); $QO_NOTE"
peer_row "  peer, same" "$QP_RPS" "$QP_P50" "$QP_P99" "$PEER_ABOUT" "$QP_NOTE"
row "article page (HTML)" "$P_RPS" "$P_P50" "$P_P99" "$(cmp_cached "$P_RPS" "$P_H" "$P_P50" "$P_P99")" \
    "$P_SLUG, Brotli; $P_NOTE"
row "  same, no-cache" "$PO_RPS" "$PO_P50" "$PO_P99" "$(cmp_h "$PO_RPS" "$PO_P50" "$PO_P99")" \
    "articles.get, units.get, topics.list and the template; $(times "$PO_RPS" "$SO_RPS") the article's JSON past the cache; $PO_NOTE"
row "by slug, no-cache, CURVE" "$CN_RPS" "$CN_P50" "$CN_P99" "$TG_CURVE" \
    "ZeroMQ over CURVE (the default), measured right before and right after the next row; $CN_NOTE"
row "  same, LOA_CURVE=off" "$CF_RPS" "$CF_P50" "$CF_P99" \
    "reference: content-svc and the gateway restarted without CURVE" "$CF_NOTE"
fi
if want feedback; then
echo "feedback submissions (durable: $PG_DURABILITY): ${FB_CONNECTIONS} connections;" \
    "intake throttle on (LOA_INTAKE_LIMIT ${LOA_INTAKE_LIMIT:-20} per ${LOA_INTAKE_WINDOW_S:-600} s)," \
    "8 requests per client address: counted, never tripped"
row "POST /api/v1/feedback" "$F1_RPS" "$F1_P50" "$F1_P99" "$TG_F1; $(vs_peer "$F1_RPS" "$FP_RPS")" \
    "defaults: $FB1_THREADS HTTP threads, $FB1_WORKERS workers; $F1_NOTE"
peer_row "  peer, same" "$FP_RPS" "$FP_P50" "$FP_P99" \
    "$PEER_ABOUT; $(ratio "$FP_RPS" "$PN_RPS") of pgbench tps" "pg.Pool of $BENCH_PEER_POOL; $FP_NOTE"
row "  same, $BENCH_FEEDBACK_WORKERS workers" "$F2_RPS" "$F2_P50" "$F2_P99" \
    "$(ratio "$F2_RPS" "$PN_RPS") of pgbench tps (same INSERTs); $(vs_peer "$F2_RPS" "$FP_RPS")" \
    "$BENCH_FEEDBACK_WORKERS HTTP threads, $BENCH_FEEDBACK_WORKERS workers; $F2_NOTE"
row "pgbench, same INSERTs" "$PN_RPS" "$PN_P50" "$PN_P99" \
    "reference: transactions/s, -c $FB_CONNECTIONS -j 2 -M prepared, what the service commits" "$PN_NOTE"
row "  same, before the row" "$PN0_RPS" "$PN0_P50" "$PN0_P99" \
    "reference: the same right before the defaults' row; the target's reference is the mean of the two, $PNM_RPS" "$PN0_NOTE"
row "  with a NOTIFY trigger" "$PB_RPS" "$PB_P50" "$PB_P99" \
    "$(ratio "$PB_RPS" "$PN_RPS") of the reference: the outbox's former trigger; the gap is what a NOTIFY in each commit cost" "$PB_NOTE"
fi
if want media; then
mbs() { awk -v b="$1" 'BEGIN { if (b == "") print "-"; else printf "%.0f MB/s", b / 1e6 }'; }
echo "media downloads: a $BENCH_MEDIA_MB MiB video ($MEDIA_BYTES bytes), $MEDIA_CLIENTS parallel clients," \
    "each downloading it whole again and again (downloads/s in the first column, p50/p99 of one download)"
row "GET /api/v1/assets/{id}" "$MG_RPS" "$MG_P50" "$MG_P99" "$(mbs "$MG_BPS"); $TG_MEDIA" \
    "gateway: bearer token, media-svc's row, sendfile; $MG_NOTE"
row "nginx, same file" "$NG_RPS" "$NG_P50" "$NG_P99" "reference: $(mbs "$NG_BPS"), sendfile, $(nproc) workers" "$NG_NOTE"
fi
if want reads || want feedback; then
echo "memory at load, PostgreSQL's processes aside: VmHWM is the peak resident set $MEM_SINCE," \
    "VmRSS the resident set $MEM_WHEN"
for p in $MEM_PROGRAMS peer; do
    rss=$(echo "${MEM[$p]:-}" | cut -s -d' ' -f1) hwm=$(echo "${MEM[$p]:-}" | cut -s -d' ' -f2)
    if [ "$p" = peer ]; then
        [ -n "$PEER_PID" ] || continue
        label="peer (node)" judged="informational, not a target"
    else
        label=$p judged="target < $MEM_LIMIT_MB MB: ${TG_MEM[$p]}"
    fi
    printf "%-${LABEL_W}s %12s %11s %11s  %s\n" "  $label" "" "" "" \
        "VmHWM $(mb "$hwm"), VmRSS $(mb "$rss"); $judged"
done
fi
if ! want reads && [ "$BENCH_SOAK" -gt 0 ]; then
    echo "soak: not run (it loads the reads, which BENCH_ONLY=$BENCH_ONLY leaves out)"
fi
if want reads && [ "$BENCH_SOAK" -gt 0 ]; then
echo "soak: the gateway for ${BENCH_SOAK} s at ${BENCH_CONNECTIONS} connections, the four reads above" \
    "each from the cache and past it in turn; its VmRSS every 10 s"
row "  gateway's VmRSS" "$SOAK_RPS" "" "" \
    "first $(mb "$SOAK_FIRST"), last $(mb "$SOAK_LAST"), max $(mb "$SOAK_MAX");$(
        [ -z "$SOAK_GROWTH" ] || printf ' %+.1f %% from the first minute to the last;' "$SOAK_GROWTH") $TG_SOAK" \
    "$SOAK_NOTE"
fi
echo
if [ "$T_UNMEASURED" -gt 0 ]; then
    echo "targets: $T_MET met, $T_MISSED missed ($T_UNMEASURED not measured)"
else
    echo "targets: $T_MET met, $T_MISSED missed"
fi
exit "$status"
