// Fast on a cheap phone (issue 21 item 4, decision 0042): the home page and
// an article, loaded fresh (the browser's cache disabled) on a throttled
// profile through Chromium's DevTools protocol: the CPU four times slower
// (Emulation.setCPUThrottlingRate) and a slow 3G network
// (Network.emulateNetworkConditions: 400 ms latency, 400 kbit/s each way,
// the figures of DevTools' and Lighthouse's "Slow 3G"). For each page it
// prints the Largest Contentful Paint (a PerformanceObserver,
// 'largest-contentful-paint', buffered) and the bytes on the wire before
// images (CDP's Network.loadingFinished encodedDataLength of every response
// that is not an image: headers and bodies, as transferred), and asserts
// LCP < 2500 ms, transfer < 100 KB, and that the page and its stylesheet
// came compressed (Content-Encoding).
//   WB_SLUG   the article test_web.sh published
import { check, done, expect, expectClean, launch, newPage, shot } from './lib.mjs';

const slug = process.env.WB_SLUG || '';
const LCP_BUDGET_MS = 2500;
const BYTES_BUDGET = 100 * 1024;
const SLOW_3G = {
    offline: false,
    latency: 400,
    downloadThroughput: (400 * 1000) / 8,
    uploadThroughput: (400 * 1000) / 8,
};

const browser = await launch();

// Loads `path` on the throttled profile in a fresh page; returns what the
// wire and the page said.
async function measure(path, name) {
    const page = await newPage(browser, { mobile: true });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const seen = new Map(); // requestId -> {url, type, encoding, bytes}
    cdp.on('Network.responseReceived', (e) => {
        const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
        seen.set(e.requestId, { url: e.response.url, type: e.type, encoding: h['content-encoding'] || '', bytes: 0 });
    });
    cdp.on('Network.loadingFinished', (e) => {
        const r = seen.get(e.requestId);
        if (r) r.bytes = e.encodedDataLength;
    });
    const started = Date.now();
    const resp = await page.goto(path, { waitUntil: 'load', timeout: 120000 });
    const loadMs = Date.now() - started;
    // LCP: the last candidate so far (no input yet, so it is final).
    const lcp = await page.evaluate(() => new Promise((resolve) => {
        new PerformanceObserver((list) => {
            const all = list.getEntries();
            const e = all[all.length - 1];
            resolve({ ms: e.startTime, tag: e.element ? e.element.tagName : '', text: e.element ? e.element.textContent.trim().slice(0, 60) : '', size: e.size });
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        setTimeout(() => resolve(null), 10000);
    }));
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await shot(page, `perf-${name}`);
    const all = [...seen.values()];
    const notImages = all.filter((r) => r.type !== 'Image' && r.type !== 'Media');
    const bytes = notImages.reduce((s, r) => s + r.bytes, 0);
    const doc = all.find((r) => r.type === 'Document');
    const css = all.find((r) => r.type === 'Stylesheet');
    const scripts = all.filter((r) => r.type === 'Script');
    console.log(`# perf ${path}: LCP ${lcp ? Math.round(lcp.ms) : '?'} ms (${lcp ? `<${lcp.tag.toLowerCase()}> "${lcp.text}"` : 'none'}), ` +
        `${(bytes / 1024).toFixed(1)} KB before images in ${notImages.length} responses ` +
        `(document ${doc ? `${(doc.bytes / 1024).toFixed(1)} KB ${doc.encoding || 'plain'}` : '?'}, ` +
        `stylesheet ${css ? `${(css.bytes / 1024).toFixed(1)} KB ${css.encoding || 'plain'}` : '?'}, ` +
        `${scripts.length} scripts ${(scripts.reduce((s, r) => s + r.bytes, 0) / 1024).toFixed(1)} KB), load ${loadMs} ms; ` +
        'CPU x4, 400 ms, 400 kbit/s, cache disabled');
    return { page, resp, lcp, bytes, doc, css, scripts };
}

const targets = [['home', '/', 'the home page'], ['article', `/tin-tuc/${encodeURIComponent(slug)}`, 'an article']];
const pages = [];
for (const [name, path, what] of targets) {
    let m = null;
    await check(`perf: ${what} (${path}) loads on the throttled profile`, async () => {
        m = await measure(path, name);
        pages.push(m.page);
        expect(m.resp && m.resp.status() === 200, `status ${m.resp && m.resp.status()}`);
        expect(await m.page.locator('main h1, main h2').first().isVisible(), 'no heading in <main>');
    });
    if (!m) continue;
    await check(`perf: ${what}: Largest Contentful Paint under ${LCP_BUDGET_MS} ms (CPU x4, slow 3G)`, async () => {
        expect(m.lcp, 'no largest-contentful-paint entry');
        expect(m.lcp.ms < LCP_BUDGET_MS, `LCP ${Math.round(m.lcp.ms)} ms`);
    });
    await check(`perf: ${what}: under 100 KB transferred before images`, async () => {
        expect(m.bytes > 0, 'nothing measured');
        expect(m.bytes < BYTES_BUDGET, `${m.bytes} bytes`);
    });
    await check(`perf: ${what}: the page and its stylesheet come compressed`, async () => {
        expect(m.doc && ['br', 'gzip'].includes(m.doc.encoding), `document: ${m.doc && (m.doc.encoding || 'plain')}`);
        expect(m.css && ['br', 'gzip'].includes(m.css.encoding), `stylesheet: ${m.css && (m.css.encoding || 'plain')}`);
        expect(/\?v=[0-9a-f]{16}$/.test(m.css.url), `stylesheet address ${m.css.url}`);
    });
}
await check('perf: no third-party request, no script error', async () => expectClean(pages));

await browser.close();
done();
