# shellcheck shell=bash
# docker-compose.yml and deploy/Dockerfile: first checked as files (valid for
# Debian's docker-compose; the six programs from the one image with health
# checks, PostgreSQL 15, volumes for its data and the media; the image built
# in two Debian 12 stages), then started for real on a Docker engine of the
# test's own (compose_live, below). Sourced by tests/run.sh from the
# repository's top directory.

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
    local programs="gateway content-svc feedback-svc quota-svc media-svc notify-svc"
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
    # No setting has a default that a first start could keep by mistake:
    # without LOA_PUBLIC_URL compose refuses, saying what to set.
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" docker-compose -f "$f" config -q \
        >"$T_TMP/compose.err" 2>&1
    expect_match "compose: without LOA_PUBLIC_URL it refuses, saying what to set" \
        'set LOA_PUBLIC_URL to the portal' "$(cat "$T_TMP/compose.err")"
    if env -i PATH="$PATH" HOME="${HOME:-/tmp}" LOA_PUBLIC_URL=https://cchc.example.gov.vn \
        docker-compose -f "$f" config -q >"$T_TMP/compose.err" 2>&1; then
        pass "compose: docker-compose config -q accepts $f"
    else
        fail "compose: docker-compose config -q accepts $f" "$(head -5 "$T_TMP/compose.err")"
        return
    fi
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" LOA_PUBLIC_URL=https://cchc.example.gov.vn \
        docker-compose -f "$f" config 2>/dev/null | compose_flatten >"$T_TMP/compose.flat"
    # No password in the file, nor in any environment: the secrets' files.
    got=$(grep -v '^[[:space:]]*#' "$f" | grep -Eci 'password=|password: *[^ ]|postgresql://[^/]*:[^@]*@') || true
    expect_eq "compose: no password is written in $f" 0 "$got"
    problems=""
    for want in "postgres POSTGRES_PASSWORD_FILE loa_postgres_password postgres_password" \
        "gateway LOA_ADMIN_PASSWORD_FILE loa_admin_password admin_password" \
        "gateway LOA_DB_URL_FILE loa_db_url_gateway db_url_gateway" \
        "content-svc LOA_DB_URL_FILE loa_db_url_content db_url_content" \
        "gateway LOA_METRICS_TOKEN_FILE loa_metrics_token metrics_token" \
        "feedback-svc LOA_DB_URL_FILE loa_db_url_feedback db_url_feedback" \
        "quota-svc LOA_DB_URL_FILE loa_db_url_quota db_url_quota" \
        "media-svc LOA_DB_URL_FILE loa_db_url_media db_url_media" \
        "notify-svc LOA_DB_URL_FILE loa_db_url_notify db_url_notify" \
        "db-init LOA_ADMIN_DB_URL_FILE loa_db_url db_url"; do
        read -r p v target got <<<"$want"
        [ "$(compose_get "services.$p.environment.$v")" = "/run/secrets/$target" ] ||
            problems="$problems; $p: $v is not /run/secrets/$target"
        compose_get "services.$p.secrets[].source" | grep -qx "$target" ||
            compose_get "services.$p.secrets[]" | grep -qx "$target" ||
            problems="$problems; $p is not given the secret $target"
        [ "$(compose_get "secrets.$target.file")" = "$PWD/deploy/secrets/$got" ] ||
            problems="$problems; the secret $target is not deploy/secrets/$got"
    done
    expect_eq "compose: the passwords come from deploy/secrets/ as compose secrets, each where needed" \
        "" "${problems#; }"
    # db-init sets every role's password: each schema's, from its file.
    problems=""
    for v in gateway content feedback quota media notify; do
        compose_get "services.db-init.secrets[].source" | grep -qx "loa_db_password_$v" ||
            compose_get "services.db-init.secrets[]" | grep -qx "loa_db_password_$v" ||
            problems="$problems; db-init is not given loa_db_password_$v"
        [ "$(compose_get "secrets.loa_db_password_$v.file")" = "$PWD/deploy/secrets/db_password_$v" ] ||
            problems="$problems; the secret loa_db_password_$v is not deploy/secrets/db_password_$v"
    done
    expect_eq "compose: db-init is given every role's password (gateway, the five services)" "" "${problems#; }"
    # The mail server's settings come from the operator's environment (unset:
    # nothing is sent, mail stays queued); its password only as a file, given
    # to notify-svc alone.
    problems=""
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" LOA_PUBLIC_URL=https://cchc.example.gov.vn \
        LOA_SMTP_URL=smtp://mail.example.gov.vn:587 LOA_SMTP_USER=cchc LOA_SMTP_TLS=starttls \
        LOA_SMTP_PASSWORD_FILE=/run/secrets/loa_smtp_password LOA_MAIL_FROM="Sở KH&ĐT <no-reply@example.gov.vn>" \
        LOA_MAIL_REPLY_TO=motcua@example.gov.vn docker-compose -f "$f" config 2>/dev/null |
        compose_flatten >"$T_TMP/compose-smtp.flat"
    for want in "LOA_SMTP_URL smtp://mail.example.gov.vn:587" "LOA_SMTP_USER cchc" "LOA_SMTP_TLS starttls" \
        "LOA_SMTP_PASSWORD_FILE /run/secrets/loa_smtp_password" "LOA_MAIL_FROM Sở KH&ĐT <no-reply@example.gov.vn>" \
        "LOA_MAIL_REPLY_TO motcua@example.gov.vn"; do
        v=${want%% *}
        [ "$(compose_get "services.notify-svc.environment.$v")" = "" ] ||
            problems="$problems; unset, $v is [$(compose_get "services.notify-svc.environment.$v")]"
        got=$(awk -v p="services.notify-svc.environment.$v=" 'index($0, p) == 1 { print substr($0, length(p) + 1) }' \
            "$T_TMP/compose-smtp.flat")
        [ "$got" = "${want#* }" ] || problems="$problems; $v=${want#* } in the environment gives [$got]"
    done
    [ "$(compose_get secrets.loa_smtp_password.file)" = "$PWD/deploy/secrets/smtp_password" ] ||
        problems="$problems; the secret loa_smtp_password is not deploy/secrets/smtp_password"
    got=""
    for p in $programs db-init seed admin; do
        { compose_get "services.$p.secrets[].source"; compose_get "services.$p.secrets[]"; } |
            grep -qx loa_smtp_password && got="$got$p "
    done
    [ "$got" = "notify-svc " ] || problems="$problems; loa_smtp_password is given to [$got], not notify-svc alone"
    expect_eq "compose: the mail server from the operator's environment (unset: mail stays queued), its password a file for notify-svc alone" \
        "" "${problems#; }"

    # The six programs: one image built from deploy/Dockerfile, the program
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
                '^CMD(-SHELL)? .*/dev/tcp/(localhost|127\.0\.0\.1)/8080 .*GET /readyz ' ||
                problems="$problems; health check [$v] is not GET /readyz on port 8080"
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
            if [ "$p" = notify-svc ]; then
                # Mail that waits must not hold the portal back (its /readyz
                # does not count notify-svc either).
                [ -z "$(compose_get "services.gateway.depends_on.$p.condition")" ] ||
                    problems="$problems; the gateway waits for it"
            else
                [ "$(compose_get "services.gateway.depends_on.$p.condition")" = service_healthy ] ||
                    problems="$problems; the gateway does not wait until it is healthy"
            fi
            ;;
        esac
        [ "$(compose_get "services.$p.depends_on.postgres.condition")" = service_healthy ] ||
            problems="$problems; does not wait until PostgreSQL is healthy"
        expect_eq "compose: $p: the program, from the one image, health-checked, started in order$([ "$p" != notify-svc ] || echo ' (the gateway does not wait for it)')" \
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
    got=$(grep -c '^secrets\..*\.file=.*/deploy/keys/' "$T_TMP/compose.flat") || true
    expect_eq "compose: one secret key per program (and the seed step's loa-rpc), no more" "7" "$got"
    if grep -qx 'deploy/keys' .dockerignore 2>/dev/null && grep -qx 'deploy/secrets' .dockerignore &&
        ! grep -Eiq '^[[:space:]]*COPY[[:space:]].*deploy/(keys|secrets)' "$df"; then
        pass "compose: no key or password can reach the image (.dockerignore, COPY)"
    else
        fail "compose: no key or password can reach the image" "deploy/keys or deploy/secrets not in .dockerignore, or copied by $df"
    fi

    # One version: the Makefile's, the image's default tag, CHANGELOG.md's newest entry.
    v=$(sed -n 's/^VERSION := //p' Makefile)
    expect_eq "compose: the image's tag is the release's version (Makefile, CHANGELOG.md)" \
        "loa:$v $v" \
        "$(compose_get services.gateway.image) $(sed -n 's/^## \([0-9][0-9.]*\).*/\1/p' CHANGELOG.md 2>/dev/null | head -1)"

    expect_eq "compose: the gateway is published on 127.0.0.1:8080 only (the TLS front is the way in)" \
        "127.0.0.1:8080:8080/tcp" "$(compose_get "services.gateway.ports[]" | head -1)"

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

    # The image: multi-stage, every stage on BASE (debian:bookworm-slim unless
    # the build names another, as compose_live does), non-root.
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
    got=$(printf '%s\n' "$froms" | grep -vxc '${BASE}') || true
    expect_eq "compose: every stage of $df starts from \${BASE}" "0" "$got"
    expect_eq "compose: BASE is debian:bookworm-slim unless the build names another" \
        "debian:bookworm-slim" "$(sed -n 's/^ARG BASE=//p' "$df")"
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

# ------------------------------------------------------------------ for real
# compose_live: docker-compose.yml started on a Docker engine of the test's
# own (tests/e2e/docker.sh), as an operator would, with the images built
# here: no registry is reachable, so the base is a debootstrap of Debian 12
# imported into the engine, the Loa image is deploy/Dockerfile on it, and
# PostgreSQL's is deploy/postgres/Dockerfile. The only change to the real
# file is an override (written below) that puts every container on the
# host's network, naming the services 127.0.0.1, on free ports: all the
# traffic stays on the loopback interface.

# cl_compose ARGS...: docker-compose on the test's project, in a clean
# environment (the runner's LOA_* must not leak in); the mail server is the
# run's sink (tools/mail-sink.py on the host's loopback), given as an
# operator gives it: LOA_SMTP_URL and LOA_MAIL_FROM in the environment.
cl_compose() {
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" DOCKER_HOST="$DOCKER_HOST" \
        LOA_IMAGE=loa:e2e LOA_POSTGRES_IMAGE=loa-postgres:e2e LOA_CADDY_IMAGE=loa-caddy:e2e \
        LOA_RPC_TIMEOUT_MS=2000 LOA_PUBLIC_URL="http://127.0.0.1:$CL_HTTP" \
        LOA_SMTP_URL="smtp://127.0.0.1:$CL_MAIL" LOA_MAIL_FROM="$CL_MAIL_FROM" \
        docker-compose -p loa-e2e -f "$CL_DIR/project/docker-compose.yml" \
        -f "$CL_DIR/project/host-network.yml" "$@"
}

# cl_container SERVICE: its container's id.
cl_container() { cl_compose ps -q "$1" 2>/dev/null | head -1; }

# cl_healthy: 0 when every long-running container of the project is
# running and healthy (the one-shot seed aside).
cl_healthy() {
    local ids s p
    ids=$(for p in postgres content-svc feedback-svc quota-svc media-svc notify-svc gateway; do cl_container "$p"; done)
    [ "$(printf '%s\n' "$ids" | grep -c .)" = 7 ] || return 1
    # shellcheck disable=SC2086 # one argument per container
    s=$("$DOCKER" inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' $ids)
    [ -z "$(printf '%s\n' "$s" | grep -vx 'running/healthy')" ]
}

# cl_wait_healthy SECONDS: 0 once every container is healthy.
cl_wait_healthy() { wait_until "$1" cl_healthy; }
# cl_up_healthy LOG WHAT: docker-compose up -d (no build), then every
# container healthy within 240 s, counted as "compose: WHAT ..." with the
# time it took from T0 (the caller's).
cl_up_healthy() {
    cl_compose up -d --no-build >"$CL_DIR/$1" 2>&1
    if cl_wait_healthy 240; then
        pass "compose: $2, every container healthy $(($(date +%s) - t0)) s after docker-compose up"
    else
        fail "compose: $2, every container healthy within 240 s" "$(tail -5 "$CL_DIR/$1")"
    fi
}
# cl_data_back WHAT ARTICLES: the admin logs in, and the articles (their
# total), the citizen's feedback and the photo's blob are all there.
cl_data_back() {
    CL_TOK[admin]=$(admin_token)
    expect_eq "compose: $1, the admin logs in" true "$([ -n "${CL_TOK[admin]}" ] && echo true || echo false)"
    http GET '/api/v1/articles?per_page=1'
    expect_eq "compose: $1, every article" "200 $2" "$HTTP_STATUS $(body_jq .total)"
    http GET "/api/v1/feedback/track/$CL_CODE"
    expect_eq "compose: $1, the citizen's feedback" "200 received" "$HTTP_STATUS $(body_jq .status)"
    curl -s -o "$CL_DIR/photo.back" --max-time 20 "$GW/api/v1/assets/$CL_ASSET"
    expect_eq "compose: $1, the photo's blob, byte for byte" "$CL_ASSET_SHA" \
        "$(sha256sum "$CL_DIR/photo.back" | cut -d' ' -f1)"
}
# cl_build TAG DOCKERFILE CONTEXT LOG WHAT: the image built on the test's
# base (BASE=loa-base:bookworm), counted as "compose: DOCKERFILE builds WHAT";
# 1 when it did not build (the last lines of CL_DIR/LOG in the failure).
cl_build() {
    if docker_build "$1" "$2" "$3" --build-arg BASE=loa-base:bookworm >"$CL_DIR/$4" 2>&1; then
        pass "compose: $2 builds $5"
    else
        fail "compose: $2 builds" "$(tail -5 "$CL_DIR/$4")"
        return 1
    fi
}
cl_pg_healthy() { [ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$(cl_container postgres)" 2>/dev/null)" = healthy ]; }

# cl_port SERVICE BASE: its RPC and events ports on the host, as
# deploy/stack.sh gives them from a free base (PostgreSQL on BASE, the
# gateway on BASE + 9).
cl_port() {
    case $1 in
    content-svc) echo "$(($2 + 1)) $(($2 + 5))" ;;
    feedback-svc) echo "$(($2 + 2)) $(($2 + 6))" ;;
    quota-svc) echo "$(($2 + 3)) $(($2 + 7))" ;;
    media-svc) echo "$(($2 + 4)) $(($2 + 8))" ;;
    notify-svc) echo "$(($2 + 10)) $(($2 + 11))" ;;
    esac
}

# cl_override: the override file: every service (the one-shot seed too) on
# the host's network, the services' names resolving to 127.0.0.1, and free
# ports for each listener.
cl_override() {
    local b=$1 tls=$2 s v rpc events hosts="" env_common
    for s in postgres content-svc feedback-svc quota-svc media-svc notify-svc gateway; do
        hosts="$hosts\"$s:127.0.0.1\", "
    done
    env_common=""
    for s in content-svc feedback-svc quota-svc media-svc notify-svc; do
        v=$(printf '%s' "${s%-svc}" | tr '[:lower:]' '[:upper:]')
        read -r rpc events <<<"$(cl_port "$s" "$b")"
        env_common="$env_common${env_common:+
}      LOA_${v}_RPC: tcp://127.0.0.1:$rpc
      LOA_${v}_EVENTS: tcp://127.0.0.1:$events"
    done
    {
        echo "# Written by tests/e2e/test_compose.sh: the host's network, free ports."
        echo "services:"
        echo "  postgres:"
        echo "    network_mode: host"
        echo "    extra_hosts: [${hosts%, }]"
        echo "    environment:"
        echo "      PGPORT: \"$b\""
        for s in content-svc feedback-svc quota-svc media-svc notify-svc; do
            v=$(printf '%s' "${s%-svc}" | tr '[:lower:]' '[:upper:]')
            read -r rpc events <<<"$(cl_port "$s" "$b")"
            echo "  $s:"
            echo "    network_mode: host"
            echo "    extra_hosts: [${hosts%, }]"
            echo "    environment:"
            echo "$env_common"
            echo "      LOA_${v}_RPC_BIND: tcp://127.0.0.1:$rpc"
            echo "      LOA_${v}_EVENTS_BIND: tcp://127.0.0.1:$events"
            echo "    healthcheck:"
            echo "      test: [\"CMD\", \"loa-rpc\", \"--service\", \"$s\", \"tcp://127.0.0.1:$rpc\", \"ping\"]"
        done
        for s in db-init admin; do
            echo "  $s:"
            echo "    network_mode: host"
            echo "    extra_hosts: [${hosts%, }]"
        done
        echo "  seed:"
        echo "    network_mode: host"
        echo "    extra_hosts: [${hosts%, }]"
        echo "    environment:"
        echo "$env_common"
        echo "  gateway:"
        echo "    network_mode: host"
        echo "    extra_hosts: [${hosts%, }]"
        echo "    environment:"
        echo "$env_common"
        echo "      LOA_HTTP_PORT: \"$((b + 9))\""
        echo "      LOA_TRUSTED_PROXIES: 127.0.0.1"
        echo "    healthcheck:"
        echo "      test:"
        echo "        - CMD"
        echo "        - bash"
        echo "        - -c"
        echo "        - >-"
        echo "          exec 3<>/dev/tcp/127.0.0.1/$((b + 9))"
        echo "          && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3"
        echo "          && read -r _ code _ <&3 && [ \"\$\$code\" = 200 ]"
        echo "  caddy:"
        echo "    network_mode: host"
        echo "    extra_hosts: [${hosts%, }]"
        echo "    environment:"
        echo "      LOA_PUBLIC_URL: https://localhost:$((tls + 1))"
        echo "      LOA_TLS_HTTP_PORT: \"$tls\""
        echo "      LOA_TLS_HTTPS_PORT: \"$((tls + 1))\""
        echo "      LOA_UPSTREAM: 127.0.0.1:$((b + 9))"
    } >"$CL_DIR/project/host-network.yml"
}

# cl_mb BYTES: in MB (10^6), one decimal.
cl_mb() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }

# cl_quota_articles: the unit's articles this month in quota-svc's report.
cl_quota_articles() {
    e2e_call CL_TOK admin GET "/api/v1/quota/report?month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)" -
    body_jq --argjson u "${CL_UNIT:-0}" '.items[] | select(.unit_id == $u) | .articles'
}
cl_quota_is() { [ "$(cl_quota_articles)" = "$1" ]; }

# cl_mail_to ADDRESS TEXT: the file name (n.eml, in MAIL_DIR) of the first
# message the run's sink kept for ADDRESS whose subject holds TEXT; 1 when
# there is none.
cl_mail_to() {
    awk -v a="$1" -v t="$2" '$3 ~ a && index($0, t) { print $1; found = 1; exit } END { exit !found }' \
        "$T_TMP/mail-sink.log" 2>/dev/null
}

# cl_article TITLE: written by the editor, published by the reviewer, with
# the photo; CL_ART is its id.
cl_article() {
    e2e_publish CL_TOK ed rev "$(jq -nc --arg t "$1" --argjson tp "${CL_TOPICS:-[]}" \
        --argjson a "[${CL_ASSET:-}]" \
        '{title: $t, summary: "Tóm tắt: cải cách hành chính", body: "Nội dung **chính** của bài.", topic_ids: $tp, attachment_ids: $a}')"
    CL_ART=$E2E_ID
}

# cl_package: the reviewer packages the article for the broadcaster (media-svc
# learns of the publication by an event: retried while it has not yet).
cl_package() {
    e2e_call CL_TOK rev POST /api/v1/media/packages \
        "{\"article_id\": $CL_ART, \"asset_ids\": [$CL_ASSET], \"broadcaster_ids\": [$CL_BC]}"
    [ "$HTTP_STATUS" = 201 ]
}
cl_bag_ready() {
    e2e_call CL_TOK rev GET "/api/v1/media/packages/$CL_PKG" -
    [ "$(body_jq '.versions[] | select(.version == 1) | .bag_status')" = ready ]
}

# compose_smoke: what a department does on its first day, through the
# gateway of the composed stack.
compose_smoke() {
    local body code n
    declare -gA CL_TOK=()
    echo "  -- compose: a smoke test through its gateway"
    CL_TOK[admin]=$(admin_token)
    expect_eq "compose: the first admin logs in with the password of its secret file" true \
        "$([ -n "${CL_TOK[admin]}" ] && echo true || echo false)"
    # The one-shot seed step ran (exit 0) and loaded deploy/seed/.
    expect_eq "compose: the seed step ran once and exited 0" "exited 0" \
        "$("$DOCKER" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(cl_container seed)" 2>&1)"
    http GET '/api/v1/units?per_page=100'
    CL_UNIT=$(body_jq '.items[] | select(.code == "TTRA") | .id')
    CL_UNITS=$(body_jq '.total')
    expect_eq "compose: a new installation has the units of deploy/seed/ (TTRA among them)" \
        "200 $(grep -v '^#' deploy/seed/units.jsonl | grep -c .) true" \
        "$HTTP_STATUS $CL_UNITS $([ -n "$CL_UNIT" ] && echo true || echo false)"
    http GET '/api/v1/procedures?per_page=1'
    expect_eq "compose: and its procedures" "200 $(grep -v '^#' deploy/seed/procedures.jsonl | grep -c .)" \
        "$HTTP_STATUS $(body_jq .total)"
    http GET '/api/v1/notices?per_page=1'
    expect_match "compose: and its public notices" '^200 [1-9]' "$HTTP_STATUS $(body_jq .total)"
    e2e_staff CL_TOK ed '["editor"]' "${CL_UNIT:-null}" e2e.compose-ed "Biên tập viên Thanh tra"
    e2e_staff CL_TOK rev '["reviewer"]' null e2e.compose-rev "Thành viên Ban biên tập"
    e2e_png "$CL_DIR/photo.png"
    e2e_call CL_TOK ed POST /api/v1/assets - -H 'Content-Type: image/png' --data-binary "@$CL_DIR/photo.png"
    CL_ASSET=$(body_jq '.id // empty')
    CL_ASSET_SHA=$(sha256sum "$CL_DIR/photo.png" | cut -d' ' -f1)
    expect_eq "compose: the editor uploads a photo (into the media volume)" "201 $CL_ASSET_SHA" \
        "$HTTP_STATUS $(body_jq .sha256)"
    http GET '/api/v1/topics?per_page=1'
    CL_TOPICS=$(body_jq '[.items[0].id // empty]')
    CL_QUOTA0=$(cl_quota_articles)
    cl_article "Sở công bố kết quả cải cách hành chính năm 2022"
    expect_eq "compose: an article is written, reviewed and published" true \
        "$([ -n "$CL_ART" ] && echo true || echo false)"
    http GET "/api/v1/articles/$CL_ART"

    expect_eq "compose: the public reads it" "200 Sở công bố kết quả cải cách hành chính năm 2022" \
        "$HTTP_STATUS $(body_jq .title)"
    http GET /
    expect_match "compose: the portal's home page is served" '^200 .*<html' "$HTTP_STATUS $(tr -d '\n' <"$T_TMP/body" | head -c 300)"
    http GET '/api/v1/articles?per_page=5'
    expect_eq "compose: the home page's list (its newest articles) shows it" "200 $CL_ART" \
        "$HTTP_STATUS $(body_jq '.items[0].id')"
    if wait_until 20 cl_quota_is $((${CL_QUOTA0:-0} + 1)); then
        pass "compose: quota-svc counts it for the unit (an event through the relay)"
    else
        fail "compose: quota-svc counts it for the unit" "before [${CL_QUOTA0:-}], now [$(cl_quota_articles)]"
    fi

    body=$(jq -nc '{kind: "recommendation", title: "Đề nghị đơn giản hoá thủ tục đăng ký doanh nghiệp",
        content: "Đề nghị Sở bỏ yêu cầu nộp bản sao công chứng giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
        submitter: {name: "Nguyễn Văn An", address: "12 Lê Lợi, phường Bến Nghé", phone: "0912 345 678", email: "nguyen.van.an@example.vn"}}')
    e2e_call CL_TOK anon POST /api/v1/feedback "$body"
    CL_CODE=$(body_jq '.tracking_code // empty')
    expect_eq "compose: a citizen sends feedback: 201 with a tracking code" "201 true" \
        "$HTTP_STATUS $([ -n "$CL_CODE" ] && echo true || echo false)"
    http GET "/api/v1/feedback/track/$CL_CODE"
    expect_eq "compose: and follows it by its code" "200 received" "$HTTP_STATUS $(body_jq .status)"
    # notify-svc hears of it (feedback-svc's event, the submitter's address
    # by RPC), renders the image's template and sends it to the operator's
    # mail server (LOA_SMTP_URL), from LOA_MAIL_FROM.
    if wait_until 30 cl_mail_to nguyen.van.an@example.vn "$CL_CODE"; then
        pass "compose: notify-svc mails the citizen the receipt with the code, through LOA_SMTP_URL"
    else
        fail "compose: notify-svc mails the citizen the receipt" \
            "sink: [$(tail -2 "$T_TMP/mail-sink.log" | tr '\n' ' ')] notify-svc: [$("$DOCKER" logs --tail 3 "$(cl_container notify-svc)" 2>&1 | tr '\n' ' ')]"
    fi
    expect_eq "compose: from the sender of LOA_MAIL_FROM" "$CL_MAIL_FROM" \
        "$(/usr/bin/python3 -c 'import email, email.policy, sys
print(email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)["From"])' \
            "$MAIL_DIR/$(cl_mail_to nguyen.van.an@example.vn "$CL_CODE")" 2>&1 | tail -1)"

    e2e_call CL_TOK admin POST /api/v1/broadcasters \
        '{"name": "Đài Phát thanh và Truyền hình tỉnh", "kind": "tv", "embargo_policy": "deliver"}'
    CL_BC=$(body_jq '.id // empty')
    CL_KEY=$(body_jq '.api_key // empty')
    expect_eq "compose: the admin registers a broadcaster, with its key" "201 true" \
        "$HTTP_STATUS $([ -n "$CL_KEY" ] && echo true || echo false)"
    wait_until 20 cl_package
    CL_PKG=$(body_jq '.id // empty')
    expect_eq "compose: the reviewer packages the article for it" 201 "$HTTP_STATUS"
    if wait_until 30 cl_bag_ready; then
        pass "compose: media-svc builds the package's bag"
    else
        fail "compose: media-svc builds the package's bag" "$(body_jq -c '.versions')"
    fi
    code=$(curl -s -o "$CL_DIR/ninjs.json" -w '%{http_code}' --max-time 20 -H "X-Api-Key: $CL_KEY" \
        "$GW/api/v1/media/packages/$CL_PKG/versions/1")
    expect_eq "compose: the broadcaster pulls the package (ninjs)" "200 1" \
        "$code $(jq -r '.version' "$CL_DIR/ninjs.json" 2>/dev/null)"
    code=$(curl -s -o "$CL_DIR/bag.zip" -w '%{http_code}' --max-time 20 -H "X-Api-Key: $CL_KEY" \
        "$GW/api/v1/media/packages/$CL_PKG/versions/1/bag.zip")
    n=$(unzip -l "$CL_DIR/bag.zip" 2>/dev/null | grep -c 'data/')
    if [ "$code" = 200 ] && unzip -tq "$CL_DIR/bag.zip" >/dev/null 2>&1 && [ "$n" -gt 0 ]; then
        pass "compose: and its bag (a valid zip, $n payload entries)"
    else
        fail "compose: the broadcaster pulls the bag" "status $code, $n payload entries"
    fi
}

# compose_crash: a service killed as a crash would (SIGKILL to the program,
# from outside Docker: an OOM kill looks the same) is restarted by its
# restart policy, and the gateway meanwhile answers within the deadline.
compose_crash() {
    local c n0 n1 pid prog t0 line codes="" slow="" recovered=""
    echo "  -- compose: quota-svc killed (SIGKILL), restarted by Docker"
    c=$(cl_container quota-svc)
    n0=$("$DOCKER" inspect -f '{{.RestartCount}}' "$c")
    pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$c")
    prog=$(pgrep -P "$pid" -x quota-svc | head -1)
    [ -n "$prog" ] || prog=$pid
    t0=$(date +%s.%N)
    kill -9 "$prog"
    # Until it answers again: each answer's status and time (the deadline is
    # LOA_RPC_TIMEOUT_MS=2000).
    while awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a < 60) }'; do
        line=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
            -H "Authorization: Bearer ${CL_TOK[admin]}" \
            "$GW/api/v1/quota/report?month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)")
        codes="$codes ${line%% *}"
        awk -v t="${line#* }" 'BEGIN { exit !(t > 2.5) }' && slow="$slow $line"
        if [ "${line%% *}" = 200 ] && [ "$("$DOCKER" inspect -f '{{.RestartCount}}' "$c")" != "$n0" ]; then
            recovered=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
            break
        fi
        sleep 0.05
    done
    n1=$("$DOCKER" inspect -f '{{.RestartCount}}' "$c")
    expect_eq "compose: the restart policy restarts the killed container (RestartCount +1)" \
        "$((n0 + 1))" "$n1"
    codes=$(printf '%s\n' $codes | sort | uniq -c | awk '{ printf "%s%s×%s", (NR > 1 ? ", " : ""), $1, $2 }')
    if [ -n "$recovered" ]; then
        pass "compose: the gateway answers 200 again, $recovered s after the kill (answers: $codes)"
    else
        fail "compose: the gateway answers 200 again within 60 s of the kill" "answers: $codes"
    fi
    expect_eq "compose: meanwhile every answer came within the deadline (2 s)" "" "$slow"
    expect_eq "compose: the answers were 200 or 503 only" "" \
        "$(printf '%s' "$codes" | tr ',' '\n' | tr -d ' ' | grep -v '^$' | grep -v '×200$' | grep -v '×503$')"
}

# compose_upgrade: --migrate-only as the upgrade steps run it, and a schema
# migrated by a newer release refused by this one before it writes anything.
# (Through `exec` in the running containers: on the host's network,
# docker-compose 1.29 refuses `run`, which would link the dependencies.)
compose_upgrade() {
    local out rc pg
    echo "  -- compose: upgrades (--migrate-only; a newer schema refused)"
    out=$(cl_compose exec -T content-svc content-svc --migrate-only 2>&1)
    rc=$?
    expect_match "compose: content-svc --migrate-only on its up-to-date schema exits 0" \
        '^0 .*up to date \(0 migrations applied\)' "$rc $(printf '%s' "$out" | tr '\n' ' ')"
    pg=$(cl_container postgres)
    "$DOCKER" exec "$pg" psql -X -q -U loa -d loa -c \
        "INSERT INTO content.schema_migrations (version) VALUES ('9999_from_a_newer_release.sql')" \
        >/dev/null 2>&1
    out=$(cl_compose exec -T content-svc content-svc --migrate-only 2>&1)
    rc=$?
    expect_match "compose: on a schema a newer release migrated, it refuses, naming the migration" \
        '^[1-9][0-9]* .*newer than this program.*9999_from_a_newer_release\.sql' \
        "$rc $(printf '%s' "$out" | tr '\n' ' ')"
    "$DOCKER" exec "$pg" psql -X -q -U loa -d loa -c \
        "DELETE FROM content.schema_migrations WHERE version = '9999_from_a_newer_release.sql'" \
        >/dev/null 2>&1
    out=$(cl_compose exec -T gateway gateway --migrate-only 2>&1)
    rc=$?
    expect_match "compose: gateway --migrate-only exits 0" '^0 .*up to date' \
        "$rc $(printf '%s' "$out" | tr '\n' ' ')"
    out=$(cl_compose exec -T notify-svc notify-svc --migrate-only 2>&1)
    rc=$?
    expect_match "compose: notify-svc --migrate-only exits 0" '^0 .*up to date' \
        "$rc $(printf '%s' "$out" | tr '\n' ' ')"
}

# compose_admin: an operator makes a named admin with loa-admin, the
# password on standard input, and it logs in.
compose_admin() {
    local pw out rc code
    echo "  -- compose: loa-admin create-admin"
    pw="Mật khẩu lãnh đạo $(head -c 9 /dev/urandom | base64 | tr '+/' '-_')"
    out=$(printf '%s\n' "$pw" | cl_compose exec -T gateway loa-admin create-admin lanh.dao 2>&1)
    rc=$?
    expect_eq "compose: loa-admin create-admin NAME, the password on standard input: exit 0" \
        "0 Đã tạo tài khoản quản trị / admin account created: lanh.dao" \
        "$rc $(printf '%s\n' "$out" | grep -v '^{' | grep -v '^Creating\|^Removing\|^Starting' | head -1)"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H 'Content-Type: application/json' \
        --data-binary "$(jq -nc --arg p "$pw" '{username: "lanh.dao", password: $p}')" \
        "$GW/api/v1/auth/login")
    expect_eq "compose: the new admin logs in; the password is in no output" "200 0" \
        "$code $(printf '%s' "$out" | grep -c -F -- "$pw")"
}

# compose_restart: a service stopped while an article is published misses
# the event; the gateway answers 503 for it meanwhile; started again, it
# catches up. Then the whole stack down and up again: nothing is lost.
compose_restart() {
    local q0 code arts t0
    echo "  -- compose: a service away while events happen; down and up"
    q0=$(cl_quota_articles)
    cl_compose stop quota-svc >>"$CL_DIR/stop.log" 2>&1
    cl_article "Hội nghị triển khai kế hoạch cải cách hành chính"
    expect_eq "compose: an article is published while quota-svc is stopped" true \
        "$([ -n "$CL_ART" ] && echo true || echo false)"
    code=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
        -H "Authorization: Bearer ${CL_TOK[admin]}" \
        "$GW/api/v1/quota/report?month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)")
    expect_match "compose: meanwhile its routes answer 503 within the deadline" '^503 (0|1|2)\.' "$code"
    cl_compose start quota-svc >>"$CL_DIR/stop.log" 2>&1
    if wait_until 60 cl_quota_is $((${q0:-0} + 1)); then
        pass "compose: started again, quota-svc catches up on the event it missed"
    else
        fail "compose: quota-svc catches up on the event it missed" "before [${q0:-}], now [$(cl_quota_articles)]"
    fi

    http GET '/api/v1/articles?per_page=1'
    arts=$(body_jq .total)
    cl_compose down >"$CL_DIR/down1.log" 2>&1
    expect_eq "compose: docker-compose down removes the containers" 0 \
        "$(cl_compose ps -q 2>/dev/null | grep -c .)"
    t0=$(date +%s)
    cl_up_healthy up2.log "up again"
    cl_data_back "after down and up" "$arts"
    http GET '/api/v1/units?per_page=1'
    expect_eq "compose: the seed step ran again at up and added nothing (idempotent)" \
        "exited 0 $CL_UNITS" \
        "$("$DOCKER" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(cl_container seed)" 2>&1) $(body_jq .total)"
}

# compose_backup: loa-admin backup in a one-off admin container (the
# superuser's URL, the media volume), into the project's backups/ folder; then everything removed with its volumes
# (down -v: a new, empty installation), PostgreSQL alone started, the backup
# restored by a one-off container (run --no-deps, the programs stopped), and
# the whole stack started again on it: the articles, the feedback, the photo
# and the accounts are back.
compose_backup() {
    local out rc arts t0
    echo "  -- compose: loa-admin backup, down -v, loa-admin restore"
    http GET '/api/v1/articles?per_page=1'
    arts=$(body_jq .total)
    out=$(cl_compose run --rm --no-deps -T admin loa-admin backup /var/backups/loa/b1 2>&1)
    rc=$?
    expect_match "compose: loa-admin backup in a one-off admin container, the stack running: exit 0" \
        '^0 .*backup: /var/backups/loa/b1: [0-9]+ tables, [0-9]+ rows, [1-9][0-9]* blobs' "$rc $(printf '%s' "$out" | tr '\n' ' ')"
    expect_eq "compose: the backup is in the host's backups/ folder, its checksums holding" "OK" \
        "$(cd "$CL_DIR/project/backups/b1" 2>/dev/null && [ -s backup.json ] && sha256sum --quiet -c MANIFEST.sha256 >/dev/null 2>&1 && echo OK)"
    cl_compose down -v >"$CL_DIR/down2.log" 2>&1
    expect_eq "compose: down -v removes the containers and the volumes" "0 0" \
        "$(cl_compose ps -q 2>/dev/null | grep -c .) $("$DOCKER" volume ls -q | grep -c '^loa-e2e_')"
    t0=$(date +%s)
    cl_compose up -d postgres >"$CL_DIR/up3.log" 2>&1
    wait_until 120 cl_pg_healthy || fail "compose: PostgreSQL alone healthy again" "$(tail -3 "$CL_DIR/up3.log")"
    out=$(cl_compose run --rm --no-deps -T admin loa-admin restore /var/backups/loa/b1 2>&1)
    rc=$?
    expect_match "compose: loa-admin restore in a one-off container, on the new empty database: exit 0" \
        '^0 .*every count as in the backup' "$rc $(printf '%s' "$out" | tr '\n' ' ')"
    cl_up_healthy up4.log "the restored installation starts"
    cl_data_back restored "$arts"
}

# compose_tls: the optional TLS front (--profile tls): Caddy built from
# Debian's package on the same base, its own authority (LOA_TLS=internal):
# HTTPS answers with a certificate of that authority and HSTS, plain HTTP is
# redirected to HTTPS, and a citizen's feedback goes through it.
compose_tls() {
    local https=https://localhost:$((CL_TLS + 1)) out code c
    echo "  -- compose: the TLS front (--profile tls: Caddy, its own authority, HSTS)"
    cl_build loa-caddy:e2e deploy/caddy/Dockerfile deploy/caddy build-caddy.log \
        "(Caddy from Debian's package)" || return
    cl_compose --profile tls up -d --no-build caddy >"$CL_DIR/up-tls.log" 2>&1
    c=$(cl_container caddy)
    wait_until 60 "$DOCKER" exec "$c" test -s /data/caddy/pki/authorities/local/root.crt
    "$DOCKER" exec "$c" cat /data/caddy/pki/authorities/local/root.crt >"$CL_DIR/caddy-root.crt" 2>/dev/null
    if wait_until 60 curl -fs -o /dev/null --max-time 3 --cacert "$CL_DIR/caddy-root.crt" "$https/readyz"; then
        pass "compose: --profile tls starts Caddy; HTTPS answers with a certificate of its authority"
    else
        fail "compose: --profile tls starts Caddy, HTTPS answers" \
            "$(curl -sS -o /dev/null --max-time 3 --cacert "$CL_DIR/caddy-root.crt" "$https/readyz" 2>&1; "$DOCKER" logs --tail 5 "$c" 2>&1 | tr '\n' ' ')"
    fi
    out=$(curl -s -o /dev/null -D - --max-time 5 --cacert "$CL_DIR/caddy-root.crt" "$https/api/v1/units?per_page=1" | tr -d '\r')
    expect_match "compose: through it the API answers 200, with HSTS (a year)" \
        '^HTTP/[0-9.]+ 200 .*[Ss]trict-[Tt]ransport-[Ss]ecurity: max-age=31536000' "$(printf '%s' "$out" | tr '\n' ' ')"
    # (To the standard port 443: the host's port is Docker's mapping, which
    # Caddy cannot know; here the override moved its listeners instead.)
    code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 5 "http://localhost:$CL_TLS/api/v1/units")
    expect_match "compose: plain HTTP is redirected to HTTPS (308, the same host and path)" \
        '^308 https://localhost(:[0-9]+)?/api/v1/units$' "$code"
    curl -s -o /dev/null --max-time 5 "$https/readyz"
    expect_eq "compose: a client that does not trust the authority is refused (curl: 60)" 60 "$?"
    code=$(curl -s -o "$CL_DIR/tls-feedback.json" -w '%{http_code}' --max-time 10 --cacert "$CL_DIR/caddy-root.crt" \
        -H 'Content-Type: application/json' --data-binary "$(jq -nc '{kind: "recommendation", title: "Góp ý qua HTTPS",
            content: "Thủ tục này nộp trực tuyến được không?",
            submitter: {name: "Đỗ Thị Hoa", address: "3 Trần Phú", phone: "0913 222 333", email: "hoa@example.vn"}}')" \
        "$https/api/v1/feedback")
    expect_match "compose: a citizen's feedback through HTTPS: 201, with its tracking code" '^201 PAKN\.' \
        "$code $(jq -r '.tracking_code // empty' "$CL_DIR/tls-feedback.json" 2>/dev/null)"
}

# compose_roles: every program connects as its own role, none a superuser,
# and feedback-svc's role cannot read the gateway's users (the password of
# its secret file, over TCP: scram-sha-256).
compose_roles() {
    local pg pw
    echo "  -- compose: each program as its own PostgreSQL role (db-init)"
    pg=$(cl_container postgres)
    expect_eq "compose: the db-init step ran once before the programs and exited 0" "exited 0" \
        "$("$DOCKER" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(cl_container db-init)" 2>&1)"
    expect_eq "compose: each program's sessions use its own role, none a superuser" \
        "content-svc loa_content false|feedback-svc loa_feedback false|gateway loa_gateway false|media-svc loa_media false|notify-svc loa_notify false|quota-svc loa_quota false" \
        "$("$DOCKER" exec "$pg" psql -X -U loa -d loa -tAc "
            SELECT DISTINCT split_part(a.application_name, '/', 1) || ' ' || a.usename || ' ' || r.rolsuper
              FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
             WHERE a.datname = 'loa' AND split_part(a.application_name, '/', 1)
                   IN ('gateway', 'content-svc', 'feedback-svc', 'quota-svc', 'media-svc', 'notify-svc')
             ORDER BY 1" 2>&1 | paste -sd'|')"
    pw=$(cat "$CL_DIR/project/deploy/secrets/db_password_feedback" 2>/dev/null)
    expect_match "compose: feedback-svc's role cannot read the gateway's users" 'permission denied for schema gateway' \
        "$("$DOCKER" exec -e PGPASSWORD="$pw" "$pg" psql -X -h 127.0.0.1 -U loa_feedback -d loa \
            -tAc 'SELECT count(*) FROM gateway.users' 2>&1)"
    expect_match "compose: while it reads its own schema" '^[0-9]+$' \
        "$("$DOCKER" exec -e PGPASSWORD="$pw" "$pg" psql -X -h 127.0.0.1 -U loa_feedback -d loa \
            -tAc 'SELECT count(*) FROM feedback.feedback' 2>&1)"
    expect_match "compose: and a wrong password is refused" 'password authentication failed' \
        "$("$DOCKER" exec -e PGPASSWORD=wrong "$pg" psql -X -h 127.0.0.1 -U loa_feedback -d loa -tAc 'SELECT 1' 2>&1)"
}

compose_live() {
    CL_DIR=$T_TMP/compose
    local t0 base_size size added layers uid cc b
    mkdir -p "$CL_DIR/project/deploy"
    # shellcheck source=tests/e2e/docker.sh
    . tests/e2e/docker.sh
    echo "  -- compose started for real (a Docker engine of the test's own)"
    if ! docker_up "$CL_DIR/engine"; then
        fail "compose: a Docker engine starts (dockerd --bridge=none --iptables=false)" \
            "$(tail -3 "$CL_DIR/engine/dockerd.log" 2>/dev/null)"
        return
    fi
    pass "compose: a Docker engine starts (dockerd --bridge=none --iptables=false)"

    # The images: the base, then Loa's and PostgreSQL's on it.
    t0=$(date +%s)
    if docker_base loa-base:bookworm; then
        pass "compose: a Debian 12 base image from debootstrap --variant=minbase, imported"
    else
        fail "compose: a Debian 12 base image from debootstrap" "$(tail -3 "$CL_DIR/engine/debootstrap.log" 2>/dev/null)"
        docker_down
        return
    fi
    echo "     base image in $(($(date +%s) - t0)) s"
    t0=$(date +%s)
    cl_build loa:e2e deploy/Dockerfile . build-loa.log "on that base (BASE=loa-base:bookworm)" ||
        { docker_down; return; }
    echo "     Loa image in $(($(date +%s) - t0)) s"
    cl_build loa-postgres:e2e deploy/postgres/Dockerfile deploy/postgres build-pg.log \
        "(no postgres:15 from a registry here)" || { docker_down; return; }

    # The image: its size above the base, a user that is not root, no compiler.
    base_size=$("$DOCKER" image inspect -f '{{.Size}}' loa-base:bookworm)
    size=$("$DOCKER" image inspect -f '{{.Size}}' loa:e2e)
    added=$((size - base_size))
    echo "     the image: $(cl_mb "$size") MB, of which $(cl_mb "$added") MB above its base ($(cl_mb "$base_size") MB); its own layers:"
    layers=$("$DOCKER" history --format '{{.Size}}	{{.CreatedBy}}' loa:e2e | grep -v '^0B' |
        cut -c1-110 | sed 's/^/       /')
    echo "$layers" | head -n -1
    if [ "$added" -lt 80000000 ]; then
        pass "compose: the image adds under 80 MB to its base ($(cl_mb "$added") MB)"
    else
        fail "compose: the image adds under 80 MB to its base" "$(cl_mb "$added") MB"
    fi
    uid=$("$DOCKER" run --rm --network none loa:e2e id -u 2>&1)
    expect_eq "compose: the image runs as loa (uid 10001), not root" \
        "loa 10001" "$("$DOCKER" image inspect -f '{{.Config.User}}' loa:e2e) $uid"
    expect_eq "compose: the image's programs say their version (--version)" \
        "gateway $(sed -n 's/^VERSION := //p' Makefile)" \
        "$("$DOCKER" run --rm --network none loa:e2e gateway --version 2>&1)"
    cc=$("$DOCKER" run --rm --network none loa:e2e sh -c \
        'for c in cc gcc c99 clang tcc ld as make; do command -v $c; done; true' 2>&1)
    expect_eq "compose: the image has no compiler, linker or make" "" "$cc"

    # The project: the real compose file, the init SQL and Caddyfile it
    # mounts, the keys. The one change to the file: no `ports` and no
    # `networks` (neither can go with the host's network, and an override file
    # can add to a list, not remove from it); what it publishes, the
    # gateway's 8080 and Caddy's 80 and 443, is moved by the override to free
    # ports of the host instead.
    /usr/bin/python3 -c '
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for svc in doc["services"].values():
    svc.pop("ports", None)
    svc.pop("networks", None)
doc.pop("networks", None)
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
' docker-compose.yml "$CL_DIR/project/docker-compose.yml"
    cp deploy/postgres-init.sql deploy/Caddyfile "$CL_DIR/project/deploy/"
    # The backups' folder, the image's user's (docs/operations.md).
    install -d -o 10001 -g 10001 -m 700 "$CL_DIR/project/backups"
    if deploy/keys.sh "$CL_DIR/project/deploy/keys" >"$CL_DIR/keys.log" 2>&1; then
        pass "compose: deploy/keys.sh makes every program's key pair"
    else
        fail "compose: deploy/keys.sh makes every program's key pair" "$(tail -3 "$CL_DIR/keys.log")"
    fi
    b=$(stack_free_base)
    CL_HTTP=$((b + 9))
    CL_TLS=$(stack_free_base)
    cl_override "$b" "$CL_TLS"
    # The operator's mail server: the run's own sink (tests/run.sh,
    # tools/mail-sink.py on the loopback, which the containers share); the
    # sender is the department's.
    CL_MAIL=${MAIL_PORT:-}
    CL_MAIL_FROM="Sở Kế hoạch và Đầu tư <no-reply@skhdt.example.gov.vn>"
    if deploy/secrets.sh "$CL_DIR/project/deploy/secrets" "postgres:$b" >"$CL_DIR/secrets.log" 2>&1; then
        pass "compose: deploy/secrets.sh makes the passwords (PostgreSQL's, the programs' URL, the first admin's)"
    else
        fail "compose: deploy/secrets.sh makes the passwords" "$(tail -3 "$CL_DIR/secrets.log")"
    fi
    # The first admin logs in with the password of its secret file.
    local LOA_ADMIN_PASSWORD
    # shellcheck disable=SC2034 # admin_token reads it
    LOA_ADMIN_PASSWORD=$(cat "$CL_DIR/project/deploy/secrets/admin_password" 2>/dev/null)

    t0=$(date +%s)
    if cl_compose up -d --no-build >"$CL_DIR/up.log" 2>&1; then
        pass "compose: docker-compose up -d starts the stack"
    else
        fail "compose: docker-compose up -d starts the stack" "$(tail -5 "$CL_DIR/up.log")"
    fi
    if cl_wait_healthy 240; then
        pass "compose: every container reports healthy, $(($(date +%s) - t0)) s after docker-compose up"
    else
        fail "compose: every container reports healthy within 240 s" \
            "$(cl_compose ps 2>&1 | tail -7 | tr -s ' ' | tr '\n' ';')"
        cl_compose logs --tail 20 >"$CL_DIR/logs.txt" 2>&1
        tail -40 "$CL_DIR/logs.txt"
    fi

    # Operated: logs that rotate and a memory limit on every container of Loa.
    local c got="" p
    for p in postgres content-svc feedback-svc quota-svc media-svc notify-svc gateway; do
        c=$(cl_container "$p")
        got="$got $p:$("$DOCKER" inspect -f '{{.HostConfig.LogConfig.Type}}/{{index .HostConfig.LogConfig.Config "max-size"}}/{{index .HostConfig.LogConfig.Config "max-file"}}/{{.HostConfig.Memory}}' "$c" 2>&1)"
    done
    expect_eq "compose: logs rotate (10 MB, 5 files) and Loa's containers have a memory limit" \
        " postgres:json-file/10m/5/0 content-svc:json-file/10m/5/134217728 feedback-svc:json-file/10m/5/134217728 quota-svc:json-file/10m/5/134217728 media-svc:json-file/10m/5/268435456 notify-svc:json-file/10m/5/134217728 gateway:json-file/10m/5/536870912" \
        "$got"

    local GW="http://127.0.0.1:$CL_HTTP" token
    # /metrics: only with the token of its secret file.
    http GET /metrics
    expect_match "compose: /metrics without the token: 401, saying how (WWW-Authenticate)" \
        '^401 Bearer ' "$HTTP_STATUS $(header WWW-Authenticate)"
    http GET /metrics -H "Authorization: Bearer wrong-token"
    expect_eq "compose: with another token: 401" 401 "$HTTP_STATUS"
    token=$(cat "$CL_DIR/project/deploy/secrets/metrics_token" 2>/dev/null)
    http GET /metrics -H "Authorization: Bearer $token"
    expect_match "compose: with the token of deploy/secrets/metrics_token: 200, Prometheus text" \
        '^200 text/plain; version=0\.0\.4' "$HTTP_STATUS $(header Content-Type)"
    compose_smoke
    compose_roles
    compose_crash
    compose_upgrade
    compose_admin
    compose_restart
    compose_backup
    compose_tls

    cl_compose logs >"$CL_DIR/logs.txt" 2>&1
    cl_compose --profile tls down -v >"$CL_DIR/down.log" 2>&1
    docker_down
}
test_compose
compose_live
