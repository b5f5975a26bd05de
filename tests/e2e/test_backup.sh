# shellcheck shell=bash
# Backups and restores (deploy/db-admin.sh, `loa-admin backup|restore`;
# docs/operations.md, "Backups and restores"): the running test stack, with
# its data and a blob, is backed up while citizens keep writing; the backup
# is restored into a new, empty installation (a PostgreSQL cluster and a
# media volume of its own), whose every table's row count and every blob's
# SHA-256 are compared with the original's; that installation's programs
# then serve what was written before the backup. A damaged backup, running
# programs and a database holding data are refused, and nothing is written.
# Sourced by tests/run.sh.

BK_RUN=$(date +%s%N | tail -c 7)
BK_DIR=$T_TMP/backup
BK_B=$T_TMP/backup-restored
declare -A BK_TOK=()
bk_call() { e2e_call BK_TOK "$@"; }
bk_admin() { deploy/loa-admin.sh "$@"; }

# bk_counts PORT [PGPASSFILE]: every table's "schema.table rows" of the
# cluster at PORT, counted by the test itself (sorted).
bk_counts() {
    PGPASSFILE=${2:-$PGPASSFILE} "$PG_BIN/psql" -X -h 127.0.0.1 -p "$1" -U loa -d loa -tAc "
        SELECT n.nspname || '.' || c.relname || ' ' ||
               (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',
                   n.nspname, c.relname), false, true, '')))[1]::text
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname IN ('gateway', 'content', 'feedback', 'quota', 'media', 'public')
         ORDER BY 1" 2>&1
}
# bk_blobs DIR: "sha256 name" of every blob under DIR/sha256, the digest
# computed from the bytes (sorted by name).
bk_blobs() {
    [ -d "$1/sha256" ] || return 0
    find "$1/sha256" -type f -print0 | xargs -0 -r sha256sum |
        awk '{ n = $2; sub(/.*\//, "", n); print $1, n }' | sort -k2
}
# bk_feedback TITLE: a citizen's submission; its tracking code once acknowledged.
bk_feedback() {
    curl -s --max-time 10 -H 'Content-Type: application/json' -H "X-Forwarded-For: 100.80.$((RANDOM % 250)).$((RANDOM % 250 + 1))" \
        --data-binary "$(jq -nc --arg t "$1" '{kind: "recommendation", title: $t,
            content: "Đề nghị công khai thời hạn giải quyết hồ sơ.",
            submitter: {name: "Phạm Văn Sao", address: "12 Lý Thái Tổ", phone: "0912 345 678", email: "sao@example.vn"}}')" \
        "$GW/api/v1/feedback" | jq -r '.tracking_code // empty'
}
# bk_b CMD...: CMD in the environment of the restored installation
# (its own ports, media volume, keys and public address).
bk_b() {
    (
        # shellcheck disable=SC2034 # read by the stack_* functions
        STACK_DIR=$BK_B
        stack_env "$BK_BASE" $((BK_BASE + 9))
        export LOA_MEDIA_DIR=$BK_B/media LOA_KEYS_DIR=$BK_B/keys LOA_PUBLIC_URL=http://127.0.0.1:$((BK_BASE + 9))
        "$@"
    )
}
bk_b_programs() { stack_keys && for p in $STACK_PROGRAMS; do stack_start "$p"; done; }
bk_b_stop() { for p in gateway $STACK_PROGRAMS; do stack_stop "$p"; done; }

echo "  -- set-up: an article with a photo, and feedback"
BK_TOK[admin]=$(admin_token)
bk_call admin POST /api/v1/units "{\"code\": \"BK-$BK_RUN\", \"name\": \"Phòng Thử nghiệm Sao lưu $BK_RUN\"}"
expect_eq "setup: the admin creates a unit" 201 "$HTTP_STATUS"
BK_UNIT=$(body_jq '.id // 0')
e2e_staff BK_TOK ed '["editor"]' "$BK_UNIT" "e2e.bk-ed-$BK_RUN" "Biên tập viên sao lưu"
e2e_staff BK_TOK rev '["reviewer"]' null "e2e.bk-rev-$BK_RUN" "Người duyệt sao lưu"
# A JPEG (JFIF header, a comment of 1,000 random characters, end of image).
{
    printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xfe\x03\xea'
    head -c 750 /dev/urandom | base64 -w0
    printf '\xff\xd9'
} >"$T_TMP/bk-photo.jpg"
bk_call ed POST /api/v1/assets - -H 'Content-Type: image/jpeg' --data-binary "@$T_TMP/bk-photo.jpg"
expect_eq "setup: the editor uploads a photo" 201 "$HTTP_STATUS"
BK_ASSET=$(body_jq '.id // empty') BK_SHA=$(sha256sum "$T_TMP/bk-photo.jpg" | cut -d' ' -f1)
e2e_publish BK_TOK ed rev "$(jq -nc --arg t "Sao lưu và phục hồi $BK_RUN" \
    '{title: $t, summary: "Bài thử sao lưu.", body: "Nội dung **được** sao lưu.", topic_ids: []}')"
BK_ARTICLE=$E2E_ID
expect_match "setup: the article is published" '^[0-9]+$' "$BK_ARTICLE"
BK_SLUG=$(curl -s --max-time 10 "$GW/api/v1/articles/$BK_ARTICLE" | jq -r '.slug // empty')
BK_CODES=""
for i in 1 2 3; do BK_CODES="$BK_CODES $(bk_feedback "Góp ý trước sao lưu $i $BK_RUN")"; done
expect_eq "setup: three submissions acknowledged before the backup" 3 "$(echo "$BK_CODES" | wc -w)"

echo "  -- backup of the running stack, while citizens keep writing"
( for i in $(seq 200); do bk_feedback "Góp ý trong lúc sao lưu $i $BK_RUN" >/dev/null; done ) &
BK_WRITER=$!
sleep 0.5
BK_OUT=$(LOA_GATEWAY_BIN=$BUILD/gateway bk_admin backup "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
BK_RC=$?
BK_STILL=0
kill -0 "$BK_WRITER" 2>/dev/null && BK_STILL=1
wait "$BK_WRITER" 2>/dev/null
expect_match "backup: loa-admin backup exits 0 and says what it kept" \
    '^0 .*backup: .*[0-9]+ tables, [0-9]+ rows, [0-9]+ blobs, [0-9]+ bytes' "$BK_RC $BK_OUT"
expect_eq "backup: the writes went on during the backup" 1 "$BK_STILL"
BK_A_BLOBS=$(bk_blobs "$LOA_MEDIA_DIR")
expect_match "backup: the photo's blob is on the volume" "^$BK_SHA $BK_SHA$" "$BK_A_BLOBS"
expect_eq "backup: it holds database.dump, row-counts.txt, MANIFEST.sha256, backup.json and media/" \
    "MANIFEST.sha256 backup.json database.dump media row-counts.txt" "$(ls "$BK_DIR" 2>&1 | sort | paste -sd' ')"
expect_eq "backup: the manifest lists every file, and every checksum holds" \
    "$(cd "$BK_DIR" && find database.dump row-counts.txt media -type f | sort)|OK" \
    "$(awk '{ print $2 }' "$BK_DIR/MANIFEST.sha256" | sort)|$(cd "$BK_DIR" && sha256sum --quiet -c MANIFEST.sha256 >/dev/null 2>&1 && echo OK)"
expect_eq "backup: every blob of the volume is in it, by its SHA-256" "$BK_A_BLOBS" "$(bk_blobs "$BK_DIR/media")"
expect_match "backup: backup.json says the format, version and sizes" \
    '^1 0\.1\.[0-9]+ [0-9]+ [0-9]+ true$' \
    "$(jq -r '"\(.format) \(.loa_version) \(.tables) \(.blobs) \(.rows > 0)"' "$BK_DIR/backup.json" 2>&1)"
expect_eq "backup: the folder and its files are the operator's alone (0700, 0600)" "700 600" \
    "$(stat -c %a "$BK_DIR") $(stat -c %a "$BK_DIR/database.dump")"
BK_OUT=$(bk_admin backup "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "backup: a folder that is not empty is refused" '^1 .*not empty' "$? $BK_OUT"

echo "  -- restore into a new, empty installation"
BK_BASE=$(stack_free_base)
mkdir -p "$BK_B/logs" "$BK_B/pids" && chmod 700 "$BK_B"
bk_b stack_pg_start "$BK_B" "$BK_BASE" || fail "restore: a new PostgreSQL cluster starts" "$(tail -3 "$BK_B/postgresql.log")"
# Its roles and (empty) schemas, as a new installation has them before its
# programs first start (compose's db-init step).
bk_b stack_db_init || fail "restore: db-init on the new cluster" "$(tail -3 "$BK_B/logs/db-init.log")"
BK_EMPTY=$(bk_counts "$BK_BASE" "$BK_B/pgpass")
# A damaged copy first: one byte of the photo's blob changed.
cp -a "$BK_DIR" "$T_TMP/backup-damaged"
BK_DAMAGED=$(find "$T_TMP/backup-damaged/media" -type f -name "$BK_SHA")
[ -n "$BK_DAMAGED" ] || BK_DAMAGED=$T_TMP/backup-damaged/media/no-photo
printf 'X' | dd of="$BK_DAMAGED" bs=1 seek=100 conv=notrunc status=none
BK_OUT=$(bk_b deploy/loa-admin.sh restore "$T_TMP/backup-damaged" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "restore: a damaged backup is refused, naming the file" "^1 .*damaged.*media/sha256/.*$BK_SHA" "$? $BK_OUT"
expect_eq "restore: and nothing was written (no table, no blob)" "$BK_EMPTY|" "$(bk_counts "$BK_BASE" "$BK_B/pgpass")|$(bk_blobs "$BK_B/media")"
rm -f "$BK_DIR/backup.json.away"
mv "$BK_DIR/backup.json" "$BK_DIR/backup.json.away"
BK_OUT=$(bk_b deploy/loa-admin.sh restore "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "restore: a backup without backup.json (unfinished) is refused" '^1 .*not a complete backup' "$? $BK_OUT"
mv "$BK_DIR/backup.json.away" "$BK_DIR/backup.json"

BK_OUT=$(bk_b deploy/loa-admin.sh restore "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "restore: loa-admin restore exits 0, every count as in the backup" \
    '^0 .*every count as in the backup' "$? $BK_OUT"
BK_B_COUNTS=$(bk_counts "$BK_BASE" "$BK_B/pgpass")
expect_eq "restore: every table's row count is the backup's (counted by the test)" \
    "$(grep -E '^(gateway|content|feedback|quota|media|public)\.' "$BK_DIR/row-counts.txt")" "$BK_B_COUNTS"
expect_match "restore: the tables are many and hold rows" '^[3-9][0-9]+ [1-9]' \
    "$(echo "$BK_B_COUNTS" | wc -l) $(echo "$BK_B_COUNTS" | awk '{ s += $2 } END { print s + 0 }')"
expect_eq "restore: every blob's SHA-256 is the original's" "$BK_A_BLOBS" "$(bk_blobs "$BK_B/media")"
# The feedback tables of the original at the end hold at least the
# backup's rows (the writes went on), and the others exactly as many.
BK_A_NOW=$(bk_counts "$LOA_PG_PORT")
expect_eq "restore: tables no one wrote during the backup have the original's counts" \
    "$(echo "$BK_A_NOW" | grep -E '^(gateway\.users|content\.articles|content\.units|media\.assets) ')" \
    "$(echo "$BK_B_COUNTS" | grep -E '^(gateway\.users|content\.articles|content\.units|media\.assets) ')"

echo "  -- the restored installation serves what was written before the backup"
BK_GW_SAVED=$GW
bk_b bk_b_programs
GW=http://127.0.0.1:$((BK_BASE + 9))
if wait_until 60 curl -fs -o /dev/null --max-time 2 "$GW/readyz?all=1"; then
    pass "restore: its programs start on the restored database"
else
    fail "restore: its programs start on the restored database" "$(tail -3 "$BK_B"/logs/*.log)"
fi
expect_match "restore: the first admin logs in with the original's password" '^[A-Za-z0-9._-]{20,}$' "$(admin_token)"
http GET "/api/v1/articles/$BK_SLUG"
expect_eq "restore: the article is published, by its slug" "200 $BK_ARTICLE" "$HTTP_STATUS $(body_jq .id)"
BK_TOK[admin]=$(admin_token)
curl -s -o "$T_TMP/bk-got.jpg" --max-time 10 -H "Authorization: Bearer ${BK_TOK[admin]}" "$GW/api/v1/assets/$BK_ASSET"
expect_eq "restore: the photo downloads, the same bytes" "$BK_SHA" "$(sha256sum "$T_TMP/bk-got.jpg" | cut -d' ' -f1)"
BK_FOUND=0
for c in $BK_CODES; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$GW/api/v1/feedback/track/$c")" = 200 ] && BK_FOUND=$((BK_FOUND + 1))
done
expect_eq "restore: each submission acknowledged before the backup is tracked" 3 "$BK_FOUND"
BK_OUT=$(bk_b deploy/loa-admin.sh restore "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "restore: refused while the programs are connected, naming them" '^1 .*stop the Loa programs first.*gateway' "$? $BK_OUT"
GW=$BK_GW_SAVED
bk_b bk_b_stop
BK_OUT=$(bk_b deploy/loa-admin.sh restore "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "restore: a database holding data is refused without --replace" '^1 .*already holds data.*--replace' "$? $BK_OUT"
BK_OUT=$(bk_b deploy/loa-admin.sh restore --replace "$BK_DIR" 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "restore: --replace puts the backup back, every count as in it" '^0 .*every count as in the backup' "$? $BK_OUT"
bk_b stack_pg_stop
if grep -q "Sanitizer\|runtime error:" "$BK_B"/logs/*.log 2>/dev/null; then
    fail "restore: no sanitizer report in the restored programs' logs" "$(grep -l "Sanitizer\|runtime error:" "$BK_B"/logs/*.log)"
else
    pass "restore: no sanitizer report in the restored programs' logs"
fi
rm -rf "$BK_DIR" "$T_TMP/backup-damaged" "$BK_B"
