// The staff console: an editor signs in, writes an article (first without
// a title: the API's message next to the field), sends it for review; a
// reviewer signs in, sees it in the queue and publishes it; the public then
// finds it by an unaccented search. Settings: WB_EDITOR, WB_REVIEWER
// ("username:password"), WB_UI_TITLE, WB_UI_QUERY.
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [edUser, edPass] = credentials('WB_EDITOR');
const [rvUser, rvPass] = credentials('WB_REVIEWER');
const TITLE = process.env.WB_UI_TITLE;
const browser = await launch();

const login = signIn;

const ed = await newPage(browser);
await check('console: a wrong password is refused in Vietnamese', async () => {
    await open(ed, '/admin/');
    await ed.getByLabel('Tên đăng nhập').fill(edUser);
    await ed.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await ed.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = ed.locator('#form-alert .alert');
    await alert.waitFor({ state: 'visible' });
    expect((await alert.innerText()).includes('Sai tên đăng nhập hoặc mật khẩu'), await alert.innerText());
});

await check('console: a page of the console without a session leads to the login page', async () => {
    await open(ed, '/admin/bai-viet.html');
    await ed.waitForURL(/\/admin\/\?next=/);
});

await check('console: the editor signs in and sees the editor\'s page', async () => {
    await login(ed, edUser, edPass);
    await ed.getByRole('link', { name: /Bài viết của đơn vị/ }).click();
    await ed.waitForURL(/\/admin\/bai-viet\.html/);
    await ed.waitForFunction(() => !document.querySelector('#articles').hasAttribute('aria-busy'));
    expect((await ed.locator('#who').innerText()).includes('Biên tập viên'), await ed.locator('#who').innerText());
});

await check('console: a draft without a title shows the API\'s message next to the title', async () => {
    await ed.getByLabel('Tóm tắt').fill('Tóm tắt thử');
    await ed.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await ed.locator('#title-error').waitFor({ state: 'visible' });
    expect((await ed.getByLabel('Tiêu đề', { exact: true }).getAttribute('aria-invalid')) === 'true', 'title not marked');
});

await check('console: the editor writes a CCHC draft, edits it, and sends it for review', async () => {
    await ed.getByLabel('Tiêu đề', { exact: true }).fill(TITLE);
    await ed.getByLabel('Tóm tắt').fill('Một cửa liên thông giúp doanh nghiệp tiết kiệm thời gian.');
    await ed.getByLabel(/^Nội dung/).fill('## Kết quả\n\nBộ phận **một cửa** đã tiếp nhận hồ sơ trực tuyến.\n\n- Nhanh hơn\n- Minh bạch hơn');
    const cchc = ed.locator('#topics label', { hasText: '(CCHC)' }).first();
    if (await cchc.count()) await cchc.locator('input').check();
    await ed.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await ed.locator('#status .success').waitFor({ state: 'visible' });
    // Edit the draft once (PATCH with If-Match: its version).
    await ed.getByRole('button', { name: `Sửa: ${TITLE}` }).click();
    await ed.locator('#cancel-edit').waitFor({ state: 'visible' });
    expect((await ed.getByLabel('Tiêu đề', { exact: true }).inputValue()) === TITLE, 'the draft is not in the form');
    await ed.getByLabel('Tóm tắt').fill('Một cửa liên thông giúp người dân, doanh nghiệp tiết kiệm thời gian.');
    await ed.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await ed.locator('#status .success', { hasText: 'Đã lưu bản nháp' }).waitFor({ state: 'visible' });
    await ed.locator('#cancel-edit').waitFor({ state: 'hidden' });
    await ed.getByRole('button', { name: `Gửi duyệt: ${TITLE}` }).click();
    await ed.locator('#status .success', { hasText: 'Đã gửi duyệt' }).waitFor({ state: 'visible' });
    await ed.locator('tr', { hasText: TITLE }).locator('td', { hasText: 'Chờ duyệt' }).waitFor({ state: 'visible' });
    await shot(ed, '20-quan-tri-bien-tap');
});

await check('console: the editor cannot open the reviewer\'s page', async () => {
    await open(ed, '/admin/duyet-bai.html');
    await ed.getByRole('heading', { name: 'Không có quyền' }).waitFor({ state: 'visible' });
});

const rv = await newPage(browser);
await check('console: the reviewer finds it in the queue and publishes it', async () => {
    await login(rv, rvUser, rvPass);
    await rv.getByRole('link', { name: /Duyệt bài/ }).first().click();
    await rv.waitForURL(/\/admin\/duyet-bai\.html/);
    const card = rv.locator('article.card', { hasText: TITLE });
    await card.waitFor({ state: 'visible' });
    await card.locator('.article-body strong').waitFor({ state: 'visible' });
    await shot(rv, '21-quan-tri-duyet-bai');
    await rv.getByRole('button', { name: `Xuất bản: ${TITLE}` }).click();
    await rv.locator('#status .success', { hasText: 'Đã xuất bản' }).waitFor({ state: 'visible' });
    // The page says so, then reloads the queue: the card goes once the queue is read again.
    await rv.locator('article.card', { hasText: TITLE }).waitFor({ state: 'detached', timeout: 10000 })
        .catch(() => expect(false, 'still in the queue'));
});

await check('console: the reviewer signs out', async () => {
    await rv.locator('#logout').click();
    await rv.locator('#login-form').waitFor({ state: 'visible' });
});

const pub = await newPage(browser);
await check('public: the published article is found by an unaccented search and opened', async () => {
    await open(pub, `/tim-kiem.html?q=${encodeURIComponent(process.env.WB_UI_QUERY)}`);
    await pub.waitForFunction(() => !document.querySelector('#results').hasAttribute('aria-busy'));
    await pub.locator('#results').getByRole('link', { name: TITLE }).click();
    await pub.getByRole('heading', { level: 1, name: TITLE }).waitFor({ state: 'visible' });
    expect((await pub.locator('.article-body li').count()) === 2, 'the list is not rendered');
});

await check('console: no request left the gateway, no script error', async () => {
    expectClean([ed, rv, pub]);
});

await browser.close();
done();
