// The published answers on the portal (/hoi-dap.html): reached from the
// site's navigation, searched without diacritics, each at its own address
// (?id=N) with the content and the answer, and never the submitter's
// details; an unknown id says so. Settings: WB_ANS_TITLE, WB_ANS_QUERY (its
// words without diacritics), WB_ANS_TEXT (the answer), WB_ANS_PRIVATE (a
// personal detail of the submitter that must not appear).
import { check, expect, expectClean, launch, newPage, open, shot } from './lib.mjs';

const TITLE = process.env.WB_ANS_TITLE;
const QUERY = process.env.WB_ANS_QUERY;
const ANSWER = process.env.WB_ANS_TEXT;
const PRIVATE = (process.env.WB_ANS_PRIVATE || '').split('|').filter(Boolean);
const browser = await launch();
const page = await newPage(browser);
let address = '';

await check('answers: the site navigation leads to "Trả lời phản ánh, kiến nghị"', async () => {
    await open(page, '/');
    await page.getByRole('navigation', { name: 'Trang chính' }).getByRole('link', { name: 'Trả lời phản ánh, kiến nghị' }).click();
    await page.waitForURL(/\/hoi-dap\.html/);
    await page.waitForFunction(() => !document.querySelector('#answers').hasAttribute('aria-busy'));
});

await check('answers: an unaccented search finds the answer, with the keyboard', async () => {
    await page.getByLabel('Tìm câu trả lời').focus();
    await page.keyboard.type(QUERY);
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => !document.querySelector('#answers').hasAttribute('aria-busy'));
    const link = page.locator('#answer-list').getByRole('link', { name: TITLE });
    await link.waitFor();
    address = await link.getAttribute('href');
    expect(/^\/hoi-dap\.html\?id=\d+$/.test(address), address);
    await shot(page, '40-hoi-dap-tim');
});

await check('answers: each answer has its own address, with the content and the answer, no personal detail', async () => {
    await open(page, address);
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    const text = await page.locator('#answer-text').innerText();
    expect(text.trim() === ANSWER, text);
    const body = await page.locator('main').innerText();
    for (const p of PRIVATE) expect(!body.includes(p), `the page shows ${p}`);
    expect(!/PAKN\./.test(body), 'the page shows a tracking code');
    await shot(page, '41-hoi-dap-mot');
});

await check('answers: an unknown id says so in Vietnamese', async () => {
    await open(page, '/hoi-dap.html?id=999999999');
    await page.getByText('Không tìm thấy câu trả lời đã công khai').waitFor();
    expectClean([page]);
});

await browser.close();
