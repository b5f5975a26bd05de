# Several hosts (issue 18): three "hosts" (network namespaces with their own
# address, joined by a bridge the test makes), each running a gateway and
# one replica of every service; PostgreSQL on a fourth; haproxy in front of
# the gateways. Every program finds the others by name (content-svc.loa ...
# resolve to the three hosts in each namespace's /etc/hosts, as a headless
# Service would). Under load (tests/e2e/multihost/load.py: citizens'
# feedback, readers, an editorial board publishing), every process of one
# host is killed at once (kill -9), and the host is brought back. Asserted:
# requests failed only around the kill (in flight on the dead host) and none
# took longer than the RPC deadline; every 201 feedback and every published
# article is in the database; the quota tallies equal a direct count;
# notify-svc queued one receipt per feedback; the host that came back
# serves again without a restart elsewhere. The
# figures are printed. Addresses come from 198.18.0.0/15 (benchmarking):
# nothing leaves the machine. Everything the test makes is removed.
# shellcheck shell=bash

MH_DIR=$T_TMP/multihost
MH_HOSTS="h1 h2 h3"
MH_LOAD_S=${MH_LOAD_S:-24}
MH_KILL_AT=${MH_KILL_AT:-8}
MH_BACK_AT=${MH_BACK_AT:-14}
mh_ip() { case $1 in lb) echo 198.18.0.1 ;; db) echo 198.18.0.10 ;; h1) echo 198.18.0.11 ;; h2) echo 198.18.0.12 ;; h3) echo 198.18.0.13 ;; esac }
mh_ns() { echo "loa-mh-$1"; }
MH_SVCS="content-svc feedback-svc quota-svc media-svc notify-svc"

mh_cleanup() {
    [ -n "${MH_LB_PID:-}" ] && kill -KILL "$MH_LB_PID" 2>/dev/null
    local h pids
    for h in $MH_HOSTS db; do
        ip netns list 2>/dev/null | grep -qw "$(mh_ns "$h")" || continue
        pids=$(ip netns pids "$(mh_ns "$h")" 2>/dev/null)
        # shellcheck disable=SC2086 # one pid per word
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
    done
    sleep 0.5
    for h in $MH_HOSTS db; do
        ip netns del "$(mh_ns "$h")" 2>/dev/null
        rm -rf "/etc/netns/$(mh_ns "$h")"
    done
    ip link del loa-mh0 2>/dev/null
    return 0
}

# The network: a bridge in this namespace (the load balancer's side, .1)
# and a veth into each host's namespace; names in each host's /etc/hosts.
mh_net_up() {
    ip link add loa-mh0 type bridge && ip addr add "$(mh_ip lb)/24" dev loa-mh0 &&
        ip link set loa-mh0 up || return 1
    local h s hosts
    hosts="127.0.0.1 localhost"$'\n'"$(mh_ip db) db.loa"
    for s in $MH_SVCS; do
        for h in $MH_HOSTS; do hosts+=$'\n'"$(mh_ip "$h") $s.loa"; done
    done
    for h in db $MH_HOSTS; do
        ip netns add "$(mh_ns "$h")" &&
            ip link add "mh-$h" type veth peer name eth0 netns "$(mh_ns "$h")" &&
            ip link set "mh-$h" master loa-mh0 up &&
            ip -n "$(mh_ns "$h")" addr add "$(mh_ip "$h")/24" dev eth0 &&
            ip -n "$(mh_ns "$h")" link set eth0 up &&
            ip -n "$(mh_ns "$h")" link set lo up || return 1
        mkdir -p "/etc/netns/$(mh_ns "$h")"
        printf '%s\n' "$hosts" >"/etc/netns/$(mh_ns "$h")/hosts"
    done
}

# PostgreSQL on the db host, reached by the others on its address.
mh_db_up() {
    mkdir -p "$MH_DIR/logs" "$MH_DIR/media"
    chmod 755 "$MH_DIR"
    ip netns exec "$(mh_ns db)" env STACK_DIR="$MH_DIR" LOA_PG_LISTEN="127.0.0.1,$(mh_ip db)" \
        LOA_PG_HBA_EXTRA="host all all 198.18.0.0/24 scram-sha-256" LOA_PG_MAX_CONNECTIONS=400 \
        LOA_PG_FSYNC=off BUILD="$BUILD" bash -c '
            . deploy/stack.sh
            stack_pg_start "$STACK_DIR" 5432 || exit 1
            export LOA_PG_PORT=5432
            stack_db_init' >>"$MH_DIR/logs/db.log" 2>&1
}

mh_sql() {
    ip netns exec "$(mh_ns db)" env PGPASSFILE="$MH_DIR/pgpass" \
        "$PG_BIN/psql" -h 127.0.0.1 -p 5432 -U loa -d loa -tAc "$1" 2>&1
}

# One program on a host, with every address a name; its log is
# logs/HOST-PROGRAM.log (.2.log after the host comes back). No mail server
# and no SMS gateway (the run's sinks are on this namespace's loopback, out
# of the hosts' reach): notify-svc's messages stay queued.
mh_start() { # HOST PROGRAM [LOG_SUFFIX]
    local h=$1 p=$2 ip role
    ip=$(mh_ip "$h")
    role=loa_${p%-svc}
    ip netns exec "$(mh_ns "$h")" env \
        LOA_DB_URL="postgresql://$role@db.loa:5432/loa" PGPASSFILE="$MH_DIR/pgpass" \
        LOA_KEYS_DIR="$MH_DIR/keys" LOA_MEDIA_DIR="$MH_DIR/media" LOA_WEB_DIR="$PWD/web" \
        LOA_PUBLIC_URL="http://$(mh_ip lb):8080" LOA_HTTP_PORT=8080 LOA_HTTP_THREADS=4 LOA_WORKERS=3 \
        LOA_TRUSTED_PROXIES="$(mh_ip lb)" LOA_TRUST_PROXY=0 LOA_INTAKE_LIMIT=0 LOA_LOG_LEVEL=debug \
        LOA_CONTENT_RPC=tcp://content-svc.loa:7101 LOA_CONTENT_EVENTS=tcp://content-svc.loa:7201 \
        LOA_FEEDBACK_RPC=tcp://feedback-svc.loa:7102 LOA_FEEDBACK_EVENTS=tcp://feedback-svc.loa:7202 \
        LOA_QUOTA_RPC=tcp://quota-svc.loa:7103 LOA_QUOTA_EVENTS=tcp://quota-svc.loa:7203 \
        LOA_MEDIA_RPC=tcp://media-svc.loa:7104 LOA_MEDIA_EVENTS=tcp://media-svc.loa:7204 \
        LOA_NOTIFY_RPC=tcp://notify-svc.loa:7105 LOA_NOTIFY_EVENTS=tcp://notify-svc.loa:7205 \
        LOA_CONTENT_RPC_BIND="tcp://$ip:7101" LOA_CONTENT_EVENTS_BIND="tcp://$ip:7201" \
        LOA_FEEDBACK_RPC_BIND="tcp://$ip:7102" LOA_FEEDBACK_EVENTS_BIND="tcp://$ip:7202" \
        LOA_QUOTA_RPC_BIND="tcp://$ip:7103" LOA_QUOTA_EVENTS_BIND="tcp://$ip:7203" \
        LOA_MEDIA_RPC_BIND="tcp://$ip:7104" LOA_MEDIA_EVENTS_BIND="tcp://$ip:7204" \
        LOA_NOTIFY_RPC_BIND="tcp://$ip:7105" LOA_NOTIFY_EVENTS_BIND="tcp://$ip:7205" \
        LOA_SMTP_URL= LOA_SMS_URL= \
        "$BUILD/$p" >>"$MH_DIR/logs/$h-$p${3:-}.log" 2>&1 &
    disown # killed with its host: no job report
}

mh_ready() { curl -fs -o /dev/null --max-time 2 "http://$(mh_ip "$1"):8080/readyz?all=1"; }

mh_host_up() { # HOST [LOG_SUFFIX]
    local s
    for s in $MH_SVCS; do mh_start "$1" "$s" "${2:-}"; done
    mh_start "$1" gateway "${2:-}"
}

mh_kill_host() {
    local pids
    pids=$(ip netns pids "$(mh_ns "$1")")
    # shellcheck disable=SC2086 # one pid per word
    kill -KILL $pids
}

# haproxy in front of the three gateways: health checks on /readyz, a
# connection that fails goes to another server (redispatch).
mh_lb_up() {
    cat >"$MH_DIR/haproxy.cfg" <<EOF
global
    maxconn 4000
    # Server state changes and every request (termination flags say who
    # answered a failure) in logs/haproxy.log.
    log stderr format raw daemon info
defaults
    mode http
    log global
    option httplog
    option http-keep-alive
    option forwardfor
    option redispatch
    retries 2
    timeout connect 1s
    timeout client 30s
    timeout server 10s
    # /readyz asks the database and every service: give it time on a machine
    # busy starting a host's six programs (at 300 ms the checks of the
    # live gateways timed out there, and haproxy had no server for a second).
    timeout check 2s
frontend loa
    bind $(mh_ip lb):8080
    default_backend gateways
backend gateways
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fall 3 rise 2
    server h1 $(mh_ip h1):8080 check
    server h2 $(mh_ip h2):8080 check
    server h3 $(mh_ip h3):8080 check
EOF
    haproxy -f "$MH_DIR/haproxy.cfg" -db >>"$MH_DIR/logs/haproxy.log" 2>&1 &
    MH_LB_PID=$!
    disown
}

mh_lb() { echo "http://$(mh_ip lb):8080"; }

echo "  -- setting up three hosts, a database host and a load balancer"
mh_cleanup
if ! mh_net_up; then
    fail "multi-host: the test's network (ip netns, veth, bridge)" "see above"
    mh_cleanup
    return 0 2>/dev/null || exit 0
fi
MH_OK=1
mkdir -p "$MH_DIR/logs"
# In a subshell: stack_keys exports LOA_KEYS_DIR, which must not outlive
# this test (the shared stack's programs, restarted by later tests, use theirs).
(LOA_KEYS_DIR="$MH_DIR/keys" STACK_DIR="$MH_DIR" stack_keys) || MH_OK=0
mh_db_up || { MH_OK=0; fail "multi-host: PostgreSQL on the db host" "$(tail -5 "$MH_DIR/logs/db.log")"; }
if [ "$MH_OK" = 1 ]; then
    # The first host alone first: its gateway makes the first admin, and
    # the seed goes through its content-svc.
    mh_host_up h1
    if wait_until 60 mh_ready h1; then pass "multi-host: the first host is ready"; else
        MH_OK=0
        fail "multi-host: the first host" "$(tail -3 "$MH_DIR/logs/h1-gateway.log")"
    fi
fi
if [ "$MH_OK" = 1 ]; then
    ip netns exec "$(mh_ns h1)" env LOA_KEYS_DIR="$MH_DIR/keys" LOA_RPC_BIN="$BUILD/loa-rpc" \
        LOA_CONTENT_RPC=tcp://content-svc.loa:7101 deploy/seed.sh >>"$MH_DIR/logs/seed.log" 2>&1 ||
        fail "multi-host: the seed" "$(tail -3 "$MH_DIR/logs/seed.log")"
    mh_host_up h2
    mh_host_up h3
    if wait_until 60 mh_ready h2 && wait_until 60 mh_ready h3; then
        pass "multi-host: three hosts ready"
    else
        MH_OK=0
        fail "multi-host: hosts 2 and 3" "$(tail -3 "$MH_DIR/logs/h2-gateway.log")"
    fi
fi
if [ "$MH_OK" = 1 ]; then
    mh_lb_up
    mh_lb_ready() { curl -fs -o /dev/null --max-time 2 "$(mh_lb)/readyz"; }
    if wait_until 20 mh_lb_ready; then pass "multi-host: haproxy answers in front of the gateways"; else
        MH_OK=0
        fail "multi-host: haproxy" "$(tail -3 "$MH_DIR/logs/haproxy.log")"
    fi
fi
if [ "$MH_OK" = 1 ]; then
    # An editor of the first unit and a reviewer, made by the admin.
    mh_login() { # USER PASSWORD ADDRESS
        curl -s --max-time 20 -H 'Content-Type: application/json' -H "X-Forwarded-For: $3" \
            --data-binary "$(jq -nc --arg u "$1" --arg p "$2" '{username: $u, password: $p}')" \
            "$(mh_lb)/api/v1/auth/login" | jq -r '.token // empty'
    }
    mh_admin=$(mh_login admin "$LOA_ADMIN_PASSWORD" 198.51.100.201)
    mh_unit=$(curl -s "$(mh_lb)/api/v1/units" | jq -r '.items[0].id // empty')
    mh_pw="pw-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    for u in "mh.editor:[\"editor\"]" "mh.reviewer:[\"reviewer\"]"; do
        curl -s -o /dev/null --max-time 20 -H "Authorization: Bearer $mh_admin" -H 'Content-Type: application/json' \
            --data-binary "$(jq -nc --arg u "${u%%:*}" --arg p "$mh_pw" --argjson r "${u#*:}" --argjson unit "${mh_unit:-null}" \
                '{username: $u, password: $p, full_name: "Cán bộ thử nhiều máy", unit_id: $unit, roles: $r}')" \
            "$(mh_lb)/api/v1/users"
    done
    mh_editor=$(mh_login mh.editor "$mh_pw" 198.51.100.202)
    mh_reviewer=$(mh_login mh.reviewer "$mh_pw" 198.51.100.203)
    if [ -n "$mh_editor" ] && [ -n "$mh_reviewer" ]; then pass "multi-host: an editor and a reviewer log in through haproxy"; else
        MH_OK=0
        fail "multi-host: users" "editor ${mh_editor:+ok} reviewer ${mh_reviewer:+ok}"
    fi
fi
if [ "$MH_OK" = 1 ]; then
    echo "  -- load for ${MH_LOAD_S} s; host 2 killed at ${MH_KILL_AT} s, back at ${MH_BACK_AT} s"
    python3 tests/e2e/multihost/load.py "$(mh_lb)" "$MH_LOAD_S" "$MH_DIR/load.json" "$mh_editor" "$mh_reviewer" &
    mh_load=$!
    mh_t0=$(date +%s.%N)
    sleep "$MH_KILL_AT"
    mh_t_kill=$(date +%s.%N)
    mh_kill_host h2
    sleep "$((MH_BACK_AT - MH_KILL_AT))"
    mh_t_back=$(date +%s.%N)
    mh_host_up h2 .2
    wait "$mh_load"
    mh_t_end=$(date +%s.%N)
    wait_until 30 mh_ready h2 && pass "multi-host: host 2 is ready again" || fail "multi-host: host 2 back" "$(tail -3 "$MH_DIR/logs/h2-gateway.2.log")"

    # The figures, from every request's record.
    mh_report=$(python3 - "$MH_DIR/load.json" "$mh_t_kill" "$mh_t_back" "$LOA_RPC_TIMEOUT_MS" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
t_kill, t_back, deadline = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]) / 1000
reqs = doc["requests"]
ok = [r for r in reqs if 200 <= r[3] < 300]
bad = [r for r in reqs if not 200 <= r[3] < 300]
lat = sorted(r[2] - r[1] for r in ok)
p99 = lat[int(0.99 * (len(lat) - 1))] if lat else 0
kinds = {}
for r in reqs:
    k = kinds.setdefault(r[0], [0, 0])
    k[0 if 200 <= r[3] < 300 else 1] += 1
# A failure is "around the kill" when the request was in flight at the kill
# or started within the time the balancer and the dealers take to notice.
window = deadline + 2
stray = [r for r in bad if not (r[1] <= t_kill + window and r[2] >= t_kill - 0.5)]
print(json.dumps({
    "requests": len(reqs), "failed": len(bad), "stray_failures": len(stray),
    "stray": stray[:5], "by_kind": kinds,
    "failed_statuses": sorted({r[3] for r in bad}),
    "first_failure_after_kill_ms": round((min(r[2] for r in bad) - t_kill) * 1000) if bad else None,
    "last_failure_after_kill_ms": round((max(r[2] for r in bad) - t_kill) * 1000) if bad else None,
    "max_ms": round(max((r[2] - r[1] for r in reqs), default=0) * 1000),
    "p99_ms": round(p99 * 1000), "deadline_ms": round(deadline * 1000),
    "feedback_codes": [r[4] for r in reqs if r[0] == "feedback" and r[3] == 201 and r[4]],
    "published_ids": [r[4] for r in reqs if r[0] == "article" and r[4]],
    "served_after_back": sum(1 for r in ok if r[1] >= t_back),
}))
EOF
)
    echo "$mh_report" | jq -c 'del(.feedback_codes, .published_ids)'
    mh_j() { echo "$mh_report" | jq -r "$1"; }
    if [ "$(mh_j '.requests')" -ge 200 ]; then pass "multi-host: $(mh_j '.requests') requests in ${MH_LOAD_S} s ($(mh_j '.by_kind | tostring'))"; else fail "multi-host: load" "$(mh_j '.requests') requests"; fi
    expect_eq "multi-host: requests failed only while in flight on the dead host (none elsewhere)" 0 "$(mh_j '.stray_failures')"
    if [ "$(mh_j '.max_ms')" -le "$((LOA_RPC_TIMEOUT_MS + 1000))" ]; then
        pass "multi-host: no request outlived the RPC deadline by more than the balancer's second (longest $(mh_j '.max_ms') ms, p99 $(mh_j '.p99_ms') ms, deadline $(mh_j '.deadline_ms') ms)"
    else
        fail "multi-host: requests within the deadline" "longest $(mh_j '.max_ms') ms"
    fi
    if [ "$(mh_j '.served_after_back')" -ge 20 ]; then pass "multi-host: served after the host came back ($(mh_j '.served_after_back'))"; else fail "multi-host: after the return" "$(mh_j '.served_after_back')"; fi

    # Nothing acknowledged is lost.
    mh_codes=$(mh_j '.feedback_codes | map("'"'"'" + . + "'"'"'") | join(",")')
    mh_n201=$(mh_j '.feedback_codes | length')
    mh_found=$(mh_sql "SELECT count(*) FROM feedback.feedback WHERE tracking_code IN (${mh_codes:-''})")
    expect_eq "multi-host: every 201 feedback ($mh_n201) is in the database" "$mh_n201" "$mh_found"
    mh_ids=$(mh_j '.published_ids | map(tostring) | join(",")')
    mh_npub=$(mh_j '.published_ids | length')
    mh_pub=$(mh_sql "SELECT count(*) FROM content.articles WHERE status = 'published' AND id IN (${mh_ids:-0})")
    expect_eq "multi-host: every published article ($mh_npub) is published in the database" "$mh_npub" "$mh_pub"
    [ "$mh_npub" -ge 3 ] && pass "multi-host: the editorial board published through the failure ($mh_npub)" || fail "multi-host: publications" "$mh_npub"
    # The quota tallies (from content-svc's events, by whichever replica
    # relayed them) against a direct count of the published articles.
    mh_tally() { mh_sql "SELECT coalesce(sum(articles), 0) FROM quota.unit_month_tallies"; }
    mh_direct() { mh_sql "SELECT count(*) FROM content.articles WHERE status = 'published' AND unit_id IS NOT NULL"; }
    mh_tally_ok() { [ "$(mh_tally)" = "$(mh_direct)" ]; }
    if wait_until 20 mh_tally_ok; then pass "multi-host: quota tallies equal a direct count ($(mh_tally))"; else fail "multi-host: quota tallies" "$(mh_tally) against $(mh_direct)"; fi
    # notify-svc's three replicas share feedback-svc's events (one cursor):
    # one e-mail receipt queued per feedback stored (every submitter gave
    # an address), none lost with host 2, none twice.
    mh_receipts() { mh_sql "SELECT count(*) FROM notify.deliveries WHERE kind = 'feedback.received' AND channel = 'email'"; }
    mh_fb() { mh_sql "SELECT count(*) FROM feedback.feedback"; }
    mh_receipts_ok() { [ "$(mh_receipts)" = "$(mh_fb)" ]; }
    if wait_until 30 mh_receipts_ok; then pass "multi-host: notify-svc queued one e-mail receipt per stored feedback ($(mh_fb))"; else fail "multi-host: notify-svc's receipts" "$(mh_receipts) against $(mh_fb) feedback"; fi

    # The host that came back takes calls again, no restart elsewhere.
    mh_back_calls=$(grep -c 'rpc: .* -> ' "$MH_DIR"/logs/h2-*-svc.2.log 2>/dev/null | awk -F: '{s += $2} END {print s + 0}')
    if [ "$mh_back_calls" -ge 10 ]; then pass "multi-host: the returning host's services took calls ($mh_back_calls), no restart elsewhere"; else fail "multi-host: the returning host's services" "$mh_back_calls calls"; fi
    # Each gateway's cache follows the services' events, whichever gateway
    # made the change: a unit made through host 1 appears in host 3's
    # cached list (and host 2's, back from the dead) within moments.
    for h in h2 h3; do curl -s -o /dev/null "http://$(mh_ip "$h"):8080/api/v1/units?per_page=100"; done
    mh_code="MH-$RANDOM"
    curl -s -o /dev/null --max-time 10 -H "Authorization: Bearer $mh_admin" -H 'Content-Type: application/json' \
        --data-binary "{\"code\": \"$mh_code\", \"name\": \"Đơn vị tạo qua máy một\"}" "http://$(mh_ip h1):8080/api/v1/units"
    mh_seen() { curl -s "http://$(mh_ip "$1"):8080/api/v1/units?per_page=100" | jq -e --arg c "$mh_code" '[.items[].code] | index($c) != null' >/dev/null; }
    if wait_until 5 mh_seen h3 && wait_until 5 mh_seen h2; then
        pass "multi-host: a change made through one gateway reaches the others' caches"
    else
        fail "multi-host: caches across gateways" "$mh_code not seen"
    fi
    mh_restarts=$(for h in h1 h3; do for p in $MH_SVCS gateway; do [ -e "$MH_DIR/logs/$h-$p.2.log" ] && echo "$h-$p"; done; done)
    expect_eq "multi-host: nothing restarted on the other hosts" "" "$mh_restarts"
    awk -v a="$mh_t0" -v k="$mh_t_kill" -v b="$mh_t_back" -v e="$mh_t_end" \
        'BEGIN { printf "     figures: host 2 killed at %.1f s, back at %.1f s, load over at %.1f s\n", k - a, b - a, e - a }'
fi

# Sanitizer reports in the hosts' programs.
mh_san=$(grep -l "Sanitizer\|runtime error:" "$MH_DIR"/logs/h*.log 2>/dev/null | tr '\n' ' ')
expect_eq "multi-host: no sanitizer report in the hosts' programs" "" "$mh_san"
mh_cleanup
