// The procedures catalogue in the console (/admin/thu-tuc.html), with the
// keyboard: a bad code and a negative time limit are refused next to their
// fields, keeping what was typed; a procedure is added; an amendment without
// a reason is refused next to the reason; two amendments with reasons make
// versions 2 and 3; every version shows side by side, the changed values
// marked, and the focus comes back when the table closes. Checked through
// the API. A non-admin sees no link and is refused. Settings: WB_REF_ADMIN,
// WB_REF_OTHER, WB_RUN.
import { check, credentials, done, expect, expectClean, launch, newPage, shot, signIn } from './lib.mjs';
import { api, expectAdminOnly, expectFieldError, focusedId, tabType, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const RUN = process.env.WB_RUN || 'x';
const CODE = `UI.${RUN}`.slice(0, 32);
const NAME = `Cấp giấy phép thử nghiệm giao diện ${RUN}`;
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);
let id = 0;
const row = () => page.locator(`#procedures tr[data-code="${CODE}"]`);
const apiProc = async () => (await api(token, 'GET', `/api/v1/procedures/${id}`)).body;

await check('procedures: the admin opens the page from the header', async () => {
    await signIn(page, user, pass);
    await viaHeader(page, 'Thủ tục hành chính', /\/admin\/thu-tuc\.html/);
    await page.waitForFunction(() => !document.querySelector('#list').hasAttribute('aria-busy'));
});

await check('procedures: a bad code and a negative time limit are refused next to them; what was typed stays', async () => {
    await typeIn(page, page.getByLabel('Mã thủ tục'), 'mã có dấu');
    await tabType(page, NAME);
    await tabType(page, 'Thành lập và hoạt động doanh nghiệp');
    await tabType(page, '12/QĐ-UBND');
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').focus();
    await page.keyboard.type('-3');
    await tabType(page, '100.000 đồng');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'code', /Mã thủ tục/);
    await expectFieldError(page, 'processing_days', /Thời hạn/);
    expect((await page.getByLabel('Tên thủ tục').inputValue()) === NAME, 'the name typed was lost');
    expect((await page.getByLabel('Phí, lệ phí').inputValue()) === '100.000 đồng', 'the fee typed was lost');
    expect((await page.getByLabel('Số quyết định công bố').inputValue()) === '12/QĐ-UBND', 'the decision typed was lost');
});

await check('procedures: fixed, Enter adds it; the API has it as typed, version 1', async () => {
    await typeIn(page, page.getByLabel('Mã thủ tục'), CODE);
    await typeIn(page, page.getByLabel('Thời hạn giải quyết (ngày làm việc)'), '5');
    await page.getByLabel('Mức độ dịch vụ công trực tuyến').selectOption('4');
    await page.getByLabel('Mã thủ tục').press('Enter');
    await page.getByText(`Đã thêm thủ tục ${CODE}.`).waitFor({ state: 'visible' });
    await row().waitFor({ state: 'visible' });
    id = Number(await row().getAttribute('data-proc-id'));
    const p = await apiProc();
    expect(p.name === NAME && p.processing_days === 5 && p.online_level === 4 && p.fee === '100.000 đồng' && p.version === 1 && p.status === 'active', JSON.stringify(p));
});

await check('procedures: an amendment without a reason is refused next to the reason; the change typed stays', async () => {
    await row().getByRole('button', { name: `Sửa đổi thủ tục ${CODE}` }).press('Enter');
    expect((await focusedId(page)) === 'name', `focus: ${await focusedId(page)}`);
    await typeIn(page, page.getByLabel('Thời hạn giải quyết (ngày làm việc)'), '3');
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').press('Enter');
    await expectFieldError(page, 'reason', /lý do/i);
    expect((await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').inputValue()) === '3', 'the change typed was lost');
    expect((await apiProc()).version === 1, 'amended without a reason');
});

await check('procedures: with a reason it is amended (version 2); again with another change (version 3)', async () => {
    await page.getByLabel(/Lý do sửa đổi/).focus();
    await page.keyboard.type('Rút ngắn thời hạn theo Quyết định 45/QĐ-UBND');
    await page.getByLabel('Tên thủ tục').press('Enter');
    await page.getByText(`Đã lưu sửa đổi thủ tục ${CODE}: nay là phiên bản 2.`).waitFor({ state: 'visible' });
    expect((await page.evaluate(() => (document.activeElement.closest('tr') || { dataset: {} }).dataset.code)) === CODE, `the focus did not return to the row: ${await page.evaluate(() => document.activeElement.outerHTML.slice(0, 200))}`);
    await row().getByRole('button', { name: `Sửa đổi thủ tục ${CODE}` }).press('Enter');
    await typeIn(page, page.getByLabel('Phí, lệ phí'), 'Miễn phí');
    await page.getByLabel('Trạng thái').selectOption('abolished');
    await typeIn(page, page.getByLabel(/Lý do sửa đổi/), 'Bãi bỏ theo Nghị định mới');
    await page.getByLabel('Tên thủ tục').press('Enter');
    await page.getByText(`Đã lưu sửa đổi thủ tục ${CODE}: nay là phiên bản 3.`).waitFor({ state: 'visible' });
    const p = await apiProc();
    expect(p.version === 3 && p.processing_days === 3 && p.fee === 'Miễn phí' && p.status === 'abolished' && p.name === NAME, JSON.stringify(p));
    const v = (await api(token, 'GET', `/api/v1/procedures/${id}/versions`)).body.items;
    expect(v.length === 2 && v[0].version === 2 && v[0].reason === 'Bãi bỏ theo Nghị định mới' && v[1].reason === 'Rút ngắn thời hạn theo Quyết định 45/QĐ-UBND', JSON.stringify(v));
});

await check('procedures: every version side by side, the changes marked; closing returns the focus', async () => {
    const opener = row().getByRole('button', { name: `Các phiên bản của thủ tục ${CODE}` });
    await opener.press('Enter');
    const table = page.locator('#versions-table');
    await table.waitFor({ state: 'visible' });
    expect((await focusedId(page)) === 'h-versions', 'the focus did not go to the versions');
    const heads = await table.locator('thead th').allInnerTexts();
    expect(heads.join('|') === 'Trường|Phiên bản 3 (hiện hành)|Phiên bản 2|Phiên bản 1', heads.join('|'));
    const days = await table.locator('tr[data-field-row="processing_days"] td').allInnerTexts();
    expect(days[0] === '3' && days[1].startsWith('3') && days[2].startsWith('5'), days.join('|'));
    expect((await table.locator('tr[data-field-row="processing_days"] td.changed').count()) === 1, 'the time limit change is not marked once');
    expect((await table.locator('tr[data-field-row="fee"] td.changed').count()) === 1, 'the fee change is not marked');
    expect((await table.locator('tr[data-field-row="name"] td.changed').count()) === 0, 'an unchanged name is marked');
    expect(/Rút ngắn thời hạn/.test(await table.locator('tr[data-field-row="reason"] td').nth(2).innerText()), 'the reason of version 1');
    await shot(page, '32-thu-tuc-phien-ban');
    await page.getByRole('button', { name: 'Đóng bảng phiên bản' }).press('Enter');
    expect((await page.evaluate(() => document.activeElement.getAttribute('aria-label'))) === `Các phiên bản của thủ tục ${CODE}`, 'the focus did not return');
    expect(!(await page.locator('#versions').isVisible()), 'still open');
});

await check('procedures: a non-admin sees no link, is refused by the page and the API', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await expectAdminOnly(other, '/admin/thu-tuc.html', 'Thủ tục hành chính');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'PATCH', `/api/v1/procedures/${id}`, { fee: 'x', reason: 'x' })).status === 403, 'the API lets a non-admin amend');
    await other.context().close();
    expectClean([page]);
});

await browser.close();
done();
