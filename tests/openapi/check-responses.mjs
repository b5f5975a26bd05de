// check-responses.mjs DOC.json LOG_DIR: every response the e2e tests
// received (tests/e2e/lib.sh `http`, with LOA_OPENAPI_CHECK=1, logs them in
// LOG_DIR/log.tsv: file:line, method, path, status, content type, body
// file) checked against the OpenAPI document: its path matched to the
// operation's template, its status to a documented response (the code, or
// `default`), its media type to one the response documents, and a JSON body
// validated with ajv (JSON Schema 2020-12, formats asserted) against that
// media type's schema. Routes outside the document (the portal's pages) are
// not checked; bodies that are not JSON (files, zip, Atom, XML) are checked
// for status and media type only.
// Prints "checked N responses of M operations", then one line per kind of
// mismatch: "MISMATCH operation STATUS, JSON pointer: error (N time(s),
// first at test_x.sh:LINE METHOD path)";
// exit status 1 when there is any.
import { readFileSync, existsSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [docFile, logDir] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docFile, 'utf8'));
const logFile = `${logDir}/log.tsv`;
if (!existsSync(logFile)) { console.log('checked 0 responses of 0 operations'); process.exit(0); }

const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema(doc, 'openapi.json');

// Templates, the most literal first: /feedback/stats before /feedback/{id}.
const templates = Object.keys(doc.paths).map((t) => {
  const re = new RegExp('^' + t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
  return { t, re, literal: t.replace(/\{[^}]+\}/g, '').length };
}).sort((a, b) => b.literal - a.literal);
const deref = (o) => {
  let n = 0;
  while (o && o.$ref && n++ < 10) o = o.$ref.slice(2).split('/').reduce((a, k) => a?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return o;
};
const pointer = (parts) => '/' + parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const typeMatches = (documented, actual) => {
  const [dt, ds] = documented.split('/');
  const [at, as] = actual.split('/');
  return (dt === '*' || dt === at) && (ds === '*' || ds === as);
};

const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
const mismatches = new Map(); // one line per operation and error
const validators = new Map();
const ops = new Set();
let checked = 0;
for (const line of lines) {
  const [where, method, rawPath, status, ctypeRaw, bodyFile] = line.split('\t');
  let path = rawPath.split('?')[0].split('#')[0];
  try { path = decodeURI(path); } catch { /* a test's malformed escape: matched as sent */ }
  const tpl = templates.find((x) => x.re.test(path));
  if (!tpl) continue;
  const verb = method === 'HEAD' ? 'get' : method.toLowerCase();
  const op = doc.paths[tpl.t][verb];
  if (!op) continue; // a method the path does not take: the router's 405, not an operation
  if (status === '000') continue; // no answer (a test that stops a program)
  const name = `${op.operationId} (${method} ${tpl.t})`;
  const report = (ptr, msg) => {
    const key = `${name} ${status}, ${ptr}: ${msg}`;
    if (!mismatches.has(key)) mismatches.set(key, { first: `${where} ${method} ${rawPath}`, n: 0 });
    mismatches.get(key).n++;
  };
  ops.add(name);
  checked++;
  const code = [status, `${status[0]}XX`, 'default'].find((c) => op.responses[c]);
  if (!code) { report(pointer(['paths', tpl.t, verb, 'responses', status]), 'status not documented'); continue; }
  // The response object and its JSON pointer (a $ref's target).
  let resp = op.responses[code];
  let base = pointer(['paths', tpl.t, verb, 'responses', code]);
  for (let n = 0; resp && resp.$ref && n < 10; n++) { base = resp.$ref.slice(1); resp = deref({ $ref: resp.$ref }); }
  const ctype = (ctypeRaw || '').split(';')[0].trim().toLowerCase();
  if (method === 'HEAD' || status === '304' || status === '204' || !bodyFile && !ctype) continue;
  const content = resp.content ?? {};
  const types = Object.keys(content);
  if (types.length === 0) {
    if (ctype) report(base, `answered ${ctype}, the document says no body`);
    continue;
  }
  const media = types.find((t) => t === ctype) ?? types.find((t) => typeMatches(t, ctype));
  if (!media) { report(`${base}/content`, `answered ${ctype}, documented ${types.join(', ')}`); continue; }
  if (!/json$/.test(ctype) || !bodyFile) continue;
  let body;
  try { body = JSON.parse(readFileSync(bodyFile, 'utf8')); } catch (e) { report('', `the body is not JSON: ${e.message}`); continue; }
  const schema = content[media].schema;
  if (!schema) continue;
  const at = `${base}/content/${media.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`;
  if (!validators.has(at)) {
    try { validators.set(at, ajv.compile({ $ref: `openapi.json#${encodeURI(at)}` })); } catch (e) { report(at, `the schema does not compile: ${e.message}`); continue; }
  }
  const validate = validators.get(at);
  if (!validate(body)) {
    const e = validate.errors[0];
    report(`body${e.instancePath || ''}`, `${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''} (schema ${e.schemaPath})`);
  }
}
console.log(`checked ${checked} responses of ${ops.size} operations`);
for (const [key, m] of mismatches) console.log(`MISMATCH ${key} (${m.n} time(s), first at ${m.first})`);
process.exit(mismatches.size ? 1 : 0);
