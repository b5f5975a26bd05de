#!/usr/bin/env bash
# deploy/k8s/secrets.sh OVERLAY [HOST:PORT]: the keys and passwords an
# overlay's Secrets are made from, written once into OVERLAY/keys and
# OVERLAY/secrets (ignored by Git; existing files are kept), by the same
# scripts as docker-compose's (deploy/keys.sh, deploy/secrets.sh). HOST:PORT
# is PostgreSQL's address as the pods reach it (default loa-db-rw:5432, the
# CloudNativePG example's service). Also OVERLAY/secrets/db_url_superuser,
# the URL of the cluster's superuser `postgres` with the same password, for
# the CloudNativePG example's migration Job.
#   deploy/k8s/secrets.sh deploy/k8s/overlays/production db.example.gov.vn:5432
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OVERLAY [HOST:PORT]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/../.." && pwd)
overlay=$(cd "$1" && pwd)
addr=${2:-loa-db-rw:5432}
"$here/deploy/keys.sh" "$overlay/keys" >/dev/null
"$here/deploy/secrets.sh" "$overlay/secrets" "$addr" >/dev/null
if [ ! -s "$overlay/secrets/db_url_superuser" ]; then
    (umask 077 && printf 'postgresql://postgres:%s@%s/loa\n' "$(cat "$overlay/secrets/postgres_password")" "$addr" \
        >"$overlay/secrets/db_url_superuser")
fi
echo "keys and passwords in $overlay/keys and $overlay/secrets"
