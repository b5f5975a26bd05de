# shellcheck shell=bash
# A Docker engine of the test's own, and the images no registry gives here
# (sourced by tests that start containers: tests/e2e/test_compose.sh).
#
#   docker_up DIR        Debian's dockerd (docker.io) with its data, exec root
#                        and socket under DIR, no bridge and no iptables
#                        rules (containers use the host's network); exports
#                        DOCKER_HOST. 0 once it answers.
#   docker_down          stops it (its containers with it) and unmounts what
#                        it left under DIR.
#   docker_base TAG      a Debian 12 base image: `debootstrap --variant=minbase
#                        bookworm` from the machine's own Debian mirror, with
#                        the machine's apt sources and settings, imported as
#                        TAG. The root file system is kept as a tarball in
#                        $LOA_TEST_CACHE (/var/cache/loa-test) for a week.
#   docker_build TAG DOCKERFILE CONTEXT [ARGS...]
#                        `docker build` on the host's network (apt-get in a
#                        RUN reaches the mirror), the classic builder.
# DOCKER is the client: Debian's /usr/bin/docker, the daemon's own version.

DOCKER=${DOCKER:-$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || command -v docker)}
DOCKER_DIR=""
DOCKER_PID=""

docker_up() {
    DOCKER_DIR=$1
    mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/exec"
    command -v dockerd >/dev/null 2>&1 || { echo "dockerd not found (make deps installs docker.io)" >&2; return 1; }
    dockerd --bridge=none --iptables=false --ip-masq=false \
        --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" \
        --host "unix://$DOCKER_DIR/docker.sock" --pidfile "$DOCKER_DIR/dockerd.pid" \
        >"$DOCKER_DIR/dockerd.log" 2>&1 &
    DOCKER_PID=$!
    export DOCKER_HOST="unix://$DOCKER_DIR/docker.sock"
    for _ in $(seq 150); do
        "$DOCKER" version >/dev/null 2>&1 && return 0
        kill -0 "$DOCKER_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "dockerd did not answer: $(tail -3 "$DOCKER_DIR/dockerd.log")" >&2
    return 1
}

docker_down() {
    [ -n "$DOCKER_PID" ] || return 0
    local c
    c=$("$DOCKER" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086 # one argument per container
    [ -z "$c" ] || "$DOCKER" rm -f $c >/dev/null 2>&1
    kill "$DOCKER_PID" 2>/dev/null
    for _ in $(seq 100); do
        kill -0 "$DOCKER_PID" 2>/dev/null || break
        sleep 0.2
    done
    kill -9 "$DOCKER_PID" 2>/dev/null
    wait "$DOCKER_PID" 2>/dev/null
    DOCKER_PID=""
    # overlay and shm mounts the engine may leave behind
    grep -o " $DOCKER_DIR/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    unset DOCKER_HOST
}

# docker_mirror: the Debian mirror apt uses on this machine.
docker_mirror() {
    local m
    m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '$1 == "URIs:" && $2 !~ /security/ { print $2; exit }')
    [ -n "$m" ] || m=$(awk '$1 == "deb" && $2 !~ /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' \
        /etc/apt/sources.list 2>/dev/null)
    echo "${m:-http://deb.debian.org/debian}"
}

docker_base() {
    local tag=$1 cache=${LOA_TEST_CACHE:-/var/cache/loa-test} root
    local tarball=$cache/debian-bookworm-minbase.tar
    mkdir -p "$cache"
    if [ -z "$(find "$tarball" -mtime -7 2>/dev/null)" ]; then
        root=$DOCKER_DIR/rootfs
        rm -rf "$root"
        debootstrap --variant=minbase bookworm "$root" "$(docker_mirror)" \
            >"$DOCKER_DIR/debootstrap.log" 2>&1 || {
            echo "debootstrap failed: $(tail -3 "$DOCKER_DIR/debootstrap.log")" >&2
            return 1
        }
        # The machine's sources (security updates included) and apt settings.
        rm -f "$root/etc/apt/sources.list"
        cp -a /etc/apt/sources.list /etc/apt/sources.list.d "$root/etc/apt/" 2>/dev/null
        cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/" 2>/dev/null
        rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
        tar -C "$root" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
        rm -rf "$root"
    fi
    "$DOCKER" import "$tarball" "$tag" >/dev/null
}

docker_build() {
    local tag=$1 file=$2 ctx=$3
    shift 3
    DOCKER_BUILDKIT=0 "$DOCKER" build --network host -q -t "$tag" -f "$file" "$@" "$ctx"
}
