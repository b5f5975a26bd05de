#!/bin/sh
# loa-admin: an operator's commands, in the image as /usr/local/bin/loa-admin
# (docs/operations.md):
#   loa-admin create-admin [USERNAME]   an admin account (default: admin); its
#                                       password from the terminal (asked
#                                       twice, no echo) or one line of
#                                       standard input, never an argument
#   loa-admin db-init                   each program's PostgreSQL role and
#                                       schema (compose's db-init step)
#   loa-admin backup DIR                the database and the media volume
#                                       into DIR (new or empty), with a
#                                       manifest of checksums
#   loa-admin restore [--replace] DIR   a backup into a stopped installation
#                                       (deploy/db-admin.sh says what each does)
# e.g. docker-compose run --rm gateway loa-admin create-admin lanh.dao
set -eu
GATEWAY=${LOA_GATEWAY_BIN:-gateway}
# deploy/db-admin.sh beside this script (a checkout), or loa-db-admin (the image).
here=$(dirname "$0")
DB_ADMIN=$here/db-admin.sh
[ -f "$DB_ADMIN" ] || DB_ADMIN=$here/loa-db-admin
case ${1:-} in
create-admin)
    shift
    exec "$GATEWAY" --create-admin "$@"
    ;;
db-init | backup | restore)
    exec bash "$DB_ADMIN" "$@"
    ;;
*)
    echo "usage: loa-admin create-admin [USERNAME]   (the password on the terminal or standard input)" >&2
    echo "       loa-admin db-init" >&2
    echo "       loa-admin backup DIR" >&2
    echo "       loa-admin restore [--replace] DIR" >&2
    exit 2
    ;;
esac
