// The public finds an article an editor wrote and a reviewer published
// (test_web.sh does both through the API): by an unaccented search typed
// into the header's search box (reached with the keyboard), on the results
// page rendered by the gateway, grouped by kind (decision 0041), then
// opens it. WB_PROC_NAME and WB_NOTICE_TITLE (a procedure and a notice of
// the same run) are found in their groups. Settings: WB_TITLE (the article's title, with diacritics),
// WB_QUERY (the same words without diacritics), WB_SLUG, WB_BODY_TEXT (a
// sentence of its body), WB_CCHC (1 when it is about CCHC).
import { check, done, expect, launch, newPage, open, shot } from './lib.mjs';

const { WB_TITLE, WB_QUERY, WB_SLUG, WB_BODY_TEXT } = process.env;
const browser = await launch();
const page = await newPage(browser);

await check('home: the newly published article is among the newest', async () => {
    await open(page, '/');
    await page.waitForFunction(() => !document.querySelector('#newest').hasAttribute('aria-busy'));
    await page.locator('#newest').getByRole('link', { name: WB_TITLE }).waitFor({ state: 'visible' });
    if (process.env.WB_CCHC === '1') {
        await page.locator('#cchc').getByRole('link', { name: WB_TITLE }).waitFor({ state: 'visible' });
    }
    await shot(page, '10-trang-chu-bai-moi');
});

await check('search: the header\'s search box, reached with the keyboard, sends the unaccented query to the grouped results', async () => {
    await open(page, '/');
    // Tab from the top of the page until the header's box has the focus.
    let tabs = 0;
    while (tabs < 20 && !(await page.evaluate(() => document.activeElement && document.activeElement.id === 'site-q'))) {
        await page.keyboard.press('Tab');
        tabs++;
    }
    expect(tabs < 20, 'the header\'s search box is not reached with Tab');
    const inHeader = await page.evaluate(() => !!document.activeElement.closest('header form[role="search"]'));
    expect(inHeader, 'the focused box is not the header\'s search form');
    await page.keyboard.type(WB_QUERY);
    await page.keyboard.press('Enter');
    await page.waitForURL(/tim-kiem\.html\?q=/);
    const count = await page.locator('#result-count').innerText();
    expect(/^Tìm thấy [1-9]/.test(count), count);
    // One heading per kind, each with its count.
    for (const label of ['Bài viết', 'Thông báo công khai', 'Thủ tục hành chính', 'Trả lời phản ánh, kiến nghị']) {
        const h = page.getByRole('heading', { level: 2, name: new RegExp(`^${label} \\(\\d+\\)$`) });
        expect((await h.count()) === 1, `no heading "${label} (N)"`);
    }
    const articles = await page.getByRole('heading', { level: 2, name: /^Bài viết/ }).innerText();
    expect(/\([1-9]\d*\)$/.test(articles), `articles: ${articles}`);
    await page.locator('#bai-viet').getByRole('link', { name: WB_TITLE }).waitFor({ state: 'visible' });
    expect((await page.locator('#q').inputValue()) === WB_QUERY, 'the query is not shown back in the box');
    await shot(page, '11-tim-kiem');
});

await check('search: one word finds the article, the procedure and the notice, each under its kind\'s heading', async () => {
    const run = WB_TITLE.split(' ').pop();
    await open(page, `/tim-kiem.html?q=${encodeURIComponent(run)}`);
    await page.locator('#bai-viet').getByRole('link', { name: WB_TITLE }).waitFor({ state: 'visible' });
    await page.locator('#thu-tuc').getByRole('link', { name: process.env.WB_PROC_NAME }).waitFor({ state: 'visible' });
    await page.locator('#thong-bao').getByRole('link', { name: process.env.WB_NOTICE_TITLE }).waitFor({ state: 'visible' });
    const href = await page.locator('#thu-tuc').getByRole('link', { name: process.env.WB_PROC_NAME }).getAttribute('href');
    expect(/^\/thu-tuc\/[^/]+$/.test(href), `procedure link ${href}`);
    await shot(page, '11b-tim-kiem-nhom');
});

await check('search: with the keyboard from the query box, Tab reaches the results and Enter opens one', async () => {
    await open(page, `/tim-kiem.html?q=${encodeURIComponent(WB_QUERY)}`);
    await page.locator('#q').focus();
    let tabs = 0;
    while (tabs < 30 && (await page.evaluate(() => (document.activeElement.textContent || '').trim())) !== WB_TITLE) {
        await page.keyboard.press('Tab');
        tabs++;
    }
    expect(tabs < 30, 'the result is not reached with Tab');
    const visible = await page.evaluate(() => {
        const e = document.activeElement;
        const cs = getComputedStyle(e);
        return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    });
    expect(visible, 'the focused result has no visible focus style');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tin-tuc\//);
    await open(page, `/tim-kiem.html?q=${encodeURIComponent(WB_QUERY)}`);
});

await check('article: opening the result shows its title, body and date', async () => {
    await page.locator('#bai-viet').getByRole('link', { name: WB_TITLE }).click();
    await page.waitForURL(new RegExp(`/tin-tuc/${encodeURIComponent(WB_SLUG).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await page.getByRole('heading', { level: 1, name: WB_TITLE }).waitFor({ state: 'visible' });
    const body = await page.locator('.article-body').innerText();
    expect(body.includes(WB_BODY_TEXT), `body: ${body.slice(0, 200)}`);
    expect((await page.locator('.article-body strong').count()) > 0, 'the Markdown emphasis is not rendered');
    expect(!(await page.locator('.article-body script, .article-body [onerror], .article-body iframe').count()),
        'unsafe markup in the body');
    expect((await page.title()).startsWith(WB_TITLE), `title ${await page.title()}`);
    await shot(page, '12-bai-viet');
});

await check('list: from the home page\'s "all articles" link, /tin-tuc (rendered by the gateway), newest first', async () => {
    await open(page, '/');
    await page.getByRole('link', { name: 'Xem tất cả bài viết →' }).click();
    await page.waitForURL(/\/tin-tuc$/);
    const first = page.locator('#bai-viet article.card h2 a').first();
    expect((await first.innerText()).trim() === WB_TITLE, `first: ${await first.innerText()}`);
});

await check('search: a word nobody wrote finds nothing, said in Vietnamese', async () => {
    await open(page, '/tim-kiem.html?q=zzkhongcotuaynao');
    expect((await page.locator('#result-count').innerText()).startsWith('Không tìm thấy'), 'no "Không tìm thấy"');
});

await check('article: an old address of an unknown slug ends on the 404 page, in Vietnamese', async () => {
    await open(page, '/bai-viet.html?slug=khong-co-bai-nay-zz');
    expect(page.url().endsWith('/tin-tuc/khong-co-bai-nay-zz'), page.url());
    const alert = page.locator('#article .alert');
    await alert.waitFor({ state: 'visible' });
    expect((await alert.innerText()).includes('Không tìm thấy bài viết'), await alert.innerText());
});

await check('search: no third-party request, no script error', async () => {
    expect(!page.thirdParty.length, page.thirdParty.join(' '));
    expect(!page.consoleErrors.length, page.consoleErrors.join(' | '));
});

await browser.close();
done();
