#!/bin/sh
# The official postgres image's start, as far as Loa uses it (Dockerfile):
# started as root, it reads POSTGRES_PASSWORD_FILE (a secret only root may
# read), makes the data directory the user postgres's, and runs the rest as
# postgres; on an empty data directory, initdb with POSTGRES_USER as the
# superuser and POSTGRES_PASSWORD (or the file's content) as its password, POSTGRES_DB created, then every *.sql
# and *.sh of /docker-entrypoint-initdb.d run by a server listening on its
# socket only (so that nothing connects over TCP before it is done); then
# the server, on every address, with scram-sha-256 for TCP clients (the
# socket, inside the container only, trusts its users, as the official one).
set -eu
if [ "${1:-postgres}" != postgres ]; then
    exec "$@"
fi
: "${PGDATA:=/var/lib/postgresql/data}"
if [ "$(id -u)" = 0 ]; then
    if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
        if [ -n "${POSTGRES_PASSWORD:-}" ]; then
            echo "postgres: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set: give one" >&2
            exit 1
        fi
        POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE") || exit 1
        export POSTGRES_PASSWORD
        unset POSTGRES_PASSWORD_FILE
    fi
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
[ "$#" -gt 0 ] && shift
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "postgres: no password: set POSTGRES_PASSWORD_FILE (or POSTGRES_PASSWORD), the superuser's" >&2
        exit 1
    fi
    user=${POSTGRES_USER:-postgres}
    db=${POSTGRES_DB:-$user}
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    printf '%s\n' 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k /var/run/postgresql" -w start >/dev/null
    export PGHOST=/var/run/postgresql PGUSER="$user"
    if [ "$db" != postgres ]; then
        psql -X -q -v ON_ERROR_STOP=1 -d postgres --set db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') \gexec
SQL
    fi
    for f in /docker-entrypoint-initdb.d/*; do
        case $f in
        *.sql) echo "postgres: running $f" >&2; psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" ;;
        *.sh)
            echo "postgres: running $f" >&2
            # shellcheck disable=SC1090 # the scripts given to the image
            . "$f"
            ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    unset PGHOST PGUSER
    echo "postgres: the cluster is initialised" >&2
fi
unset POSTGRES_PASSWORD
exec postgres -D "$PGDATA" -c listen_addresses='*' -k /var/run/postgresql "$@"
