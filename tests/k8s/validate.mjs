// Validates rendered Kubernetes manifests (tests/e2e/test_k8s.sh): every
// object against the Kubernetes API's schema of its kind (kubernetes-models,
// generated from the API's OpenAPI documents), then what Loa's manifests
// promise (docs/scaling.md, issue 18): every Deployment with two replicas or
// more, readiness and liveness probes, memory requests and limits, non-root,
// a read-only root filesystem, no privilege escalation, every capability
// dropped, spread over nodes, a PodDisruptionBudget and a Service selecting
// it; every service's Service headless; the gateway's autoscaled.
//
//   node validate.mjs FILE.yaml...
//
// Prints "ok   ..." or "FAIL ..." per check and a last line "N passed, N
// failed"; kinds it has no schema for (custom resources) are named, not
// counted. Exit 1 on any failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let passed = 0;
let failed = 0;
const ok = (what) => {
  passed++;
  console.log(`ok   ${what}`);
};
const fail = (what, why) => {
  failed++;
  console.log(`FAIL ${what}: ${why}`);
};
const check = (cond, what, why) => (cond ? ok(what) : fail(what, why));

async function schemaOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const mod = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  try {
    return (await import(mod))[kind];
  } catch {
    return undefined;
  }
}

for (const file of process.argv.slice(2)) {
  const objects = [];
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      fail(`${file}: YAML`, doc.errors[0].message);
      continue;
    }
    const obj = doc.toJS();
    if (obj) objects.push(obj);
  }
  const label = file.replace(/^.*\//, "");
  for (const obj of objects) {
    const name = `${label}: ${obj.kind}/${obj.metadata?.name}`;
    const Model = await schemaOf(obj.apiVersion ?? "", obj.kind ?? "");
    if (!Model) {
      console.log(`     ${name}: ${obj.apiVersion} has no schema here (a custom resource): not validated`);
      continue;
    }
    // kustomize folds a long Secret value's base64 over several lines; the
    // API server's decoder (Go's encoding/base64) skips the line breaks,
    // the schema's "byte" format does not: compare what the server reads.
    if (obj.kind === "Secret" && obj.data)
      for (const k of Object.keys(obj.data)) obj.data[k] = String(obj.data[k]).replace(/\s+/g, "");
    try {
      new Model(obj).validate();
      ok(`${name} is a valid ${obj.apiVersion} ${obj.kind}`);
    } catch (e) {
      fail(`${name} is a valid ${obj.apiVersion} ${obj.kind}`, e.message.split("\n").slice(0, 3).join(" "));
    }
  }

  // What Loa's manifests promise, beyond the schema.
  const of = (kind) => objects.filter((o) => o.kind === kind);
  const selects = (selector, labels) =>
    Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
  for (const d of of("Deployment")) {
    const n = `${label}: Deployment/${d.metadata.name}`;
    const pod = d.spec.template.spec;
    const labels = d.spec.template.metadata.labels;
    check((d.spec.replicas ?? 1) >= 2, `${n} runs two replicas or more`, `replicas ${d.spec.replicas}`);
    check(pod.securityContext?.runAsNonRoot === true, `${n} runs as non-root`, "runAsNonRoot not true");
    check(
      (pod.topologySpreadConstraints ?? []).some((t) => t.topologyKey === "kubernetes.io/hostname"),
      `${n} spreads its replicas over nodes`,
      "no topologySpreadConstraints on kubernetes.io/hostname",
    );
    for (const c of pod.containers) {
      const cn = `${n} container ${c.name}`;
      check(c.readinessProbe && c.livenessProbe, `${cn} has readiness and liveness probes`, "missing");
      check(
        c.resources?.requests?.memory && c.resources?.limits?.memory && c.resources?.requests?.cpu,
        `${cn} requests CPU and memory and limits memory`,
        JSON.stringify(c.resources ?? {}),
      );
      const sc = c.securityContext ?? {};
      check(
        sc.readOnlyRootFilesystem === true &&
          sc.allowPrivilegeEscalation === false &&
          (sc.capabilities?.drop ?? []).includes("ALL"),
        `${cn} has a read-only root filesystem, no privilege escalation, no capability`,
        JSON.stringify(sc),
      );
    }
    check(
      of("PodDisruptionBudget").some((p) => selects(p.spec.selector?.matchLabels, labels)),
      `${n} has a PodDisruptionBudget`,
      "none selects its pods",
    );
    const svc = of("Service").find((s) => selects(s.spec.selector, labels));
    check(svc, `${n} has a Service`, "none selects its pods");
    if (svc && labels["app.kubernetes.io/component"] === "service")
      check(svc.spec.clusterIP === "None", `${n}'s Service is headless (one address per replica)`, `clusterIP ${svc.spec.clusterIP}`);
  }
  for (const j of of("Job")) {
    const pod = j.spec.template.spec;
    check(
      pod.securityContext?.runAsNonRoot === true &&
        [...(pod.initContainers ?? []), ...pod.containers].every((c) => c.securityContext?.readOnlyRootFilesystem === true),
      `${label}: Job/${j.metadata.name} runs as non-root on read-only root filesystems`,
      "not every container",
    );
  }
  if (of("Deployment").length) {
    check(
      of("HorizontalPodAutoscaler").some((h) => h.spec.scaleTargetRef.name === "gateway"),
      `${label}: the gateway is autoscaled`,
      "no HorizontalPodAutoscaler for it",
    );
    check(of("NetworkPolicy").length >= 3, `${label}: network policies`, `${of("NetworkPolicy").length}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
