# The status page for operators (GET /api/v1/status, admin; issue 22 item
# 5): every service's replicas, each pinged at its own address, with its
# version, database, relay and event lag per subscription; a stopped
# service shows down (status degraded) and the others still answer.
# Sourced by tests/run.sh (one shell): every name here starts with st_ / ST_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # ST_TOK is read by name (e2e_call)

ST_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
declare -gA ST_TOK=()
st_call() { e2e_call ST_TOK "$@"; }
st_jq() { body_jq "$@"; }

echo "  -- who reads it"
ST_TOK[admin]=$(admin_token)
ST_TOK[anon]=""
e2e_staff ST_TOK insp '["inspector"]' null "e2e.st-insp-$ST_RUN" "Thanh tra tình trạng"
st_call anon GET /api/v1/status -
expect_eq "anonymous: 401" 401 "$HTTP_STATUS"
st_call insp GET /api/v1/status -
expect_eq "an inspector: 403" 403 "$HTTP_STATUS"

echo "  -- every service up, with its version and events"
st_call admin GET /api/v1/status -
ST_VERSION=$("$BUILD/gateway" --version | awk '{print $NF}')
expect_eq "the admin: 200, ok, the gateway's version" "200 ok $ST_VERSION" \
    "$HTTP_STATUS $(st_jq -r .status) $(st_jq -r .gateway.version)"
expect_eq "  the five services, each with every replica up" \
    "content-svc feedback-svc media-svc notify-svc quota-svc true" \
    "$(st_jq -r '[.services[].name] | sort | join(" ")') $(st_jq '[.services[] | .replicas_up == .replicas_total and .replicas_total >= 1] | all')"
expect_eq "  each replica by its address, with the version and its database" "true" \
    "$(st_jq --arg v "$ST_VERSION" '[.services[].replicas[] | (.address | startswith("tcp://")) and .up and .version == $v and .database_ok] | all')"
expect_eq "  content-svc's replica holds its relay's lock" true \
    "$(st_jq '[.services[] | select(.name == "content-svc") | .replicas[].relay_active] | any')"
# media-svc follows content-svc's events: applied up to content's last seq.
st_content_last() { db_sql "SELECT coalesce(max(seq), 0) FROM content.event_log"; }
st_media_caught_up() {
    st_call admin GET /api/v1/status - &&
        [ "$(st_jq '[.services[] | select(.name == "media-svc") | .replicas[].subscriptions[] | select(.producer == "content") | .applied_seq] | max')" = "$(st_content_last)" ] &&
        [ "$(st_jq '[.services[] | select(.name == "media-svc") | .replicas[].subscriptions[] | select(.producer == "content") | .lag] | max')" = 0 ]
}
if wait_until 15 st_media_caught_up; then
    pass "  media-svc's subscription to content: applied up to content's last seq, lag 0"
else
    fail "media-svc's subscription to content" "$(st_jq -c '.services[] | select(.name == "media-svc")')"
fi

echo "  -- a service stopped"
stack_kill feedback-svc
st_call admin GET /api/v1/status -
expect_eq "feedback-svc down: 200, degraded, its replica down with a reason; the others up" \
    "200 degraded 0 false true true" \
    "$HTTP_STATUS $(st_jq -r .status) $(st_jq '.services[] | select(.name == "feedback-svc") | .replicas_up') $(st_jq '[.services[] | select(.name == "feedback-svc") | .replicas[].up] | any') $(st_jq '[.services[] | select(.name == "feedback-svc") | .replicas[].error | length > 0] | all') $(st_jq '[.services[] | select(.name != "feedback-svc") | .replicas_up == .replicas_total] | all')"
stack_start feedback-svc
wait_until 20 stack_ready || fail "feedback-svc is back" "readyz"
st_back() { st_call admin GET /api/v1/status - && [ "$(st_jq -r .status)" = ok ]; }
if wait_until 15 st_back; then pass "  back up: ok again"; else fail "status after feedback-svc is back" "$HTTP_BODY"; fi
