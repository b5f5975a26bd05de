#!/usr/bin/env bash
# make test: the static checks (tests/lint.sh); the unit tests (Check, on
# PostgreSQL clusters of their own: tests/unit.sh); each fuzz target briefly
# (tests/fuzz/run.sh); the whole stack started
# on free ports in a temporary directory and the end-to-end tests
# (tests/e2e/test_*.sh) against it; the programs' logs checked for sanitizer
# reports. Ends with one line "N passed, N failed" (exit status 1 on any
# failure).
set -u
cd "$(dirname "$0")/.." || exit 2
export BUILD=${BUILD:-build/sanitize}
export LOA_LOG_LEVEL=${LOA_LOG_LEVEL:-info}
export LOA_RPC_TIMEOUT_MS=${LOA_RPC_TIMEOUT_MS:-2000}
# quota-svc's at-risk sweep every half second (a minute in production).
export LOA_QUOTA_SWEEP_MS=${LOA_QUOTA_SWEEP_MS:-500}
# media-svc's bag builder every 200 ms (a second in production); a failed
# bag retried after 100, 200 ms, and given up after 3 attempts.
export LOA_BAG_BUILD_MS=${LOA_BAG_BUILD_MS:-200} LOA_BAG_RETRY_MS=${LOA_BAG_RETRY_MS:-100}
export LOA_BAG_BUILD_ATTEMPTS=${LOA_BAG_BUILD_ATTEMPTS:-3}
# Its orphan blob sweep every half second (an hour in production); blobs
# are still orphans only once an hour old, so tests age files by hand.
export LOA_BLOB_SWEEP_MS=${LOA_BLOB_SWEEP_MS:-500}
# The first admin's password (fresh for every run) and client addresses
# from X-Forwarded-For (the throttling tests play several clients).
LOA_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
export LOA_ADMIN_PASSWORD LOA_TRUST_PROXY=1

# LOA_TEST_TMPDIR: where the run's temporary directory goes (default /tmp),
# e.g. apart from other runs on a shared machine.
mkdir -p "${LOA_TEST_TMPDIR:-/tmp}"
T_TMP=$(mktemp -d "${LOA_TEST_TMPDIR:-/tmp}/loa-test.XXXXXX") && [ -n "$T_TMP" ] || {
    echo "cannot make a temporary directory in ${LOA_TEST_TMPDIR:-/tmp}" >&2
    exit 2
}
chmod 755 "$T_TMP"
export T_TMP
. deploy/stack.sh
# The sanitizers' options (ASAN_OPTIONS, ...: for the programs too) and unit_run.
. tests/unit.sh
. tests/e2e/lib.sh

cleanup() {
    unit_stop "$T_TMP"
    mail_sink_stop
    http_sink_stop
    # What an interrupted end-to-end file may leave: the compose test's
    # Docker engine, test_run.sh's second make run.
    declare -F docker_down >/dev/null && docker_down
    [ -n "${RN_PID:-}" ] && kill -TERM "$RN_PID" 2>/dev/null && wait "$RN_PID" 2>/dev/null
    stack_down
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T_TMP"; else rm -rf "$T_TMP"; fi
}
trap cleanup EXIT

echo "== lint"
lint_out=$(tests/lint.sh)
echo "$lint_out" | grep -v '^lint:'
lp=$(echo "$lint_out" | sed -n 's/^lint: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
lf=$(echo "$lint_out" | sed -n 's/^lint: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$lp" ] || { echo "   tests/lint.sh gave no count"; lp=0 lf=1; }

echo "== unit tests"
unit_run "$T_TMP"
up=$UNIT_PASSED uf=$UNIT_FAILED
echo "   unit: $up passed, $uf failed"

echo "== fuzz"
# Each fuzz target (tests/fuzz/, built into build/fuzz/ by make test) for
# FUZZ_TEST_SECONDS (8) over its corpus; each counts once. make fuzz runs
# them longer.
fuzz_out=$(FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-8} tests/fuzz/run.sh)
echo "$fuzz_out" | grep -v '^fuzz:'
fp=$(echo "$fuzz_out" | sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
ff=$(echo "$fuzz_out" | sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$fp" ] || { echo "   tests/fuzz/run.sh gave no count"; fp=0 ff=1; }

# notify-svc's mail goes to a real SMTP server of the run's own
# (tools/mail-sink.py: a file a message in $MAIL_DIR), which test_notify.sh
# stops and starts; its templates are a copy the test may edit. Senders
# every 100 ms, retries from 200 ms to 1 s (5 s to 6 h in production).
MAIL_DIR=$T_TMP/mail
MAIL_PORT=$(stack_free_base) || { echo "no free port for the mail sink"; exit 1; }
cp -r services/notify-svc/templates "$T_TMP/notify-templates"
export LOA_NOTIFY_TEMPLATES=$T_TMP/notify-templates LOA_SMTP_URL=smtp://127.0.0.1:$MAIL_PORT
export LOA_MAIL_FROM="Sở Kế hoạch và Đầu tư Bắc Ninh <no-reply@skhdt.bacninh.gov.vn>"
export LOA_NOTIFY_SEND_MS=100 LOA_NOTIFY_RETRY_MS=200 LOA_NOTIFY_RETRY_MAX_MS=1000
export LOA_NOTIFY_ATTEMPTS=20
# The gateway hands accounts to notify-svc every 200 ms (2 s in production);
# the daily digests are looked for every 500 ms, whatever the hour.
export LOA_USER_SYNC_MS=200 LOA_NOTIFY_DIGEST_MS=500 LOA_NOTIFY_DIGEST_AT=00:00
mail_sink_start || echo "   the mail sink did not start (test_notify.sh will say)"
# Its SMS go to an HTTP server of the run's own (tests/e2e/http-sink.py: a
# file a request in $HTTP_SINK_DIR), as to a provider's gateway.
HTTP_SINK_DIR=$T_TMP/http-sink
HTTP_SINK_PORT=$(stack_free_base) || { echo "no free port for the HTTP sink"; exit 1; }
export LOA_SMS_URL=http://127.0.0.1:$HTTP_SINK_PORT/sms LOA_SMS_TOKEN=sms-token-of-the-test
# ... and broadcasters' webhooks too: the one receiver a webhook may reach
# inside the installation's own network, over http.
export LOA_WEBHOOK_ALLOW=127.0.0.1:$HTTP_SINK_PORT
http_sink_start || echo "   the HTTP sink did not start (test_notify.sh will say)"

# Browsers may call the API from one origin of the run's own (the page
# tests/browser/cors.mjs serves at 127.0.0.2 on that port; test_cors.sh).
CORS_PORT=$(stack_free_base) || { echo "no free port for the CORS origin"; exit 1; }
export CORS_PORT CORS_ORIGIN=http://127.0.0.2:$CORS_PORT
export LOA_CORS_ORIGINS=$CORS_ORIGIN

echo "== starting the stack ($BUILD) in $T_TMP"
if ! stack_up "$T_TMP/stack"; then
    for f in "$T_TMP"/stack/logs/*.log; do echo "--- $f"; tail -30 "$f"; done
    echo "$((lp + up + fp)) passed, $((lf + uf + ff + 1)) failed"
    exit 1
fi
echo "   gateway at $GW"

echo "== end-to-end tests"
# Every response the files' `http` calls receive is checked against the
# OpenAPI document at the end of each file (tests/e2e/lib.sh
# openapi_check_responses, docs/testing.md); LOA_OPENAPI_CHECK=0 turns it off.
export LOA_OPENAPI_CHECK=${LOA_OPENAPI_CHECK:-1}
# LOA_E2E=articles,auth runs only those files (while working on them);
# the default, and CI, runs every file.
for f in tests/e2e/test_*.sh; do
    if [ -n "${LOA_E2E:-}" ]; then
        case ",$LOA_E2E," in *",$(basename "$f" .sh | sed 's/^test_//'),"*) ;; *) continue ;; esac
    fi
    echo "-- $f"
    RUN_E2E_FILE=$f # a file may use f itself
    # shellcheck disable=SC1090
    . "$f"
    openapi_check_responses "$RUN_E2E_FILE"
done

echo "== sanitizer reports in the programs' logs"
stack_down
san=0
for f in "$STACK_DIR"/logs/*.log; do
    if grep -q "Sanitizer\|runtime error:" "$f"; then
        echo "   $(basename "$f"):"
        grep -B2 -A30 "Sanitizer\|runtime error:" "$f" | head -60
        san=$((san + 1))
    fi
done
if [ $san = 0 ]; then pass "no sanitizer report in any program's log"; else fail "sanitizer reports" "$san logs"; fi

passed=$((lp + up + fp + T_PASSED))
failed=$((lf + uf + ff + T_FAILED))
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
