#!/usr/bin/env bash
# deploy/secrets.sh [DIR [HOST:PORT]]: the passwords of a docker-compose
# installation, made once, in DIR (default deploy/secrets, which Git and
# the image's build context ignore); existing files are kept:
#   DIR/postgres_password  the superuser's password of the PostgreSQL
#                          container (POSTGRES_PASSWORD_FILE), owner root, 0600
#                          (the postgres image reads it as root, then drops)
#   DIR/db_url             the programs' LOA_DB_URL with that password
#                          (LOA_DB_URL_FILE), to HOST:PORT (default
#                          postgres:5432), owner uid 10001 (the image's loa), 0600
#   DIR/admin_password     the first admin's password (LOA_ADMIN_PASSWORD_FILE),
#                          owner uid 10001, 0600: read it here to log in first
#   DIR/metrics_token      the bearer token /metrics asks for
#                          (LOA_METRICS_TOKEN_FILE; give it to Prometheus as
#                          its scrape's credentials_file), uid 10001, 0600
# docker-compose.yml gives each file, as a compose secret, only to the
# containers that need it; no password is ever in an environment variable,
# an image or a log. Run it (as root, for the owners) before the first
# `docker-compose up`. Changing the database password later is done in
# PostgreSQL (ALTER ROLE) and in both files, then the containers restarted.
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
[ -s "$DIR/admin_password" ] || random_password >"$DIR/admin_password"
[ -s "$DIR/metrics_token" ] || random_password >"$DIR/metrics_token"
chmod 600 "$DIR/postgres_password" "$DIR/db_url" "$DIR/admin_password" "$DIR/metrics_token"
if [ "$(id -u)" = 0 ]; then
    chown 0:0 "$DIR/postgres_password"
    chown 10001:10001 "$DIR/db_url" "$DIR/admin_password" "$DIR/metrics_token"
fi
echo "secrets in $DIR: postgres_password, db_url, admin_password (the first admin's: log in as admin with it), metrics_token"
