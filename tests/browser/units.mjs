// Units in the console (/admin/don-vi.html), with the keyboard: a bad code
// and an empty name are refused next to their fields, keeping what was
// typed; a unit is added, then edited (name, description, state); a taken
// code is refused next to it. Checked through the API. A non-admin sees no
// link and is refused. Settings: WB_REF_ADMIN, WB_REF_OTHER, WB_RUN.
import { check, credentials, done, expect, expectClean, launch, newPage, signIn } from './lib.mjs';
import { api, expectAdminOnly, expectFieldError, focusedId, tabType, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const RUN = (process.env.WB_RUN || 'x').toUpperCase();
const CODE = `UI-${RUN}`.slice(0, 32);
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);
const row = () => page.locator(`#units tr[data-code="${CODE}"]`);
const apiUnit = async () => {
    const r = await api(token, 'GET', '/api/v1/units?per_page=100');
    return (r.body.items || []).find((u) => u.code === CODE);
};

await check('units: the admin opens the page from the header', async () => {
    await signIn(page, user, pass);
    await viaHeader(page, 'Đơn vị', /\/admin\/don-vi\.html/);
    await page.locator('#units').waitFor({ state: 'visible' });
});

await check('units: a bad code and an empty name are refused next to them, in Vietnamese; what was typed stays', async () => {
    await typeIn(page, page.getByLabel('Mã đơn vị'), 'phòng số 1');
    await tabType(page, '');
    await tabType(page, 'Phòng thử nghiệm giao diện');
    await page.getByLabel('Mã đơn vị').press('Enter');
    await expectFieldError(page, 'code', /Mã đơn vị/);
    await expectFieldError(page, 'name');
    expect((await page.getByLabel('Mã đơn vị').inputValue()) === 'phòng số 1', 'the code typed was lost');
    expect((await page.locator('#description').inputValue()) === 'Phòng thử nghiệm giao diện', 'the description typed was lost');
});

await check('units: fixed, Enter adds the unit; the list and the API have it', async () => {
    await typeIn(page, page.getByLabel('Mã đơn vị'), CODE);
    await tabType(page, `Phòng Giao diện ${RUN}`);
    await page.keyboard.press('Enter');
    await page.getByText(`Đã thêm đơn vị Phòng Giao diện ${RUN}`).waitFor({ state: 'visible' });
    await row().waitFor({ state: 'visible' });
    const u = await apiUnit();
    expect(u && u.name === `Phòng Giao diện ${RUN}` && u.description === 'Phòng thử nghiệm giao diện' && u.is_active, JSON.stringify(u));
});

await check('units: a taken code is refused next to the field', async () => {
    await typeIn(page, page.getByLabel('Mã đơn vị'), CODE);
    await tabType(page, 'Trùng mã');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'code', /tồn tại/);
    expect((await page.getByLabel('Tên đơn vị').inputValue()) === 'Trùng mã', 'the name typed was lost');
    await typeIn(page, page.getByLabel('Mã đơn vị'), '');
    await typeIn(page, page.getByLabel('Tên đơn vị'), '');
});

await check('units: edited with the keyboard (name, state); the focus returns to the row; the API agrees', async () => {
    await row().getByRole('button', { name: `Sửa đơn vị Phòng Giao diện ${RUN}` }).press('Enter');
    expect((await focusedId(page)) === 'name', `focus: ${await focusedId(page)}`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`Phòng Giao diện đã sửa ${RUN}`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // the state
    await page.keyboard.press('Space');
    await page.getByLabel('Tên đơn vị').press('Enter');
    await page.getByText(`Đã lưu đơn vị Phòng Giao diện đã sửa ${RUN}.`).waitFor({ state: 'visible' });
    expect((await page.evaluate(() => (document.activeElement.closest('tr') || { dataset: {} }).dataset.code)) === CODE, 'the focus is not on the row');
    expect((await row().locator('td.state').innerText()) === 'Ngừng hoạt động', 'the row state');
    const u = await apiUnit();
    expect(u.name === `Phòng Giao diện đã sửa ${RUN}` && u.is_active === false, JSON.stringify(u));
});

await check('units: an edit refused keeps the edit and its values', async () => {
    await row().getByRole('button', { name: /^Sửa đơn vị/ }).press('Enter');
    await typeIn(page, page.getByLabel('Tên đơn vị'), '');
    await page.getByLabel('Tên đơn vị').press('Enter');
    await expectFieldError(page, 'name');
    expect((await page.locator('#unit-form-title').innerText()).startsWith('Sửa đơn vị'), 'the edit was left');
    expect((await page.getByLabel('Mã đơn vị').inputValue()) === CODE, 'the code was lost');
    await page.getByRole('button', { name: 'Hủy sửa' }).press('Enter');
    expect((await page.evaluate(() => (document.activeElement.closest('tr') || { dataset: {} }).dataset.code)) === CODE, 'cancel did not return the focus to the row');
    expect((await apiUnit()).name === `Phòng Giao diện đã sửa ${RUN}`, 'the refused edit changed the unit');
});

await check('units: a non-admin sees no link, is refused by the page and the API', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await expectAdminOnly(other, '/admin/don-vi.html', 'Đơn vị');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'POST', '/api/v1/units', { code: `${CODE}X`.slice(0, 32), name: 'x' })).status === 403, 'the API lets a non-admin add a unit');
    await other.context().close();
    expectClean([page]);
});

await browser.close();
done();
