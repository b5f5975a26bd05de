// API keys for Open311 clients in the console (/admin/khoa-api.html), with
// the keyboard: a key without a name and one expiring in the past are
// refused next to their fields, keeping what was typed; a key is made and
// shown once (it works: the gateway knows it), then revoked after a
// question (it no longer works). Checked through the API. A non-admin sees
// no link and is refused. Settings: WB_REF_ADMIN, WB_REF_OTHER, WB_RUN.
import { GW, check, credentials, done, expect, expectClean, launch, newPage, signIn } from './lib.mjs';
import { acceptNextDialog, api, expectAdminOnly, expectFieldError, focusedId, tokenOf, typeIn, viaHeader } from './reflib.mjs';

const [user, pass] = credentials('WB_REF_ADMIN');
const RUN = process.env.WB_RUN || 'x';
const NAME = `Ứng dụng Bắc Ninh số ${RUN}`;
const browser = await launch();
const page = await newPage(browser);
const token = await tokenOf(process.env.WB_REF_ADMIN);
let key = '';
let id = 0;
const row = () => page.locator(`#keys tr[data-key-id="${id}"]`);
// What the gateway says of a key: 403 on a staff route when it is live (a
// key, not staff), 401 when unknown or revoked.
const keyStatus = async (k) => (await fetch(`${GW}/api/v1/auth/me`, { headers: { 'X-Api-Key': k } })).status;

await check('keys: the admin opens the page from the header', async () => {
    await signIn(page, user, pass);
    await viaHeader(page, 'Khóa API', /\/admin\/khoa-api\.html/);
    await page.waitForFunction(() => !document.querySelector('#list').hasAttribute('aria-busy'));
});

await check('keys: no name and an expiry in the past are refused next to them, in Vietnamese; what was typed stays', async () => {
    await page.getByLabel(/Hết hạn sau ngày/).fill('2020-05-01');
    await page.getByLabel(/Tên ứng dụng/).press('Enter');
    await expectFieldError(page, 'name');
    await typeIn(page, page.getByLabel(/Tên ứng dụng/), NAME);
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'expires_on', /tương lai/);
    expect((await page.getByLabel(/Tên ứng dụng/).inputValue()) === NAME, 'the name typed was lost');
    expect((await page.getByLabel(/Hết hạn sau ngày/).inputValue()) === '2020-05-01', 'the date typed was lost');
});

await check('keys: fixed, Enter makes the key and shows it once; it works', async () => {
    await page.getByLabel(/Hết hạn sau ngày/).fill('2099-12-31');
    await page.getByLabel(/Tên ứng dụng/).press('Enter');
    const box = page.locator('#secret-value');
    await box.waitFor({ state: 'visible' });
    key = await box.inputValue();
    expect(/^loa_[A-Za-z0-9_-]{43}$/.test(key), `key: ${key}`);
    expect((await focusedId(page)) === 'secret-value', 'the key is not focused for copying');
    await page.locator('#secret-done').press('Enter');
    expect(!(await page.locator('#secret-value').count()), 'the key is still on the page');
    expect((await focusedId(page)) === 'name', 'the focus did not return to the form');
    expect((await keyStatus(key)) === 403, 'the key is not known');
    const k = (await api(token, 'GET', '/api/v1/api-keys')).body.items.find((x) => x.name === NAME);
    expect(k && k.kind === 'open311_client' && !k.revoked && key.startsWith(k.prefix) && new Date(k.expires_at).getTime() === Date.parse('2099-12-31T23:59:59+07:00'), JSON.stringify(k));
    id = k.id;
    await row().waitFor({ state: 'visible' });
    expect(!(await page.content()).includes(key), 'the page still holds the key');
});

await check('keys: revoked with the keyboard after a question; it no longer works; the API agrees', async () => {
    acceptNextDialog(page);
    await row().getByRole('button', { name: `Thu hồi khóa ${NAME}` }).press('Enter');
    await page.getByText(`Đã thu hồi khóa “${NAME}”.`).waitFor({ state: 'visible' });
    expect((await row().locator('td.state').innerText()).startsWith('Đã thu hồi'), 'the row state');
    expect((await focusedId(page)) === 'h-list', 'the focus is lost');
    expect((await keyStatus(key)) === 401, 'the revoked key still works');
    const k = (await api(token, 'GET', '/api/v1/api-keys')).body.items.find((x) => x.id === id);
    expect(k.revoked === true, JSON.stringify(k));
});

await check('keys: a non-admin sees no link, is refused by the page and the API', async () => {
    const other = await newPage(browser);
    const [ou, op] = credentials('WB_REF_OTHER');
    await signIn(other, ou, op);
    await expectAdminOnly(other, '/admin/khoa-api.html', 'Khóa API');
    const t = await tokenOf(process.env.WB_REF_OTHER);
    expect((await api(t, 'POST', '/api/v1/api-keys', { name: 'x', kind: 'open311_client' })).status === 403, 'the API lets a non-admin make a key');
    await other.context().close();
    expectClean([page]);
});

await browser.close();
done();
