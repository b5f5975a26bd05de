# The Kubernetes manifests started for real (issue 18): deploy/k8s's
# production overlay, with keys and passwords made as an operator makes
# them, rendered by kustomize and played by `podman kube play` (Debian's
# podman 4.3.1) on an image built from deploy/Dockerfile, against a
# PostgreSQL of the test's own. Podman 4.3 plays Pods, Deployments,
# PersistentVolumeClaims and ConfigMaps, and only hostPath and claim
# volumes, so tests/k8s/podman.mjs adapts what it cannot play and says each
# adaptation (Jobs as Pods, one replica, Services' names as a hosts file,
# configMap/secret/projected volumes as directories of the same files); the
# containers themselves (image, arguments, environment, security contexts,
# memory limits, liveness probes) are the manifests'. Asserted: the
# migration Job makes every role's schema, every program starts and is
# ready, runs as uid 10001 on a read-only root, within the manifest's memory
# limit, its liveness probe passes; the seed Job loads deploy/seed/; then a
# smoke test through the gateway (the first admin, a photo into the media
# volume, an article published and counted by quota-svc through an event, a
# citizen's feedback and its receipt, queued by notify-svc, no mail server
# being named). Every pod shares one network namespace the test
# makes (198.18.7.2; PostgreSQL answers on the host's side, 198.18.7.1):
# nothing leaves the machine. Everything the test makes is removed.
# shellcheck shell=bash

KP_DIR=$T_TMP/kube-play
KP_NS=loa-kp
KP_HOST=198.18.7.1
KP_POD=198.18.7.2

# kp_podman ARGS...: the test's own podman (its storage, run and temporary
# directories, its containers.conf), in the pods' network namespace;
# kp_podman_host: the same, on the machine's network (the image's build
# reaches the Debian mirror).
kp_podman_host() {
    CONTAINERS_CONF=$KP_DIR/containers.conf podman --root "$KP_DIR/storage" --runroot "$KP_DIR/run" "$@"
}
kp_podman() { nsenter --net="/run/netns/$KP_NS" env CONTAINERS_CONF="$KP_DIR/containers.conf" \
    podman --root "$KP_DIR/storage" --runroot "$KP_DIR/run" "$@"; }

# kp_state CONTAINER: "status exit-code".
kp_state() { kp_podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>&1; }
kp_exited0() { [ "$(kp_state "$1")" = "exited 0" ]; }
kp_ready() { curl -fs -o /dev/null --max-time 3 "http://$KP_POD:8080/readyz?all=1"; }
kp_sql() { PGPASSFILE=$KP_DIR/db/pgpass "$PG_BIN/psql" -h 127.0.0.1 -p "$KP_PG_PORT" -U loa -d loa -tAc "$1" 2>&1; }

kp_cleanup() {
    if [ -d "$KP_DIR/storage" ]; then
        kp_podman pod rm -af -t 2 >/dev/null 2>&1
        kp_podman_host volume rm -af >/dev/null 2>&1
        kp_podman_host system reset -f >/dev/null 2>&1
        grep -o " $KP_DIR/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    fi
    [ -s "$KP_DIR/db/pgdata/postmaster.pid" ] &&
        as_pg "$PG_BIN/pg_ctl" -D "$KP_DIR/db/pgdata" -m fast -w stop >/dev/null 2>&1
    ip netns del "$KP_NS" 2>/dev/null
    ip link del kp-host 2>/dev/null
    return 0
}

kube_play() {
    local t0 out n want got c p
    mkdir -p "$KP_DIR/db/logs" "$KP_DIR/tmp" "$KP_DIR/out"
    chmod 755 "$KP_DIR" "$KP_DIR/db"
    if ! command -v podman >/dev/null 2>&1; then
        fail "kube play: podman is installed" "podman not found (make deps)"
        return
    fi
    kp_cleanup

    # The pods' network: a namespace with a veth to this one.
    if ip netns add "$KP_NS" && ip link add kp-host type veth peer name eth0 netns "$KP_NS" &&
        ip addr add "$KP_HOST/24" dev kp-host && ip link set kp-host up &&
        ip -n "$KP_NS" addr add "$KP_POD/24" dev eth0 && ip -n "$KP_NS" link set eth0 up &&
        ip -n "$KP_NS" link set lo up; then
        pass "kube play: the pods' network namespace ($KP_POD, the host's side $KP_HOST)"
    else
        fail "kube play: the pods' network namespace" "ip netns / veth failed"
        kp_cleanup
        return
    fi

    # PostgreSQL, external as in the base: the superuser's password is the
    # one the overlay's db_url carries (deploy/k8s/secrets.sh keeps it).
    KP_PG_PORT=$(stack_free_base)
    if (STACK_DIR=$KP_DIR/db LOA_PG_LISTEN="127.0.0.1,$KP_HOST" LOA_PG_FSYNC=off \
        LOA_PG_HBA_EXTRA="host all all $KP_POD/32 scram-sha-256" stack_pg_start "$KP_DIR/db" "$KP_PG_PORT") \
        >"$KP_DIR/db/logs/pg.log" 2>&1; then
        pass "kube play: PostgreSQL on $KP_HOST:$KP_PG_PORT (external, as in the base)"
    else
        fail "kube play: PostgreSQL starts" "$(tail -3 "$KP_DIR/db/logs/pg.log")"
        kp_cleanup
        return
    fi
    k8s_tools "$KP_DIR" || { fail "kube play: npm ci in tests/k8s" "$(tail -3 "$KP_DIR/npm.log")"; kp_cleanup; return; }
    cp -a deploy/k8s "$KP_DIR/src"
    mkdir -p "$KP_DIR/src/overlays/production/secrets" "$KP_DIR/src/overlays/podman"
    (umask 077 && sed -n 's/^\*:\*:\*:loa://p' "$KP_DIR/db/pgpass" >"$KP_DIR/src/overlays/production/secrets/postgres_password")
    deploy/k8s/secrets.sh "$KP_DIR/src/overlays/production" "$KP_HOST:$KP_PG_PORT" >"$KP_DIR/secrets.log" 2>&1
    # The image this machine builds, in place of the release's.
    printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' \
        'resources: [../production]' 'images:' '  - name: registry.example.gov.vn/loa' \
        '    newName: localhost/loa' '    newTag: kube-play' >"$KP_DIR/src/overlays/podman/kustomization.yaml"
    if ! "$K8S_KUSTOMIZE" build "$KP_DIR/src/overlays/podman" >"$KP_DIR/rendered.yaml" 2>"$KP_DIR/kustomize.err"; then
        fail "kube play: kustomize renders the production overlay" "$(head -3 "$KP_DIR/kustomize.err")"
        kp_cleanup
        return
    fi
    if out=$(cd tests/k8s && node podman.mjs "$KP_DIR/rendered.yaml" "$KP_DIR/out" 2>&1); then
        pass "kube play: the rendered overlay adapted to podman 4.3 ($(echo "$out" | tail -1))"
        echo "$out" | grep -v 'volume \|Probe dropped\|on the pod.s network' | sed 's/^/     /'
    else
        fail "kube play: tests/k8s/podman.mjs adapts the overlay" "$(echo "$out" | tail -3)"
        kp_cleanup
        return
    fi

    # Podman of the test's own: its storage; limits this sandbox lets a
    # container set (podman's default raises them past the hard limits);
    # the Services' names as every container's base hosts file.
    printf '%s\n' '[containers]' "base_hosts_file = \"$KP_DIR/out/hosts\"" \
        'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]' \
        '[engine]' 'cgroup_manager = "cgroupfs"' 'events_logger = "file"' "tmp_dir = \"$KP_DIR/tmp\"" \
        '[network]' "network_config_dir = \"$KP_DIR/net\"" >"$KP_DIR/containers.conf"

    # The image: the base from debootstrap (tests/e2e/docker.sh, cached),
    # then deploy/Dockerfile on it.
    t0=$(date +%s)
    # shellcheck source=tests/e2e/docker.sh
    . tests/e2e/docker.sh
    local DOCKER=kp_podman_host DOCKER_DIR=$KP_DIR
    if docker_base localhost/loa-base:bookworm &&
        kp_podman_host build --network host -q -t localhost/loa:kube-play -f deploy/Dockerfile \
            --build-arg BASE=localhost/loa-base:bookworm . >"$KP_DIR/build.log" 2>&1; then
        pass "kube play: podman builds deploy/Dockerfile on a debootstrap base ($(($(date +%s) - t0)) s)"
    else
        fail "kube play: podman builds the image" "$(tail -3 "$KP_DIR/build.log" "$KP_DIR/debootstrap.log" 2>/dev/null)"
        kp_cleanup
        return
    fi

    # The migration Job: db-init, then every program's migrations.
    t0=$(date +%s)
    kp_podman kube play "$KP_DIR/out/1-migrate.yaml" >"$KP_DIR/play-1.log" 2>&1
    if wait_until 120 kp_exited0 loa-migrate-migrate-media; then
        pass "kube play: the migration Job runs to the end ($(($(date +%s) - t0)) s)"
    else
        fail "kube play: the migration Job runs to the end" "$(kp_state loa-migrate-migrate-media); $(tail -3 "$KP_DIR/play-1.log")"
    fi
    expect_eq "kube play: each program's schema is its own role's" \
        "content:loa_content feedback:loa_feedback gateway:loa_gateway media:loa_media notify:loa_notify quota:loa_quota" \
        "$(kp_sql "SELECT string_agg(nspname || ':' || pg_get_userbyid(nspowner), ' ' ORDER BY nspname) FROM pg_namespace
            WHERE nspname IN ('gateway', 'content', 'feedback', 'quota', 'media', 'notify')")"

    # The Deployments: every program started and the gateway ready.
    t0=$(date +%s)
    kp_podman kube play "$KP_DIR/out/2-deployments.yaml" >"$KP_DIR/play-2.log" 2>&1
    if wait_until 120 kp_ready; then
        pass "kube play: the Deployments start and the gateway is ready, every service reached by its Service's name ($(($(date +%s) - t0)) s)"
    else
        fail "kube play: the gateway is ready within 120 s" \
            "$(kp_podman ps -a --format '{{.Names}} {{.Status}}' | tr '\n' ';') $(tail -3 "$KP_DIR/play-2.log")"
    fi
    want="" got=""
    while read -r p n; do
        c=$p-pod-0-$p
        want+="$p:10001:true:$n "
        got+="$p:$(kp_podman inspect -f '{{.Config.User}}' "$c" 2>&1 | cut -d: -f1):$(kp_podman inspect -f '{{.HostConfig.ReadonlyRootfs}}:{{.HostConfig.Memory}}' "$c" 2>&1) "
    done < <(/usr/bin/python3 -c '
import sys, yaml
mi = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "Deployment":
        m = d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"]
        print(d["metadata"]["name"], int(m[:-2]) * mi[m[-2:]])
' "$KP_DIR/rendered.yaml")
    expect_eq "kube play: every program runs as uid 10001 on a read-only root, within its manifest's memory limit" "$want" "$got"
    # The services' liveness probes (loa-rpc ping as the service, its key
    # mounted from its Secret), run by podman as health checks. The
    # gateway's is an HTTP GET, which podman turns into curl inside the
    # container (the image has none: a kubelet makes the request itself),
    # so its target is asked from outside.
    got=""
    for p in content-svc feedback-svc quota-svc media-svc notify-svc; do
        kp_podman healthcheck run "$p-pod-0-$p" >/dev/null 2>&1
        got+="$p:$? "
    done
    expect_eq "kube play: every service's liveness probe passes" \
        "content-svc:0 feedback-svc:0 quota-svc:0 media-svc:0 notify-svc:0 " "$got"
    expect_eq "kube play: the gateway's liveness probe's target answers (GET /healthz on 8080)" 200 \
        "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$KP_POD:8080/healthz")"

    # The seed Job: the units, procedures and notices of deploy/seed/.
    kp_podman kube play "$KP_DIR/out/3-seed.yaml" >"$KP_DIR/play-3.log" 2>&1
    if wait_until 60 kp_exited0 loa-seed-seed; then
        pass "kube play: the seed Job runs to the end"
    else
        fail "kube play: the seed Job runs to the end" "$(kp_state loa-seed-seed); $(kp_podman logs --tail 3 loa-seed-seed 2>&1)"
    fi
    kube_play_smoke
    kp_podman ps -a --format '{{.Names}}' 2>/dev/null | grep -v infra | while read -r c; do
        kp_podman logs "$c" >"$KP_DIR/$c.log" 2>&1
    done
    kp_cleanup
}

# kube_play_smoke: the first day's work through the played gateway.
kube_play_smoke() {
    # shellcheck disable=SC2034 # GW: the helpers' (http, admin_token)
    local GW="http://$KP_POD:8080" LOA_ADMIN_PASSWORD unit art asset sha q0 code body
    declare -gA KP_TOK=()
    # shellcheck disable=SC2034 # admin_token reads it
    LOA_ADMIN_PASSWORD=$(cat "$KP_DIR/src/overlays/production/secrets/admin_password")
    KP_TOK[admin]=$(admin_token)
    expect_eq "kube play: the first admin logs in with the password of its Secret" true \
        "$([ -n "${KP_TOK[admin]}" ] && echo true || echo false)"
    http GET '/api/v1/units?per_page=100'
    unit=$(body_jq '.items[] | select(.code == "TTRA") | .id')
    expect_eq "kube play: the seed's units are served" "200 $(grep -v '^#' deploy/seed/units.jsonl | grep -c .)" \
        "$HTTP_STATUS $(body_jq .total)"
    e2e_staff KP_TOK ed '["editor"]' "${unit:-null}" e2e.kp-ed "Biên tập viên Thanh tra"
    e2e_staff KP_TOK rev '["reviewer"]' null e2e.kp-rev "Thành viên Ban biên tập"
    e2e_png "$KP_DIR/photo.png" 32
    sha=$(sha256sum "$KP_DIR/photo.png" | cut -d' ' -f1)
    e2e_call KP_TOK ed POST /api/v1/assets - -H 'Content-Type: image/png' --data-binary "@$KP_DIR/photo.png"
    asset=$(body_jq '.id // empty')
    expect_eq "kube play: the editor uploads a photo into the media volume (its claim)" "201 $sha" \
        "$HTTP_STATUS $(body_jq .sha256)"
    e2e_call KP_TOK admin GET "/api/v1/quota/report?month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)" -
    q0=$(body_jq --argjson u "${unit:-0}" '[.items[] | select(.unit_id == $u) | .articles][0] // 0')
    e2e_publish KP_TOK ed rev "$(jq -nc --argjson a "[${asset:-}]" \
        '{title: "Kết quả cải cách hành chính năm 2022", summary: "Tóm tắt", body: "Nội dung **chính**.", attachment_ids: $a}')"
    art=$E2E_ID
    http GET "/api/v1/articles/${art:-0}"
    expect_eq "kube play: an article is written, published and read by the public" \
        "200 Kết quả cải cách hành chính năm 2022" "$HTTP_STATUS $(body_jq .title)"
    kp_quota_is() {
        e2e_call KP_TOK admin GET "/api/v1/quota/report?month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)" -
        [ "$(body_jq --argjson u "${unit:-0}" '[.items[] | select(.unit_id == $u) | .articles][0] // 0')" = "$1" ]
    }
    if wait_until 20 kp_quota_is $((${q0:-0} + 1)); then
        pass "kube play: quota-svc counts it (an event from content-svc's relay, by its Service's name)"
    else
        fail "kube play: quota-svc counts it" "before [$q0], now [$(body_jq -c .items)]"
    fi
    body=$(jq -nc '{kind: "recommendation", title: "Đề nghị rút ngắn thời hạn cấp giấy phép xây dựng",
        content: "Đề nghị Sở rút ngắn thời hạn giải quyết thủ tục cấp giấy phép xây dựng xuống 10 ngày làm việc.",
        submitter: {name: "Trần Thị Bình", address: "45 Trần Hưng Đạo, phường Cửa Nam", phone: "0987 654 321",
            email: "tran.thi.binh@example.vn"}}')
    e2e_call KP_TOK anon POST /api/v1/feedback "$body"
    code=$(body_jq '.tracking_code // empty')
    http GET "/api/v1/feedback/track/${code:-none}"
    expect_eq "kube play: a citizen's feedback is received and tracked by its code" "200 received" \
        "$HTTP_STATUS $(body_jq .status)"
    expect_eq "kube play: and it is in PostgreSQL" 1 \
        "$(kp_sql "SELECT count(*) FROM feedback.feedback WHERE tracking_code = '${code//[^A-Za-z0-9.]/}'")"
    # notify-svc hears of it (feedback-svc's event, by its Service's name),
    # renders the receipt from the image's templates and, the overlay naming
    # no mail server (LOA_SMTP_URL empty), keeps it queued.
    kp_receipt() {
        kp_sql "SELECT channel || ' ' || recipient || ' ' || status FROM notify.deliveries
                 WHERE kind = 'feedback.received' AND subject LIKE '%${code//[^A-Za-z0-9.]/}%'"
    }
    kp_receipt_made() { [ -n "$(kp_receipt)" ]; }
    wait_until 20 kp_receipt_made
    expect_eq "kube play: notify-svc queues the citizen's receipt; no mail server given, it stays queued" \
        "email tran.thi.binh@example.vn queued" "$(kp_receipt)"
}

kube_play
