# Events without loss: content-svc's unit.created/updated reach quota-svc,
# also when quota-svc was down (replay), and an event seen twice counts once.
# shellcheck shell=bash

quota_units() { "$BUILD/loa-rpc" --out loa.quota.QuotaUnitList "$LOA_QUOTA_RPC" units.list; }
content_units() { "$BUILD/loa-rpc" --in loa.content.ListRequest --out loa.content.UnitList "$LOA_CONTENT_RPC" units.list '{"per_page": 100}'; }
quota_has() { quota_units | jq -e --arg c "$1" --arg n "${2:-}" '[.items[] | select(.code == $c and ($n == "" or .name == $n))] | length == 1' >/dev/null; }
psql_loa() { "$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -tAc "$1"; }
create_unit() {
    "$BUILD/loa-rpc" --roles admin --user-id 1 --in loa.content.CreateUnitRequest --out loa.content.Unit \
        "$LOA_CONTENT_RPC" units.create "{\"code\": \"$1\", \"name\": \"$2\"}"
}

# The seeded units reached quota-svc live.
if wait_until 10 quota_has VP "Văn phòng Sở"; then pass "seeded units reach quota-svc"; else fail "seeded units reach quota-svc" "$(quota_units)"; fi

create_unit EV-LIVE "Phòng Sự kiện trực tiếp" >/dev/null
if wait_until 10 quota_has EV-LIVE; then pass "a new unit reaches quota-svc live"; else fail "a new unit reaches quota-svc live"; fi

# Replay: units created while quota-svc is stopped reach it after restart.
stack_stop quota-svc
for i in 1 2 3; do create_unit "EV-OFF$i" "Đơn vị tạo khi quota dừng $i" >/dev/null; done
id=$("$BUILD/loa-rpc" --in loa.content.ListRequest --out loa.content.UnitList "$LOA_CONTENT_RPC" units.list '{"per_page": 100}' | jq '.items[] | select(.code == "EV-LIVE") | .id')
"$BUILD/loa-rpc" --roles admin --user-id 1 --in loa.content.UpdateUnitRequest --out loa.content.Unit \
    "$LOA_CONTENT_RPC" units.update "{\"id\": $id, \"name\": \"Phòng Sự kiện đã đổi tên\"}" >/dev/null
stack_start quota-svc
if wait_until 20 quota_has EV-OFF3; then pass "units created while quota-svc was down reach it after restart"; else fail "replay after restart" "$(quota_units)"; fi
expect_eq "all three offline units arrived" 3 "$(quota_units | jq '[.items[] | select(.code | startswith("EV-OFF"))] | length')"
if wait_until 10 quota_has EV-LIVE "Phòng Sự kiện đã đổi tên"; then pass "unit.updated made while down is applied after restart"; else fail "unit.updated replayed"; fi
expect_eq "quota-svc's units equal content-svc's" "$(content_units | jq -c '[.items[] | {id, code, name}] | sort_by(.id)')" \
    "$(quota_units | jq -c '[.items[] | {id: .unit_id, code, name}] | sort_by(.id)')"

# Duplicate delivery: rewind quota's cursor so that every event is delivered
# again; nothing changes and the cursor ends where it was.
before=$(psql_loa "SELECT seq FROM quota.event_cursor WHERE source = 'content'")
snapshot=$(psql_loa "SELECT string_agg(unit_id || ':' || name || ':' || event_seq, ',' ORDER BY unit_id) FROM quota.units")
stack_stop quota-svc
psql_loa "UPDATE quota.event_cursor SET seq = 0 WHERE source = 'content'" >/dev/null
stack_start quota-svc
wait_until 20 test "$(psql_loa "SELECT seq FROM quota.event_cursor WHERE source = 'content'")" = "$before"
expect_eq "after a replay of every event the cursor is back where it was" "$before" "$(psql_loa "SELECT seq FROM quota.event_cursor WHERE source = 'content'")"
expect_eq "events delivered twice change nothing" "$snapshot" "$(psql_loa "SELECT string_agg(unit_id || ':' || name || ':' || event_seq, ',' ORDER BY unit_id) FROM quota.units")"
expect_eq "the event log is dense (no gaps)" "$(psql_loa "SELECT count(*) FROM content.event_log")" "$(psql_loa "SELECT coalesce(max(seq), 0) FROM content.event_log")"
expect_eq "the outbox is drained" 0 "$(psql_loa "SELECT count(*) FROM content.outbox")"
