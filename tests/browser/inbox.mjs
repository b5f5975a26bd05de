// The Inspectorate's feedback inbox (/admin/phan-anh.html). The inspector
// signs in, sees an overdue item marked ("Quá hạn", not colour alone) and
// finds it with the "overdue only" filter; finds the citizen's feedback by
// its tracking code, opens it (content, the submitter's contact, history),
// accepts it to a unit, answers with publication and approves it (a second
// tab that still offers the approval gets the API's 409 in Vietnamese).
// The unit's handler sees the item; a handler of another unit does not,
// even by its address. Rejecting the overdue item without a reason shows
// the API's message next to the field; with one it is rejected and leaves
// the overdue list. Settings: WB_INSPECTOR, WB_HANDLER, WB_HANDLER_OTHER
// ("username:password"), WB_CODE (the citizen's feedback), WB_OVERDUE_CODE
// (an item past its due date), WB_UNIT_NAME (the unit to accept it to),
// WB_SUBMITTER, WB_PHONE (the citizen's), WB_ANSWER (the answer to give).
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [inUser, inPass] = credentials('WB_INSPECTOR');
const [hUser, hPass] = credentials('WB_HANDLER');
const [oUser, oPass] = credentials('WB_HANDLER_OTHER');
const { WB_CODE, WB_OVERDUE_CODE, WB_UNIT_NAME, WB_SUBMITTER, WB_PHONE, WB_ANSWER } = process.env;
const browser = await launch();
const pages = [];

async function login(user, pass, { mobile = false } = {}) {
    const page = await newPage(browser, { mobile });
    pages.push(page);
    await signIn(page, user, pass);
    return page;
}

const listed = (page) => page.waitForFunction(() => !document.querySelector('#list').hasAttribute('aria-busy'));
const rowOf = (page, code) => page.locator('#list tbody tr', { has: page.getByRole('link', { name: code, exact: true }) });

async function search(page, code) {
    await page.getByLabel('Mã số hoặc nội dung').fill(code);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.waitForURL(/[?&]q=/);
    await listed(page);
}

async function openItem(page, code) {
    await search(page, code);
    await rowOf(page, code).getByRole('link', { name: code }).click();
    await page.locator('#detail-code', { hasText: code }).waitFor({ state: 'visible' });
}

async function statusIs(page, text) {
    await page.locator('#detail-status', { hasText: text }).waitFor({ state: 'visible' });
}

const insp = await login(inUser, inPass);
let itemUrl = '';

await check('inbox: the inspector opens the inbox from the console menu', async () => {
    await insp.getByRole('link', { name: /Phản ánh, kiến nghị:/ }).click();
    await insp.waitForURL(/\/admin\/phan-anh\.html/);
    await listed(insp);
    await rowOf(insp, WB_CODE).waitFor({ state: 'visible' });
});

await check('inbox: an overdue item is marked "Quá hạn" (text and row class), an item on time is not', async () => {
    const late = rowOf(insp, WB_OVERDUE_CODE);
    await late.waitFor({ state: 'visible' });
    expect((await late.getAttribute('class') || '').includes('fb-overdue'), 'no row class');
    expect((await late.locator('.badge').innerText()).trim() === 'Quá hạn', await late.innerText());
    const ok = rowOf(insp, WB_CODE);
    expect(!(await ok.getByText('Quá hạn').count()) && !(await ok.getAttribute('class') || '').includes('fb-overdue'), await ok.innerText());
    const cells = await ok.locator('td').allInnerTexts();
    expect(cells[2] === 'Kiến nghị' && cells[3] === 'Mới tiếp nhận, chờ phân loại', cells.join(' | '));
    expect(/\d{2}\/\d{2}\/\d{4}/.test(cells[4]) && /^\d{2}\/\d{2}\/\d{4}$/.test(cells[5].trim()), `dates ${cells[4]} / ${cells[5]}`);
    await shot(insp, '30-phan-anh-hop-thu');
});

await check('inbox: the "overdue only" filter shows the overdue item and only overdue items', async () => {
    await insp.getByLabel('Chỉ hồ sơ quá hạn').check();
    await insp.getByRole('button', { name: 'Lọc', exact: true }).click();
    await insp.waitForURL(/overdue=true/);
    await listed(insp);
    await rowOf(insp, WB_OVERDUE_CODE).waitFor({ state: 'visible' });
    expect(!(await rowOf(insp, WB_CODE).count()), 'the item on time is listed');
    const rows = await insp.locator('#list tbody tr').count();
    const marked = await insp.locator('#list tbody tr.fb-overdue', { hasText: 'Quá hạn' }).count();
    expect(rows > 0 && rows === marked, `${marked} of ${rows} rows marked`);
    await insp.getByRole('button', { name: 'Bỏ lọc' }).click();
    await insp.waitForURL((u) => !u.search);
    await listed(insp);
});

await check('inbox: the citizen\'s feedback is found by its tracking code and opened with content, contact and history', async () => {
    await openItem(insp, WB_CODE);
    itemUrl = insp.url();
    const text = await insp.locator('#detail').innerText();
    expect(text.includes('Cơ sở dữ liệu quốc gia về dân cư'), 'no content');
    expect(text.includes(WB_SUBMITTER) && text.includes(WB_PHONE), 'no submitter contact');
    expect(text.includes('Tiếp nhận phản ánh, kiến nghị') && text.includes('Người gửi'), 'no history');
    await statusIs(insp, 'Mới tiếp nhận, chờ phân loại');
    for (const h of ['Tiếp nhận và phân công', 'Chuyển cơ quan có thẩm quyền', 'Không tiếp nhận']) {
        await insp.getByRole('heading', { name: h, exact: true }).waitFor({ state: 'visible' });
    }
    expect(!(await insp.locator('#step-answer, #step-approve').count()), 'steps of another status are offered');
    await shot(insp, '31-phan-anh-chi-tiet');
});

await check('inbox: the inspector accepts it to a unit; the answer becomes the next step', async () => {
    await insp.getByLabel('Giao cho đơn vị').selectOption({ label: WB_UNIT_NAME });
    await insp.getByRole('button', { name: 'Tiếp nhận, giao đơn vị' }).click();
    await statusIs(insp, 'Đang xử lý');
    await insp.locator('#status .success', { hasText: WB_UNIT_NAME }).waitFor({ state: 'visible' });
    expect((await insp.locator('.fb-history').innerText()).includes('Phân công đơn vị xử lý'), 'not in the history');
    await insp.locator('#step-answer').waitFor({ state: 'visible' });
    expect(!(await insp.locator('#step-accept').count()), 'accept still offered');
});

await check('inbox: the unit\'s handler sees the item and may answer it', async () => {
    const h = await login(hUser, hPass);
    await open(h, '/admin/phan-anh.html');
    await listed(h);
    expect(!(await h.locator('#f-unit-box').isVisible()), 'a handler is offered other units');
    await openItem(h, WB_CODE);
    await h.locator('#step-answer').waitFor({ state: 'visible' });
    expect(!(await h.locator('#step-accept, #step-approve').count()), 'inspector steps offered to a handler');
    // Who accepted it: the inspector by name (GET /api/v1/staff), not a number.
    const steps = await h.locator('.fb-history').innerText();
    expect(steps.includes('Lê Thanh Tra') && !steps.includes('mã số'), steps);
});

await check('inbox: a handler of another unit does not see the item, not even by its address', async () => {
    const o = await login(oUser, oPass);
    await open(o, '/admin/phan-anh.html');
    await listed(o);
    await search(o, WB_CODE);
    expect(!(await rowOf(o, WB_CODE).count()), 'listed for another unit');
    await o.locator('#list-count', { hasText: 'Không có phản ánh, kiến nghị nào' }).waitFor({ state: 'visible' });
    await open(o, new URL(itemUrl).pathname + new URL(itemUrl).search);
    await o.locator('#detail .alert', { hasText: 'không thuộc đơn vị của bạn' }).waitFor({ state: 'visible' });
    expect(!(await o.locator('#detail').innerText()).includes(WB_PHONE), 'the contact is shown');
});

await check('inbox: the inspector answers with publication; it awaits approval', async () => {
    await insp.getByLabel('Nội dung trả lời').fill(WB_ANSWER);
    await insp.getByLabel(/Công khai câu trả lời/).check();
    await insp.getByRole('button', { name: 'Gửi trả lời để phê duyệt' }).click();
    await statusIs(insp, 'Đã trả lời, chờ phê duyệt');
    expect((await insp.locator('#detail-answer').innerText()).includes(WB_ANSWER), 'the answer is not shown');
    await insp.locator('#step-approve').waitFor({ state: 'visible' });
    await insp.locator('#step-return').waitFor({ state: 'visible' });
});

// A second tab of the same inspector, opened while approval is pending.
const stale = await login(inUser, inPass);
await open(stale, new URL(itemUrl).pathname + new URL(itemUrl).search);
await stale.locator('#step-approve').waitFor({ state: 'visible' }).catch(() => {});

await check('inbox: the inspector approves it: published', async () => {
    await insp.getByRole('button', { name: 'Phê duyệt' }).click();
    await statusIs(insp, 'Đã công khai kết quả');
    await insp.locator('#step-close').waitFor({ state: 'visible' });
    expect((await insp.locator('.fb-history').innerText()).includes('Phê duyệt, công khai'), 'not in the history');
});

await check('inbox: approving again from a stale tab shows the API\'s 409 in Vietnamese', async () => {
    await stale.getByRole('button', { name: 'Phê duyệt' }).click();
    const alert = stale.locator('#step-approve .alert');
    await alert.waitFor({ state: 'visible' });
    const text = await alert.innerText();
    expect(text.includes('trạng thái') && text.includes('tải lại'), text);
});

await check('inbox: rejecting the overdue item without a reason shows the API\'s message next to the field', async () => {
    await open(insp, '/admin/phan-anh.html');
    await listed(insp);
    await openItem(insp, WB_OVERDUE_CODE);
    expect((await insp.locator('#detail').innerText()).includes('Quá hạn'), 'the detail does not mark it');
    await insp.getByLabel('Lý do (phân loại)').selectOption('complaint');
    await insp.getByRole('button', { name: 'Từ chối tiếp nhận' }).click();
    const msg = insp.locator('#reject-reason-error');
    await msg.waitFor({ state: 'visible' });
    const text = await msg.innerText();
    expect(/Lý do từ chối (là bắt buộc|không được để trống)/.test(text), text);
    const reason = insp.getByLabel(/^Lý do cụ thể/);
    expect((await reason.getAttribute('aria-invalid')) === 'true', 'not marked invalid');
    expect((await reason.getAttribute('aria-describedby') || '').includes('reject-reason-error'), 'not tied to the field');
    await statusIs(insp, 'Mới tiếp nhận, chờ phân loại');
});

await check('inbox: with a reason it is rejected, and leaves the overdue list', async () => {
    await insp.getByLabel(/^Lý do cụ thể/).fill('Nội dung là khiếu nại về việc giải quyết hồ sơ, không phải phản ánh về quy định hành chính.');
    await insp.getByRole('button', { name: 'Từ chối tiếp nhận' }).click();
    await statusIs(insp, 'Không tiếp nhận');
    expect((await insp.locator('#detail').innerText()).includes('Là khiếu nại, tố cáo'), 'the reason code is not shown');
    await open(insp, '/admin/phan-anh.html?overdue=true');
    await listed(insp);
    expect((await insp.getByLabel('Chỉ hồ sơ quá hạn').isChecked()), 'the filter is not shown as set');
    expect(!(await rowOf(insp, WB_OVERDUE_CODE).count()), 'still listed as overdue');
});

await check('inbox: on a phone the inbox and an item fit the width', async () => {
    const phone = await login(inUser, inPass, { mobile: true });
    await open(phone, '/admin/phan-anh.html');
    await listed(phone);
    await rowOf(phone, WB_CODE).waitFor({ state: 'attached' });
    const wide = () => phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect((await wide()) <= 0, `the inbox scrolls sideways by ${await wide()} px`);
    await shot(phone, '32-phan-anh-hop-thu-dien-thoai');
    await phone.goto(new URL(itemUrl).pathname + new URL(itemUrl).search, { waitUntil: 'networkidle' });
    await statusIs(phone, 'Đã công khai kết quả');
    expect((await wide()) <= 0, `the item scrolls sideways by ${await wide()} px`);
    await shot(phone, '33-phan-anh-chi-tiet-dien-thoai');
});

await check('inbox: no request left the gateway, no script error', async () => {
    expectClean(pages);
});

await browser.close();
done();
