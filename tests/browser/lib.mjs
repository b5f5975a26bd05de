// Shared by the browser tests: launch Debian's chromium through
// playwright-core, report each assertion as one line that
// tests/e2e/test_web.sh counts ("ok NAME" or "FAIL NAME: WHY"), save
// screenshots. Settings from the environment:
//   GW         the gateway's base URL (required)
//   SHOTS      the folder for screenshots (default: ./screenshots)
//   CHROMIUM   the browser (default: /usr/bin/chromium)
//   WB_CLIENT  the X-Forwarded-For address the browser's requests carry
//              (the intake throttle counts per client address)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const GW = process.env.GW;
if (!GW) {
    console.log('FAIL setup: GW is not set');
    process.exit(1);
}
export const SHOTS = process.env.SHOTS || 'screenshots';
mkdirSync(SHOTS, { recursive: true });

// Generous: two cores share the browser, the sanitized stack and the tests.
export const TIMEOUT = 30000;
let failures = 0;

export function ok(name) {
    console.log(`ok ${name}`);
}

export function fail(name, why) {
    failures++;
    console.log(`FAIL ${name}: ${String(why).replace(/\s+/g, ' ').slice(0, 400)}`);
}

// check(name, async () => {...}): ok when it resolves, FAIL with the error
// when it throws. Returns whether it passed.
export async function check(name, fn) {
    try {
        await fn();
        ok(name);
        return true;
    } catch (err) {
        fail(name, err && err.message ? err.message : err);
        return false;
    }
}

export function expect(cond, why) {
    if (!cond) throw new Error(why);
}

export async function launch() {
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
        timeout: 60000,
    });
    return browser;
}

// A context like a citizen's phone or desktop; every request carries
// X-Forwarded-For (the test stack trusts it) and any third-party request
// is recorded (the site must make none).
export async function newPage(browser, { mobile = false } = {}) {
    const context = await browser.newContext({
        baseURL: GW,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        viewport: mobile ? { width: 390, height: 844 } : { width: 1280, height: 900 },
        isMobile: mobile,
        hasTouch: mobile,
        extraHTTPHeaders: process.env.WB_CLIENT ? { 'X-Forwarded-For': process.env.WB_CLIENT } : {},
    });
    context.setDefaultTimeout(TIMEOUT);
    context.setDefaultNavigationTimeout(TIMEOUT * 2);
    const page = await context.newPage();
    const origin = new URL(GW).origin;
    page.thirdParty = [];
    page.consoleErrors = [];
    page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(origin) && !u.startsWith('data:')) page.thirdParty.push(u);
    });
    page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
    page.on('console', (m) => {
        // 4xx answers the page handles show up as console errors: only script errors count.
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.consoleErrors.push(m.text());
    });
    return page;
}

// Opens `path` and waits until the network is idle.
export async function open(page, path) {
    const resp = await page.goto(path, { waitUntil: 'networkidle' });
    return resp;
}

// "username:password" from the environment variable `name`.
export const credentials = (name) => (process.env[name] || ':').split(/:(.*)/s);

// Signs in at /admin/ and waits for the console's menu.
export async function signIn(page, user, pass) {
    await open(page, '/admin/');
    await page.getByLabel('Tên đăng nhập').fill(user);
    await page.getByLabel('Mật khẩu').fill(pass);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('#menu').waitFor({ state: 'visible' });
}

// Throws when any of `pages` made a third-party request or had a script error.
export function expectClean(pages) {
    const third = pages.flatMap((p) => p.thirdParty);
    expect(!third.length, third.join(' '));
    const errs = pages.flatMap((p) => p.consoleErrors);
    expect(!errs.length, errs.join(' | '));
}

export async function shot(page, name) {
    const file = join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

export function done() {
    process.exit(failures ? 1 : 0);
}
