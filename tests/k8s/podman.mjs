// Rewrites rendered Kubernetes manifests into what `podman kube play` of
// Debian 12 (podman 4.3.1) can run on one machine, for the kube play test
// (tests/e2e/test_kube_play.sh). Podman 4.3 plays Pods, Deployments,
// PersistentVolumeClaims and ConfigMaps only, and mounts only hostPath and
// persistentVolumeClaim volumes; everything else is adapted here, and
// nothing more:
//   - a Job becomes a Pod of the same spec (restartPolicy OnFailure), played
//     before (loa-migrate) or after (loa-seed) the Deployments, as a
//     cluster would run them;
//   - a Deployment runs one replica: every pod shares one network namespace
//     (the test's), where two replicas would bind the same ports;
//   - a Service's name resolves to 127.0.0.1, in place of the cluster's
//     DNS: OUT_DIR/hosts, which the test gives podman as every container's
//     base hosts file (containers.conf's base_hosts_file: podman 4.3 does
//     not apply hostAliases on the host's network);
//   - configMap, secret and projected volumes become directories (hostPath)
//     holding the same files with the same modes, owned by the pod's user;
//     an emptyDir becomes an empty directory of the pod's own;
//   - startup and readiness probes are dropped (podman 4.3 has no use for
//     them); liveness probes are kept (podman makes them health checks);
//   - Services, the Ingress, NetworkPolicies, PodDisruptionBudgets and the
//     HorizontalPodAutoscaler are left out: they need a cluster.
// Everything else (images, arguments, environment, envFrom, security
// contexts, resources, PersistentVolumeClaims) is played as rendered.
//
//   node podman.mjs RENDERED.yaml OUT_DIR
//
// Writes OUT_DIR/1-migrate.yaml, OUT_DIR/2-deployments.yaml,
// OUT_DIR/3-seed.yaml, OUT_DIR/hosts and the volumes' files under
// OUT_DIR/volumes/, and
// prints one line per adaptation ("kind name: what").
import { chownSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";

const [input, out] = process.argv.slice(2);
if (!input || !out) {
  console.error("usage: node podman.mjs RENDERED.yaml OUT_DIR");
  process.exit(2);
}
const docs = parseAllDocuments(readFileSync(input, "utf8"))
  .map((d) => d.toJS())
  .filter(Boolean);
const byKind = (k) => docs.filter((d) => d.kind === k);
const find = (kind, name) => {
  const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!d) throw new Error(`${kind} ${name} is referred to but not rendered`);
  return d;
};
const say = (what) => console.log(what);

// The files of a ConfigMap or a Secret: { key: Buffer }.
function dataOf(kind, name) {
  const d = find(kind, name);
  const files = {};
  for (const [k, v] of Object.entries(d.data || {}))
    files[k] = kind === "Secret" ? Buffer.from(v, "base64") : Buffer.from(v, "utf8");
  for (const [k, v] of Object.entries(d.binaryData || {})) files[k] = Buffer.from(v, "base64");
  for (const [k, v] of Object.entries(d.stringData || {})) files[k] = Buffer.from(v, "utf8");
  return files;
}

// Writes a source's files (all of them, or its items) into dir, as the
// kubelet does: the key's (or item's) path, the mode of the item, the
// volume's defaultMode, or 0644.
function project(dir, kind, name, items, defaultMode, uid, gid) {
  const files = dataOf(kind, name);
  const list = items ? items : Object.keys(files).map((k) => ({ key: k, path: k }));
  for (const it of list) {
    if (!(it.key in files)) throw new Error(`${kind} ${name} has no key ${it.key}`);
    const path = join(dir, it.path);
    writeFileSync(path, files[it.key]);
    chmodSync(path, it.mode ?? defaultMode ?? 0o644);
    chownSync(path, uid, gid);
  }
}

const serviceNames = byKind("Service").map((s) => s.metadata.name);
let volumeDirs = 0;

function podSpec(owner, spec) {
  const s = structuredClone(spec);
  const uid = s.securityContext?.runAsUser ?? 0;
  const gid = s.securityContext?.fsGroup ?? s.securityContext?.runAsGroup ?? 0;
  s.hostNetwork = true;
  for (const v of s.volumes || []) {
    if (v.persistentVolumeClaim) continue;
    const dir = join(out, "volumes", owner, v.name);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, v.emptyDir ? 0o1777 : 0o755);
    chownSync(dir, uid, gid);
    if (v.configMap) project(dir, "ConfigMap", v.configMap.name, v.configMap.items, v.configMap.defaultMode, uid, gid);
    else if (v.secret)
      project(dir, "Secret", v.secret.secretName, v.secret.items, v.secret.defaultMode, uid, gid);
    else if (v.projected)
      for (const src of v.projected.sources) {
        if (src.secret)
          project(dir, "Secret", src.secret.name, src.secret.items, v.projected.defaultMode, uid, gid);
        else if (src.configMap)
          project(dir, "ConfigMap", src.configMap.name, src.configMap.items, v.projected.defaultMode, uid, gid);
        else throw new Error(`${owner}: volume ${v.name}: a projected source podman cannot play`);
      }
    else if (!v.emptyDir) throw new Error(`${owner}: volume ${v.name}: a kind of volume podman cannot play`);
    const what = Object.keys(v).find((k) => k !== "name");
    for (const k of Object.keys(v)) if (k !== "name") delete v[k];
    v.hostPath = { path: dir, type: "Directory" };
    volumeDirs++;
    say(`volume ${owner}/${v.name}: ${what} -> hostPath`);
  }
  for (const c of [...(s.initContainers || []), ...s.containers]) {
    for (const p of ["startupProbe", "readinessProbe"])
      if (c[p]) {
        delete c[p];
        say(`container ${owner}/${c.name}: ${p} dropped`);
      }
    // On the pod's (host) network a container's ports are its own: podman
    // refuses them as mappings. A probe naming one gets its number.
    const named = Object.fromEntries((c.ports || []).filter((p) => p.name).map((p) => [p.name, p.containerPort]));
    const probe = c.livenessProbe?.httpGet || c.livenessProbe?.tcpSocket;
    if (probe && typeof probe.port === "string") {
      if (!(probe.port in named)) throw new Error(`${owner}/${c.name}: the probe names no port of it (${probe.port})`);
      probe.port = named[probe.port];
    }
    if (c.ports) {
      say(`container ${owner}/${c.name}: ports ${c.ports.map((p) => p.containerPort).join(", ")} on the pod's network`);
      delete c.ports;
    }
  }
  return s;
}

const play = { migrate: [], deployments: [], seed: [] };
for (const d of docs) {
  switch (d.kind) {
    case "ConfigMap":
      // envFrom needs them in the file that uses them.
      for (const k of Object.keys(play)) play[k].push(d);
      break;
    case "PersistentVolumeClaim":
      play.migrate.push(d);
      break;
    case "Deployment": {
      const dep = structuredClone(d);
      if ((dep.spec.replicas ?? 1) !== 1) say(`Deployment ${d.metadata.name}: replicas ${dep.spec.replicas} -> 1`);
      dep.spec.replicas = 1;
      dep.spec.template.spec = podSpec(d.metadata.name, d.spec.template.spec);
      play.deployments.push(dep);
      break;
    }
    case "Job": {
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: d.metadata.name, labels: d.spec.template.metadata?.labels || {} },
        spec: podSpec(d.metadata.name, d.spec.template.spec),
      };
      say(`Job ${d.metadata.name} -> Pod`);
      (d.metadata.name.includes("seed") ? play.seed : play.migrate).push(pod);
      break;
    }
    case "Secret":
      break; // in the volumes' files
    default:
      say(`${d.kind} ${d.metadata.name}: not played (needs a cluster)`);
  }
}
if (!play.migrate.some((d) => d.kind === "Pod") || play.deployments.length === 0 || !play.seed.some((d) => d.kind === "Pod"))
  throw new Error("the manifests lack the migration Job, the Deployments or the seed Job");
const yaml = (list) => list.map((d) => stringify(d)).join("---\n");
writeFileSync(join(out, "1-migrate.yaml"), yaml(play.migrate));
writeFileSync(join(out, "2-deployments.yaml"), yaml(play.deployments));
writeFileSync(join(out, "3-seed.yaml"), yaml(play.seed));
writeFileSync(join(out, "hosts"), `127.0.0.1\tlocalhost ${serviceNames.join(" ")}\n`);
say(`${play.deployments.filter((d) => d.kind === "Deployment").length} Deployments, ${serviceNames.length} Service names, ${volumeDirs} volume directories`);
