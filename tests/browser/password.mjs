// A staff member changes their own password in the console
// (/admin/mat-khau.html), with the keyboard alone: a repeat that does not
// match and a wrong current password are refused in Vietnamese next to
// their fields, keeping what was typed; the right one changes it, the
// session goes on, another session of the account ends, and the new
// password signs in. Settings: WB_OWN_PW ("username:password"),
// WB_OWN_NEW (the new password).
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [user, pass] = credentials('WB_OWN_PW');
const NEXT = process.env.WB_OWN_NEW;
const browser = await launch();
const page = await newPage(browser);
const other = await newPage(browser);

const viet = /[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/i;

await check('password: signed in twice, the header links to the password page', async () => {
    await signIn(other, user, pass);
    await signIn(page, user, pass);
    await open(page, '/admin/chi-tieu.html');
    await page.locator('#change-password').click();
    await page.waitForURL(/\/admin\/mat-khau\.html/);
});

async function typeAll(current, next, repeat) {
    await page.getByLabel('Mật khẩu hiện tại').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(current);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(next);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(repeat);
    await page.keyboard.press('Enter');
}

await check('password: a repeat that does not match is refused next to it, in Vietnamese', async () => {
    await typeAll(pass, NEXT, `${NEXT}x`);
    const msg = page.locator('#repeat_password-error');
    await msg.waitFor({ state: 'visible' });
    expect(viet.test(await msg.innerText()), await msg.innerText());
    expect((await page.getByLabel('Nhập lại mật khẩu mới').getAttribute('aria-invalid')) === 'true', 'not marked');
});

await check('password: a wrong current password is refused next to it; what was typed stays', async () => {
    await typeAll('khong-phai-mat-khau', NEXT, NEXT);
    const msg = page.locator('#current_password-error');
    await msg.waitFor({ state: 'visible' });
    expect(viet.test(await msg.innerText()), await msg.innerText());
    expect((await page.getByLabel('Mật khẩu mới', { exact: true }).inputValue()) === NEXT, 'the new password was lost');
    await shot(page, '20-doi-mat-khau-sai');
});

await check('password: the right current password changes it; this session goes on', async () => {
    await typeAll(pass, NEXT, NEXT);
    await page.getByText('Đã đổi mật khẩu.').waitFor({ state: 'visible' });
    expect((await page.getByLabel('Mật khẩu hiện tại').inputValue()) === '', 'the form still holds the passwords');
    await open(page, '/admin/chi-tieu.html');
    await page.waitForFunction(() => !document.querySelector('#month-report').hasAttribute('aria-busy'));
    expect(!/\/admin\/\?next=/.test(page.url()), page.url());
});

await check('password: the other session has ended: its next page leads to the login page', async () => {
    await open(other, '/admin/chi-tieu.html');
    await other.waitForURL(/\/admin\/\?next=/);
});

await check('password: the new password signs in, the old one no longer does', async () => {
    await open(other, '/admin/');
    await other.getByLabel('Tên đăng nhập').fill(user);
    await other.getByLabel('Mật khẩu').fill(pass);
    await other.getByRole('button', { name: 'Đăng nhập' }).click();
    await other.locator('#form-alert .alert').waitFor({ state: 'visible' });
    await signIn(other, user, NEXT);
    expectClean([page, other]);
});

await browser.close();
done();
