#!/usr/bin/env bash
# deploy/db-admin.sh: the database side of loa-admin (docs/operations.md,
# "Roles" and "Backups and restores"). In the image `loa-admin db-init`,
# `loa-admin backup DIR`, `loa-admin restore DIR` run it.
#
#   db-admin.sh db-init        each program's PostgreSQL role and schema,
#                              made or put right; idempotent (compose runs it
#                              at every `up`, before the programs):
#     - the extensions unaccent and pg_trgm (in public);
#     - the roles loa_gateway, loa_content, loa_feedback, loa_quota,
#       loa_media and loa_notify: LOGIN, no superuser, no right to create databases,
#       roles or schemas; each one's password from the file
#       $LOA_DB_PASSWORDS_DIR/loa_db_password_<schema> when it is there;
#     - the schemas gateway, content, feedback, quota, media and notify, each owned
#       by its role with everything in it (an installation made before the
#       roles, all the superuser's, is given to them); no role can use
#       another's schema: a program reads and writes its own tables only.
#
#   db-admin.sh backup DIR     DIR (new or empty) receives:
#     database.dump      pg_dump of the whole database (custom format), taken
#                        in one snapshot
#     row-counts.txt     "schema.table rows" of every table, counted in that
#                        same snapshot: what a restore must find again
#     media/sha256/...   every blob of the media volume (LOA_MEDIA_DIR),
#                        copied after the dump
#     MANIFEST.sha256    sha256sum of every file above
#     backup.json        what made it and when; written last, so a backup
#                        without it is incomplete and restore refuses it
#   db-admin.sh restore [--replace] DIR
#                        checks every checksum of DIR first (nothing is
#                        written when one fails), puts the blobs in place
#                        (each at its digest's path, renamed whole), then
#                        restores the database in one transaction, gives
#                        each schema to its role (as db-init does) and
#                        compares every table's row count with the backup's.
#                        The Loa programs must be stopped. A database already
#                        holding Loa's data is replaced only with --replace.
#
# Why the pair is consistent: blobs are immutable and named by their SHA-256
# (docs/decisions/0014-blobs-by-sha256.md), and a blob that a row names is
# never removed; only blobs that no row names are swept, once older than
# LOA_BLOB_ORPHAN_S (a day by default). So a copy of the volume made after the
# dump holds every blob the dump's rows name, as long as the copy starts less
# than LOA_BLOB_ORPHAN_S after the dump's snapshot.
#
# Settings (environment):
#   LOA_ADMIN_DB_URL[_FILE]  the database, as its owner or a superuser; else
#   LOA_DB_URL[_FILE]
#   LOA_DB_PASSWORDS_DIR     db-init: the roles' password files
#   LOA_MEDIA_DIR            the media volume (default /var/lib/loa/media)
#   PG_BIN                   where pg_dump, pg_restore and psql are (default:
#                            the newest /usr/lib/postgresql/*/bin)
set -euo pipefail
umask 077

PROG=loa-admin
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
MEDIA=${LOA_MEDIA_DIR:-/var/lib/loa/media}
FORMAT=1
START=$(date +%s)

# One JSON line on stderr per message, as every program of Loa logs
# (docs/operations.md, "Logs"): LEVEL and the text, escaped for JSON.
log_line() {
    local level=$1 msg=$2 c out="" i
    for ((i = 0; i < ${#msg}; i++)); do
        c=${msg:i:1}
        case $c in
        '"') out+='\"' ;;
        '\') out+='\\' ;;
        $'\n') out+='\n' ;;
        $'\t') out+='\t' ;;
        $'\r') out+='\r' ;;
        [[:cntrl:]]) out+=$(printf '\\u%04x' "'$c") ;;
        *) out+=$c ;;
        esac
    done
    printf '{"ts":"%s","level":"%s","svc":"loa-admin","msg":"%s"}\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$level" "$out" >&2
}
die() {
    log_line error "$PROG: $*"
    exit 1
}
say() { log_line info "$PROG: $*"; }
# PostgreSQL's notices ("already exists, skipping") are not news.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

# setting NAME: $NAME, else the first line of the file $NAME_FILE.
setting() {
    local name=$1 file_var="${1}_FILE"
    if [ -n "${!name:-}" ]; then
        printf '%s' "${!name}"
    elif [ -n "${!file_var:-}" ]; then
        [ -r "${!file_var}" ] || die "$file_var names ${!file_var}, which cannot be read"
        head -n1 "${!file_var}" | tr -d '\r\n'
    fi
}

# The URL, with its password moved to PGPASSWORD so that no command line
# (ps) shows it. Sets DB (the URL without the password).
database() {
    local url
    url=$(setting LOA_ADMIN_DB_URL)
    [ -n "$url" ] || url=$(setting LOA_DB_URL)
    [ -n "$url" ] || die "set LOA_ADMIN_DB_URL (or LOA_DB_URL), or the same with _FILE, to the database's URL"
    DB=$url
    case $url in
    postgres://* | postgresql://*) ;;
    *) return 0 ;; # key=value: passed as it is
    esac
    local scheme=${url%%://*} rest=${url#*://} authority userinfo
    authority=${rest%%/*}
    authority=${authority%%\?*}
    case $authority in *@*) ;; *) return 0 ;; esac
    userinfo=${authority%@*}
    case $userinfo in *:*) ;; *) return 0 ;; esac
    # The password as libpq would read it: percent-decoded.
    local pw=${userinfo#*:}
    pw=${pw//\\/\\\\}
    PGPASSWORD=$(printf '%b' "${pw//%/\\x}")
    export PGPASSWORD
    DB="$scheme://${userinfo%%:*}@${authority##*@}${rest#"$authority"}"
}

need_tools() {
    local t
    for t in "$@"; do
        [ -x "$PG_BIN/$t" ] || die "$t is not in PG_BIN (${PG_BIN:-none found}): install postgresql-client"
    done
    command -v sha256sum >/dev/null || die "sha256sum is missing (coreutils)"
}

psql_q() { "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# Every table's rows, "schema.table count", one a line, sorted; in the
# transaction of whoever runs it.
COUNT_SQL="SELECT n.nspname || '.' || c.relname || ' ' ||
    (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname),
        false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\\_%'
 ORDER BY 1"

# The programs' schemas; each one's role is loa_<schema>.
SCHEMAS="gateway content feedback quota media notify"
SCHEMA_ARRAY="ARRAY['gateway', 'content', 'feedback', 'quota', 'media', 'notify']"

# Each schema, and everything in it, to its role, where that role exists
# (psql \gexec runs each statement the query makes). Owned sequences follow
# their table; a table's row type and indexes too.
OWNERS_SQL="
SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, 'loa_' || n.nspname)
  FROM pg_namespace n
 WHERE n.nspname = ANY ($SCHEMA_ARRAY) AND pg_get_userbyid(n.nspowner) <> 'loa_' || n.nspname
   AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_' || n.nspname)
\\gexec
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                             WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              n.nspname, c.relname, 'loa_' || n.nspname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($SCHEMA_ARRAY) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
   AND pg_get_userbyid(c.relowner) <> 'loa_' || n.nspname
   AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_' || n.nspname)
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                           AND d.deptype IN ('a', 'i')))
\\gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, 'loa_' || n.nspname)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = ANY ($SCHEMA_ARRAY) AND pg_get_userbyid(p.proowner) <> 'loa_' || n.nspname
   AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_' || n.nspname)
\\gexec
SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, 'loa_' || n.nspname)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = ANY ($SCHEMA_ARRAY) AND t.typtype IN ('e', 'd', 'r', 'm')
   AND pg_get_userbyid(t.typowner) <> 'loa_' || n.nspname
   AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_' || n.nspname)
\\gexec
"

# The audit trail (decision 0031, docs/api/audit.md): schema `audit`, owned by
# loa_audit, a role nobody logs in as. audit.log is append-only for the
# programs: they write it only through audit.record() (a trigger on the
# tables of staff-managed things) and audit.note() (what no row change
# says: logins), both SECURITY DEFINER; the gateway may read it; no
# program's role may change or delete a row. Idempotent, so an upgrade
# runs db-init again.
AUDIT_SQL=$(cat <<'SQL'
SELECT 'CREATE ROLE loa_audit NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_audit')
\gexec
SELECT 'CREATE SCHEMA audit AUTHORIZATION loa_audit'
 WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'audit')
\gexec
ALTER SCHEMA audit OWNER TO loa_audit;
CREATE TABLE IF NOT EXISTS audit.log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    source      text NOT NULL,
    actor_kind  text NOT NULL,
    actor_id    bigint NOT NULL DEFAULT 0,
    client_addr text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    entity      text NOT NULL,
    entity_id   text NOT NULL DEFAULT '',
    action      text NOT NULL,
    changes     jsonb NOT NULL DEFAULT '{}'
);
ALTER TABLE audit.log OWNER TO loa_audit;
CREATE INDEX IF NOT EXISTS log_at ON audit.log (at DESC, id DESC);
CREATE INDEX IF NOT EXISTS log_entity ON audit.log (entity, entity_id, at DESC);
CREATE INDEX IF NOT EXISTS log_actor ON audit.log (actor_id, at DESC);
-- What changed between two rows as JSON: {"field": {"before": x, "after": y}}
-- for each field that differs; a field in `hidden`, or named like a secret,
-- only {"changed": true}.
CREATE OR REPLACE FUNCTION audit.changes(old jsonb, new jsonb, hidden text[])
RETURNS jsonb LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $f$
    SELECT coalesce(jsonb_object_agg(k,
        CASE WHEN k = ANY (hidden) OR k ~ '(password|secret|token|key_hash)'
             THEN jsonb_build_object('changed', true)
             ELSE jsonb_build_object('before', old -> k, 'after', new -> k) END), '{}'::jsonb)
      FROM jsonb_object_keys(coalesce(old, '{}'::jsonb) || coalesce(new, '{}'::jsonb)) AS k
     WHERE (old -> k) IS DISTINCT FROM (new -> k)
$f$;
-- The caller of the change, as the program set it for its write
-- (loa_audit.c: the setting loa.audit, JSON {kind, id, addr, rid, method});
-- none: the program itself (an event, a sweep): "system".
CREATE OR REPLACE FUNCTION audit.caller() RETURNS jsonb LANGUAGE sql STABLE
SET search_path = pg_catalog AS $f$
    SELECT coalesce(nullif(current_setting('loa.audit', true), '')::jsonb, '{}'::jsonb)
$f$;
-- The trigger: AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW EXECUTE FUNCTION
-- audit.record('entity', 'id column', ['-column' left out, '*column' hidden]...).
-- An update that changes nothing but what is left out writes nothing.
CREATE OR REPLACE FUNCTION audit.record() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog AS $f$
DECLARE
    c jsonb := audit.caller();
    o jsonb;
    n jsonb;
    skip text[] := ARRAY['updated_at'];
    hide text[] := '{}';
    d jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
    FOR i IN 2 .. TG_NARGS - 1 LOOP
        IF left(TG_ARGV[i], 1) = '-' THEN skip := skip || substr(TG_ARGV[i], 2);
        ELSIF left(TG_ARGV[i], 1) = '*' THEN hide := hide || substr(TG_ARGV[i], 2);
        END IF;
    END LOOP;
    d := audit.changes(o - skip, n - skip, hide);
    IF TG_OP = 'UPDATE' AND d = '{}'::jsonb THEN RETURN NULL; END IF;
    INSERT INTO audit.log (source, actor_kind, actor_id, client_addr, request_id, entity,
                           entity_id, action, changes)
    VALUES (TG_TABLE_SCHEMA, coalesce(c ->> 'kind', 'system'), coalesce((c ->> 'id')::bigint, 0),
            coalesce(c ->> 'addr', ''), coalesce(c ->> 'rid', ''), TG_ARGV[0],
            coalesce(coalesce(n, o) ->> TG_ARGV[1], ''),
            coalesce(c ->> 'method', lower(TG_OP)), d);
    RETURN NULL;
END
$f$;
-- What no row change says (a login, a failed one): written as it is, with
-- the caller set as for a change; the source is the calling program's role.
CREATE OR REPLACE FUNCTION audit.note(p_entity text, p_entity_id text, p_action text,
                                      p_changes jsonb) RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog AS $f$
    INSERT INTO audit.log (source, actor_kind, actor_id, client_addr, request_id, entity,
                           entity_id, action, changes)
    SELECT regexp_replace(session_user, '^loa_', ''), coalesce(c ->> 'kind', 'system'),
           coalesce((c ->> 'id')::bigint, 0), coalesce(c ->> 'addr', ''), coalesce(c ->> 'rid', ''),
           p_entity, coalesce(p_entity_id, ''), p_action, coalesce(p_changes, '{}'::jsonb)
      FROM audit.caller() AS c
$f$;
ALTER FUNCTION audit.changes(jsonb, jsonb, text[]) OWNER TO loa_audit;
ALTER FUNCTION audit.caller() OWNER TO loa_audit;
ALTER FUNCTION audit.record() OWNER TO loa_audit;
ALTER FUNCTION audit.note(text, text, text, jsonb) OWNER TO loa_audit;
REVOKE ALL ON audit.log FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.record(), audit.note(text, text, text, jsonb) FROM PUBLIC;
SQL
)

# The other sessions on the database (the programs'), as "application (user)".
other_sessions() {
    psql_q -c "SELECT coalesce(nullif(application_name, ''), 'a client') || ' (' || usename || ')'
                 FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_type = 'client backend'"
}

# misnamed_blobs MANIFEST: the blobs of a sha256sum listing whose digest is
# not their name (a blob is named by its SHA-256), one a line.
misnamed_blobs() {
    awk '$2 ~ /^media\/sha256\// { n = $2; sub(/.*\//, "", n); if (n != $1) print $2 }' "$1"
}

usage() {
    echo "usage: $PROG db-init | $PROG backup DIR | $PROG restore [--replace] DIR" >&2
    exit 2
}

# ------------------------------------------------------------------ db-init
db_init() {
    need_tools psql
    database
    local pwdir=${LOA_DB_PASSWORDS_DIR:-} s f n=0
    local -a vars=()
    for s in $SCHEMAS; do
        f=$pwdir/loa_db_password_$s
        if [ -n "$pwdir" ] && [ -s "$f" ]; then
            vars+=(-v "pw_$s=$(head -n1 "$f" | tr -d '\r\n')")
            n=$((n + 1))
        else
            vars+=(-v "pw_$s=")
        fi
    done
    set -- $SCHEMAS
    [ -z "$pwdir" ] || [ "$n" = $# ] ||
        die "LOA_DB_PASSWORDS_DIR ($pwdir) must hold loa_db_password_<schema> for each of: $SCHEMAS"
    # The passwords reach the server as psql variables (:'pw_x' quotes them),
    # never in SQL text made here; ALTER ROLE ... PASSWORD is hashed by the
    # server (scram-sha-256, password_encryption's default).
    {
        echo "CREATE EXTENSION IF NOT EXISTS unaccent;"
        echo "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
        for s in $SCHEMAS; do
            cat <<SQL
SELECT format('CREATE ROLE %I', 'loa_$s') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_$s')
\\gexec
ALTER ROLE loa_$s WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
SELECT :'pw_$s' <> '' AS set_pw_$s \\gset
\\if :set_pw_$s
ALTER ROLE loa_$s PASSWORD :'pw_$s';
\\endif
SELECT format('CREATE SCHEMA %I AUTHORIZATION %I', '$s', 'loa_$s')
 WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '$s')
\\gexec
SQL
        done
        printf '%s\n' "$OWNERS_SQL" "$AUDIT_SQL"
        # Every program may use the audit schema's functions (and only
        # those); the gateway reads the trail for GET /api/v1/audit.
        for s in $SCHEMAS; do
            echo "GRANT USAGE ON SCHEMA audit TO loa_$s;"
            echo "GRANT EXECUTE ON FUNCTION audit.record(), audit.note(text, text, text, jsonb) TO loa_$s;"
        done
        echo "GRANT SELECT ON audit.log TO loa_gateway;"
        # No role may make schemas in the database, nor objects in public
        # (PostgreSQL 15's default for public; said again for older clusters).
        echo "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
        printf 'SELECT format(%s, current_database()) \\gexec\n' "'REVOKE CREATE ON DATABASE %I FROM PUBLIC'"
    } | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "${vars[@]}" -d "$DB" >/dev/null ||
        die "db-init failed (above)"
    say "db-init: the roles and schemas of $SCHEMAS are in place, each schema its role's"
}

# ------------------------------------------------------------------ backup
backup() {
    local dir=$1
    need_tools pg_dump psql
    database
    [ -d "$MEDIA/sha256" ] || die "LOA_MEDIA_DIR ($MEDIA) has no sha256/ folder: is it the media volume?"
    if [ -e "$dir" ]; then
        [ -d "$dir" ] || die "$dir exists and is not a folder"
        [ -z "$(ls -A "$dir")" ] || die "$dir is not empty: a backup goes into a new or empty folder"
    else
        mkdir -p "$dir" || die "cannot make $dir"
    fi
    # A session holding one snapshot: pg_dump takes it (--snapshot) and the
    # row counts are made in it, so they are the dump's own.
    local snap
    coproc SNAP { exec "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" 2>&1; }
    # shellcheck disable=SC2154 # SNAP and SNAP_PID are made by coproc
    local to=${SNAP[1]} from=${SNAP[0]}
    printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "SELECT pg_export_snapshot();" >&"$to"
    read -r -t 60 snap <&"$from" || die "the database did not answer (snapshot)"
    [[ $snap =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] || die "the database refused a snapshot: $snap"
    "$PG_BIN/pg_dump" --format=custom --snapshot="$snap" --no-password \
        --file="$dir/database.dump" -d "$DB" || die "pg_dump failed (above); $dir is incomplete"
    printf '%s\n' "$COUNT_SQL;" '\echo LOA-END-OF-COUNTS' >&"$to"
    local line
    : >"$dir/row-counts.txt"
    while :; do
        read -r -t 600 line <&"$from" || die "the database did not answer (row counts)"
        [ "$line" = LOA-END-OF-COUNTS ] && break
        [[ $line =~ ^[^\ ]+\ [0-9]+$ ]] || die "counting rows failed: $line"
        printf '%s\n' "$line" >>"$dir/row-counts.txt"
    done
    printf '%s\n' "COMMIT;" '\q' >&"$to"
    wait "$SNAP_PID" 2>/dev/null || true

    # The blobs, after the dump (above): tar keeps the tree; tmp/ (uploads on
    # their way in) is left out.
    mkdir "$dir/media"
    tar -C "$MEDIA" -cf - sha256 | tar -C "$dir/media" -xf - ||
        die "copying the media volume failed; $dir is incomplete"
    local blobs bad
    blobs=$(find "$dir/media/sha256" -type f | wc -l)
    (cd "$dir" && find database.dump row-counts.txt media -type f -print0 | sort -z |
        xargs -0 -r sha256sum) >"$dir/MANIFEST.sha256.tmp" || die "checksums failed"
    # A blob's name is its digest: a blob whose bytes do not match it was
    # damaged on the volume, and the backup says so rather than keep it.
    bad=$(misnamed_blobs "$dir/MANIFEST.sha256.tmp")
    [ -z "$bad" ] || die "blobs on the volume do not match their names (damaged): $bad"
    mv "$dir/MANIFEST.sha256.tmp" "$dir/MANIFEST.sha256"
    local version tables rows bytes
    version=$("${LOA_GATEWAY_BIN:-gateway}" --version 2>/dev/null | awk '{ print $NF }') || true
    [[ $version =~ ^[0-9A-Za-z.+~-]+$ ]] || version=unknown
    tables=$(wc -l <"$dir/row-counts.txt")
    rows=$(awk '{ s += $2 } END { print s + 0 }' "$dir/row-counts.txt")
    bytes=$(du -sb "$dir" | cut -f1)
    printf '{"format":%d,"loa_version":"%s","created":"%s","postgresql":"%s","tables":%d,"rows":%d,"blobs":%d,"bytes":%d}\n' \
        "$FORMAT" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(psql_q -c 'SHOW server_version')" \
        "$tables" "$rows" "$blobs" "$bytes" >"$dir/backup.json"
    sync -f "$dir/backup.json" 2>/dev/null || sync
    say "backup: $dir: $tables tables, $rows rows, $blobs blobs, $bytes bytes, in $(($(date +%s) - START)) s"
}

# ------------------------------------------------------------------ restore
restore() {
    local replace=0
    if [ "${1:-}" = --replace ]; then
        replace=1
        shift
    fi
    [ $# = 1 ] || usage
    local dir=$1
    need_tools pg_restore psql
    [ -d "$dir" ] || die "$dir is not a folder"
    [ -s "$dir/backup.json" ] && [ -s "$dir/MANIFEST.sha256" ] ||
        die "$dir is not a complete backup (no backup.json or MANIFEST.sha256)"
    grep -q "\"format\":${FORMAT}[,}]" "$dir/backup.json" ||
        die "$dir/backup.json is not of format $FORMAT, the one this release reads"
    # Every file is checked before anything is written.
    say "restore: checking $(wc -l <"$dir/MANIFEST.sha256") checksums"
    local failed
    failed=$(cd "$dir" && sha256sum --quiet -c MANIFEST.sha256 2>/dev/null | sed 's/: FAILED.*$//') || true
    [ -z "$failed" ] || die "$dir is damaged: these files do not match MANIFEST.sha256: $failed"
    local bad
    bad=$(misnamed_blobs "$dir/MANIFEST.sha256")
    [ -z "$bad" ] || die "$dir is damaged: blobs whose name is not their digest: $bad"
    local listed
    listed=$(awk '{ print $2 }' "$dir/MANIFEST.sha256" | sort)
    [ "$listed" = "$(cd "$dir" && find database.dump row-counts.txt media -type f | sort)" ] ||
        die "$dir is damaged: its files are not those MANIFEST.sha256 lists"

    database
    local others
    others=$(other_sessions) || die "cannot reach the database (above)"
    [ -z "$others" ] || die "the database has other sessions; stop the Loa programs first: $(echo "$others" | sort | uniq -c | awk '{ $1 = $1 "x"; print }' | paste -sd, -)"
    local held
    held=$(psql_q -c "$COUNT_SQL" | awk '$1 !~ /\.schema_migrations$/ && $2 > 0' | head -5 | paste -sd, -)
    if [ -n "$held" ] && [ $replace = 0 ]; then
        die "the database already holds data ($held ...): restore replaces all of it only with --replace"
    fi

    # The blobs first: a row restored below always finds its blob. Each is
    # copied to tmp/ and renamed to its place, whole or not at all.
    mkdir -p "$MEDIA/sha256" "$MEDIA/tmp"
    local stage
    stage=$(mktemp -d "$MEDIA/tmp/restore.XXXXXX")
    tar -C "$dir/media" -cf - sha256 | tar -C "$stage" -xf - || die "copying the blobs failed"
    local rel n=0
    while IFS= read -r -d '' rel; do
        rel=${rel#"$stage"/}
        if [ ! -e "$MEDIA/$rel" ]; then
            mkdir -p "$MEDIA/$(dirname "$rel")"
            mv "$stage/$rel" "$MEDIA/$rel"
            n=$((n + 1))
        fi
    done < <(find "$stage/sha256" -type f -print0)
    rm -rf "$stage"
    sync -f "$MEDIA/sha256" 2>/dev/null || sync
    say "restore: $n blobs put in $MEDIA ($(find "$dir/media/sha256" -type f | wc -l) in the backup)"

    # The database in one transaction: what it held is replaced (--clean),
    # or nothing changes when any statement fails.
    # Without the backup's owners (the roles may not exist yet here); each
    # schema is then given to its role, where it exists (db-init, which
    # compose runs before the programs, gives the rest).
    "$PG_BIN/pg_restore" --clean --if-exists --single-transaction --exit-on-error --no-password \
        --no-owner --no-privileges -d "$DB" "$dir/database.dump" ||
        die "pg_restore failed (above): the database is as it was"
    printf '%s\n' "$OWNERS_SQL" | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null ||
        die "giving the schemas to their roles failed (above); run db-init"
    local now diff
    now=$(psql_q -c "$COUNT_SQL")
    diff=$(diff <(sort "$dir/row-counts.txt") <(printf '%s\n' "$now" | sort)) ||
        die "the restored database does not hold the backup's rows: $diff"
    say "restore: $(wc -l <"$dir/row-counts.txt") tables, $(awk '{ s += $2 } END { print s + 0 }' "$dir/row-counts.txt") rows, every count as in the backup, in $(($(date +%s) - START)) s; start the programs"
}

case ${1:-} in
db-init)
    [ $# = 1 ] || usage
    db_init
    ;;
audit-sql)
    # What db-init runs for the audit trail, printed (tests make a bare
    # database with it).
    [ $# = 1 ] || usage
    printf '%s\n' "$AUDIT_SQL"
    ;;
backup)
    [ $# = 2 ] || usage
    backup "$2"
    ;;
restore)
    shift
    restore "$@"
    ;;
*) usage ;;
esac
