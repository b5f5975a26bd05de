// The public finds an article an editor wrote and a reviewer published
// (test_web.sh does both through the API): by an unaccented search, then
// opens it. Settings: WB_TITLE (the article's title, with diacritics),
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

await check('search: the unaccented query typed into the search box finds the article', async () => {
    await open(page, '/tim-kiem.html');
    await page.getByLabel(/^Từ khoá/).fill(WB_QUERY);
    await page.getByLabel(/^Từ khoá/).press('Enter');
    await page.waitForURL(/tim-kiem\.html\?q=/);
    await page.waitForFunction(() => !document.querySelector('#results').hasAttribute('aria-busy'));
    const count = await page.locator('#result-count').innerText();
    expect(/Tìm thấy [1-9]/.test(count), count);
    await page.locator('#results').getByRole('link', { name: WB_TITLE }).waitFor({ state: 'visible' });
    await shot(page, '11-tim-kiem');
});

await check('article: opening the result shows its title, body and date', async () => {
    await page.locator('#results').getByRole('link', { name: WB_TITLE }).click();
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
    await page.waitForFunction(() => !document.querySelector('#results').hasAttribute('aria-busy'));
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
