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
#   BENCH_ONLY         reads, feedback or media: only those rows (default: all)
#   BENCH_MEDIA_MB     size of the media row's video file, MiB (default 200)
#   BENCH_FEEDBACK_WORKERS  feedback-svc's workers (and the gateway's HTTP
#                      threads) of the second feedback row (default 32, as
#                      pgbench's connections)
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
# The media row's parallel downloads: the issue's figure.
MEDIA_CLIENTS=8
# The feedback row's connections: the issue's figure, for wrk and pgbench.
FB_CONNECTIONS=32

die() {
    echo "bench: $*" >&2
    exit 1
}

for v in BENCH_SECONDS BENCH_CONNECTIONS BENCH_THREADS BENCH_WARMUP BENCH_FEEDBACK_WORKERS BENCH_MEDIA_MB; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not [${!v}]"
done
[ "$BENCH_SECONDS" -ge 1 ] || die "BENCH_SECONDS must be at least 1"
[ "$BENCH_CONNECTIONS" -ge "$BENCH_THREADS" ] || die "BENCH_CONNECTIONS must be at least BENCH_THREADS"
if [ "$BENCH_FEEDBACK_WORKERS" -lt 1 ] || [ "$BENCH_FEEDBACK_WORKERS" -gt 256 ]; then
    die "BENCH_FEEDBACK_WORKERS must be from 1 to 256"
fi
[ "$BENCH_MEDIA_MB" -ge 1 ] || die "BENCH_MEDIA_MB must be at least 1"
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

psql_q() { PGOPTIONS='--client-min-messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$LOA_DB_URL" "$@"; }

# ------------------------------------------------------------ reads
if want reads; then
echo "bench: loading 10,000 published articles" >&2
psql_q -f tests/bench/articles.sql >"$DIR/articles-load.txt" 2>&1 ||
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
A_LIST='/api/v1/articles?per_page=20'
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

# bench_feedback NAME RUN: wrk POSTs feedback (tests/bench/feedback.lua) at
# FB_CONNECTIONS connections; RUN (0..7) keeps the client addresses of
# this row apart from the others'. Sets R_* like bench.
bench_feedback() {
    local name=$1 run=$2 out=$DIR/wrk-$1.txt line code
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    code=$(curl -s -o "$DIR/body-$name" -w '%{http_code}' --max-time 10 \
        -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.255.255.$run" \
        --data-binary '{"kind":"report","title":"Thử","content":"Thử nghiệm","submitter":{"name":"Lê Văn Thử","address":"Đà Nẵng","phone":"0905000000","email":"thu@example.vn"}}' \
        "$GW/api/v1/feedback") || code=000
    if [ "$code" != 201 ]; then
        R_NOTE="not measured: POST /api/v1/feedback answered HTTP $code"
        status=1
        return
    fi
    local before after
    if [ "$BENCH_WARMUP" -gt 0 ]; then
        wrk -t"$BENCH_THREADS" -c"$FB_CONNECTIONS" -d"${BENCH_WARMUP}s" \
            -s tests/bench/feedback.lua "$GW/api/v1/feedback" -- $((run * 2)) >/dev/null 2>&1 || true
    fi
    before=$(throttle_counts)
    echo "bench: POST /api/v1/feedback ($name) for ${BENCH_SECONDS}s" >&2
    if ! wrk -t"$BENCH_THREADS" -c"$FB_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency \
        -s tests/bench/feedback.lua "$GW/api/v1/feedback" -- $((run * 2 + 1)) >"$out" 2>&1; then
        R_NOTE="not measured: wrk failed ($(tail -1 "$out"))"
        status=1
        return
    fi
    line=$(grep '^LOA_RESULT ' "$out" | tail -1) || true
    [ -n "$line" ] || { R_NOTE="not measured: no result in wrk's output"; status=1; return; }
    R_RPS=$(field rps "$line") R_P50=$(field p50 "$line") R_P99=$(field p99 "$line")
    after=$(throttle_counts)
    # shellcheck disable=SC2086 # word splitting wanted
    R_NOTE=$(printf '%s %s' "$before" "$after" | awk '{
        printf "throttle counted %d, refused %d, forgot %d live clients (full table)",
            $4 - $1, $5 - $2, $6 - $3 }')
    local errs non2xx not201
    errs=$(field socket_errors "$line") non2xx=$(field non2xx "$line") not201=$(field not201 "$line")
    if [ "$errs" != 0 ] || [ "$non2xx" != 0 ] || [ "$not201" != 0 ]; then
        R_NOTE="$R_NOTE; ERRORS: $not201 not 201, $errs socket errors of $(field requests "$line")"
        status=1
    fi
}

# pgbench_feedback NAME NOTIFY: pgbench runs tests/bench/feedback_insert.sql
# into fresh scratch tables (feedback_tables.sql; NOTIFY 1 keeps the
# outbox's former NOTIFY trigger) at FB_CONNECTIONS connections. Sets R_*
# like bench (R_RPS is transactions per second; p50 and p99 from pgbench's
# per-transaction log).
pgbench_feedback() {
    local name=$1 notify=$2 out=$DIR/pgbench-$1.txt
    R_RPS="" R_P50="" R_P99="" R_NOTE=""
    if ! psql_q -v notify="$notify" -f tests/bench/feedback_tables.sql >"$DIR/tables-$name.txt" 2>&1; then
        R_NOTE="not measured: the scratch tables failed ($(tail -1 "$DIR/tables-$name.txt"))"
        status=1
        return
    fi
    local pgb=("$PG_BIN/pgbench" -n -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -M prepared
        -c "$FB_CONNECTIONS" -j 2 -f tests/bench/feedback_insert.sql)
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

if want feedback; then
    PG_DURABILITY=$(psql_q -tA -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' ||
        current_setting('synchronous_commit') || ', wal_sync_method=' || current_setting('wal_sync_method')")
    case $PG_DURABILITY in
    fsync=on,\ synchronous_commit=on,*) ;;
    *) die "PostgreSQL is not durable ($PG_DURABILITY): the feedback row would mean nothing" ;;
    esac
    FB_THREADS_DEFAULT=$(($(nproc) * 4 > 8 ? $(nproc) * 4 : 8))
    # 1. The reference: pgbench, the same INSERTs, with the outbox's former NOTIFY trigger.
    pgbench_feedback insert 1
    PB_RPS=$R_RPS PB_P50=$R_P50 PB_P99=$R_P99 PB_NOTE=$R_NOTE
    # 2. The service as installed: the gateway's and feedback-svc's defaults.
    FB1_THREADS=${LOA_HTTP_THREADS:-$FB_THREADS_DEFAULT} FB1_WORKERS=${LOA_WORKERS:-4}
    bench_feedback feedback 0
    F1_RPS=$R_RPS F1_P50=$R_P50 F1_P99=$R_P99 F1_NOTE=$R_NOTE
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

# target ROW_RPS ROW_P99: the list's target, at least half the /healthz
# rate with p99 under 20 ms.
target() {
    awk -v r="$1" -v p="$2" -v h="$H_RPS" 'BEGIN {
        if (r == "" || h == "" || p == "") { print "target: not measured"; exit }
        ok = (r >= h / 2 && p < 20000)
        printf "target >= 50%% of /healthz and p99 < 20 ms: %s", ok ? "met" : "MISSED" }'
}
# fb_target RPS: the feedback target (issue 5), at least half the rate of
# pgbench running the equivalent transaction: the same INSERTs without a
# NOTIFY, which is what the service commits (its notifier wakes the relay
# after the commit); beside it, the share of the run with the former trigger.
fb_target() {
    awk -v r="$1" -v p="$PB_RPS" -v n="$PN_RPS" 'BEGIN {
        if (r == "" || n == "") { print "target: not measured"; exit }
        printf "%.1f%% of pgbench tps (same INSERTs), target ≥ 50 %%: %s", 100 * r / n, (r >= n / 2) ? "met" : "not met"
        if (p != "") printf "; %.1f%% of the run with the former NOTIFY trigger", 100 * r / p }'
}

echo
echo "Loa benchmarks: wrk, ${BENCH_THREADS} threads, ${BENCH_SECONDS} s each" \
    "(after ${BENCH_WARMUP} s warm-up), on $(nproc) cores shared by wrk and the stack"
printf '%-26s %12s %11s %11s  %s\n' "benchmark" "requests/s" "p50" "p99" "beside its reference"
printf '%-26s %12s %11s %11s  %s\n' "---------" "----------" "---" "---" "--------------------"
if want reads; then
echo "reads: ${BENCH_CONNECTIONS} connections; gateway HTTP threads: ${LOA_HTTP_THREADS:-default (4 per core, at least 8)}"
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
fi
if want feedback; then
echo "feedback submissions (durable: $PG_DURABILITY): ${FB_CONNECTIONS} connections;" \
    "intake throttle on (LOA_INTAKE_LIMIT ${LOA_INTAKE_LIMIT:-20} per ${LOA_INTAKE_WINDOW_S:-600} s)," \
    "8 requests per client address: counted, never tripped"
row "POST /api/v1/feedback" "$F1_RPS" "$F1_P50" "$F1_P99" "$(fb_target "$F1_RPS")" \
    "defaults: $FB1_THREADS HTTP threads, $FB1_WORKERS workers; $F1_NOTE"
row "  same, $BENCH_FEEDBACK_WORKERS workers" "$F2_RPS" "$F2_P50" "$F2_P99" "$(fb_target "$F2_RPS")" \
    "$BENCH_FEEDBACK_WORKERS HTTP threads, $BENCH_FEEDBACK_WORKERS workers; $F2_NOTE"
row "pgbench, same INSERTs" "$PN_RPS" "$PN_P50" "$PN_P99" \
    "reference: transactions/s, -c $FB_CONNECTIONS -j 2 -M prepared, what the service commits" "$PN_NOTE"
row "  with a NOTIFY trigger" "$PB_RPS" "$PB_P50" "$PB_P99" \
    "$(ratio "$PB_RPS" "$PN_RPS") of the reference: the outbox's former trigger; the gap is what a NOTIFY in each commit cost" "$PB_NOTE"
fi
if want media; then
mbs() { awk -v b="$1" 'BEGIN { if (b == "") print "-"; else printf "%.0f MB/s", b / 1e6 }'; }
media_target() {
    awk -v g="$MG_BPS" -v n="$NG_BPS" 'BEGIN {
        if (g == "" || n == "") { print "target: not measured"; exit }
        printf "%.1f%% of nginx bytes/s, target ≥ 80 %%: %s", 100 * g / n, (g >= 0.8 * n) ? "met" : "not met" }'
}
echo "media downloads: a $BENCH_MEDIA_MB MiB video ($MEDIA_BYTES bytes), $MEDIA_CLIENTS parallel clients," \
    "each downloading it whole again and again (downloads/s in the first column, p50/p99 of one download)"
row "GET /api/v1/assets/{id}" "$MG_RPS" "$MG_P50" "$MG_P99" "$(mbs "$MG_BPS"); $(media_target)" \
    "gateway: bearer token, media-svc's row, sendfile; $MG_NOTE"
row "nginx, same file" "$NG_RPS" "$NG_P50" "$NG_P99" "reference: $(mbs "$NG_BPS"), sendfile, $(nproc) workers" "$NG_NOTE"
fi
echo
exit "$status"
