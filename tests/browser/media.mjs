// Publishing to broadcasters (/admin/phat-hanh.html) and retraction
// (/admin/duyet-bai.html), in two steps around the broadcaster's own pull
// (curl, in tests/e2e/test_web.sh):
//   WB_MEDIA_STEP=create: the admin adds a broadcaster; its API key is shown
//     once (copy button; gone after a reload). The reviewer makes a package
//     of the article admin.mjs published, with a photo uploaded from the
//     browser (a file that is not an image is refused first), for that
//     broadcaster. Prints "value bc_id N", "value bc_key K" and
//     "value package_id N" for test_web.sh (not counted).
//   WB_MEDIA_STEP=deliveries: after the broadcaster pulled the bag and sent
//     its receipt, the package page shows that delivery; a leader reads it
//     without the reviewer's forms; the reviewer makes a correction with an
//     embargo (Vietnam time) and cancels the package (the reason first
//     missing); then retracts another published article, which the public
//     page then no longer shows.
// Settings: WB_ADMIN_UI, WB_REVIEWER, WB_LEADER_UI ("username:password"),
// WB_UI_TITLE, WB_BC_NAME, WB_MEDIA_PKG, WB_RETRACT_TITLE, WB_RETRACT_SLUG.
import { deflateSync } from 'node:zlib';
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const STEP = process.env.WB_MEDIA_STEP || 'create';
const TITLE = process.env.WB_UI_TITLE;
const BC = process.env.WB_BC_NAME;
const browser = await launch();
const pages = [];

async function login(user, pass, { mobile = false } = {}) {
    const page = await newPage(browser, { mobile });
    pages.push(page);
    await signIn(page, user, pass);
    return page;
}

async function noSidewaysScroll(page) {
    const [sw, w] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(sw <= w + 1, `the page is ${sw}px wide on a ${w}px screen`);
}

// CRC-32 (PNG chunks), here because node:zlib has it only from Node 20.15.
function crc32(buf) {
    let c = 0xffffffff;
    for (const b of buf) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
}

// A real PNG (libmagic reads the bytes): 24 × 16, a red-white stripe.
function png() {
    const chunk = (type, data) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(data.length);
        const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(td));
        return Buffer.concat([len, td, crc]);
    };
    const w = 24;
    const h = 16;
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const rows = [];
    for (let y = 0; y < h; y++) {
        const row = Buffer.alloc(1 + w * 3);
        for (let x = 0; x < w; x++) row.set(y < h / 2 ? [218, 37, 29] : [255, 255, 255], 1 + x * 3);
        rows.push(row);
    }
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
        chunk('tEXt', Buffer.from(`Comment\0${process.pid}-${Date.now()}`, 'latin1')),
        chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

if (STEP === 'create') {
    const [adUser, adPass] = credentials('WB_ADMIN_UI');
    const [rvUser, rvPass] = credentials('WB_REVIEWER');
    let ad;
    let key = '';
    let bcId = '';
    await check('media: the admin opens the publishing page and sees the broadcasters', async () => {
        ad = await login(adUser, adPass);
        await ad.context().grantPermissions(['clipboard-read', 'clipboard-write']);
        await ad.getByRole('link', { name: /Phát hành tin cho đài, báo/ }).click();
        await ad.waitForURL(/\/admin\/phat-hanh\.html/);
        await ad.waitForFunction(() => !document.querySelector('#bc-list').hasAttribute('aria-busy'));
        expect(await ad.locator('#create').isHidden(), 'an admin who is not a reviewer gets the package form');
    });

    await check('media: a broadcaster without a name: the API\'s message next to the name', async () => {
        await ad.getByRole('button', { name: 'Thêm đơn vị và cấp khóa API' }).click();
        await ad.locator('#bc-name-error').waitFor({ state: 'visible' });
        expect((await ad.locator('#bc-name').getAttribute('aria-invalid')) === 'true', 'name not marked');
        expect(await ad.locator('#bc-key').isHidden(), 'a key is shown after a refusal');
    });

    await check('media: the admin adds a radio broadcaster; its API key is shown once, with a warning', async () => {
        await ad.getByLabel('Tên đơn vị').fill(BC);
        await ad.getByLabel('Loại hình').selectOption('radio');
        await ad.getByLabel('Gửi ngay, kèm thời điểm được phát').check();
        await ad.getByRole('button', { name: 'Thêm đơn vị và cấp khóa API' }).click();
        await ad.locator('#bc-key-value').waitFor({ state: 'visible' });
        key = await ad.locator('#bc-key-value').inputValue();
        expect(/^loa_[A-Za-z0-9_-]{20,}$/.test(key), `key [${key}]`);
        expect((await ad.locator('#bc-key').innerText()).includes('chỉ hiển thị một lần'), 'no warning');
        const row = ad.locator('#bc-table tbody tr', { hasText: BC });
        await row.waitFor({ state: 'visible' });
        bcId = await row.getAttribute('data-id');
        const cells = await row.locator('td, th').allInnerTexts();
        expect(cells.includes('Đài phát thanh') && cells.includes('Gửi ngay, kèm thời điểm được phát') && cells.includes(bcId),
            cells.join(' | '));
        expect(!(await ad.locator('#bc-table').innerText()).includes(key), 'the key is in the list');
        await shot(ad, '40-phat-hanh-khoa-api');
    });

    await check('media: "Sao chép khóa" puts the key on the clipboard', async () => {
        await ad.getByRole('button', { name: 'Sao chép khóa' }).click();
        await ad.locator('#bc-key-copied', { hasText: 'Đã sao chép' }).waitFor({ state: 'visible' });
        const clip = await ad.evaluate(() => navigator.clipboard.readText());
        expect(clip === key, 'the clipboard holds something else');
    });

    await check('media: after a reload the key is not shown again, nor kept in the browser', async () => {
        await ad.reload({ waitUntil: 'networkidle' });
        await ad.waitForFunction(() => !document.querySelector('#bc-list').hasAttribute('aria-busy'));
        await ad.locator('#bc-table tbody tr', { hasText: BC }).waitFor({ state: 'visible' });
        expect(await ad.locator('#bc-key').isHidden(), 'the key box is back');
        const html = await ad.content();
        const stored = await ad.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
        expect(!html.includes(key) && !stored.includes(key), 'the key is still in the page or the storage');
    });
    await check('media: "Cấp khóa mới" (after a confirmation) shows a new key once; the old one stops working', async () => {
        const old = key;
        ad.once('dialog', (d) => d.accept());
        await ad.locator('#bc-table tbody tr', { hasText: BC }).getByRole('button', { name: 'Cấp khóa mới' }).click();
        await ad.locator('#bc-key-value').waitFor({ state: 'visible' });
        key = await ad.locator('#bc-key-value').inputValue();
        expect(/^loa_[A-Za-z0-9_-]{20,}$/.test(key) && key !== old, `key [${key}]`);
        const status = async (k) => (await ad.request.get('/api/v1/media/feed', { headers: { 'X-Api-Key': k } })).status();
        expect((await status(old)) === 401 && (await status(key)) === 200, 'the old key still works, or the new one does not');
        await ad.getByRole('button', { name: 'Đã lưu khóa, ẩn đi' }).click();
    });
    if (key) console.log(`value bc_key ${key}`);
    if (bcId) console.log(`value bc_id ${bcId}`);

    let rv;
    let pkgId = '';
    await check('media: the reviewer finds the published article by an unaccented search', async () => {
        rv = await login(rvUser, rvPass);
        await open(rv, '/admin/phat-hanh.html');
        await rv.waitForFunction(() => !document.querySelector('#pkg-list').hasAttribute('aria-busy'));
        expect(await rv.locator('#broadcasters').isHidden(), 'a reviewer sees the broadcasters\' section');
        await rv.getByLabel('Tìm bài đã xuất bản').fill(process.env.WB_UI_QUERY);
        const option = rv.locator('#art option', { hasText: TITLE });
        await option.waitFor({ state: 'attached' });
        await rv.locator('#art').selectOption(await option.getAttribute('value'));
    });

    await check('media: a file that is not an image is refused in Vietnamese (415)', async () => {
        await rv.locator('#pkg-file').setInputFiles({ name: 'gia-mao.png', mimeType: 'image/png', buffer: Buffer.from('đây không phải là ảnh\n') });
        const alert = rv.locator('#pkg-files .alert');
        await alert.waitFor({ state: 'visible' });
        const text = await alert.innerText();
        expect(text.includes('Kiểu tệp không được nhận') && text.includes('gia-mao.png') && text.includes('không phải ảnh'), text);
        expect(!(await rv.locator('#pkg-uploaded li').count()), 'it was listed');
    });

    await check('media: a photo is uploaded from the browser (type and size shown)', async () => {
        const bytes = png();
        await rv.locator('#pkg-file').setInputFiles({ name: 'anh-mot-cua.png', mimeType: 'image/png', buffer: bytes });
        const item = rv.locator('#pkg-uploaded li', { hasText: 'anh-mot-cua.png' });
        await item.waitFor({ state: 'visible' });
        const text = await item.innerText();
        expect(text.includes('image/png') && text.includes(`${bytes.length} byte`), text);
        expect(await rv.locator('#pkg-files .alert').count() === 0, 'the earlier refusal is still shown');
    });

    await check('media: the photo gets a caption, saved when the field is left (PATCH /api/v1/assets/{id})', async () => {
        const item = rv.locator('#pkg-uploaded li', { hasText: 'anh-mot-cua.png' });
        const field = item.getByLabel(/Chú thích ảnh .*anh-mot-cua\.png/);
        await field.fill(`Bộ phận một cửa ${TITLE}`);
        const id = await item.getAttribute('data-asset');
        const saved = rv.waitForResponse((r) => r.url().endsWith(`/api/v1/assets/${id}`) && r.request().method() === 'PATCH');
        await field.press('Tab');
        const res = await saved;
        const body = await res.json();
        expect(res.status() === 200 && body.caption === `Bộ phận một cửa ${TITLE}`, `${res.status()} ${JSON.stringify(body)}`);
        await item.getByText('Đã lưu chú thích.').waitFor({ state: 'visible' });
        // Too long: the service's message next to the field.
        await field.evaluate((f) => f.removeAttribute('maxlength'));
        await field.fill('ả'.repeat(501));
        await field.press('Tab');
        const note = item.locator('[aria-live]').last();
        await item.getByText(/Không lưu được chú thích: .*500 ký tự/).waitFor({ state: 'visible' });
        expect((await note.innerText()).includes('500'), await note.innerText());
    });

    await check('media: the reviewer packages the article with the photo for the new broadcaster', async () => {
        // The reviewer reads the broadcasters' list: the new one is a choice.
        await rv.getByLabel(`${BC} (mã số ${bcId})`).check();
        // media-svc learns published articles from content-svc's events: a
        // first try may find it not yet known (422 article_id).
        for (let i = 0; i < 15; i++) {
            await rv.getByRole('button', { name: 'Tạo gói tin' }).click();
            const res = await Promise.race([
                rv.locator('#status .success', { hasText: 'Đã tạo gói tin' }).waitFor({ state: 'visible' }).then(() => 'ok'),
                rv.locator('#pkg-alert .alert').waitFor({ state: 'visible' }).then(() => 'alert'),
            ]);
            if (res === 'ok') break;
            const why = await rv.locator('#pkg-alert').innerText();
            expect(/article_id|bài viết/i.test(why) && i < 14, why);
            await rv.waitForTimeout(1000);
        }
        await rv.locator('#pkg-status').waitFor({ state: 'visible' });
        expect((await rv.locator('#h-detail').innerText()).includes(TITLE), await rv.locator('#h-detail').innerText());
        expect((await rv.locator('#pkg-status').innerText()) === 'Đang phát hành', await rv.locator('#pkg-status').innerText());
        // The bag is built in the background; the page follows it until the
        // version is in the broadcaster's feed.
        await rv.waitForFunction((bc) => {
            const row = [...document.querySelectorAll('#deliveries tbody tr')].find((r) => r.textContent.includes(bc));
            return row && row.querySelectorAll('td')[1]?.textContent === '1';
        }, BC, { timeout: 60000 });
        const row = rv.locator('#deliveries tbody tr', { hasText: BC });
        expect((await rv.locator('#deliveries tbody tr').count()) === 1, 'not only the chosen broadcaster');
        const cells = await row.locator('td, th').allInnerTexts();
        expect(cells[2] === '1' && cells[3] === '0' && cells[6] === 'Chưa xác nhận', cells.join(' | '));
        expect((await rv.locator('#versions tbody tr').locator('td').nth(2).innerText()) === '1', 'the version has no file');
        pkgId = new URL(rv.url()).searchParams.get('goi');
        expect(/^\d+$/.test(pkgId || ''), `the page's address: ${rv.url()}`);
        await shot(rv, '41-phat-hanh-goi-tin');
    });
    if (pkgId) console.log(`value package_id ${pkgId}`);

    await check('media: the package is listed; a phone shows the page without sideways scrolling', async () => {
        await rv.locator('#pkg-table tbody tr', { hasText: TITLE }).first().waitFor({ state: 'visible' });
        const phone = await newPage(browser, { mobile: true });
        pages.push(phone);
        await phone.goto('/admin/', { waitUntil: 'networkidle' });
        await phone.evaluate((v) => sessionStorage.setItem('loa.session', v), await rv.evaluate(() => sessionStorage.getItem('loa.session')));
        await open(phone, `/admin/phat-hanh.html?goi=${pkgId}`);
        await phone.locator('#pkg-status').waitFor({ state: 'visible' });
        await noSidewaysScroll(phone);
        await shot(phone, '42-phat-hanh-dien-thoai');
    });
} else {
    const [rvUser, rvPass] = credentials('WB_REVIEWER');
    const [ldUser, ldPass] = credentials('WB_LEADER_UI');
    const PKG = process.env.WB_MEDIA_PKG;
    let rv;
    await check('media: the package page shows the broadcaster\'s download and receipt', async () => {
        rv = await login(rvUser, rvPass);
        await open(rv, `/admin/phat-hanh.html?goi=${PKG}`);
        const row = rv.locator('#deliveries tbody tr', { hasText: BC });
        await row.waitFor({ state: 'visible' });
        // Downloads are logged once the response went out: reload until then.
        for (let i = 0; i < 20 && (await row.locator('td.downloads').innerText()) === '0'; i++) {
            await rv.waitForTimeout(500);
            await rv.getByRole('button', { name: 'Tải lại' }).click();
            await rv.locator('#detail[aria-busy]').waitFor({ state: 'detached' });
        }
        const downloads = Number(await row.locator('td.downloads').innerText());
        expect(downloads >= 1, `downloads ${downloads}`);
        const receipts = await row.locator('td.receipts').innerText();
        expect(/Phiên bản 1: Đã nhận đủ, \d\d:\d\d \d\d\/\d\d\/\d{4}/.test(receipts), receipts);
        const listed = await rv.locator('#pkg-table tbody tr', { hasText: TITLE }).first().innerText();
        expect(listed.includes('1 xác nhận') && listed.includes(BC), listed);
        await shot(rv, '43-phat-hanh-tiep-nhan');
    });

    await check('media: a leader reads the deliveries, without the reviewer\'s forms', async () => {
        const ld = await login(ldUser, ldPass);
        await open(ld, `/admin/phat-hanh.html?goi=${PKG}`);
        await ld.locator('#deliveries tbody tr', { hasText: BC }).locator('td.receipts', { hasText: 'Đã nhận đủ' }).waitFor({ state: 'visible' });
        expect(await ld.locator('#create').isHidden() && await ld.locator('#broadcasters').isHidden(), 'forms shown');
        expect(!(await ld.locator('#correct-form, #cancel-open').count()), 'the correction or cancellation is offered');
    });

    await check('media: a correction with an embargo in Vietnam time makes version 2', async () => {
        await rv.getByLabel('Nội dung đính chính').fill('Đính chính: bổ sung tên đơn vị chủ trì.');
        await rv.locator('#correct-embargo').fill('2030-12-01T10:30');
        await rv.getByRole('button', { name: 'Tạo phiên bản đính chính' }).click();
        await rv.locator('#status .success', { hasText: 'phiên bản 2' }).waitFor({ state: 'visible' });
        const v2 = await rv.locator('#versions tbody tr[data-version="2"]').locator('td, th').allInnerTexts();
        expect(v2[1] === 'Đang phát hành' && v2[2] === '10:30 01/12/2030' && v2[3] === '1' && v2[7].startsWith('Đính chính'), v2.join(' | '));
        // Who made it, by name (the staff directory), not a number.
        expect(v2[6] === 'Trần Văn Duyệt', v2.join(' | '));
        expect((await rv.locator('#pkg-version').innerText()) === '2', 'the current version is not 2');
    });

    await check('media: cancelling asks for a reason (the API\'s message), then the package is canceled', async () => {
        await rv.getByRole('button', { name: 'Hủy gói tin…' }).click();
        await rv.getByRole('button', { name: 'Xác nhận hủy gói tin' }).click();
        await rv.locator('#cancel-reason-error').waitFor({ state: 'visible' });
        expect((await rv.locator('#pkg-status').innerText()) === 'Đang phát hành', 'canceled without a reason');
        await rv.getByLabel('Lý do hủy').fill('Thông tin chưa được kiểm chứng, hủy gói tin.');
        await rv.getByRole('button', { name: 'Xác nhận hủy gói tin' }).click();
        await rv.locator('#status .success', { hasText: 'Đã hủy gói tin' }).waitFor({ state: 'visible' });
        await rv.locator('#pkg-status', { hasText: 'Đã hủy' }).waitFor({ state: 'visible' });
        const v3 = await rv.locator('#versions tbody tr[data-version="3"]').locator('td, th').allInnerTexts();
        expect(v3[1] === 'Đã hủy' && v3[7].includes('chưa được kiểm chứng'), v3.join(' | '));
        expect(!(await rv.locator('#correct-form, #cancel-open').count()), 'a canceled package still offers changes');
        // The list is read again after the message: wait (bounded) for the row to say so.
        const row = rv.locator('#pkg-table tbody tr', { hasText: TITLE }).first();
        await row.locator('td', { hasText: 'Đã hủy' }).waitFor({ state: 'visible', timeout: 10000 })
            .catch(async () => expect(false, await row.innerText()));
        await shot(rv, '44-phat-hanh-da-huy');
    });

    const RT = process.env.WB_RETRACT_TITLE;
    const pub = await newPage(browser);
    pages.push(pub);
    await check('retract: the article is on the public page before', async () => {
        await open(pub, `/bai-viet.html?slug=${encodeURIComponent(process.env.WB_RETRACT_SLUG)}`);
        await pub.getByRole('heading', { level: 1, name: RT }).waitFor({ state: 'visible' });
    });

    await check('retract: the reviewer retracts it with a reason, after confirming', async () => {
        await open(rv, '/admin/duyet-bai.html');
        await rv.getByLabel('Tìm bài đã xuất bản').fill(RT);
        await rv.locator('#published-search').getByRole('button', { name: 'Tìm' }).click();
        const card = rv.locator('#published-list li.card', { hasText: RT });
        await card.waitFor({ state: 'visible' });
        await rv.getByRole('button', { name: `Gỡ bài: ${RT}` }).click();
        const reason = card.getByLabel('Lý do gỡ bài');
        await reason.waitFor({ state: 'visible' });
        await rv.getByRole('button', { name: `Xác nhận gỡ bài: ${RT}` }).click();
        await card.locator('.field-error').waitFor({ state: 'visible' });
        expect((await reason.getAttribute('aria-invalid')) === 'true', 'the reason is not marked');
        await reason.fill('Số liệu trong bài chưa chính xác.');
        await shot(rv, '45-duyet-bai-go-bai');
        await rv.getByRole('button', { name: `Xác nhận gỡ bài: ${RT}` }).click();
        await rv.locator('#status .success', { hasText: 'Đã gỡ bài' }).waitFor({ state: 'visible' });
        await card.waitFor({ state: 'detached' });
    });

    await check('retract: the public article page no longer shows it', async () => {
        await open(pub, `/bai-viet.html?slug=${encodeURIComponent(process.env.WB_RETRACT_SLUG)}`);
        await pub.getByRole('heading', { name: 'Không tìm thấy bài viết' }).waitFor({ state: 'visible' });
        expect(!(await pub.locator('h1', { hasText: RT }).count()), 'the title is still there');
    });

    await check('retract: the reviewer\'s page on a phone, without sideways scrolling', async () => {
        const phone = await newPage(browser, { mobile: true });
        pages.push(phone);
        await phone.goto('/admin/', { waitUntil: 'networkidle' });
        await phone.evaluate((v) => sessionStorage.setItem('loa.session', v), await rv.evaluate(() => sessionStorage.getItem('loa.session')));
        await open(phone, '/admin/duyet-bai.html');
        await phone.waitForFunction(() => !document.querySelector('#published-list').hasAttribute('aria-busy'));
        await noSidewaysScroll(phone);
        await shot(phone, '46-duyet-bai-dien-thoai');
    });
}

await check(`media (${STEP}): no request left the gateway, no script error`, async () => {
    expectClean(pages);
});

await browser.close();
done();
