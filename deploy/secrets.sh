#!/usr/bin/env bash
# deploy/secrets.sh [DIR [HOST:PORT]]: the passwords of a docker-compose
# installation, made once, in DIR (default deploy/secrets, which Git and
# the image's build context ignore); existing files are kept:
#   DIR/postgres_password  the superuser's password of the PostgreSQL
#                          container (POSTGRES_PASSWORD_FILE), owner root, 0600
#                          (the postgres image reads it as root, then drops)
#   DIR/db_url             the superuser's URL with that password, to
#                          HOST:PORT (default postgres:5432), for the db-init
#                          step and the admin tools only; owner uid 10001
#                          (the image's loa), 0600
#   DIR/db_password_S      the password of the role loa_S of each program's
#   DIR/db_url_S           schema S (gateway, content, feedback, quota,
#                          media, notify), which db-init sets, and that program's
#                          LOA_DB_URL with it (LOA_DB_URL_FILE); uid 10001, 0600
#   DIR/admin_password     the first admin's password (LOA_ADMIN_PASSWORD_FILE),
#                          owner uid 10001, 0600: read it here to log in first
#   DIR/metrics_token      the bearer token /metrics asks for
#                          (LOA_METRICS_TOKEN_FILE; give it to Prometheus as
#                          its scrape's credentials_file), uid 10001, 0600
#   DIR/smtp_password      the mail server's password, for notify-svc
#                          (LOA_SMTP_PASSWORD_FILE): made empty, for the
#                          operator to write when the server wants a login
#                          (it is read only when LOA_SMTP_PASSWORD_FILE is
#                          set); uid 10001, 0600
# docker-compose.yml gives each file, as a compose secret, only to the
# containers that need it; no password is ever in an environment variable,
# an image or a log. Run it (as root, for the owners) before the first
# `docker-compose up`. To change a role's password: its two files (db-init
# sets the new one at the next `up`); the superuser's: ALTER ROLE loa in
# PostgreSQL and both of its files, then the containers restarted.
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-deploy/secrets}
ADDR=${2:-postgres:5432}
umask 077
mkdir -p "$DIR"
chmod 700 "$DIR"
# 32 random bytes, base64url without padding: safe in a URL as it is.
random_password() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
[ -s "$DIR/postgres_password" ] || random_password >"$DIR/postgres_password"
if [ ! -s "$DIR/db_url" ]; then
    printf 'postgresql://loa:%s@%s/loa\n' "$(cat "$DIR/postgres_password")" "$ADDR" >"$DIR/db_url"
fi
# Each program's role (an installation made before roles gets them when
# this runs again: existing files are kept, missing ones made).
files="db_url admin_password metrics_token smtp_password"
for s in gateway content feedback quota media notify; do
    [ -s "$DIR/db_password_$s" ] || random_password >"$DIR/db_password_$s"
    if [ ! -s "$DIR/db_url_$s" ]; then
        printf 'postgresql://loa_%s:%s@%s/loa\n' "$s" "$(cat "$DIR/db_password_$s")" "$ADDR" >"$DIR/db_url_$s"
    fi
    files="$files db_password_$s db_url_$s"
done
[ -s "$DIR/admin_password" ] || random_password >"$DIR/admin_password"
[ -s "$DIR/metrics_token" ] || random_password >"$DIR/metrics_token"
# Not a password of ours: the mail server's, written by the operator.
[ -e "$DIR/smtp_password" ] || : >"$DIR/smtp_password"
chmod 600 "$DIR/postgres_password"
for f in $files; do chmod 600 "$DIR/$f"; done
if [ "$(id -u)" = 0 ]; then
    chown 0:0 "$DIR/postgres_password"
    for f in $files; do chown 10001:10001 "$DIR/$f"; done
fi
echo "secrets in $DIR: postgres_password, db_url, db_password_* and db_url_* (each program's role), admin_password (the first admin's: log in as admin with it), metrics_token, smtp_password (empty: the mail server's, if it wants one)"
