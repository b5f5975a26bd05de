// The calendar and deadline rules in the console (/admin/lich.html), with
// the keyboard: the admin opens year 2099 (no one's deadlines depend on it),
// adds days; a working Saturday on a Monday and a date of another year are
// refused next to those rows' fields, every row kept; fixed, the year is
// saved, then a row removed and saved again. Deadline rules where the
// forwarding limit exceeds the answer's are refused next to the field,
// values kept; a future row of rules is added and shows in the history.
// Checked through the API. A non-admin sees no link and is refused.
// Settings: WB_REF_ADMIN, WB_REF_OTHER.
import { check, credentials, done, expect, expectClean, launch, newPage, shot, signIn } from './lib.mjs';
import { api, expectAdminOnly, expectFieldError, focusedId, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const YEAR = 2099;
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);
const rows = () => page.locator('#days-table tbody tr.day');

await check('calendar: the admin opens the page from the header and year 2099 by keyboard', async () => {
    await api(token, 'PUT', `/api/v1/calendar/${YEAR}`, { days: [] }); // a run before may have left days
    await signIn(page, user, pass);
    await viaHeader(page, 'Lịch làm việc, thời hạn', /\/admin\/lich\.html/);
    await typeIn(page, page.locator('#year'), String(YEAR));
    await page.keyboard.press('Enter');
    await page.locator('#days-table caption', { hasText: `năm ${YEAR}` }).waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('#days').hasAttribute('aria-busy'));
    expect((await rows().count()) === 0, 'the year is not empty');
});

// Adds a row with the keyboard: "Thêm một ngày", then date, type, name.
async function addDay(date, type, name) {
    await page.getByRole('button', { name: 'Thêm một ngày' }).press('Enter');
    await page.waitForFunction(() => /^day-\d+-date$/.test(document.activeElement.id), null, { timeout: 5000 });
    const id = await focusedId(page);
    await page.locator(`#${id}`).fill(date);
    // (Tab inside a date input walks its day, month and year first.)
    const select = page.locator(`#${id.replace('-date', '-type')}`);
    await select.focus();
    await select.selectOption(type);
    await page.keyboard.press('Tab');
    await page.keyboard.type(name);
    return id.replace('-date', '');
}

let r1;
let r2;
let r3;
await check('calendar: a working Saturday on a Monday and a date of another year are refused next to their rows; every row kept', async () => {
    r1 = await addDay(`${YEAR}-01-01`, 'holiday', 'Tết Dương lịch');
    r2 = await addDay(`${YEAR}-01-05`, 'working_saturday', 'Làm bù cho ngày 2/1');
    r3 = await addDay(`${YEAR - 1}-12-31`, 'compensatory', 'Nghỉ bù');
    await page.keyboard.press('Enter');
    await expectFieldError(page, `${r2}-date`, /thứ Bảy hoặc Chủ nhật/);
    await expectFieldError(page, `${r3}-date`);
    expect(!(await page.locator(`#${r1}-date-error`).count()), 'a good row is marked');
    expect((await rows().count()) === 3, 'rows were lost');
    expect((await page.locator(`#${r2}-name`).inputValue()) === 'Làm bù cho ngày 2/1', 'a name typed was lost');
    expect((await page.locator(`#${r3}-type`).inputValue()) === 'compensatory', 'a type chosen was lost');
    await shot(page, '33-lich-sai');
    const api1 = (await api(token, 'GET', `/api/v1/calendar/${YEAR}`)).body;
    expect((api1.days || []).length === 0, 'something was saved');
});

await check('calendar: fixed (a Saturday, a day off on Friday), Enter saves the year; the API has the three days', async () => {
    await page.locator(`#${r2}-date`).fill(`${YEAR}-01-03`);
    await page.locator(`#${r3}-date`).fill(`${YEAR}-01-02`);
    await page.locator(`#${r3}-name`).press('Enter');
    await page.getByText(`Đã lưu lịch năm ${YEAR}: 3 ngày đặc biệt.`).waitFor({ state: 'visible' });
    const days = (await api(token, 'GET', `/api/v1/calendar/${YEAR}`)).body.days;
    expect(JSON.stringify(days.map((d) => [d.date, d.type, d.name])) === JSON.stringify([
        [`${YEAR}-01-01`, 'holiday', 'Tết Dương lịch'], [`${YEAR}-01-02`, 'compensatory', 'Nghỉ bù'],
        [`${YEAR}-01-03`, 'working_saturday', 'Làm bù cho ngày 2/1']]), JSON.stringify(days));
    const add = (await api(null, 'GET', `/api/v1/calendar/add?from=${YEAR}-01-01&working_days=1`)).body;
    expect(add.date === `${YEAR}-01-03`, `one working day after 1/1: ${JSON.stringify(add)}`);
});

await check('calendar: a row removed with the keyboard, saved: the API has two days', async () => {
    const remove = rows().nth(1).getByRole('button', { name: /^Bỏ dòng/ });
    await remove.press('Enter');
    expect((await rows().count()) === 2, 'the row is still there');
    expect(/^day-\d+-date$/.test(await focusedId(page)), `the focus was lost: ${await focusedId(page)}`);
    await page.keyboard.press('Enter');
    await page.getByText(`Đã lưu lịch năm ${YEAR}: 2 ngày đặc biệt.`).waitFor({ state: 'visible' });
    const days = (await api(token, 'GET', `/api/v1/calendar/${YEAR}`)).body.days;
    expect(days.length === 2 && !days.some((d) => d.type === 'compensatory'), JSON.stringify(days));
});

await check('deadlines: forwarding longer than answering is refused next to the field; what was typed stays', async () => {
    await page.waitForFunction(() => !document.querySelector('#rules').hasAttribute('aria-busy'));
    await typeIn(page, page.getByLabel(/Thời hạn chuyển phản ánh/), '20');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('10');
    await page.getByLabel(/Giờ chốt tiếp nhận/).fill('15:00');
    await page.getByLabel('Áp dụng từ ngày').fill(`${YEAR}-01-01`);
    await page.getByLabel(/Thời hạn trả lời/).press('Enter');
    await expectFieldError(page, 'forward_working_days');
    expect((await page.getByLabel(/Thời hạn trả lời/).inputValue()) === '10', 'the answer limit typed was lost');
    expect((await page.getByLabel('Áp dụng từ ngày').inputValue()) === `${YEAR}-01-01`, 'the date typed was lost');
});

await check('deadlines: fixed, saved: the history (page and API) has the row from 1/1/2099', async () => {
    await typeIn(page, page.getByLabel(/Thời hạn chuyển phản ánh/), '4');
    await typeIn(page, page.getByLabel(/Thời hạn trả lời/), '12');
    await page.keyboard.press('Enter');
    await page.getByText(`Đã lưu thời hạn áp dụng từ 01/01/${YEAR}`).waitFor({ state: 'visible' });
    await page.locator(`#rules-table tr[data-effective-from="${YEAR}-01-01"]`).waitFor({ state: 'visible' });
    const r = (await api(token, 'GET', '/api/v1/feedback/deadlines')).body;
    const row = (r.history || []).find((h) => h.effective_from === `${YEAR}-01-01`);
    expect(row && row.forward_working_days === 4 && row.answer_working_days === 12 && row.cutoff_time === '15:00', JSON.stringify(row));
});

await check('calendar: a non-admin sees no link, is refused by the page and the API', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await expectAdminOnly(other, '/admin/lich.html', 'Lịch làm việc, thời hạn');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'PUT', `/api/v1/calendar/${YEAR}`, { days: [] })).status === 403, 'the API lets a non-admin change the calendar');
    await other.context().close();
    expectClean([page]);
});

await browser.close();
done();
