// Public notices in the console (/admin/thong-bao-cong-khai.html), with the
// keyboard: a notice without a title is refused next to the field, keeping
// its body; the Markdown body's preview is rendered by the service (a script
// never runs or shows); a notice is added, then edited (kind, hidden).
// Checked through the API, and the public no longer sees the hidden notice.
// A non-admin sees no link, is refused by the page and the API. Settings:
// WB_REF_ADMIN, WB_REF_OTHER, WB_RUN.
import { check, credentials, done, expect, expectClean, launch, newPage, signIn } from './lib.mjs';
import { api, expectAdminOnly, expectFieldError, focusedId, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const RUN = process.env.WB_RUN || 'x';
const TITLE = `Lịch tiếp công dân tháng này ${RUN}`;
const BODY = `## Giờ tiếp dân\n\n**Thứ Hai** và *thứ Năm*, từ 8 giờ đến 11 giờ.\n\n- Phòng 101\n- Số 1 Lý Thái Tổ\n\n<script>window.pwned = 1</script>`;
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);
let id = 0;
const row = () => page.locator(`#notices tr[data-notice-id="${id}"]`);

await check('notices: the admin opens the page from the header', async () => {
    await signIn(page, user, pass);
    await viaHeader(page, 'Thông báo công khai', /\/admin\/thong-bao-cong-khai\.html/);
    await page.locator('#list').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('#list').hasAttribute('aria-busy'));
});

await check('notices: without a title it is refused next to the field, in Vietnamese; the body typed stays', async () => {
    await page.getByLabel('Loại thông báo').selectOption('hotline');
    await page.getByLabel('Loại thông báo').focus();
    await page.keyboard.press('Tab');
    expect((await focusedId(page)) === 'title', `focus order: ${await focusedId(page)}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type(BODY);
    await page.locator('#title').press('Enter');
    await expectFieldError(page, 'title', /Tiêu đề/);
    expect((await page.locator('#body').inputValue()) === BODY, 'the body typed was lost');
    expect((await page.getByLabel('Loại thông báo').inputValue()) === 'hotline', 'the kind chosen was lost');
});

await check('notices: the preview is the service’s rendering (headings, emphasis, list), never the script', async () => {
    await page.locator('#body').focus();
    await page.keyboard.press('Tab'); // the active box
    await page.keyboard.press('Tab'); // submit
    await page.keyboard.press('Tab'); // preview
    expect((await focusedId(page)) === 'preview-button', `focus order: ${await focusedId(page)}`);
    await page.keyboard.press('Enter');
    await page.locator('#preview-body h2').waitFor({ state: 'visible' });
    expect((await focusedId(page)) === 'h-preview', 'the focus did not go to the preview');
    expect((await page.locator('#preview-body h2').innerText()) === 'Giờ tiếp dân', 'heading');
    expect((await page.locator('#preview-body strong').innerText()) === 'Thứ Hai', 'strong');
    expect((await page.locator('#preview-body li').count()) === 2, 'list');
    expect(!(await page.locator('#preview-body script').count()) && !(await page.evaluate(() => window.pwned)), 'the script came through');
    expect(!/pwned/.test(await page.locator('#preview-body').innerText()), 'the script shows as text');
});

await check('notices: with a title, Enter adds it; the API has kind, body and state as typed', async () => {
    await typeIn(page, page.locator('#title'), TITLE);
    await page.keyboard.press('Enter');
    await page.getByText(`Đã thêm thông báo “${TITLE}”.`).waitFor({ state: 'visible' });
    const r = await api(token, 'GET', `/api/v1/notices?q=${encodeURIComponent(TITLE)}`);
    const n = (r.body.items || []).find((x) => x.title === TITLE);
    expect(n && n.kind === 'hotline' && n.is_active && n.body === BODY && /<h2>Giờ tiếp dân<\/h2>/.test(n.body_html), JSON.stringify(n));
    id = n.id;
    await row().waitFor({ state: 'visible' });
    expect((await page.locator('#title').inputValue()) === '', 'the form was not emptied');
});

await check('notices: edited with the keyboard (kind, hidden); the focus returns to the row; the public no longer sees it', async () => {
    await row().getByRole('button', { name: `Sửa thông báo ${TITLE}` }).press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'title');
    expect((await page.locator('#body').inputValue()) === BODY, 'the body was not loaded');
    await page.getByLabel('Loại thông báo').selectOption('other');
    await page.getByLabel('Hiện trên Cổng').focus();
    await page.keyboard.press('Space');
    await page.locator('#title').press('Enter');
    await page.getByText(`Đã lưu thông báo “${TITLE}”.`).waitFor({ state: 'visible' });
    expect((await page.evaluate(() => (document.activeElement.closest('tr') || { dataset: {} }).dataset.noticeId)) === String(id), 'focus');
    expect((await row().locator('td.state').innerText()) === 'Tạm ẩn', 'the row state');
    const n = (await api(token, 'GET', `/api/v1/notices/${id}`)).body;
    expect(n.kind === 'other' && n.is_active === false, JSON.stringify(n));
    expect((await api(null, 'GET', `/api/v1/notices/${id}`)).status === 404, 'the public still sees the hidden notice');
});

await check('notices: a non-admin sees no link, is refused by the page, and the API refuses the preview', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await expectAdminOnly(other, '/admin/thong-bao-cong-khai.html', 'Thông báo công khai');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'POST', '/api/v1/notices/preview', { body: 'x' })).status === 403, 'the API previews for a non-admin');
    await other.context().close();
    expectClean([page]);
});

await browser.close();
done();
