// CORS in a real browser (gateway/core/cors.h): a page served from the
// run's listed origin (CORS_ORIGIN: 127.0.0.2 on CORS_PORT, served here by
// node) reads a public list with its exposed ETag, logs in with a JSON body
// and calls the API with the bearer token (both preflighted), and reads a
// problem's body; a page of another origin (127.0.0.3, same port) is kept
// from reading anything by the browser itself.
// Settings: GW, CORS_PORT, WB_CORS_USER ("username:password").
import http from 'node:http';
import { check, credentials, done, expect, GW, launch } from './lib.mjs';

const PORT = Number(process.env.CORS_PORT);
const ALLOWED = `http://127.0.0.2:${PORT}`;
const OTHER = `http://127.0.0.3:${PORT}`;
const PAGE = '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Ứng dụng của đối tác</title><p>Gọi API của Sở</p></html>';

function serve(host) {
    const server = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(PAGE);
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(PORT, host, () => resolve(server));
    });
}

const servers = [await serve('127.0.0.2'), await serve('127.0.0.3')];
const browser = await launch();
// A context of its own: lib.mjs's adds X-Forwarded-For, which a
// cross-origin request would have to ask leave for.
const context = await browser.newContext({ locale: 'vi-VN' });
const page = await context.newPage();
await page.goto(`${ALLOWED}/`);

await check('cors: a page of the listed origin reads a public list, with the ETag and request id exposed', async () => {
    const r = await page.evaluate(async (gw) => {
        const res = await fetch(`${gw}/api/v1/topics`);
        const body = await res.json();
        return { status: res.status, etag: res.headers.get('ETag'), id: res.headers.get('X-Request-Id'), n: (body.items || []).length };
    }, GW);
    expect(r.status === 200 && !!r.etag && !!r.id && r.n > 0, JSON.stringify(r));
});

await check('cors: it logs in with a JSON body and calls with the bearer token (both preflighted)', async () => {
    const [user, pass] = credentials('WB_CORS_USER');
    const r = await page.evaluate(async ({ gw, user, pass }) => {
        const login = await fetch(`${gw}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ username: user, password: pass }),
        });
        const { token } = await login.json();
        const me = await fetch(`${gw}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
        const who = await me.json();
        return { login: login.status, me: me.status, username: who.username, cookie: document.cookie };
    }, { gw: GW, user, pass });
    expect(r.login === 200 && r.me === 200 && r.username === user && r.cookie === '', JSON.stringify(r));
});

await check('cors: a problem answered to the listed origin is readable (401 with its Vietnamese title)', async () => {
    const r = await page.evaluate(async (gw) => {
        const res = await fetch(`${gw}/api/v1/auth/me`);
        return { status: res.status, type: res.headers.get('Content-Type'), title: (await res.json()).title };
    }, GW);
    expect(r.status === 401 && /problem\+json/.test(r.type) && /[À-ỹ]/.test(r.title || ''), JSON.stringify(r));
});

await check('cors: a page of another origin reads nothing, neither a public list nor a login', async () => {
    const other = await context.newPage();
    await other.goto(`${OTHER}/`);
    const r = await other.evaluate(async (gw) => {
        const tryFetch = async (path, init) => {
            try {
                const res = await fetch(`${gw}${path}`, init);
                return `read ${res.status}`;
            } catch (e) {
                return e.name;
            }
        };
        return [await tryFetch('/api/v1/topics'),
            await tryFetch('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })];
    }, GW);
    expect(r[0] === 'TypeError' && r[1] === 'TypeError', JSON.stringify(r));
});

await browser.close();
for (const s of servers) s.close();
done();
