# shellcheck shell=bash
# docker-compose.yml and deploy/Dockerfile, checked statically (no Docker
# engine runs here): the file is valid for Debian's docker-compose, runs the
# five programs from the one image with health checks, PostgreSQL 15 and
# volumes for its data and the media; the image is built in two bookworm-slim
# stages. Sourced by tests/run.sh from the repository's top directory.

# compose_flatten: reads the YAML that `docker-compose config` prints (block
# style, two-space indents, list items at their key's indent) and prints one
# line per scalar: path=value, e.g. services.gateway.healthcheck.test[]=curl
# or services.gateway.ports[].target=8080.
compose_flatten() {
    awk '
    {
        match($0, /^ */)
        ind = RLENGTH
        s = substr($0, ind + 1)
        if (s == "" || s ~ /^#/) next
        d = int(ind / 2)
        if (substr(s, 1, 2) == "- ") {
            if (key[d] !~ /\[\]$/) key[d] = key[d] "[]"
            s = substr(s, 3)
            if (match(s, /^[A-Za-z0-9_.\/-]+: /) || s ~ /^[A-Za-z0-9_.\/-]+:$/) {
                d++
            } else {
                emit(d, s)
                next
            }
        }
        k = s
        v = ""
        if ((i = index(s, ": ")) > 0) {
            k = substr(s, 1, i - 1)
            v = substr(s, i + 2)
        } else if (s ~ /:$/) {
            k = substr(s, 1, length(s) - 1)
        }
        key[d] = k
        for (j = d + 1; j in key; j++) delete key[j]
        if (v != "") emit(d, v)
    }
    function emit(depth, val,    p, n) {
        p = key[0]
        for (n = 1; n <= depth; n++) p = p "." key[n]
        if (val ~ /^'\''.*'\''$/) val = substr(val, 2, length(val) - 2)
        print p "=" val
    }'
}

# compose_get PATH: the values at PATH in the flattened config, one a line.
compose_get() {
    awk -v p="$1=" 'index($0, p) == 1 { print substr($0, length(p) + 1) }' "$T_TMP/compose.flat"
}

test_compose() {
    local f=docker-compose.yml df=deploy/Dockerfile
    local programs="gateway content-svc feedback-svc quota-svc media-svc"
    local p v port image want target got froms missing problems

    if ! command -v docker-compose >/dev/null 2>&1; then
        fail "compose: docker-compose is installed" "docker-compose not found (make deps)"
        return
    fi
    if [ ! -f "$f" ]; then
        fail "compose: $f exists" "no $f in $(pwd)"
        return
    fi
    # A clean environment: the runner's LOA_* must not change the result.
    if env -i PATH="$PATH" HOME="${HOME:-/tmp}" docker-compose -f "$f" config -q \
        >"$T_TMP/compose.err" 2>&1; then
        pass "compose: docker-compose config -q accepts $f"
    else
        fail "compose: docker-compose config -q accepts $f" "$(head -5 "$T_TMP/compose.err")"
        return
    fi
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" docker-compose -f "$f" config 2>/dev/null \
        | compose_flatten >"$T_TMP/compose.flat"

    # The five programs: one image built from deploy/Dockerfile, the program
    # named by the command, a health check that asks the program itself, and
    # the start order (services after PostgreSQL, the gateway after them).
    image=$(compose_get services.gateway.image)
    for p in $programs; do
        problems=""
        [ "$(compose_get "services.$p.command[]" | head -1)" = "$p" ] ||
            problems="$problems; command is not $p"
        [ "$(compose_get "services.$p.build.dockerfile")" = "deploy/Dockerfile" ] ||
            problems="$problems; not built from deploy/Dockerfile"
        [ -n "$image" ] && [ "$(compose_get "services.$p.image")" = "$image" ] ||
            problems="$problems; image is not the gateway's ($image)"
        v=$(compose_get "services.$p.healthcheck.test[]" | tr '\n' ' ')
        case $p in
        gateway)
            printf '%s' "$v" | grep -Eq \
                '^CMD(-SHELL)? .*curl .*http://(localhost|127\.0\.0\.1):8080/(readyz|healthz)' ||
                problems="$problems; health check [$v] is not curl .../readyz or /healthz"
            ;;
        *)
            v=$(printf '%s' "${p%-svc}" | tr '[:lower:]' '[:upper:]')
            port=$(compose_get "services.$p.environment.LOA_${v}_RPC_BIND")
            case $port in
            'tcp://*:'[0-9]*) port=${port##*:} ;;
            *) problems="$problems; LOA_${v}_RPC_BIND [$port] is not tcp://*:PORT" port=PORT ;;
            esac
            v=$(compose_get "services.$p.healthcheck.test[]" | tr '\n' ' ')
            printf '%s' "$v" | grep -Eq "^CMD(-SHELL)? .*loa-rpc (.* )?tcp://127\\.0\\.0\\.1:$port ping" ||
                problems="$problems; health check [$v] is not loa-rpc tcp://127.0.0.1:$port ping"
            [ "$(compose_get "services.gateway.depends_on.$p.condition")" = service_healthy ] ||
                problems="$problems; the gateway does not wait until it is healthy"
            ;;
        esac
        [ "$(compose_get "services.$p.depends_on.postgres.condition")" = service_healthy ] ||
            problems="$problems; does not wait until PostgreSQL is healthy"
        expect_eq "compose: $p: the program, from the one image, health-checked, started in order" \
            "" "${problems#; }"
    done
    # CURVE (docs/security.md): each program has its own secret key, given
    # to its container alone as a compose secret from deploy/keys.sh's
    # folder (never in the image), and every public key read-only.
    for p in $programs; do
        problems=""
        v=$(compose_get "services.$p.secrets[].source" | head -1)
        [ -n "$v" ] || v=$(compose_get "services.$p.secrets[]" | head -1)
        [ "$(compose_get "secrets.$v.file")" = "$PWD/deploy/keys/secret/$p.key" ] ||
            problems="$problems; its secret [$v] is not deploy/keys/secret/$p.key ($(compose_get "secrets.$v.file"))"
        [ "$(compose_get "services.$p.environment.LOA_SECRET_KEY_FILE")" = "/run/secrets/$v" ] ||
            problems="$problems; LOA_SECRET_KEY_FILE is not /run/secrets/$v"
        [ "$(compose_get "services.$p.environment.LOA_KEYS_DIR")" = /etc/loa/keys ] ||
            problems="$problems; LOA_KEYS_DIR is not /etc/loa/keys"
        compose_get "services.$p.volumes[]" | grep -qx "$PWD/deploy/keys/public:/etc/loa/keys:ro" ||
            problems="$problems; deploy/keys/public is not mounted read-only at /etc/loa/keys"
        [ "$(compose_get "services.$p.environment.LOA_CURVE")" != off ] ||
            problems="$problems; LOA_CURVE=off"
        expect_eq "compose: $p has its own secret key and every public key, read-only" "" "${problems#; }"
    done
    got=$(grep -c '^secrets\..*\.file=' "$T_TMP/compose.flat") || true
    expect_eq "compose: one secret key per program, no more" "5" "$got"
    if grep -qx 'deploy/keys' .dockerignore 2>/dev/null && ! grep -Eiq '^[[:space:]]*COPY[[:space:]].*deploy/keys' "$df"; then
        pass "compose: no key can reach the image (.dockerignore, COPY)"
    else
        fail "compose: no key can reach the image" "deploy/keys not in .dockerignore, or copied by $df"
    fi

    expect_eq "compose: the gateway publishes port 8080" "8080" \
        "$(compose_get "services.gateway.ports[].target" | head -1)"

    # PostgreSQL 15, its data and the media on named volumes.
    expect_match "compose: postgres runs PostgreSQL 15" '^(docker\.io/)?(library/)?postgres:15([.-].*)?$' \
        "$(compose_get services.postgres.image)"
    expect_match "compose: postgres has a pg_isready health check" '^CMD(-SHELL)? .*pg_isready' \
        "$(compose_get "services.postgres.healthcheck.test[]" | tr '\n' ' ')"
    for want in "postgres /var/lib/postgresql/data" "media-svc /var/lib/loa/media" \
        "gateway /var/lib/loa/media"; do
        p=${want%% *} target=${want#* }
        v=$(compose_get "services.$p.volumes[]" | awk -F: -v t="$target" '$2 == t { print $1 }' | head -1)
        if [ -n "$v" ] && grep -q "^volumes\.${v}[.=]" "$T_TMP/compose.flat"; then
            pass "compose: $p keeps $target on the named volume $v"
        else
            fail "compose: $p keeps $target on a named volume" "mounted: [$v]; volumes: $(grep '^volumes\.' "$T_TMP/compose.flat" | tr '\n' ' ')"
        fi
    done
    # Files the compose file mounts from the repository exist.
    missing=""
    for v in $(compose_get "services.postgres.volumes[]" | awk -F: '$1 ~ /^\// { print $1 }'); do
        [ -e "$v" ] || missing="$missing $v"
    done
    expect_eq "compose: the files it mounts exist" "" "$missing"

    # Every LOA_ variable the compose file sets is documented in env.example.
    missing=""
    while read -r v; do
        grep -q "^#* *$v=" deploy/env.example 2>/dev/null || missing="$missing $v"
    done <<EOF
$(grep -o '\.environment\.LOA_[A-Z0-9_]*=' "$T_TMP/compose.flat" | sed 's/^\.environment\.//; s/=$//' | sort -u)
EOF
    expect_eq "compose: deploy/env.example lists every LOA_ variable it sets" "" "$missing"

    # ... and every one the programs read (names in quotes in their sources).
    missing=""
    while read -r v; do
        [ -z "$v" ] || grep -q "^#* *$v=" deploy/env.example 2>/dev/null || missing="$missing $v"
    done <<EOF
$(grep -rhoE --include='*.c' --include='*.h' '"LOA_[A-Z0-9_]+"' services gateway tools 2>/dev/null | tr -d '"' | sort -u)
EOF
    expect_eq "compose: deploy/env.example lists every LOA_ variable the programs read" "" "$missing"

    # The image: multi-stage, every stage on debian:bookworm-slim, non-root.
    if [ ! -f "$df" ]; then
        fail "compose: $df exists" "no $df"
        return
    fi
    froms=$(grep -Ei '^[[:space:]]*FROM[[:space:]]' "$df" | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; break } }')
    got=$(printf '%s\n' "$froms" | grep -c .) || true
    if [ "$got" -ge 2 ]; then
        pass "compose: $df is multi-stage ($got stages)"
    else
        fail "compose: $df is multi-stage" "$got FROM line(s)"
    fi
    got=$(printf '%s\n' "$froms" | grep -vxc 'debian:bookworm-slim') || true
    expect_eq "compose: every stage of $df is debian:bookworm-slim" "0" "$got"
    expect_match "compose: $df runs as the user loa" '^loa$' \
        "$(awk 'toupper($1) == "USER" { u = $2 } END { print u }' "$df")"
    expect_match "compose: $df declares the media volume" '/var/lib/loa/media' \
        "$(grep -Ei '^[[:space:]]*VOLUME[[:space:]]' "$df")"
    # The build copies only paths that exist (COPY --from copies between stages).
    missing=""
    while read -r v; do
        [ -z "$v" ] || [ -e "$v" ] || missing="$missing $v"
    done <<EOF
$(awk 'toupper($1) == "COPY" && $2 !~ /^--from/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$df")
EOF
    expect_eq "compose: the sources $df copies exist" "" "$missing"
    # .dockerignore keeps make run's database and the build out of the
    # context, and none of the Dockerfile's sources.
    if [ -f .dockerignore ]; then
        got=""
        for v in .run build .git; do
            grep -qx "$v" .dockerignore || got="$got $v"
        done
        expect_eq "compose: .dockerignore leaves out .run (make run's database), build and .git" "" "$got"
        got=""
        while read -r v; do
            v=${v%/}
            [ -z "$v" ] || ! grep -qx "$v" .dockerignore || got="$got $v"
        done <<EOF
$(awk 'toupper($1) == "COPY" && $2 !~ /^--from/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$df")
EOF
        expect_eq "compose: .dockerignore leaves in every source $df copies" "" "$got"
    else
        fail "compose: .dockerignore exists" "no .dockerignore: make run's .run/ database would go into the build context"
    fi
}

test_compose
