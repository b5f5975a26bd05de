// A correction of a published article in the console: the editor opens
// "Sửa bài đã đăng" on a published article, changes the text; without a
// note the API's message shows next to the note and the text typed stays;
// with one, the revision is saved as a draft and sent for review. The
// reviewer sees it in the queue with the note and the text the public reads
// now, ticks the media correction and publishes it; the public article then
// shows the new text and "Cập nhật lúc … — <note>". Settings: WB_EDITOR,
// WB_REVIEWER ("username:password"), WB_REV_TITLE, WB_REV_SLUG, WB_REV_NOTE.
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [edUser, edPass] = credentials('WB_EDITOR');
const [rvUser, rvPass] = credentials('WB_REVIEWER');
const TITLE = process.env.WB_REV_TITLE;
const SLUG = process.env.WB_REV_SLUG;
const NOTE = process.env.WB_REV_NOTE;
const NEW_TEXT = 'Giờ tiếp công dân: từ 7 giờ 30 đến 11 giờ 30 sáng thứ Sáu.';
const browser = await launch();

const ed = await newPage(browser);
await check('revision: the editor opens "Sửa bài đã đăng" on a published article', async () => {
    await signIn(ed, edUser, edPass);
    await open(ed, '/admin/bai-viet.html');
    await ed.waitForFunction(() => !document.querySelector('#articles').hasAttribute('aria-busy'));
    await ed.getByRole('button', { name: `Sửa bài đã đăng: ${TITLE}` }).click();
    await ed.locator('#note-box').waitFor({ state: 'visible' });
    expect((await ed.locator('#form-title').innerText()).startsWith('Sửa bài đã đăng'), await ed.locator('#form-title').innerText());
    expect((await ed.getByLabel('Tiêu đề', { exact: true }).inputValue()) === TITLE, 'the published text is not in the form');
    expect(await ed.getByLabel(/^Ghi chú cập nhật/).evaluate((n) => n === document.activeElement), 'the note has no focus');
});

await check('revision: without a note the API\'s message shows next to the note, the text typed stays', async () => {
    const body = ed.getByLabel(/^Nội dung/);
    await body.fill(`${await body.inputValue()}\n\n${NEW_TEXT}`);
    await ed.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await ed.locator('#note-error').waitFor({ state: 'visible' });
    expect((await ed.getByLabel(/^Ghi chú cập nhật/).getAttribute('aria-invalid')) === 'true', 'the note is not marked');
    expect((await body.inputValue()).includes(NEW_TEXT), 'the text typed was lost');
});

await check('revision: with a note it is saved as a draft revision and sent for review', async () => {
    await ed.getByLabel(/^Ghi chú cập nhật/).fill(NOTE);
    await ed.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await ed.locator('#status .success', { hasText: 'Đã tạo bản sửa' }).waitFor({ state: 'visible' });
    await ed.locator('#note-box').waitFor({ state: 'hidden' });
    const row = ed.locator('tr', { hasText: 'Bản sửa của bài đã đăng' }).filter({ hasText: TITLE });
    await row.waitFor({ state: 'visible' });
    expect((await row.innerText()).includes(NOTE), await row.innerText());
    await shot(ed, '40-quan-tri-ban-sua');
    await ed.getByRole('button', { name: `Gửi duyệt: ${TITLE}` }).click();
    await ed.locator('#status .success', { hasText: 'Đã gửi duyệt' }).waitFor({ state: 'visible' });
});

const pub = await newPage(browser);
await check('revision: while it is in review the public reads the published text', async () => {
    await open(pub, `/bai-viet.html?slug=${encodeURIComponent(SLUG)}`);
    await pub.getByRole('heading', { level: 1, name: TITLE }).waitFor({ state: 'visible' });
    expect(!(await pub.locator('.article-body').innerText()).includes(NEW_TEXT), 'the revision is public already');
    expect((await pub.locator('#cap-nhat').count()) === 0, 'an update line before any correction');
});

const rv = await newPage(browser);
await check('revision: the reviewer sees it with the note and the live text, asks for a media correction, publishes', async () => {
    await signIn(rv, rvUser, rvPass);
    await open(rv, '/admin/duyet-bai.html');
    const card = rv.locator('article.card.revision', { hasText: TITLE });
    await card.waitFor({ state: 'visible' });
    expect((await card.locator('.note').innerText()).includes(NOTE), await card.locator('.note').innerText());
    await card.locator('.article-body', { hasText: NEW_TEXT }).first().waitFor({ state: 'visible' });
    await card.locator('details summary').click();
    await card.locator('details .article-body p').first().waitFor({ state: 'visible' });
    expect(!(await card.locator('details .article-body').innerText()).includes(NEW_TEXT), 'the live text shows the revision');
    await card.getByLabel(/Phát hành bản đính chính/).check();
    await shot(rv, '41-quan-tri-duyet-ban-sua');
    await rv.getByRole('button', { name: `Đăng bản sửa: ${TITLE}` }).click();
    await rv.locator('#status .success', { hasText: 'Đã đăng bản sửa' }).waitFor({ state: 'visible' });
});

await check('revision: the public article shows the new text and "Cập nhật lúc … — note"', async () => {
    await open(pub, `/bai-viet.html?slug=${encodeURIComponent(SLUG)}`);
    await pub.locator('.article-body', { hasText: NEW_TEXT }).waitFor({ state: 'visible' });
    const line = (await pub.locator('#cap-nhat').innerText()).trim();
    expect(/^Cập nhật lúc .*\d{1,2}:\d{2}.* — /.test(line) && line.endsWith(NOTE), line);
    await shot(pub, '42-bai-viet-cap-nhat');
});

await check('revision: no request left the gateway, no script error', async () => {
    expectClean([ed, rv, pub]);
});

await browser.close();
done();
