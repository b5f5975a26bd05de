#!/bin/sh
# loa-admin: an operator's commands, in the image as /usr/local/bin/loa-admin
# (docs/operations.md):
#   loa-admin create-admin [USERNAME]   an admin account (default: admin); its
#                                       password from the terminal (asked
#                                       twice, no echo) or one line of
#                                       standard input, never an argument
#   loa-admin backup DIR                the database and the media volume
#                                       into DIR (new or empty), with a
#                                       manifest of checksums
#   loa-admin restore [--replace] DIR   a backup into a stopped installation
#                                       (deploy/backup.sh says what each does)
# e.g. docker-compose run --rm gateway loa-admin create-admin lanh.dao
set -eu
GATEWAY=${LOA_GATEWAY_BIN:-gateway}
# deploy/backup.sh beside this script (a checkout), or loa-backup (the image).
here=$(dirname "$0")
BACKUP=$here/backup.sh
[ -f "$BACKUP" ] || BACKUP=$here/loa-backup
case ${1:-} in
create-admin)
    shift
    exec "$GATEWAY" --create-admin "$@"
    ;;
backup | restore)
    exec bash "$BACKUP" "$@"
    ;;
*)
    echo "usage: loa-admin create-admin [USERNAME]   (the password on the terminal or standard input)" >&2
    echo "       loa-admin backup DIR" >&2
    echo "       loa-admin restore [--replace] DIR" >&2
    exit 2
    ;;
esac
