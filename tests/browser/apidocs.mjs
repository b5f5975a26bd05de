// /api/docs in a real browser (gateway/ops/apidocs.c, decision 0043):
// Swagger UI, served by the gateway from the web portal's files, reads
// /api/v1/openapi.json and lists every operation by tag; an operation opens
// on its responses and schemas; nothing is fetched from anywhere else, and
// the page's own Content-Security-Policy lets it run without a single
// console error (a refused style or script would be one).
// Settings: GW, SHOTS; OA_OPERATIONS, the number of operations the document has.
import { check, done, expect, expectClean, launch, newPage, open, shot } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
const resp = await open(page, '/api/docs');

await check('api docs: the page is served with its own Content-Security-Policy', async () => {
    const csp = resp.headers()['content-security-policy'] || '';
    expect(resp.status() === 200, `status ${resp.status()}`);
    expect(/script-src 'self'(;|$)/.test(csp) && !/unsafe-eval/.test(csp) && /frame-ancestors 'none'/.test(csp), csp);
});

await check('api docs: Swagger UI lists the operations by tag, e.g. "POST /api/v1/feedback"', async () => {
    await page.locator('.opblock').first().waitFor({ state: 'visible' });
    const post = page.locator('.opblock-post').filter({ has: page.locator('[data-path="/api/v1/feedback"]') });
    expect(await post.count() === 1, `${await post.count()} blocks for POST /api/v1/feedback`);
    const text = await post.locator('.opblock-summary').innerText();
    expect(/POST/.test(text) && text.includes('/api/v1/feedback'), text);
    const tags = await page.locator('.opblock-tag').allInnerTexts();
    for (const t of ['Auth', 'Content', 'Feedback', 'Quota', 'Media', 'Notifications', 'Open311', 'Operations'])
        expect(tags.some((x) => x.startsWith(t)), `no tag ${t} in ${tags.join(' | ')}`);
    const want = Number(process.env.OA_OPERATIONS || 0);
    const n = await page.locator('.opblock').count();
    expect(!want || n === want, `${n} operations shown, the document has ${want}`);
});

await check('api docs: an operation opens on its responses (POST /api/v1/users: 201, its schema)', async () => {
    const op = page.locator('.opblock-post').filter({ has: page.locator('[data-path="/api/v1/users"]') });
    await op.locator('.opblock-summary').click();
    const responses = op.locator('.responses-table');
    await responses.first().waitFor({ state: 'visible' });
    const codes = await op.locator('.responses-table .response-col_status').allInnerTexts();
    expect(codes.some((c) => c.trim().startsWith('201')), codes.join(','));
    expect(await op.locator('.model-example, .highlight-code').count() > 0, 'no example or schema shown');
});

await check('api docs: no third-party request, no console error', async () => {
    await page.waitForLoadState('networkidle');
    expectClean([page]);
});
await shot(page, 'api-docs');
await browser.close();
done();
