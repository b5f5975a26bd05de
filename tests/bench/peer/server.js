'use strict';
// make bench's reference peer (tests/bench/README.md): the reads and the
// write Loa's bench rows measure, as a plain fastify 5 + pg 8 service would
// serve them, from the same PostgreSQL, the same tables, the same data and
// the same SQL. A yardstick, not part of Loa.
//
//   GET  /api/v1/articles/:ref    content-svc's article_by_slug (article_by_id
//                                 for digits); published only
//   GET  /api/v1/articles         articles_list, then articles_count unless
//                                 the first page is not full (?q= searches,
//                                 ?page=, ?per_page=); only published articles
//   POST /api/v1/feedback         feedback-svc's submission: the item, its
//                                 first history row, its outbox event, in one
//                                 transaction; 201 with the receipt
//   GET  /healthz                 200 "ok"
//
// The paths are Loa's, so that wrk sends the very same requests (and
// tests/bench/feedback.lua serves both). The SQL below is copied from
// services/content-svc/article_store.c and services/feedback-svc/
// feedback_store.c (+ services/common/loa_outbox.c) and run as named prepared
// statements, as the services prepare theirs.
//
// Environment: LOA_DB_URL (the stack's database), PEER_PORT (default 3000),
// PEER_HOST (127.0.0.1), PEER_POOL_MAX (connections per pool, default 20).

const crypto = require('node:crypto');
const fastify = require('fastify');
const pg = require('pg');

const DB_URL = process.env.LOA_DB_URL;
const PORT = Number(process.env.PEER_PORT || 3000);
const HOST = process.env.PEER_HOST || '127.0.0.1';
const POOL_MAX = Number(process.env.PEER_POOL_MAX || 20);
if (!DB_URL) {
  console.error('peer: LOA_DB_URL is not set');
  process.exit(2);
}

// Two pools, as the two services have their own connections: content-svc's
// with search_path content and a custom plan for every execution (its
// article_store_prepare: the list's optional filters are parameters that a
// generic plan could not fold away), feedback-svc's with search_path
// feedback. Each pool of POOL_MAX connections; see tests/bench/README.md for
// the size.
function pool(options) {
  const p = new pg.Pool({
    connectionString: DB_URL,
    max: POOL_MAX,
    idleTimeoutMillis: 0, // keep the connections (and their prepared statements)
    options,
    application_name: 'bench-peer',
  });
  p.on('error', (err) => console.error('peer: idle connection:', err.message));
  return p;
}
// TimeZone UTC: times come as PostgreSQL writes them in UTC and are turned
// into the contract's form here (rfc3339 below), as content-svc does
// (loa_store_time, services/common/loa_store.c).
const content = pool(
  '-c search_path=content,public -c plan_cache_mode=force_custom_plan -c TimeZone=UTC');
const feedback = pool('-c search_path=feedback,public');

// ------------------------------------------------------------ content-svc's SQL
// services/content-svc/article_store.c, verbatim.
const ART_COLS =
  'a.id, a.slug, a.unit_id, a.title, a.summary, a.topic_ids, a.is_cchc, a.status, ' +
  'a.status_reason, a.author_id, a.version, a.created_at, a.updated_at, a.published_at, ' +
  'a.attachment_ids';
const ART_FULL = ART_COLS + ', a.body, a.body_html';
const LIST_FROM =
  ' FROM articles a CROSS JOIN (SELECT fold($9::text) AS fq, ' +
  "plainto_tsquery('simple', fold($9::text)) AS tsq) q " +
  'WHERE ($1::text IS NULL OR a.status = $1) ' +
  "AND (a.status = 'published' OR $2::boolean OR a.unit_id = $3::bigint) " +
  'AND ($4::bigint IS NULL OR a.unit_id = $4) ' +
  'AND ($5::bigint IS NULL OR a.topic_ids @> ARRAY[$5::bigint]) ' +
  'AND ($6::boolean IS NULL OR a.is_cchc = $6) ' +
  'AND ($7::date IS NULL OR a.published_at >= $7::date::timestamp AT TIME ZONE ' +
  "'Asia/Ho_Chi_Minh') " +
  'AND ($8::date IS NULL OR a.published_at < ($8::date + 1)::timestamp AT TIME ZONE ' +
  "'Asia/Ho_Chi_Minh') " +
  'AND (q.fq IS NULL OR a.search @@ q.tsq OR a.title_fold OPERATOR(public.%>) q.fq) ';
const LIST_SQL =
  'SELECT ' + ART_COLS + LIST_FROM + 'ORDER BY CASE WHEN q.fq IS NULL THEN 0 ' +
  'ELSE public.word_similarity(q.fq, a.title_fold) END DESC, ' +
  'a.published_at DESC, a.id DESC LIMIT $10 OFFSET $11';
const SQL = {
  article_by_id: 'SELECT ' + ART_FULL + ' FROM articles a WHERE a.id = $1',
  article_by_slug: 'SELECT ' + ART_FULL + ' FROM articles a WHERE a.slug = $1',
  articles_list: LIST_SQL,
  articles_count: 'SELECT count(*)' + LIST_FROM,
};

// ------------------------------------------------------------ feedback-svc's SQL
// services/feedback-svc/feedback_store.c (fb_insert, fb_history_add) and
// services/common/loa_outbox.c (loa_outbox_add), verbatim.
const DAY = (p) => "(date '1970-01-01' + " + p + '::integer)';
const END_OF_DAY = (p) =>
  '((' + DAY(p) + " + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' - interval '1 second')";
const FB_SQL = {
  fb_insert:
    'INSERT INTO feedback (tracking_code, kind, title, content, submitter_name, ' +
    'submitter_address, submitter_phone, submitter_email, submitter_org, phone_digits, ' +
    'email_lower, procedure_code, regulation_ref, attachment_ids, channel, api_key_id, ' +
    'received_at, registered_on, forward_due_at, due_at) ' +
    'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, lower($11), $12, $13, $14::bigint[], $15, ' +
    '$16::bigint, to_timestamp($17::double precision), ' + DAY('$18') + ', ' +
    END_OF_DAY('$19') + ', ' + END_OF_DAY('$20') + ') ON CONFLICT (tracking_code) DO NOTHING ' +
    'RETURNING id, rfc3339(received_at), rfc3339(due_at)',
  fb_history_add:
    'INSERT INTO feedback_history (feedback_id, action, from_status, to_status, actor_id, ' +
    'unit_id, reason, answer) VALUES ($1, $2, $3, $4, $5, $6::bigint, $7, $8)',
  outbox_add: 'INSERT INTO outbox (topic, payload) VALUES ($1, $2) RETURNING current_schema()',
};

// Rows as arrays (the columns' order is the statements'), as libpq's
// PQgetvalue reads them; timestamptz as its text ("2026-12-05
// 11:16:04.123456+00" in a UTC session), not parsed into a Date.
const TIMESTAMPTZ = 1184;
const types = {
  getTypeParser: (oid, format) =>
    oid === TIMESTAMPTZ ? (v) => v : pg.types.getTypeParser(oid, format),
};
const q = (name, text, values) => ({ name, text, values, rowMode: 'array', types });

// ------------------------------------------------------------ rows to JSON
const num = (v) => (v === null ? null : Number(v));
// Such a text as the contract's time in Vietnam, "2026-12-05T18:16:04+07:00"
// (as loa_store_time: seconds cut, UTC+7).
function rfc3339(t) {
  if (t === null) return null;
  const ms = Date.UTC(+t.slice(0, 4), +t.slice(5, 7) - 1, +t.slice(8, 10), +t.slice(11, 13),
    +t.slice(14, 16), +t.slice(17, 19)) + 7 * 3600 * 1000;
  return new Date(ms).toISOString().slice(0, 19) + '+07:00';
}
// An ART_COLS row (full: ART_FULL) as the gateway renders loa.content.Article.
function article(r, full) {
  const a = {
    id: Number(r[0]),
    slug: r[1],
    unit_id: Number(r[2]),
    title: r[3],
    summary: r[4],
    topic_ids: r[5].map(num),
    is_cchc: r[6],
    status: r[7],
    status_reason: r[8],
    author_id: Number(r[9]),
    version: Number(r[10]),
    created_at: rfc3339(r[11]),
    updated_at: rfc3339(r[12]),
    published_at: r[13] === null ? undefined : rfc3339(r[13]),
    attachments: r[14].map((id) => ({ id: Number(id), url: '/api/v1/assets/' + id })),
  };
  if (full) {
    a.body = r[15];
    a.body_html = r[16];
  }
  return a;
}

const articleProps = {
  id: { type: 'integer' },
  slug: { type: 'string' },
  unit_id: { type: 'integer' },
  title: { type: 'string' },
  summary: { type: 'string' },
  topic_ids: { type: 'array', items: { type: 'integer' } },
  is_cchc: { type: 'boolean' },
  status: { type: 'string' },
  status_reason: { type: 'string' },
  author_id: { type: 'integer' },
  version: { type: 'integer' },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
  published_at: { type: 'string' },
  attachments: {
    type: 'array',
    items: { type: 'object', properties: { id: { type: 'integer' }, url: { type: 'string' } } },
  },
};
const problem = {
  type: 'object',
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' } },
};

// ------------------------------------------------------------ the feedback event
// loa.feedback.FeedbackEvent (proto/feedback.proto) in protobuf's wire format,
// so that feedback-svc's relay publishes a real event for the peer's rows.
function pbVarint(out, v) {
  let n = BigInt(v);
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
}
function pbField(out, no, v) {
  if (typeof v === 'string') {
    if (v === '') return;
    const b = Buffer.from(v, 'utf8');
    out.push((no << 3) | 2);
    pbVarint(out, b.length);
    for (const x of b) out.push(x);
  } else if (v) {
    out.push(no << 3);
    pbVarint(out, v);
  }
}
function feedbackEvent(e) {
  const out = [];
  pbField(out, 1, e.feedback_id);
  pbField(out, 2, e.tracking_code);
  pbField(out, 3, e.kind);
  pbField(out, 5, e.status);
  pbField(out, 7, e.received_at);
  pbField(out, 8, e.due_at);
  pbField(out, 9, e.at);
  pbField(out, 11, e.channel);
  return Buffer.from(out);
}

// ------------------------------------------------------------ intake helpers
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ICT_MS = 7 * 3600 * 1000; // Asia/Ho_Chi_Minh, UTC+7 all year
// Days since 1970-01-01 in Asia/Ho_Chi_Minh.
const localDay = (ms) => Math.floor((ms + ICT_MS) / 86400000);
// PAKN.YYYYMMDD.XXXXXX, as feedback_store.c's tracking_code.
function trackingCode(ms) {
  const d = new Date(ms + ICT_MS).toISOString();
  let rnd = '';
  for (let i = 0; i < 6; i++) rnd += CROCKFORD[crypto.randomInt(32)];
  return 'PAKN.' + d.slice(0, 4) + d.slice(5, 7) + d.slice(8, 10) + '.' + rnd;
}

const text = (min, max) => ({ type: 'string', minLength: min, maxLength: max });
const feedbackBody = {
  type: 'object',
  required: ['kind', 'title', 'content', 'submitter'],
  properties: {
    kind: { type: 'string', enum: ['report', 'recommendation'] },
    title: text(1, 300),
    content: text(1, 20000),
    submitter: {
      type: 'object',
      required: ['name', 'address', 'phone', 'email'],
      properties: {
        name: text(1, 200),
        address: text(1, 500),
        phone: text(1, 32),
        email: { type: 'string', minLength: 1, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
        organization: text(0, 300),
      },
    },
    procedure_code: text(0, 100),
    regulation_ref: text(0, 500),
    attachment_ids: { type: 'array', maxItems: 10, items: { type: 'integer', minimum: 1 } },
  },
};

// ------------------------------------------------------------ the service
const notFound = (reply) =>
  reply.code(404).send({ type: 'about:blank', title: 'Không tìm thấy bài viết', status: 404 });
const app = fastify({ logger: false, keepAliveTimeout: 60000 });

app.get('/healthz', async () => 'ok');

app.get(
  '/api/v1/articles/:ref',
  {
    schema: {
      params: { type: 'object', properties: { ref: text(1, 300) } },
      response: {
        200: {
          type: 'object',
          properties: { ...articleProps, body: { type: 'string' }, body_html: { type: 'string' } },
        },
        404: problem,
      },
    },
  },
  async (req, reply) => {
    // A reference of digits is an id, as article_store_get reads it.
    const ref = req.params.ref;
    const byId = /^[0-9]+$/.test(ref);
    if (byId && ref.length > 18) return notFound(reply);
    const res = await content.query(byId
      ? q('article_by_id', SQL.article_by_id, [ref])
      : q('article_by_slug', SQL.article_by_slug, [ref]));
    // An anonymous reader sees published articles only (article_rpc.c's can_see).
    if (res.rows.length === 0 || res.rows[0][7] !== 'published') return notFound(reply);
    return article(res.rows[0], true);
  },
);

app.get(
  '/api/v1/articles',
  {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          page: { type: 'integer', minimum: 1, default: 1 },
          per_page: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          q: text(0, 200),
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: { type: 'object', properties: articleProps } },
            page: { type: 'integer' },
            per_page: { type: 'integer' },
            total: { type: 'integer' },
          },
        },
      },
    },
  },
  async (req) => {
    const page = Math.min(req.query.page, 100000);
    const perPage = req.query.per_page;
    const search = req.query.q !== undefined && req.query.q.trim() !== '' ? req.query.q : null;
    // The public filters of article_rpc.c: status published, no other filter.
    const vals = ['published', 'false', null, null, null, null, null, null, search,
      String(perPage), String((page - 1) * perPage)];
    const res = await content.query(q('articles_list', SQL.articles_list, vals));
    const items = res.rows.map((r) => article(r, false));
    // The total: the page's own when it is the first and not full, else counted.
    let total = items.length;
    if (!(page === 1 && items.length < perPage)) {
      const c = await content.query(q('articles_count', SQL.articles_count, vals.slice(0, 9)));
      total = Number(c.rows[0][0]);
    }
    return { items, page, per_page: perPage, total };
  },
);

app.post(
  '/api/v1/feedback',
  {
    schema: {
      body: feedbackBody,
      response: {
        201: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            tracking_code: { type: 'string' },
            status: { type: 'string' },
            received_at: { type: 'string' },
            due_at: { type: 'string' },
          },
        },
      },
    },
  },
  async (req, reply) => {
    const b = req.body;
    const s = b.submitter;
    const now = Date.now();
    // feedback-svc takes the days from its working-day calendar; here the
    // calendar days pgbench's reference uses (feedback_insert.sql).
    const day = localDay(now);
    const received = (now / 1000).toFixed(6);
    const client = await feedback.connect();
    try {
      await client.query('BEGIN');
      let row = null;
      let code = '';
      // A taken code (one chance in a billion a day) draws again.
      for (let attempt = 0; attempt < 5 && !row; attempt++) {
        code = trackingCode(now);
        const res = await client.query(q('fb_insert', FB_SQL.fb_insert, [
          code, b.kind, b.title, b.content, s.name, s.address, s.phone, s.email,
          s.organization || '', s.phone.replace(/[^0-9]/g, ''), s.email,
          b.procedure_code || '', b.regulation_ref || '',
          '{' + (b.attachment_ids || []).join(',') + '}', 'web', null,
          received, day, day + 7, day + 21,
        ]));
        row = res.rows[0] || null;
      }
      if (!row) throw new Error('five tracking codes taken in a row');
      const id = Number(row[0]);
      await client.query(q('fb_history_add', FB_SQL.fb_history_add,
        [id, 'received', '', 'received', 0, null, '', '']));
      await client.query(q('outbox_add', FB_SQL.outbox_add, ['feedback.received', feedbackEvent({
        feedback_id: id, tracking_code: code, kind: b.kind, status: 'received',
        received_at: row[1], due_at: row[2], at: row[1], channel: 'web',
      })]));
      await client.query('COMMIT');
      reply.code(201).header('Location', '/api/v1/feedback/track/' + code);
      return { id, tracking_code: code, status: 'received', received_at: row[1], due_at: row[2] };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  },
);

app.setErrorHandler((err, req, reply) => {
  const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) console.error('peer:', req.method, req.url, err.message);
  const title = status === 500 ? 'Lỗi máy chủ' : err.message;
  reply.code(status).send({ type: 'about:blank', title, status });
});

async function stop() {
  await app.close();
  await Promise.all([content.end(), feedback.end()]);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// Listens once both pools reach the database, and says with which settings.
async function main() {
  const c = await content.query(
    "SELECT current_setting('search_path') AS sp, current_setting('plan_cache_mode') AS pcm");
  const f = await feedback.query("SELECT current_setting('search_path') AS sp");
  await app.listen({ port: PORT, host: HOST });
  console.error(`peer: listening on http://${HOST}:${PORT}, pg.Pool of ${POOL_MAX} per pool; ` +
    `content: search_path ${c.rows[0].sp}, plan_cache_mode ${c.rows[0].pcm}; ` +
    `feedback: search_path ${f.rows[0].sp}`);
}
main().catch((err) => {
  console.error('peer: cannot start:', err.message);
  process.exit(1);
});
