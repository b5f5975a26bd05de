// The quota dashboard (/admin/chi-tieu.html) shows the article admin.mjs
// had written and published in the browser: test_web.sh recorded the
// unit's count for this month (through the API) before admin.mjs ran; here
// a staff member signs in and finds one more, in the month's table and in
// the year chart's current month (quota-svc counts from events, so the page
// is reloaded until it shows, within a bounded wait). Also: the counts of
// units met / not yet met / missed agree with the table, statuses carry a
// word and a symbol, the month picker, the API's 422 shown next to the year,
// the CSV download, a phone-sized screen.
// Settings: WB_REVIEWER ("username:password"), WB_UNIT, WB_QUOTA_BEFORE.
import { readFileSync } from 'node:fs';
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [user, pass] = credentials('WB_REVIEWER');
const UNIT = process.env.WB_UNIT;
const BEFORE = Number(process.env.WB_QUOTA_BEFORE);
const browser = await launch();

function thisMonth() {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' })
        .formatToParts(new Date());
    return `${parts.find((p) => p.type === 'year').value}-${parts.find((p) => p.type === 'month').value}`;
}
const MONTH = thisMonth();
const YEAR = MONTH.slice(0, 4);

const login = (page) => signIn(page, user, pass);

async function loaded(page) {
    await page.waitForFunction(() => ['#month-report', '#year-report', '#summary']
        .every((s) => !document.querySelector(s).hasAttribute('aria-busy')));
}

const row = (page) => page.locator(`#month-table tr[data-unit-id="${UNIT}"]`);

const pg = await newPage(browser);
await check('quota: a staff member opens the dashboard from the console menu', async () => {
    expect(UNIT && Number.isFinite(BEFORE), `WB_UNIT [${UNIT}] WB_QUOTA_BEFORE [${process.env.WB_QUOTA_BEFORE}]`);
    await login(pg);
    await pg.getByRole('link', { name: /Chỉ tiêu tin bài/ }).first().click();
    await pg.waitForURL(/\/admin\/chi-tieu\.html/);
    await loaded(pg);
});

let shown = NaN;
await check('quota: this month\'s table shows the unit with the article published in the browser (one more)', async () => {
    const deadline = Date.now() + 30000;
    for (;;) {
        shown = Number(await row(pg).locator('td.articles').getAttribute('data-value'));
        if (shown === BEFORE + 1 || Date.now() > deadline) break;
        await pg.waitForTimeout(1000);
        await pg.reload({ waitUntil: 'networkidle' });
        await loaded(pg);
    }
    expect(shown === BEFORE + 1, `the unit shows ${shown} articles, expected ${BEFORE} + 1`);
    const text = await row(pg).locator('td.articles').innerText();
    expect(text.startsWith(`${BEFORE + 1} / `), `cell text [${text}]`);
    await shot(pg, '30-quan-tri-chi-tieu');
});

await check('quota: the counts of units met / not yet met / missed agree with the table, in words and symbols', async () => {
    const statuses = await pg.locator('#month-table td.status').evaluateAll((tds) => tds.map((t) => [t.dataset.status, t.innerText]));
    expect(statuses.length > 0, 'no rows');
    const words = { met: 'Đạt', pending: 'Chưa đạt', missed: 'Không đạt' };
    for (const [st, text] of statuses) {
        expect(words[st] && text.includes(words[st]), `status ${st} shown as [${text}]`);
    }
    for (const st of ['met', 'pending', 'missed']) {
        const n = Number(await pg.locator(`#count-${st} .q-count-n`).innerText());
        const want = statuses.filter(([x]) => x === st).length;
        expect(n === want, `#count-${st} says ${n}, the table has ${want}`);
    }
    const all = await pg.locator('main').innerText();
    expect(!/\bnull\b|undefined|NaN|\[object/.test(all), 'a missing value is shown as text');
    const caption = await pg.locator('#month-table caption').innerText();
    expect(caption.includes(`${MONTH.slice(5)}/${YEAR}`), caption);
    // At risk rows say so in words (from the 20th of a month not yet met).
    for (const r of await pg.locator('#month-table tr.at-risk').all()) {
        expect((await r.innerText()).includes('Có nguy cơ không đạt'), 'an at-risk row without its words');
    }
});

await check('quota: the year chart\'s current month shows the same count for the unit', async () => {
    const c = pg.locator(`#year-table tr[data-unit-id="${UNIT}"] td[data-month="${MONTH}"]`);
    const n = Number(await c.locator('.q-n').innerText());
    expect(n === shown, `the year cell shows ${n}, the month table ${shown}`);
    expect((await c.getAttribute('title')).includes(`${MONTH.slice(5)}/${YEAR}`), await c.getAttribute('title'));
    const heads = await pg.locator('#year-table thead th').count();
    expect(heads === 14, `${heads} column headers (unit, 12 months, months met)`);
});

await check('quota: every cell of the year chart has text (a symbol and the numbers), not colour alone', async () => {
    const cells = await pg.locator('#year-table td.q-cell').evaluateAll((tds) => tds.map((t) => [t.dataset.status, t.textContent.trim()]));
    expect(cells.length >= 12, `${cells.length} cells`);
    const bad = cells.filter(([st, text]) => !/^[✓…✗–⚠]/.test(text) || !/\d/.test(text) || !st);
    expect(!bad.length, JSON.stringify(bad.slice(0, 3)));
    const future = cells.filter(([st]) => st === 'not_due').length;
    expect(future === (12 - Number(MONTH.slice(5))) * (cells.length / 12), `${future} cells not yet due`);
    const words = await pg.locator('#year-table td.q-not_due .visually-hidden').first().textContent().catch(() => '');
    expect(future === 0 || words.startsWith('Chưa đến hạn'), `a month to come reads "${words}"`);
});

await check('quota: the year\'s CSV is downloaded with the token (chi-tieu-YYYY.csv)', async () => {
    const [dl] = await Promise.all([pg.waitForEvent('download'), pg.getByRole('button', { name: 'Tải CSV' }).click()]);
    expect(dl.suggestedFilename() === `chi-tieu-${YEAR}.csv`, dl.suggestedFilename());
    const text = readFileSync(await dl.path(), 'utf8');
    expect(text.includes('Mã đơn vị') && text.includes(`T${MONTH.slice(5)}/${YEAR}`), text.slice(0, 200));
    const unitName = await row(pg).locator('th').innerText();
    expect(text.includes(unitName), `no line for ${unitName}`);
});

await check('quota: the year summary has a row per unit and the department\'s total', async () => {
    const rows = await pg.locator('#summary-table tbody tr').count();
    const units = await pg.locator('#month-table tbody tr').count();
    expect(rows === units, `${rows} summary rows, ${units} units`);
    expect((await pg.locator('#summary-table tfoot').innerText()).includes('Toàn Sở'), 'no total');
});

await check('quota: another month is picked (the caption and the address follow)', async () => {
    await pg.getByLabel('Tháng', { exact: true }).fill(`${YEAR - 1}-03`);
    await pg.getByRole('button', { name: 'Xem tháng' }).click();
    await pg.locator('#month-table caption', { hasText: `03/${YEAR - 1}` }).waitFor({ state: 'visible' });
    expect(pg.url().includes(`thang=${YEAR - 1}-03`), pg.url());
});

await check('quota: a year before 2000 gets the API\'s Vietnamese message next to the field', async () => {
    await pg.getByLabel('Năm', { exact: true }).fill('1999');
    await pg.getByRole('button', { name: 'Xem năm' }).click();
    await pg.locator('#year-error').waitFor({ state: 'visible' });
    const msg = await pg.locator('#year-error').innerText();
    expect(msg.includes('từ năm 2000'), msg);
    expect((await pg.getByLabel('Năm', { exact: true }).getAttribute('aria-invalid')) === 'true', 'not marked invalid');
    expect((await pg.locator('#year-alert').innerText()).includes('Năm không hợp lệ'), await pg.locator('#year-alert').innerText());
});

const phone = await newPage(browser, { mobile: true });
await check('quota: on a phone the page does not scroll sideways; the year chart scrolls in its own box', async () => {
    // The session lives in sessionStorage: sign in within this context.
    await login(phone);
    await open(phone, '/admin/chi-tieu.html');
    await loaded(phone);
    const { page, box, inner } = await phone.evaluate(() => ({
        page: document.documentElement.scrollWidth - Math.min(window.innerWidth, document.documentElement.clientWidth),
        box: document.querySelector('#year-report .table-scroll').clientWidth,
        inner: document.querySelector('#year-table').scrollWidth,
    }));
    expect(page <= 0, `the page is ${page}px wider than the screen`);
    expect(inner > box, `the chart (${inner}px) fits its box (${box}px)?`);
    await shot(phone, '31-quan-tri-chi-tieu-dien-thoai');
});

await check('quota: no request left the gateway, no script error', async () => {
    expectClean([pg, phone]);
});

await browser.close();
done();
