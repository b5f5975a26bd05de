// A citizen attaches files to feedback on the public form (/phan-anh.html):
// a text file and a file over 10 MB are refused in the browser, next to the
// field, in Vietnamese; a sixth file too; a PNG (a few MB, its upload's
// progress shown) and a PDF are sent with the feedback. Then an inspector
// opens the item in the console and downloads the PNG: the same bytes.
// Then the inbox filtered by channel (keyboard): the phone call intake.mjs
// recorded is listed, the web item is not.
// Settings: WB_ATT_PNG, WB_ATT_PDF, WB_ATT_TXT, WB_ATT_BIG (paths),
// WB_ATT_TITLE, WB_ATT_INSPECTOR ("username:password"), WB_INTAKE_CODE; prints
// "# attach CODE" for test_web.sh.
import { readFileSync } from 'node:fs';
import { check, credentials, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const PNG = process.env.WB_ATT_PNG;
const PDF = process.env.WB_ATT_PDF;
const TXT = process.env.WB_ATT_TXT;
const BIG = process.env.WB_ATT_BIG;
const TITLE = process.env.WB_ATT_TITLE;
const [user, pass] = credentials('WB_ATT_INSPECTOR');
const browser = await launch();
const page = await newPage(browser);
const viet = /[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/i;
let code = '';
let staffPage = null;

await check('attach: a text file and one over 10 MB are refused in the browser, next to the field', async () => {
    await open(page, '/phan-anh.html');
    await page.getByLabel('Tệp đính kèm').setInputFiles([TXT, BIG]);
    const msg = page.locator('#files-error');
    await msg.waitFor({ state: 'visible' });
    const text = await msg.innerText();
    expect(viet.test(text) && /JPEG, PNG hoặc tệp PDF/.test(text) && /lớn hơn 10 MB/.test(text), text);
    expect((await page.locator('#file-list li').count()) === 0, 'a refused file was kept');
});

await check('attach: at most 5 files', async () => {
    await page.getByLabel('Tệp đính kèm').setInputFiles([PNG, PDF, PNG, PDF, PNG, PDF]);
    await page.locator('#files-error').waitFor({ state: 'visible' });
    expect(/tối đa 5/.test(await page.locator('#files-error').innerText()), 'no message for the sixth');
    expect((await page.locator('#file-list li').count()) === 5, 'not five files listed');
    // Removed with the keyboard, down to two.
    for (let i = 0; i < 3; i++) {
        await page.locator('#file-list li button').last().focus();
        await page.keyboard.press('Enter');
    }
    expect((await page.locator('#file-list li').count()) === 2, 'the files were not removed');
});

await check('attach: the PNG and the PDF are uploaded with progress and sent with the feedback', async () => {
    await page.getByLabel('Tiêu đề *').fill(TITLE);
    await page.getByLabel('Nội dung *').fill('Ảnh chụp bảng niêm yết và văn bản hướng dẫn đã hết hiệu lực.');
    await page.getByLabel('Họ và tên *').fill('Đặng Văn Ảnh');
    await page.getByLabel('Địa chỉ *').fill('5 Nguyễn Đăng Đạo, TP Bắc Ninh');
    await page.getByLabel('Số điện thoại *').fill('0904 555 666');
    await page.getByLabel('Thư điện tử *').fill('dang.van.anh@example.vn');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await page.locator('#tracking-code').waitFor({ state: 'visible', timeout: 60000 });
    code = (await page.locator('#tracking-code').innerText()).trim();
    console.log(`# attach ${code}`);
    const bars = await page.locator('#file-list progress').evaluateAll((ps) => ps.map((p) => p.value));
    expect(bars.length === 2 && bars.every((v) => v === 100), `progress ${bars.join(',')}`);
    await shot(page, '50-phan-anh-tep');
});

await check('attach: the inspector downloads the PNG from the console: the same bytes', async () => {
    const staff = await newPage(browser);
    await signIn(staff, user, pass);
    await open(staff, `/admin/phan-anh.html?q=${encodeURIComponent(code)}`);
    await staff.getByRole('link', { name: code, exact: true }).first().click();
    const list = staff.locator('#detail-attachments li');
    await list.first().waitFor();
    expect((await list.count()) === 2, `${await list.count()} attachments listed`);
    const [download] = await Promise.all([
        staff.waitForEvent('download'),
        staff.getByRole('button', { name: 'Tải xuống tệp 1' }).click(),
    ]);
    const saved = await download.path();
    expect(readFileSync(saved).equals(readFileSync(PNG)), 'the downloaded bytes differ');
    expect(/\.png$/.test(download.suggestedFilename()), download.suggestedFilename());
    await shot(staff, '51-phan-anh-tep-can-bo');
    expectClean([page, staff]);
    staffPage = staff;
});

await check('attach: the inbox filters by channel: the phone call is listed, the web item is not', async () => {
    const staff = staffPage;
    await open(staff, '/admin/phan-anh.html');
    await staff.getByLabel('Kênh tiếp nhận').focus();
    await staff.getByLabel('Kênh tiếp nhận').selectOption('phone');
    await staff.getByRole('button', { name: 'Lọc', exact: true }).focus();
    await staff.keyboard.press('Enter');
    await staff.waitForURL(/channel=phone/);
    await staff.waitForFunction(() => !document.querySelector('#list').hasAttribute('aria-busy'));
    const codes = await staff.locator('#list tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
    expect(codes.includes(process.env.WB_INTAKE_CODE), `the phone call is not listed: ${codes.join(' ')}`);
    expect(!codes.includes(code), 'the web item is listed under phone');
});

await browser.close();
