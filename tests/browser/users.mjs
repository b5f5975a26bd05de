// Users and roles in the console (/admin/nguoi-dung.html), with the
// keyboard: an admin adds an account (a bad username and e-mail refused next
// to their fields, keeping what was typed; a taken username too), receives
// its one-time password once, changes its roles and unit, deactivates and
// reactivates it, resets its password; the member signs in with the
// one-time password and must change it before anything else. Each step is
// checked through the API. A non-admin sees no link, the page refuses, and
// so does the API. Settings: WB_REF_ADMIN and WB_REF_OTHER ("user:pass"),
// WB_RUN (a suffix for names).
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';
import { acceptNextDialog, api, expectAdminOnly, expectFieldError, focusedId, tabType, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const RUN = process.env.WB_RUN || 'x';
const NAME = `ui.nguoidung.${RUN}`;
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);
const units = (await api(token, 'GET', '/api/v1/units?per_page=100')).body.items.filter((u) => u.is_active);
const unitA = units[0];
const unitB = units[1] || units[0];
let created = null;
let otp = '';

const row = () => page.locator(`#users tr[data-username="${NAME}"]`);
const apiUser = async () => (await api(token, 'GET', `/api/v1/users/${created.id}`)).body;

await check('users: the admin opens the page from the header', async () => {
    await signIn(page, user, pass);
    await viaHeader(page, 'Người dùng', /\/admin\/nguoi-dung\.html/);
    await page.locator('#users').waitFor({ state: 'visible' });
});

await check('users: a bad username and e-mail are refused next to their fields, in Vietnamese; nothing typed is lost', async () => {
    await typeIn(page, page.getByLabel('Tên đăng nhập'), 'Nguyễn Văn A');
    await tabType(page, 'Nguyễn Thị Người Dùng');
    await tabType(page, 'khong-phai-thu');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'username');
    await expectFieldError(page, 'email');
    expect((await focusedId(page)) === 'username', 'the focus is not on the first refused field');
    expect((await page.getByLabel('Tên đăng nhập').inputValue()) === 'Nguyễn Văn A', 'the username typed was lost');
    expect((await page.getByLabel('Họ và tên').inputValue()) === 'Nguyễn Thị Người Dùng', 'the name typed was lost');
    expect((await page.locator('#email').inputValue()) === 'khong-phai-thu', 'the e-mail typed was lost');
    await shot(page, '30-nguoi-dung-sai');
});

await check('users: fixed, with a unit and two roles chosen by keyboard, Enter adds it; the one-time password shows once', async () => {
    await typeIn(page, page.getByLabel('Tên đăng nhập'), NAME);
    await typeIn(page, page.locator('#email'), `${NAME}@example.vn`);
    await page.keyboard.press('Tab'); // the unit
    expect((await focusedId(page)) === 'unit_id', `focus order: ${await focusedId(page)}`);
    await page.locator('#unit_id').selectOption(String(unitA.id));
    await page.keyboard.press('Tab'); // the first role
    await page.keyboard.press('Space'); // editor
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // handler
    await page.keyboard.press('Enter');
    const box = page.locator('#secret-value');
    await box.waitFor({ state: 'visible' });
    otp = await box.inputValue();
    expect(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/.test(otp), `one-time password: ${otp}`);
    expect((await focusedId(page)) === 'secret-value', 'the password is not focused for copying');
    expect((await page.getByLabel('Tên đăng nhập').inputValue()) === '', 'the form was not emptied after the account was made');
    await shot(page, '31-nguoi-dung-mat-khau-mot-lan');
    await page.locator('#secret-done').press('Enter');
    expect(!(await page.locator('#secret-value').count()), 'the password is still on the page');
    expect((await focusedId(page)) === 'username', 'the focus did not return to the form');
});

await check('users: the API has the account as typed, marked to change its password', async () => {
    const all = (await api(token, 'GET', '/api/v1/users?per_page=100&page=1')).body;
    let found = all.items.find((u) => u.username === NAME);
    for (let p = 2; !found && p <= Math.ceil(all.total / 100); p++) {
        found = (await api(token, 'GET', `/api/v1/users?per_page=100&page=${p}`)).body.items.find((u) => u.username === NAME);
    }
    expect(found, 'no such user');
    created = found;
    expect(found.full_name === 'Nguyễn Thị Người Dùng' && found.email === `${NAME}@example.vn` && found.unit_id === unitA.id, JSON.stringify(found));
    expect([...found.roles].sort().join(',') === 'editor,handler', found.roles.join(','));
    expect(found.must_change_password === true && found.active === true, JSON.stringify(found));
    await row().waitFor({ state: 'visible' });
});

await check('users: a taken username is refused next to the field, what was typed kept', async () => {
    await typeIn(page, page.getByLabel('Tên đăng nhập'), NAME);
    await tabType(page, 'Người trùng tên');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'username', /tồn tại/);
    expect((await page.getByLabel('Họ và tên').inputValue()) === 'Người trùng tên', 'the name typed was lost');
    await typeIn(page, page.getByLabel('Tên đăng nhập'), '');
    await typeIn(page, page.getByLabel('Họ và tên'), '');
});

await check('users: “Sửa” with the keyboard: roles and unit change; the focus returns to the row', async () => {
    await row().getByRole('button', { name: `Sửa tài khoản ${NAME}` }).press('Enter');
    expect((await focusedId(page)) === 'full_name', `the form did not take the focus: ${await focusedId(page)}`);
    expect((await page.getByLabel('Tên đăng nhập').getAttribute('readonly')) !== null, 'the username is editable');
    await page.locator('#unit_id').selectOption(String(unitB.id));
    await page.getByLabel(/Ban biên tập/).check();
    await page.getByLabel(/Cán bộ xử lý/).uncheck();
    await page.getByLabel('Họ và tên').press('Enter');
    await page.getByText(`Đã lưu tài khoản ${NAME}.`).waitFor({ state: 'visible' });
    expect((await page.evaluate(() => (document.activeElement.closest('tr') || { dataset: {} }).dataset.username)) === NAME, 'the focus did not return to the row');
    const u = await apiUser();
    expect([...u.roles].sort().join(',') === 'editor,reviewer' && u.unit_id === unitB.id, JSON.stringify(u));
});

await check('users: deactivated (asked first), then reactivated; the API agrees each time', async () => {
    acceptNextDialog(page);
    await row().getByRole('button', { name: `Khóa tài khoản ${NAME}` }).click();
    await page.getByText(`Đã khóa tài khoản ${NAME}.`).waitFor({ state: 'visible' });
    expect((await row().locator('td.state').innerText()).includes('Đã khóa'), 'the row does not say so');
    expect((await apiUser()).active === false, 'still active');
    await row().getByRole('button', { name: `Mở khóa tài khoản ${NAME}` }).press('Enter');
    await page.getByText(`Đã mở khóa tài khoản ${NAME}.`).waitFor({ state: 'visible' });
    expect((await apiUser()).active === true, 'not active again');
});

await check('users: the first one-time password signs in only to change it', async () => {
    const member = await newPage(browser);
    await open(member, '/admin/');
    await member.getByLabel('Tên đăng nhập').fill(NAME);
    await member.getByLabel('Mật khẩu').fill(otp);
    await member.getByRole('button', { name: 'Đăng nhập' }).click();
    await member.waitForURL(/\/admin\/mat-khau\.html/);
    await member.getByText('Cần đổi mật khẩu trước khi làm việc').waitFor({ state: 'visible' });
    await open(member, '/admin/bai-viet.html');
    await member.waitForURL(/\/admin\/mat-khau\.html/);
    await member.context().close();
});

await check('users: a reset (asked first) shows a new one-time password; the member must change it at login', async () => {
    acceptNextDialog(page);
    await row().getByRole('button', { name: `Cấp lại mật khẩu cho ${NAME}` }).click();
    const box = page.locator('#secret-value');
    await box.waitFor({ state: 'visible' });
    const second = await box.inputValue();
    expect(second !== otp && /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/.test(second), second);
    await page.locator('#secret-done').click();
    expect((await page.evaluate(() => `${(document.activeElement.closest('tr') || { dataset: {} }).dataset.username} ${document.activeElement.textContent}`)) === `${NAME} Cấp lại mật khẩu`, 'the focus did not return to the button');
    const member = await newPage(browser);
    await open(member, '/admin/');
    await member.getByLabel('Tên đăng nhập').fill(NAME);
    await member.getByLabel('Mật khẩu').fill(otp);
    await member.getByRole('button', { name: 'Đăng nhập' }).click();
    await member.locator('#form-alert .alert').waitFor({ state: 'visible' });
    await member.getByLabel('Mật khẩu').fill(second);
    await member.getByRole('button', { name: 'Đăng nhập' }).click();
    await member.waitForURL(/\/admin\/mat-khau\.html/);
    const mine = `Mật khẩu riêng ${RUN}`;
    await member.getByLabel('Mật khẩu một lần được cấp').fill(second);
    await member.getByLabel('Mật khẩu mới', { exact: true }).fill(mine);
    await member.getByLabel('Nhập lại mật khẩu mới').fill(mine);
    await member.getByLabel('Nhập lại mật khẩu mới').press('Enter');
    await member.getByText('Đã đổi mật khẩu.').waitFor({ state: 'visible' });
    await member.locator('#continue').click();
    await member.locator('#menu').waitFor({ state: 'visible' });
    await open(member, '/admin/bai-viet.html');
    expect(/bai-viet\.html/.test(member.url()), member.url());
    expectClean([member]);
    await member.context().close();
    const u = await apiUser();
    expect(u.must_change_password === false, 'still marked');
    const t = await tokenOf(`${NAME}:${mine}`);
    expect((await api(t, 'GET', '/api/v1/auth/me')).status === 200, 'the new password does not sign in');
});

await check('users: a non-admin sees no link to the page, is refused by it, and by the API', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await expectAdminOnly(other, '/admin/nguoi-dung.html', 'Người dùng');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'GET', '/api/v1/users')).status === 403, 'the API lets a non-admin list users');
    expect((await api(t, 'POST', `/api/v1/users/${created.id}/password-reset`)).status === 403, 'the API lets a non-admin reset');
    await other.context().close();
    expectClean([page]);
});

await browser.close();
done();
