// Shared by the browser tests of the console's reference-data pages
// (users.mjs, units.mjs, notices.mjs, procedures.mjs, calendar.mjs,
// quotarules.mjs, keys.mjs): the API as a signed-in user (what the browser
// did, checked through it), typing with the keyboard alone, and the checks
// of a refusal: the message next to its field, in Vietnamese, marked for
// assistive technology, and what was typed still there.
import { GW, expect, open } from './lib.mjs';

export const viet = /[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữìíỉĩịùúủũụỳýỷỹỵèéẻẽẹòóỏõọ]/i;

let clients = 0;
// A bearer token for "user:pass" (each login from its own address, so the
// login throttle never mixes them).
export async function tokenOf(credentials) {
    const [username, password] = credentials.split(/:(.*)/s);
    clients++;
    const r = await fetch(`${GW}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `100.77.${clients}.${(process.pid % 250) + 1}` },
        body: JSON.stringify({ username, password }),
    });
    const j = await r.json();
    expect(r.status === 200 && j.token, `login of ${username}: ${r.status}`);
    return j.token;
}

// The API as `token`: {status, body}.
export async function api(token, method, path, body) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${GW}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch {
        json = text;
    }
    return { status: r.status, body: json };
}

// Focuses the field labelled `label` and types `text` over its value, as
// a person would (Ctrl+A, then the keys).
export async function typeIn(page, locator, text) {
    await locator.focus();
    await page.keyboard.press('Control+A');
    if (text === '') await page.keyboard.press('Delete');
    else await page.keyboard.type(text);
}

// Tab, then type over the value of the field that has the focus.
export async function tabType(page, text) {
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    if (text === '') await page.keyboard.press('Delete');
    else await page.keyboard.type(text);
}

// The id of the focused element.
export const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

// The refusal of the field `id`: its message (#id-error) is visible, in
// Vietnamese, matches `re` when given, and the input is aria-invalid and
// described by it. Returns the message.
export async function expectFieldError(page, id, re) {
    const msg = page.locator(`#${id}-error`);
    await msg.waitFor({ state: 'visible' });
    const text = await msg.innerText();
    expect(viet.test(text), `#${id}-error is not Vietnamese: ${text}`);
    if (re) expect(re.test(text), `#${id}-error: ${text}`);
    const input = page.locator(`[id="${id}"]`);
    expect((await input.getAttribute('aria-invalid')) === 'true', `#${id} is not aria-invalid`);
    expect(((await input.getAttribute('aria-describedby')) || '').split(' ').includes(`${id}-error`), `#${id} is not described by its error`);
    return text;
}

// Opens a console page by its header link (admin-header.html), as a user
// would, and waits for its busy boxes to settle.
export async function viaHeader(page, name, url) {
    await page.locator('nav[aria-label="Trang quản trị"]').getByRole('link', { name, exact: true }).click();
    await page.waitForURL(url);
    await page.waitForLoadState('networkidle');
}

// The header's admin links a non-admin does not see, and the page's refusal.
export async function expectAdminOnly(page, path, linkName) {
    await open(page, path);
    await page.getByText('Không có quyền').waitFor({ state: 'visible' });
    const link = page.locator('nav[aria-label="Trang quản trị"]').getByRole('link', { name: linkName, exact: true });
    expect(!(await link.isVisible()), `the header shows “${linkName}” to a non-admin`);
}

// Accepts the next confirm() the page asks.
export function acceptNextDialog(page) {
    page.once('dialog', (d) => d.accept());
}
