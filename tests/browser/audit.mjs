// The audit trail's page (/admin/nhat-ky.html), with the keyboard: an
// inspector opens it from the console's menu, finds the browser editor's
// account being made (users.create, by the admin, the password only said
// to have changed), filters by a refused actor ("abc": the API's message
// next to the field, what was typed kept), filters by entity and action,
// and downloads the CSV; an editor is refused. Settings: WB_PLAN_INSPECTOR,
// WB_EDITOR ("username:password"), WB_EDITOR_ID (the editor's user id).
import { readFileSync } from 'node:fs';
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const EDITOR_ID = process.env.WB_EDITOR_ID;
const browser = await launch();
const insp = await newPage(browser);

await check('audit: the inspector opens the trail from the menu', async () => {
    const [user, pass] = credentials('WB_PLAN_INSPECTOR');
    await signIn(insp, user, pass);
    await insp.getByRole('link', { name: 'Nhật ký thao tác' }).click();
    await insp.waitForURL(/\/admin\/nhat-ky\.html/);
    await insp.waitForFunction(() => !document.querySelector('#trail').hasAttribute('aria-busy'));
    const n = await insp.locator('li.audit-entry').count();
    expect(n >= 1, `${n} entries`);
});

await check('audit: a refused filter keeps what was typed, the error next to the field', async () => {
    const actor = insp.getByLabel('Mã người thực hiện');
    await actor.focus();
    await insp.keyboard.type('abc');
    await insp.keyboard.press('Enter');
    const err = insp.locator('#f-actor-error');
    await err.waitFor({ state: 'visible' });
    expect((await err.innerText()).includes('số nguyên dương'), await err.innerText());
    expect((await actor.inputValue()) === 'abc', 'the typed value is lost');
    expect((await actor.getAttribute('aria-invalid')) === 'true', 'not marked');
});

await check('audit: filtered by entity and action, the editor\'s account being made, its fields before and after', async () => {
    await insp.getByLabel('Mã người thực hiện').fill('');
    await insp.getByLabel('Đối tượng', { exact: true }).selectOption('user');
    await insp.getByLabel('Mã đối tượng').fill(String(EDITOR_ID));
    await insp.getByLabel(/^Thao tác/).fill('users.create');
    await insp.getByRole('button', { name: 'Xem nhật ký' }).click();
    const item = insp.locator('li.audit-entry[data-action="users.create"]');
    await item.first().waitFor({ state: 'visible' });
    expect((await item.count()) === 1, `${await item.count()} entries`);
    const text = await item.innerText();
    expect(text.includes('Quản trị hệ thống') && text.includes('user #'), text.slice(0, 300));
    expect((await item.locator('tr[data-field="username"] td.after').innerText()).length > 0, 'no username after');
    expect((await item.locator('tr[data-field="password_hash"]').innerText()).includes('không ghi giá trị'), 'the hash is shown');
    expect(!text.includes('argon2'), 'a password hash is on the page');
    expect(insp.url().includes('entity=user') && insp.url().includes('action=users.create'), insp.url());
    await shot(insp, '50-quan-tri-nhat-ky');
});

await check('audit: the CSV of the same filters downloads with the token', async () => {
    const [dl] = await Promise.all([insp.waitForEvent('download'), insp.getByRole('button', { name: 'Tải CSV' }).click()]);
    expect(dl.suggestedFilename() === 'nhat-ky-thao-tac.csv', dl.suggestedFilename());
    const text = readFileSync(await dl.path(), 'utf8');
    expect(text.includes('Thời điểm') && text.includes('users.create'), text.slice(0, 200));
    expect(text.trim().split(/\r?\n/).length === 2, `${text.trim().split(/\r?\n/).length} lines`);
});

const editor = await newPage(browser);
await check('audit: an editor is refused', async () => {
    const [user, pass] = credentials('WB_EDITOR');
    await signIn(editor, user, pass);
    await open(editor, '/admin/nhat-ky.html');
    await editor.locator('.alert', { hasText: 'Không có quyền' }).waitFor({ state: 'visible' });
    expect(!(await editor.locator('li.audit-entry').count()), 'entries shown to an editor');
});

await check('audit: no request left the gateway, no script error', async () => {
    expectClean([insp, editor]);
});

await browser.close();
done();
