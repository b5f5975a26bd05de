// The reception office records feedback in the console (/admin/tiep-nhan.html),
// with the keyboard alone: a handler reaches the page from the header,
// picks the channel and the day, types the item; a day in the future and a
// missing phone number are refused in Vietnamese next to their fields,
// keeping what was typed; then the item is recorded and its tracking code
// shown. An editor is told the page is not theirs. Settings: WB_HANDLER and
// WB_EDITOR ("username:password"), WB_INTAKE_TITLE (the item's title);
// prints "# intake CODE" for test_web.sh.
import { check, credentials, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [user, pass] = credentials('WB_HANDLER');
const [editor, editorPass] = credentials('WB_EDITOR');
const TITLE = process.env.WB_INTAKE_TITLE;
const browser = await launch();
const page = await newPage(browser);
const viet = /[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/i;
const day = (offset) => new Date(Date.now() + 7 * 3600 * 1000 + offset * 86400000).toISOString().slice(0, 10);

await check('intake: the header leads a handler to "Tiếp nhận phản ánh"', async () => {
    await signIn(page, user, pass);
    await page.getByRole('navigation', { name: 'Trang quản trị' }).getByRole('link', { name: 'Tiếp nhận phản ánh' }).click();
    await page.waitForURL(/\/admin\/tiep-nhan\.html/);
    await page.getByRole('heading', { name: 'Tiếp nhận phản ánh' }).waitFor();
    expect((await page.getByLabel('Ngày tiếp nhận').inputValue()) === day(0), 'the day is not today by default');
});

async function typeText(label, text) {
    await page.getByLabel(label, { exact: true }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
}

await check('intake: a day in the future is refused next to the field, in Vietnamese; nothing typed is lost', async () => {
    await page.getByLabel('Kênh tiếp nhận').focus();
    await page.keyboard.press('ArrowDown'); // walk_in -> phone
    expect((await page.getByLabel('Kênh tiếp nhận').inputValue()) === 'phone', 'the channel did not change by keyboard');
    await page.getByLabel('Ngày tiếp nhận').fill(day(1));
    await typeText('Tiêu đề *', TITLE);
    await typeText('Nội dung *', 'Công dân gọi điện phản ánh việc niêm yết thủ tục tại Bộ phận một cửa chưa đầy đủ.');
    await typeText('Họ và tên *', 'Nguyễn Thị Hoa');
    await typeText('Địa chỉ *', '21 Trần Hưng Đạo, TP Bắc Ninh');
    await typeText('Thư điện tử *', 'nguyen.thi.hoa@example.vn');
    await page.keyboard.press('Enter');
    const msg = page.locator('#received_at-error');
    await msg.waitFor({ state: 'visible' });
    expect(viet.test(await msg.innerText()), await msg.innerText());
    const phone = page.locator('#phone-error');
    await phone.waitFor({ state: 'visible' });
    expect(viet.test(await phone.innerText()), await phone.innerText());
    expect((await page.getByLabel('Ngày tiếp nhận').getAttribute('aria-invalid')) === 'true', 'the day is not marked');
    expect((await page.getByLabel('Tiêu đề *').inputValue()) === TITLE, 'the title was lost');
    expect((await page.getByLabel('Kênh tiếp nhận').inputValue()) === 'phone', 'the channel was lost');
    await shot(page, '30-tiep-nhan-loi');
});

await check('intake: corrected, the item is recorded and its tracking code shown', async () => {
    await page.getByLabel('Ngày tiếp nhận').fill(day(-1));
    await typeText('Số điện thoại *', '0912 888 777');
    await page.keyboard.press('Enter');
    const code = page.locator('#tracking-code');
    await code.waitFor({ state: 'visible' });
    const text = (await code.innerText()).trim();
    expect(/^PAKN\.\d{8}\.[0-9A-Z]{6}$/.test(text), text);
    console.log(`# intake ${text}`);
    expect((await page.getByLabel('Tiêu đề *').inputValue()) === '', 'the form was not cleared for the next item');
    expect((await page.getByLabel('Kênh tiếp nhận').inputValue()) === 'phone', 'the channel was not kept for the next item');
    await shot(page, '31-tiep-nhan-xong');
});

await check('intake: an editor is told the page is not theirs', async () => {
    const other = await newPage(browser);
    await signIn(other, editor, editorPass);
    await open(other, '/admin/tiep-nhan.html');
    await other.getByRole('heading', { name: 'Không có quyền' }).waitFor();
    await other.close();
    expectClean([page]);
});

await browser.close();
