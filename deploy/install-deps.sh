#!/bin/sh
# The Debian packages named in $PACKAGES.
#   install-deps.sh [install]  installs those that are missing, with apt-get,
#                              as root or through sudo; quiet when all are there
#                              (make deps, make run, make test).
#   install-deps.sh check      installs nothing: exits 1, naming the missing
#                              ones, when any is missing (plain make).
set -eu
action=${1:-install}
missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$action" = check ]; then
    echo "error: Debian packages missing:$missing" >&2
    echo "error: run make deps (it installs them with apt-get), then make again" >&2
    exit 1
fi
echo "Installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "error: packages missing ($missing) and neither root nor sudo available" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
    $SUDO apt-get update -q
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
