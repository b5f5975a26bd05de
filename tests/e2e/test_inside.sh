# shellcheck shell=bash
# The inside (docs/security.md, "The ZeroMQ ports"): the services answer
# only the keys of LOA_KEYS_DIR over CURVE. Replays the attack of issue 16:
# a ZeroMQ client with no credentials sends a ping claiming the admin role
# to every service's port. Sourced by tests/run.sh (the stack is up).

in_rpc() { "$BUILD/loa-rpc" --timeout 1500 "$@" >"$T_TMP/in_out" 2>"$T_TMP/in_err"; }

# Our own key (the tool's, loa-rpc.key of the folder) is answered.
for in_ep in "$LOA_CONTENT_RPC" "$LOA_FEEDBACK_RPC" "$LOA_QUOTA_RPC" "$LOA_MEDIA_RPC" "$LOA_NOTIFY_RPC"; do
    in_rpc --roles admin "$in_ep" ping
    expect_eq "inside: the tool's key is answered at $in_ep" "0" "$?"
done

# No CURVE at all: no service completes the handshake, so none answers.
in_fails=""
for in_ep in "$LOA_CONTENT_RPC" "$LOA_FEEDBACK_RPC" "$LOA_QUOTA_RPC" "$LOA_MEDIA_RPC" "$LOA_NOTIFY_RPC"; do
    LOA_CURVE=off in_rpc --roles admin "$in_ep" ping
    in_rc=$?
    [ "$in_rc" = 3 ] || in_fails="$in_fails $in_ep:$in_rc"
done
expect_eq "inside: a client without CURVE claiming admin gets no answer from any service" "" "$in_fails"

# A key of its own making, which knows the service's public key: the ZAP
# handler refuses it and the service logs the refusal with the key.
in_dir="$T_TMP/intruder-keys"
"$BUILD/loa-keygen" "$in_dir" loa-rpc >/dev/null
cp "$LOA_KEYS_DIR/content-svc.pub" "$in_dir/"
in_pub=$(head -c 40 "$in_dir/loa-rpc.pub")
LOA_KEYS_DIR=$in_dir in_rpc --roles admin "$LOA_CONTENT_RPC" ping
expect_eq "inside: a key not in LOA_KEYS_DIR gets no answer" "3" "$?"
if wait_until 5 grep -qF "public key $in_pub is not in LOA_KEYS_DIR" "$STACK_DIR/logs/content-svc.log"; then
    pass "inside: the service logs the refused key"
else
    fail "inside: the service logs the refused key" "$(grep 'curve:' "$STACK_DIR/logs/content-svc.log" | tail -2)"
fi

# The folder is the allow-list, read at each connection: the same key is
# answered once its .pub is there, and refused again once it is gone.
cp "$in_dir/loa-rpc.pub" "$LOA_KEYS_DIR/intruder.pub"
LOA_KEYS_DIR=$in_dir in_rpc "$LOA_CONTENT_RPC" ping
expect_eq "inside: a key added to the folder is answered (no restart)" "0" "$?"
rm -f "$LOA_KEYS_DIR/intruder.pub"
LOA_KEYS_DIR=$in_dir in_rpc "$LOA_CONTENT_RPC" ping
expect_eq "inside: a key removed from the folder is refused again" "3" "$?"

# Without LOA_KEYS_DIR the tool refuses to start, naming the setting.
env -u LOA_KEYS_DIR "$BUILD/loa-rpc" "$LOA_CONTENT_RPC" ping >/dev/null 2>"$T_TMP/in_err"
expect_eq "inside: without LOA_KEYS_DIR loa-rpc stops (usage)" "2" "$?"
expect_match "inside: ... and says which setting is missing" "LOA_KEYS_DIR is not set" "$(cat "$T_TMP/in_err")"

# An envelope a Loa program would never send is refused, whoever sends it.
in_rpc --roles root "$LOA_CONTENT_RPC" ping
expect_eq "inside: an unknown role in the envelope is refused (exit 1)" "1" "$?"
expect_eq "inside: ... as INVALID naming caller.roles" "invalid caller.roles" \
    "$(jq -r '"\(.status) \(.field_errors[0].field)"' "$T_TMP/in_out" 2>/dev/null)"
expect_match "inside: ... and logged" "envelope's caller.roles is malformed" \
    "$(grep 'envelope' "$STACK_DIR/logs/content-svc.log" | tail -1)"

# The gateway, with its key, reaches every service.
http GET /readyz
expect_eq "inside: the gateway is ready through CURVE" "200" "$HTTP_STATUS"
