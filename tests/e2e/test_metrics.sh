# Metrics (docs/operations.md "Metrics"): a service serves its own figures
# on LOA_METRICS_PORT (content-svc here, restarted with one): its RPC calls
# by method and status and their latency, the process's figures and
# loa_build_info, in a text promtool accepts; with LOA_METRICS_TOKEN only
# that bearer token is answered. The gateway's /metrics carries the process's
# figures and its build too, and labels any unlisted status "other".
# Sourced by tests/run.sh: every name here starts with me_ / ME_.
# shellcheck shell=bash

ME_PORT=$(stack_free_base) || ME_PORT=0
ME_URL=http://127.0.0.1:$ME_PORT/metrics
ME_VERSION=$(sed -n 's/^VERSION := //p' Makefile)
me_get() { curl -s -o "$T_TMP/metrics.txt" -w '%{http_code}' --max-time 5 "$@" "$ME_URL"; }
me_up() { [ "$(me_get)" = 200 ]; }
me_value() { awk -v k="$1" '$1 == k { print $2 }' "$T_TMP/metrics.txt"; }
# me_restart PORT [TOKEN]: content-svc again, with those settings.
me_restart() {
    stack_stop content-svc
    LOA_METRICS_PORT=$1 LOA_METRICS_TOKEN=${2:-} stack_start content-svc
    wait_until 30 stack_ready || true
}

echo "  -- a service's own /metrics"
me_restart "$ME_PORT"
wait_until 10 me_up || true
http GET /api/v1/topics -H 'Cache-Control: no-cache'
http GET /api/v1/topics -H 'Cache-Control: no-cache'
expect_eq "content-svc answers GET /metrics on its port, in the text format" "200 true" \
    "$(me_get) $(grep -q '^# TYPE loa_rpc_server_requests_total counter$' "$T_TMP/metrics.txt" && echo true)"
expect_eq "its RPC calls by method and status, and their latency" "true true" \
    "$([ "$(me_value 'loa_rpc_server_requests_total{method="topics.list",status="OK"}')" -ge 2 ] 2>/dev/null && echo true) $([ "$(me_value 'loa_rpc_server_duration_seconds_count{method="topics.list"}')" -ge 2 ] 2>/dev/null && echo true)"
expect_eq "the process's figures and its build" "true true 1" \
    "$([ "$(me_value process_resident_memory_bytes)" -gt 1000000 ] 2>/dev/null && echo true) $([ "$(me_value process_open_fds)" -gt 3 ] 2>/dev/null && echo true) $(me_value "loa_build_info{program=\"content-svc\",version=\"$ME_VERSION\"}")"
if me_err=$(promtool check metrics <"$T_TMP/metrics.txt" 2>&1); then
    pass "promtool accepts content-svc's metrics"
else
    fail "promtool accepts content-svc's metrics" "$(printf '%s' "$me_err" | head -5)"
fi
cp "$T_TMP/metrics.txt" "$T_TMP/metrics-service.txt"
expect_eq "another path is 404, another method 405" "404 405" \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ME_PORT/other") $(me_get -X POST)"

echo "  -- events: the outbox's backlog, event_log's last seq, each subscription's lag"
# media-svc consumes content's events: restarted with metrics of its own.
ME_MEDIA_URL=http://127.0.0.1:$((ME_PORT + 1))/metrics
me_fig() { curl -s --max-time 5 "$1" | awk -v k="$2" '$1 == k { print $2 }'; }
me_is() { test "$(me_fig "$1" "$2")" "$3" "$4"; }
me_content_last() { db_sql "SELECT coalesce(max(seq), 0) FROM content.event_log"; }
me_lag='loa_event_lag{producer="content"}'
me_applied='loa_event_applied_seq{producer="content"}'
stack_stop media-svc
LOA_METRICS_PORT=$((ME_PORT + 1)) stack_start media-svc
wait_until 30 stack_ready || true
wait_until 20 me_is "$ME_MEDIA_URL" "$me_lag" = 0 || true
expect_eq "content-svc's relay is up, its backlog 0, its last seq event_log's" "1 0 $(me_content_last)" \
    "$(me_fig "$ME_URL" loa_outbox_relay_up) $(me_fig "$ME_URL" loa_outbox_backlog) $(me_fig "$ME_URL" loa_event_log_last_seq)"
expect_eq "media-svc applied content's last seq, lag 0, labelled by producer" "$(me_content_last) 0" \
    "$(me_fig "$ME_MEDIA_URL" "$me_applied") $(me_fig "$ME_MEDIA_URL" "$me_lag")"
curl -s --max-time 5 "$ME_MEDIA_URL" >"$T_TMP/metrics-media.txt"
if me_err=$(promtool check metrics <"$T_TMP/metrics-media.txt" 2>&1); then
    pass "promtool accepts media-svc's metrics (with its subscription's)"
else
    fail "promtool accepts media-svc's metrics (with its subscription's)" "$(printf '%s' "$me_err" | head -5)"
fi
cat "$T_TMP/metrics-media.txt" >>"$T_TMP/metrics-service.txt"

# A consumer that cannot apply (its cursor table locked by another session,
# as a stuck transaction would; a table lock takes no transaction id, so the
# relay still moves the event): the event arrives, the lag shows it, and
# goes back to 0 once the lock is gone. The topic is one no consumer acts on.
"$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -q -c "BEGIN" \
    -c "LOCK TABLE media.event_cursor IN EXCLUSIVE MODE" \
    -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null 2>&1 &
me_hold=$!
sleep 0.5
db_sql "INSERT INTO content.outbox (topic, payload) VALUES ('test.metrics', '')" >/dev/null
me_lag_up=$(wait_until 4 me_is "$ME_MEDIA_URL" "$me_lag" -gt 0 && me_fig "$ME_MEDIA_URL" "$me_lag")
wait "$me_hold"
wait_until 20 me_is "$ME_MEDIA_URL" "$me_lag" = 0 || true
expect_eq "the lag shows an event not applied (1), then 0 once applied" "1 0 $(me_content_last)" \
    "$me_lag_up $(me_fig "$ME_MEDIA_URL" "$me_lag") $(me_fig "$ME_MEDIA_URL" "$me_applied")"

# A transaction left open holds the snapshot's xmin: the relay may not
# move newer rows (their order is not final), so the backlog grows, and is
# moved once it ends.
"$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -q -c "BEGIN" \
    -c "SELECT pg_current_xact_id()" -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null 2>&1 &
me_hold=$!
sleep 0.5
db_sql "INSERT INTO content.outbox (topic, payload) VALUES ('test.metrics', ''), ('test.metrics', '')" >/dev/null
me_backlog_up=$(wait_until 4 me_is "$ME_URL" loa_outbox_backlog -gt 0 && me_fig "$ME_URL" loa_outbox_backlog)
wait "$me_hold"
wait_until 10 me_is "$ME_URL" loa_outbox_backlog = 0 || true
wait_until 20 me_is "$ME_MEDIA_URL" "$me_lag" = 0 || true
expect_eq "the backlog shows rows the relay may not move yet (2), then 0; the consumer catches up" \
    "2 0 $(me_content_last) $(me_content_last) 0" \
    "$me_backlog_up $(me_fig "$ME_URL" loa_outbox_backlog) $(me_fig "$ME_URL" loa_event_log_last_seq) $(me_fig "$ME_MEDIA_URL" "$me_applied") $(me_fig "$ME_MEDIA_URL" "$me_lag")"
stack_stop media-svc
stack_start media-svc
wait_until 30 stack_ready || true

echo "  -- with LOA_METRICS_TOKEN"
me_restart "$ME_PORT" me-secret-of-the-test
wait_until 10 test "$(me_get -H 'Authorization: Bearer me-secret-of-the-test')" = 200 || true
expect_eq "only the bearer token is answered (401 without it, or with another)" "401 401 200" \
    "$(me_get) $(me_get -H 'Authorization: Bearer other') $(me_get -H 'Authorization: Bearer me-secret-of-the-test')"
me_restart 0
expect_eq "without LOA_METRICS_PORT nothing listens" 000 "$(me_get)"

echo "  -- the gateway's /metrics"
http GET /api/v1/nothing-here
http GET /metrics
printf '%s\n' "$HTTP_BODY" >"$T_TMP/metrics.txt"
expect_eq "the gateway's carry the process's figures and its build" "true 1" \
    "$([ "$(me_value process_resident_memory_bytes)" -gt 1000000 ] 2>/dev/null && echo true) $(me_value "loa_build_info{program=\"gateway\",version=\"$ME_VERSION\"}")"
expect_eq "no status label reads other0" 0 "$(grep -c 'status="other0"' "$T_TMP/metrics.txt")"
if me_err=$(promtool check metrics <"$T_TMP/metrics.txt" 2>&1); then
    pass "promtool accepts the gateway's metrics"
else
    fail "promtool accepts the gateway's metrics" "$(printf '%s' "$me_err" | head -5)"
fi

echo "  -- deploy/monitoring: alert rules, a Prometheus configuration, a Grafana dashboard"
if me_err=$(promtool check rules deploy/monitoring/alerts.yml 2>&1); then
    pass "promtool accepts the alert rules"
else
    fail "promtool accepts the alert rules" "$(printf '%s' "$me_err" | head -5)"
fi
if me_err=$(promtool check config --syntax-only deploy/monitoring/prometheus.yml 2>&1); then
    pass "promtool accepts the example Prometheus configuration"
else
    fail "promtool accepts the example Prometheus configuration" "$(printf '%s' "$me_err" | head -5)"
fi
expect_eq "the dashboard is a Grafana dashboard whose every panel has a query" "true" \
    "$(jq -r '(.title | length > 0) and (.panels | length >= 8) and all(.panels[]; (.targets | length) > 0 and all(.targets[]; .expr | length > 0))' deploy/monitoring/grafana-dashboard.json)"
# Every metric the rules and the dashboard name is one the programs serve
# (what this run scraped from the gateway and content-svc).
me_used=$( { grep -oE '\b(loa|process)_[a-z_]+' deploy/monitoring/alerts.yml; jq -r '.panels[].targets[].expr' deploy/monitoring/grafana-dashboard.json | grep -oE '\b(loa|process)_[a-z_]+'; } | sort -u)
me_missing=$(for m in $me_used; do grep -qE "^($m(\{| )|# TYPE $m )" "$T_TMP/metrics.txt" "$T_TMP/metrics-service.txt" || echo "$m"; done | tr '\n' ' ')
expect_eq "every metric the rules and the dashboard use is served ($(echo "$me_used" | wc -w) names)" "" "$me_missing"
