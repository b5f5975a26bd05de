#!/bin/sh
# loa-admin: an operator's commands, in the image as /usr/local/bin/loa-admin
# (docs/operations.md):
#   loa-admin create-admin [USERNAME]   an admin account (default: admin); its
#                                       password from the terminal (asked
#                                       twice, no echo) or one line of
#                                       standard input, never an argument
# e.g. docker-compose run --rm gateway loa-admin create-admin lanh.dao
set -eu
GATEWAY=${LOA_GATEWAY_BIN:-gateway}
case ${1:-} in
create-admin)
    shift
    exec "$GATEWAY" --create-admin "$@"
    ;;
*)
    echo "usage: loa-admin create-admin [USERNAME]   (the password on the terminal or standard input)" >&2
    exit 2
    ;;
esac
