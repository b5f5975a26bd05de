// A citizen on the public site: the home page, the feedback form (first
// with a missing field, whose Vietnamese message must appear next to it,
// then valid), the tracking code, tracking by code, the one-stop desk
// rating, the notices and procedures pages, the 404 page; all on a phone
// as well. Prints "# code <tracking code>" for test_web.sh.
import { check, done, expect, expectClean, launch, newPage, open, shot } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let code = '';

await check('home: opens with its title, the newest articles and the CCHC section', async () => {
    const resp = await open(page, '/');
    expect(resp.status() === 200, `status ${resp.status()}`);
    expect((await page.title()).includes('Sở Kế hoạch và Đầu tư'), `title ${await page.title()}`);
    await page.waitForFunction(() => !document.querySelector('#newest').hasAttribute('aria-busy'));
    await page.waitForFunction(() => !document.querySelector('#cchc').hasAttribute('aria-busy'));
    expect(await page.getByRole('heading', { name: 'Tin mới nhất', exact: true }).isVisible(), 'no "Tin mới nhất"');
    expect(await page.getByRole('heading', { name: 'Cải cách hành chính', exact: true }).isVisible(), 'no CCHC section');
    expect(!(await page.locator('#newest .alert').count()), await page.locator('#newest').innerText());
    await shot(page, '01-trang-chu');
});

await check('feedback: a missing phone number shows the API\'s Vietnamese message next to the field', async () => {
    await open(page, '/phan-anh.html');
    await page.getByLabel('Kiến nghị', { exact: true }).check();
    await page.getByLabel('Tiêu đề *').fill('Đề nghị đơn giản hoá hồ sơ đăng ký hộ kinh doanh');
    await page.getByLabel(/^Nội dung \*/).fill('Đề nghị bỏ yêu cầu nộp bản sao chứng thực giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư.');
    await page.getByLabel('Họ và tên *').fill('Trần Thị Bình');
    await page.getByLabel('Địa chỉ *').fill('25 Nguyễn Đăng Đạo, phường Tiền An, TP Bắc Ninh');
    await page.getByLabel('Thư điện tử *').fill('tran.thi.binh@example.vn');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    const msg = page.locator('#phone-error');
    await msg.waitFor({ state: 'visible' });
    const text = await msg.innerText();
    expect(/điện thoại/i.test(text), `message next to the phone: ${text}`);
    expect((await page.getByLabel('Số điện thoại *').getAttribute('aria-invalid')) === 'true', 'phone not marked invalid');
    expect((await page.getByLabel('Số điện thoại *').getAttribute('aria-describedby') || '').includes('phone-error'),
        'the message is not tied to the field (aria-describedby)');
    expect(await page.locator('#form-alert').isVisible(), 'no summary of the errors');
    expect(!(await page.locator('#name-error').count()), 'the name was given but is marked');
    await shot(page, '02-phan-anh-loi');
});

await check('feedback: a valid form is sent and the tracking code is shown', async () => {
    await page.getByLabel('Số điện thoại *').fill('0987 654 321');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    const codeEl = page.locator('#tracking-code');
    await codeEl.waitFor({ state: 'visible' });
    code = (await codeEl.innerText()).trim();
    expect(/^PAKN\.\d{8}\.[0-9A-HJKMNP-TV-Z]{6}$/.test(code), `code ${code}`);
    expect(!(await page.locator('#phone-error').count()), 'the old message is still there');
    console.log(`# code ${code}`);
    await shot(page, '03-phan-anh-da-gui');
});

await check('tracking: the link after sending opens the tracking page with the status', async () => {
    await page.locator('#track-link').click();
    await page.waitForURL(/tra-cuu\.html\?code=/);
    const status = page.locator('#track-status');
    await status.waitFor({ state: 'visible' });
    expect((await status.innerText()) === 'Đã tiếp nhận', `status ${await status.innerText()}`);
    const body = await page.locator('#track-result').innerText();
    expect(body.includes(code), 'the code is not shown');
    expect(!body.includes('Trần Thị Bình') && !body.includes('0987'), 'personal data is shown');
});

await check('tracking: typing the code (in lower case) into the form finds it', async () => {
    await open(page, '/tra-cuu.html');
    await page.getByLabel(/^Mã số hồ sơ/).fill(code.toLowerCase());
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.locator('#track-status').waitFor({ state: 'visible' });
    expect((await page.locator('#track-result').innerText()).includes('Đã tiếp nhận'), 'no status');
    await shot(page, '04-tra-cuu');
});

await check('tracking: an unknown code shows the API\'s 404 in Vietnamese', async () => {
    await page.getByLabel(/^Mã số hồ sơ/).fill('PAKN.20220101.ZZZZZZ');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const alert = page.locator('#track-result .alert');
    await alert.waitFor({ state: 'visible' });
    expect((await alert.innerText()).includes('Không tìm thấy hồ sơ'), await alert.innerText());
});

await check('desk rating: without a desk the API\'s message is shown next to it; then it is sent', async () => {
    await open(page, '/danh-gia.html');
    await page.getByLabel('4 – Hài lòng').check();
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.locator('#desk-error').waitFor({ state: 'visible' });
    await page.getByLabel(/^Quầy giao dịch/).fill('Quầy số 3 - Đầu tư');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.locator('#rating-thanks').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('#summary').innerText.includes('Quầy số 3 - Đầu tư'));
    await shot(page, '05-danh-gia');
});

await check('notices: the hotline notice is under its Vietnamese heading, its Markdown rendered', async () => {
    await open(page, '/thong-bao.html');
    await page.waitForFunction(() => !document.querySelector('#notices').hasAttribute('aria-busy'));
    expect(!(await page.locator('#notices .alert').count()), await page.locator('#notices').innerText());
    const sec = page.locator('section#hotline');
    await sec.getByRole('heading', { name: 'Đường dây nóng và thư điện tử' }).waitFor({ state: 'visible' });
    if (process.env.WB_NOTICE_TITLE) {
        const card = sec.locator('article', { hasText: process.env.WB_NOTICE_TITLE });
        await card.waitFor({ state: 'visible' });
        expect((await card.locator('strong').innerText()) === '0222 3822 514', 'the phone number is not bold');
    }
    await shot(page, '06-thong-bao');
});

await check('procedures: the catalogue loads and finds a procedure without diacritics', async () => {
    await open(page, '/thu-tuc.html');
    await page.waitForFunction(() => !document.querySelector('#procedures').hasAttribute('aria-busy'));
    expect(!(await page.locator('#procedures .alert').count()), await page.locator('#procedures').innerText());
    if (process.env.WB_PROC_QUERY) {
        await page.getByLabel(/^Tìm thủ tục/).fill(process.env.WB_PROC_QUERY);
        await page.getByRole('button', { name: 'Tìm', exact: true }).click();
        await page.waitForURL(/thu-tuc\.html\?q=/);
        await page.waitForFunction(() => !document.querySelector('#procedures').hasAttribute('aria-busy'));
        await page.getByRole('cell', { name: process.env.WB_PROC_NAME }).waitFor({ state: 'visible' });
    }
    await shot(page, '07-thu-tuc');
});

await check('404: an unknown page shows the Vietnamese 404 page', async () => {
    const resp = await open(page, '/khong-co-trang-nay.html');
    expect(resp.status() === 404, `status ${resp.status()}`);
    expect(await page.getByRole('heading', { name: 'Không tìm thấy trang' }).isVisible(), 'no heading');
});

await check('keyboard: the skip link is the first stop and leads to the main content', async () => {
    await open(page, '/phan-anh.html');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement.textContent.trim());
    expect(first === 'Bỏ qua, đến nội dung chính', `first stop: ${first}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => document.activeElement.closest('main') !== null);
    expect(next, 'Tab after the skip link is not in the main content');
});

await check('accessibility: every input of the forms has a label', async () => {
    for (const path of ['/phan-anh.html', '/danh-gia.html', '/tra-cuu.html', '/tim-kiem.html', '/thu-tuc.html', '/']) {
        await open(page, path);
        const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('input, textarea, select'))
            .filter((i) => !(i.labels && i.labels.length) && !i.getAttribute('aria-label'))
            .map((i) => i.id || i.name));
        expect(!unlabelled.length, `${path}: ${unlabelled.join(', ')}`);
    }
});

const phone = await newPage(browser, { mobile: true });
await check('phone: the feedback form fits a 390 px screen without sideways scrolling', async () => {
    await open(phone, '/phan-anh.html');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 1, `${overflow} px too wide`);
    await shot(phone, '08-dien-thoai-phan-anh');
    await open(phone, '/');
    const o2 = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(o2 <= 1, `home: ${o2} px too wide`);
    await shot(phone, '09-dien-thoai-trang-chu');
});

await check('offline from the gateway alone: no request left the gateway, no script error', async () => {
    expectClean([page, phone]);
});

await browser.close();
done();
