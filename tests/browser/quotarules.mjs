// Quota rules in the console (/admin/quy-dinh-chi-tieu.html), with the
// keyboard: a CCHC minimum above the total and a month already past are
// refused next to their fields, keeping what was typed; a rule from
// 01/2099 is added and shows in the history, as in the API. Another staff
// member reads the rules (from the quota page's link) without the form, and
// the API refuses their change. Settings: WB_REF_ADMIN, WB_REF_OTHER.
import { check, credentials, done, expect, expectClean, launch, newPage, open, signIn } from './lib.mjs';
import { api, expectFieldError, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);

await check('quota rules: the admin opens the page from the header; the rule in force and its history show', async () => {
    await signIn(page, user, pass);
    await viaHeader(page, 'Quy định chỉ tiêu', /\/admin\/quy-dinh-chi-tieu\.html/);
    await page.locator('#rules-table').waitFor({ state: 'visible' });
    const r = (await api(token, 'GET', '/api/v1/quota/rules')).body;
    expect((await page.locator('#rule-now').innerText()).includes(`${r.min_articles} tin, bài`), await page.locator('#rule-now').innerText());
    expect((await page.locator('#rules-table tbody tr').count()) === r.history.length, 'the history rows');
});

await check('quota rules: a CCHC minimum above the total and a past month are refused next to them; what was typed stays', async () => {
    await typeIn(page, page.getByLabel(/Số tin, bài tối thiểu mỗi tháng/), '3');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5');
    await page.getByLabel('Áp dụng từ tháng').fill('2020-01');
    await page.getByLabel(/Trong đó tin, bài CCHC/).press('Enter');
    await expectFieldError(page, 'min_cchc_articles', /không được lớn hơn/);
    await expectFieldError(page, 'effective_from', /tháng/);
    expect((await page.getByLabel(/Trong đó tin, bài CCHC/).inputValue()) === '5', 'the CCHC minimum typed was lost');
    expect((await page.getByLabel('Áp dụng từ tháng').inputValue()) === '2020-01', 'the month typed was lost');
});

await check('quota rules: fixed (7 and 2 from 01/2099), Enter saves; the history and the API have the row', async () => {
    await typeIn(page, page.getByLabel(/Số tin, bài tối thiểu mỗi tháng/), '7');
    await typeIn(page, page.getByLabel(/Trong đó tin, bài CCHC/), '2');
    await page.getByLabel('Áp dụng từ tháng').fill('2099-01');
    await page.getByLabel(/Trong đó tin, bài CCHC/).press('Enter');
    await page.getByText('Đã lưu quy định áp dụng từ tháng 01/2099').waitFor({ state: 'visible' });
    await page.locator('#rules-table tr[data-effective-from="2099-01"]').waitFor({ state: 'visible' });
    const row = (await api(token, 'GET', '/api/v1/quota/rules')).body.history.find((h) => h.effective_from === '2099-01');
    expect(row && row.min_articles === 7 && row.min_cchc_articles === 2, JSON.stringify(row));
});

await check('quota rules: another staff member reads them from the quota page, without the form; the API refuses a change', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await open(other, '/admin/chi-tieu.html');
    expect(!(await other.locator('nav[aria-label="Trang quản trị"]').getByRole('link', { name: 'Quy định chỉ tiêu', exact: true }).isVisible()), 'the admin link shows');
    await other.locator('#rules-link').click();
    await other.locator('#rules-table tr[data-effective-from="2099-01"]').waitFor({ state: 'visible' });
    expect(!(await other.locator('#rules-form').isVisible()), 'the form shows to a non-admin');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'PUT', '/api/v1/quota/rules', { min_articles: 1, min_cchc_articles: 0, effective_from: '2099-02' })).status === 403, 'the API lets a non-admin change the rules');
    expectClean([page, other]);
    await other.context().close();
});

await browser.close();
done();
