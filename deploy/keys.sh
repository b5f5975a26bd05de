#!/usr/bin/env bash
# deploy/keys.sh [DIR]: the CURVE key pairs of Loa's programs for
# docker-compose (services/common/loa_curve.h, docs/security.md), in DIR
# (default deploy/keys, which Git and the image's build context ignore):
#   DIR/secret/NAME.key   each program's secret key, mode 0600, owned by the
#                         image's user loa (uid 10001) when run as root, each
#                         given only to its own container (compose secrets)
#   DIR/public/NAME.pub   every program's public key: the folder every
#                         container mounts read-only as LOA_KEYS_DIR, which
#                         is also the services' allow-list
# Idempotent: existing pairs are kept; run it before `docker-compose up`.
# loa-keygen comes from build/ when built, else from the image (LOA_IMAGE).
# Rotating a key: delete its two files, run this again, restart everything.
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-deploy/keys}
NAMES="gateway content-svc feedback-svc quota-svc media-svc notify-svc loa-rpc"
umask 077
mkdir -p "$DIR/secret" "$DIR/public"
chmod 700 "$DIR/secret"
chmod 755 "$DIR" "$DIR/public"
if [ -x "${BUILD:-build}/loa-keygen" ]; then
    # shellcheck disable=SC2086 # one argument per name
    "${BUILD:-build}/loa-keygen" "$DIR/secret" $NAMES
else
    # shellcheck disable=SC2086
    docker run --rm --user 0 --network none -v "$(cd "$DIR/secret" && pwd):/keys" \
        "${LOA_IMAGE:-loa:$(sed -n "s/^VERSION := //p" Makefile)}" loa-keygen /keys $NAMES
fi
for n in $NAMES; do
    cp "$DIR/secret/$n.pub" "$DIR/public/$n.pub"
    chmod 644 "$DIR/public/$n.pub"
    # The containers run as loa (uid 10001): their secret must be theirs.
    if [ "$(id -u)" = 0 ]; then chown 10001:10001 "$DIR/secret/$n.key"; fi
done
echo "keys in $DIR: secret/ (one per container) and public/ (LOA_KEYS_DIR of every container)"
