#!/bin/sh
# deploy/seed.sh: the reference data of a new installation, through
# content-svc's own RPC so that every other service hears of it as events:
# the units, the procedures catalogue and the public notices of
# $LOA_SEED_DIR (deploy/seed/; in the image /usr/share/loa/seed). Idempotent:
# units and procedures whose code exists are skipped, notices (which have no
# natural key) are loaded only while there is none. Run by deploy/stack.sh
# (make run, make test) and, in the image, as `loa-seed` by compose's
# one-shot `seed` service. Needs LOA_CONTENT_RPC and a key of the loa-rpc
# identity (LOA_KEYS_DIR / LOA_SECRET_KEY_FILE). Exit 0 when all is there.
set -eu
SEED=${LOA_SEED_DIR:-deploy/seed}
RPC=${LOA_RPC_BIN:-loa-rpc}
: "${LOA_CONTENT_RPC:?set LOA_CONTENT_RPC, the RPC address of content-svc}"
"$RPC" --roles admin --user-id 1 --ignore-conflict --in loa.content.CreateUnitRequest \
    "$LOA_CONTENT_RPC" units.create - <"$SEED/units.jsonl" >/dev/null
"$RPC" --roles admin --user-id 1 --ignore-conflict --in loa.content.CreateProcedureRequest \
    "$LOA_CONTENT_RPC" procedures.create - <"$SEED/procedures.jsonl" >/dev/null
# An admin's list counts the inactive notices too.
notices=$("$RPC" --roles admin --user-id 1 --in loa.content.NoticeListRequest \
    --out loa.content.NoticeList "$LOA_CONTENT_RPC" notices.list '{"per_page": 1}')
total=$(printf '%s' "$notices" | sed -n 's/.*"total": *\([0-9][0-9]*\).*/\1/p')
if [ "${total:-0}" = 0 ]; then
    "$RPC" --roles admin --user-id 1 --in loa.content.CreateNoticeRequest \
        "$LOA_CONTENT_RPC" notices.create - <"$SEED/notices.jsonl" >/dev/null
fi
# One JSON line on stderr, as every program of Loa logs (docs/operations.md, "Logs").
printf '{"ts":"%s","level":"info","svc":"seed","msg":"seed: the units, procedures and notices of %s are in place"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$SEED" >&2
