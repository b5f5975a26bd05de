# shellcheck shell=bash
# Least privilege in PostgreSQL (deploy/db-admin.sh db-init; docs/operations.md,
# "Roles"): every program connects as its own role, none a superuser, with a
# password (scram-sha-256; the cluster refuses a connection without one);
# each role owns its schema and can use no other: feedback-svc's cannot read
# the gateway's users. An installation made before the roles (every schema
# the superuser's) is refused by a program with a message saying what to
# run, and db-init gives each schema to its role. Sourced by tests/run.sh.

RL_DB=loa_roles_$$
# rl_as ROLE DB SQL: one statement as ROLE (its password from PGPASSFILE).
rl_as() { "$PG_BIN/psql" -X -h 127.0.0.1 -p "$LOA_PG_PORT" -U "$1" -d "$2" -tAc "$3" 2>&1; }

echo "  -- each program as its own role"
expect_eq "roles: each program's sessions use its own role, none a superuser" \
    "content-svc loa_content false|feedback-svc loa_feedback false|gateway loa_gateway false|media-svc loa_media false|notify-svc loa_notify false|quota-svc loa_quota false" \
    "$(db_sql "SELECT DISTINCT split_part(a.application_name, '/', 1) || ' ' || a.usename || ' ' || r.rolsuper
                 FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
                WHERE a.datname = 'loa' AND split_part(a.application_name, '/', 1)
                      IN ('gateway', 'content-svc', 'feedback-svc', 'quota-svc', 'media-svc', 'notify-svc')
                ORDER BY 1" | paste -sd'|')"
expect_eq "roles: each schema, and every table in it, is its role's" \
    "content loa_content|feedback loa_feedback|gateway loa_gateway|media loa_media|notify loa_notify|quota loa_quota" \
    "$(db_sql "SELECT n.nspname || ' ' || string_agg(DISTINCT pg_get_userbyid(c.relowner), ',')
                 FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
                WHERE n.nspname IN ('gateway', 'content', 'feedback', 'quota', 'media', 'notify')
                GROUP BY n.nspname ORDER BY 1" | paste -sd'|')"
expect_match "roles: feedback-svc's role cannot read the gateway's users" \
    'permission denied for schema gateway' "$(rl_as loa_feedback loa 'SELECT count(*) FROM gateway.users')"
expect_match "roles: nor content-svc's read feedback" \
    'permission denied for schema feedback' "$(rl_as loa_content loa 'SELECT count(*) FROM feedback.feedback')"
expect_match "roles: nor notify-svc's (it asks feedback-svc for a submitter's address)" \
    'permission denied for schema feedback' "$(rl_as loa_notify loa 'SELECT count(*) FROM feedback.feedback')"
expect_match "roles: nor feedback-svc's read notify-svc's deliveries (citizens' addresses)" \
    'permission denied for schema notify' "$(rl_as loa_feedback loa 'SELECT count(*) FROM notify.deliveries')"
expect_match "roles: while feedback-svc's reads its own tables" '^[0-9]+$' \
    "$(rl_as loa_feedback loa 'SELECT count(*) FROM feedback.feedback')"
expect_match "roles: a program's role may not make a schema" 'permission denied for database' \
    "$(rl_as loa_quota loa 'CREATE SCHEMA quota_extra')"
expect_match "roles: nor anything in public" 'permission denied for schema public' \
    "$(rl_as loa_media loa 'CREATE TABLE public.extra (x int)')"
expect_match "roles: a connection without the password is refused (scram-sha-256)" \
    'password authentication failed|no password supplied' \
    "$(PGPASSFILE=/dev/null "$PG_BIN/psql" -X -w -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa_feedback -d loa -tAc 'SELECT 1' 2>&1)"
expect_match "roles: nor with another role's" 'password authentication failed' \
    "$(PGPASSWORD=$(sed -n 's/^\*:\*:\*:loa_content://p' "$PGPASSFILE") PGPASSFILE=/dev/null \
        "$PG_BIN/psql" -X -w -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa_feedback -d loa -tAc 'SELECT 1' 2>&1)"

echo "  -- an installation made before the roles"
# A database whose schema content-svc migrated as the superuser, as every
# installation of 0.1.0 did.
"$PG_BIN/createdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$RL_DB"
RL_URL="postgresql://loa@127.0.0.1:$LOA_PG_PORT/$RL_DB"
# ... with the audit trail's schema, which the migrations' triggers need
# (an upgrade's db-init makes it first).
bash deploy/db-admin.sh audit-sql | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d "$RL_DB" >/dev/null
RL_OUT=$(LOA_DB_URL=$RL_URL "$BUILD/content-svc" --migrate-only 2>&1)
expect_match "roles: (setup) content-svc migrates a schema as the superuser" '^0 ' "$? $RL_OUT"
RL_OUT=$(LOA_DB_URL="postgresql://loa_content@127.0.0.1:$LOA_PG_PORT/$RL_DB" "$BUILD/content-svc" --migrate-only 2>&1 |
    tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "roles: as its role, content-svc refuses that schema, saying what to run" \
    '^[1-9][0-9]* .*the schema content belongs to the role loa, and loa_content may not create in it: run deploy/db-init\.sh' \
    "$? $RL_OUT"
RL_OUT=$(LOA_ADMIN_DB_URL=$RL_URL bash deploy/db-admin.sh db-init 2>&1 | tr '\n' ' '; exit "${PIPESTATUS[0]}")
expect_match "roles: db-init gives every schema to its role (no password given: each role keeps its own)" \
    '^0 .*db-init: the roles and schemas' "$? $RL_OUT"
RL_OUT=$(LOA_DB_URL="postgresql://loa_content@127.0.0.1:$LOA_PG_PORT/$RL_DB" "$BUILD/content-svc" --migrate-only 2>&1)
expect_match "roles: then content-svc, as its role, finds its schema up to date" \
    '^0 .*up to date' "$? $(printf '%s' "$RL_OUT" | tr '\n' ' ')"
# As the Kubernetes migration Job runs it: no key pair, no public keys
# (it opens no socket).
RL_OUT=$(env -u LOA_KEYS_DIR -u LOA_SECRET_KEY_FILE -u LOA_SECRET_KEY LOA_DB_URL="postgresql://loa_content@127.0.0.1:$LOA_PG_PORT/$RL_DB" \
    "$BUILD/content-svc" --migrate-only 2>&1)
expect_match "roles: content-svc --migrate-only needs no ZeroMQ key (the migration Job has none)" \
    '^0 .*up to date' "$? $(printf '%s' "$RL_OUT" | tr '\n' ' ')"
expect_eq "roles: and owns every table, sequence and function of it" "loa_content" \
    "$(rl_as loa "$RL_DB" "SELECT string_agg(DISTINCT o, ',') FROM (
        SELECT pg_get_userbyid(relowner) o FROM pg_class WHERE relnamespace = 'content'::regnamespace
        UNION SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'content'::regnamespace) x")"
RL_OUT=$(LOA_ADMIN_DB_URL=$RL_URL bash deploy/db-admin.sh db-init 2>&1)
expect_match "roles: db-init again changes nothing (idempotent)" '^0 ' "$? $RL_OUT"
"$PG_BIN/dropdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$RL_DB" 2>/dev/null
