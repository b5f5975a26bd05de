// WCAG 2.1 AA, audited by axe-core (npm, pinned in package.json) on every
// page of web/: each public page (web/*.html) with the test stack's real
// data (the article, the procedure searched, a tracking code with its
// published answer, an answer at its own address, the feedback form with
// its errors shown), and each console page (web/admin/*.html) signed in
// with a role that may see it; all of them again in dark mode
// (prefers-color-scheme: dark), and a few on a phone's screen. A page is
// one assertion, failed with each violation: the rule, the element, the
// page. Pages are found by listing web/, so a new page is audited without
// changing this file.
//   WB_SLUG, WB_CODE, WB_PROC_QUERY   the data test_web.sh prepared
//   WB_EDITOR, WB_REVIEWER, WB_INSPECTOR, WB_REF_ADMIN   "user:password"
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { check, credentials, done, expect, launch, newPage, open, signIn } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WEB = new URL('../../web/', import.meta.url);

// Runs axe on the page as it is. The script goes in through the DevTools
// protocol (page.evaluate), which the pages' Content-Security-Policy does
// not govern: the pages stay exactly as served.
export async function axeViolations(page) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
    const res = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        TAGS,
    );
    return res.violations.flatMap((v) =>
        v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${(n.failureSummary || v.help).split('\n').slice(-1)[0]}`),
    );
}

async function audit(page, name, path, prepare) {
    await check(`a11y: ${name} (${path}) has no WCAG 2.1 AA violation`, async () => {
        const resp = await open(page, path);
        expect(resp && resp.status() < 500, `status ${resp && resp.status()}`);
        await settle(page);
        if (prepare) await prepare(page);
        const v = await axeViolations(page);
        expect(!v.length, `${v.length} on ${path}: ${v.join(' | ')}`);
    });
}

// Pages fill themselves from the API: wait until no region is busy.
async function settle(page) {
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 15000 }).catch(() => {});
    await page.waitForLoadState('networkidle');
}

const pages = (dir) =>
    readdirSync(new URL(dir, WEB))
        .filter((f) => f.endsWith('.html'))
        .sort();

const browser = await launch();
const page = await newPage(browser);
const slug = process.env.WB_SLUG || '';
const code = process.env.WB_CODE || '';

// The audit itself: a page spoiled on purpose (no lang, an image without a
// text alternative, grey text on white) shows those three rules.
await check('a11y: the audit finds violations planted in a page (lang, image-alt, color-contrast)', async () => {
    await open(page, '/');
    await page.evaluate(() => {
        document.documentElement.removeAttribute('lang');
        const img = document.createElement('img');
        img.src = '/favicon.svg';
        const p = document.createElement('p');
        p.textContent = 'Chữ quá nhạt';
        p.style.color = '#c8c8c8';
        document.querySelector('main').append(img, p);
    });
    const rules = new Set((await axeViolations(page)).map((v) => v.split(' ')[0]));
    for (const r of ['html-has-lang', 'image-alt', 'color-contrast']) expect(rules.has(r), `${r} not found: ${[...rules].join(' ')}`);
});

// ---- the public site: every web/*.html, some in several states.
const publicStates = {
    'index.html': [['home page', '/']],
    'bai-viet.html': [['an article', `/bai-viet.html?slug=${encodeURIComponent(slug)}`]],
    'tim-kiem.html': [
        ['search results', `/tim-kiem.html?q=${encodeURIComponent('cai cach')}`],
        ['a search without result', '/tim-kiem.html?q=khongcoketquanao'],
        ['the results of one kind', `/tim-kiem.html?q=${encodeURIComponent('cai cach')}&loai=bai-viet`],
        ['a query too short', '/tim-kiem.html?q=a'],
        ['the search form alone', '/tim-kiem.html'],
    ],
    'thu-tuc.html': [['the procedures found', `/thu-tuc.html?q=${encodeURIComponent(process.env.WB_PROC_QUERY || '')}`]],
    'tra-cuu.html': [
        ['tracking form', '/tra-cuu.html'],
        ['a tracked item with its answer', `/tra-cuu.html?code=${encodeURIComponent(code)}`],
    ],
    'hoi-dap.html': [['published answers', '/hoi-dap.html']],
    '404.html': [['the 404 page', '/khong-co-trang-nay.html']],
};
const formErrors = async (p) => {
    await p.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await p.locator('#form-alert').waitFor({ state: 'visible' });
};
const oneAnswer = async (p) => {
    const link = p.locator('main a[href*="hoi-dap.html?id="]').first();
    expect(await link.count(), 'no published answer listed');
    await link.click();
    await p.waitForURL(/\?id=/);
    await settle(p);
};

// ---- the console: every web/admin/*.html, signed in with a role that may see it.
const roleOf = {
    'bai-viet.html': 'WB_EDITOR',
    'duyet-bai.html': 'WB_REVIEWER',
    'phan-anh.html': 'WB_INSPECTOR',
    'tiep-nhan.html': 'WB_INSPECTOR',
    'ke-hoach.html': 'WB_INSPECTOR',
};
const staff = {};
async function as(role) {
    if (!staff[role]) {
        staff[role] = await newPage(browser);
        const [user, pass] = credentials(role);
        await signIn(staff[role], user, pass);
    }
    return staff[role];
}
const oneItem = async (p) => {
    const link = p.locator('main a[href^="?id="]').first();
    expect(await link.count(), 'no item in the inbox');
    await link.click();
    await p.waitForURL(/\?id=/);
    await settle(p);
};
const bellOpen = async (p) => {
    await p.locator('#bell').click();
    await p.locator('#bell-panel').waitFor({ state: 'visible' });
    await settle(p);
};

// Everything twice: light, then dark (prefers-color-scheme: dark), where
// every colour pair is new. The scheme is set before each page loads.
for (const scheme of ['light', 'dark']) {
    const tag = scheme === 'dark' ? 'dark mode: ' : '';
    await page.emulateMedia({ colorScheme: scheme });
    for (const f of pages('.')) {
        for (const [name, path] of publicStates[f] || [[f, `/${f}`]]) await audit(page, `${tag}${name}`, path);
    }
    // Pages the gateway renders (/tin-tuc/...: the article's topics and unit)
    // are no files of web/: those the article links to are audited too.
    await open(page, `/bai-viet.html?slug=${encodeURIComponent(slug)}`);
    await settle(page);
    const rendered = [...new Set(await page.locator('main a[href^="/tin-tuc/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))];
    if (!rendered.length) console.log('# a11y: the article links to no /tin-tuc/ page');
    for (const path of rendered.slice(0, 3)) await audit(page, `${tag}a page the article links to`, path);
    await audit(page, `${tag}the feedback form with its errors shown`, '/phan-anh.html', formErrors);
    await audit(page, `${tag}one published answer`, '/hoi-dap.html', oneAnswer);
    await audit(page, `${tag}the console login`, '/admin/');
    for (const role of new Set([...Object.values(roleOf), 'WB_REF_ADMIN'])) await (await as(role)).emulateMedia({ colorScheme: scheme });
    for (const f of pages('admin')) {
        const role = roleOf[f] || 'WB_REF_ADMIN';
        await audit(await as(role), `${tag}console ${f} as ${role.slice(3).toLowerCase()}`, `/admin/${f === 'index.html' ? '' : f}`);
    }
    await audit(await as('WB_INSPECTOR'), `${tag}console: one feedback item with its steps`, '/admin/phan-anh.html', oneItem);
    await audit(await as('WB_INSPECTOR'), `${tag}console: the header's bell opened`, '/admin/thong-bao.html', bellOpen);
}

// ---- a phone's screen (the header wraps, tables become blocks).
const phone = await newPage(browser, { mobile: true });
for (const [name, path] of [
    ['home page', '/'],
    ['a tracked item', `/tra-cuu.html?code=${encodeURIComponent(code)}`],
    ['published answers', '/hoi-dap.html'],
]) {
    await audit(phone, `phone: ${name}`, path);
}

await browser.close();
done();
