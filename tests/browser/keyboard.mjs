// The keyboard alone: the public header (the skip link first, then the
// brand and the navigation in order), the feedback form (every control in
// the order it is read, the radio group moved with the arrows), and a
// console page reached by signing in with the keyboard (header, the
// user's links, the page's form). At every stop the focused element must
// be on screen with a visible focus style (an outline of at least 2 px, or
// a box-shadow), and the stops must be the region's tabbable elements in
// document order.
//   WB_REF_ADMIN   "user:password" of an admin (the console page)
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot } from './lib.mjs';

// Numbers the tabbable elements inside `root` in document order (a radio
// group counts once: its checked radio, or its first) and returns how many.
async function markTabbables(page, root) {
    return page.evaluate((sel) => {
        const scope = document.querySelector(sel);
        const seenGroups = new Set();
        let i = 0;
        for (const e of document.querySelectorAll('[data-kb]')) e.removeAttribute('data-kb');
        const cand = scope.querySelectorAll('a[href], button, input, select, textarea, [tabindex]');
        for (const e of cand) {
            if (e.disabled || e.tabIndex < 0 || e.closest('[hidden], [inert]')) continue;
            const r = e.getBoundingClientRect();
            const cs = getComputedStyle(e);
            if ((r.width === 0 && r.height === 0 && !e.classList.contains('skip')) || cs.visibility === 'hidden') continue;
            if (e.type === 'radio') {
                if (seenGroups.has(e.name)) continue;
                const form = e.form || document;
                const group = [...form.querySelectorAll(`input[type="radio"][name="${e.name}"]`)];
                seenGroups.add(e.name);
                const chosen = group.find((x) => x.checked) || group[0];
                chosen.dataset.kb = String(i++);
                continue;
            }
            e.dataset.kb = String(i++);
        }
        return i;
    }, root);
}

// Where the focus is, and whether it shows.
async function focused(page) {
    return page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return { kb: null, name: 'body' };
        const cs = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
        const shadow = cs.boxShadow && cs.boxShadow !== 'none';
        return {
            kb: e.dataset.kb ?? null,
            name: `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 40)}"`,
            ring: outline || shadow,
            onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth,
            visibleMatch: e.matches(':focus-visible'),
        };
    });
}

// Tabs through the `n` marked stops from where the focus is, checking order and focus style.
async function tabThrough(page, n, start = 0) {
    for (let i = start; i < n; i++) {
        await page.keyboard.press('Tab');
        const f = await focused(page);
        expect(f.kb === String(i), `stop ${i}: the focus went to ${f.name} (mark ${f.kb})`);
        expect(f.onScreen, `stop ${i}: ${f.name} is not on screen`);
        expect(f.visibleMatch && f.ring, `stop ${i}: ${f.name} shows no focus style`);
    }
}

const browser = await launch();
const page = await newPage(browser);

await check('keyboard: the first Tab reaches the skip link, shown on screen with a focus style', async () => {
    await open(page, '/thu-tuc.html');
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(/a "Bỏ qua, đến nội dung chính"/.test(f.name), `first stop ${f.name}`);
    expect(f.onScreen && f.ring, `the skip link is not visible when focused (${JSON.stringify(f)})`);
    await shot(page, 'kb-01-skip');
});

await check('keyboard: Enter on the skip link moves the focus to the main content', async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'noi-dung');
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => !!document.activeElement.closest('main'));
    expect(inMain, `the next Tab left main: ${(await focused(page)).name}`);
});

await check('keyboard: the public header: skip link, brand, every navigation link in order, then the search box, each with a focus style', async () => {
    await open(page, '/thu-tuc.html');
    // The skip link and the header's links are the first stops of the page.
    const count = await markTabbables(page, 'body');
    const headerStops = await page.evaluate(() => [...document.querySelectorAll('[data-kb]')]
        .filter((e) => e.classList.contains('skip') || e.closest('header')).length);
    expect(count > headerStops && headerStops === 12, `${headerStops} stops in the header (skip, brand, 8 links, the search box and its button)`);
    const order = await page.evaluate(() => [...document.querySelectorAll('header .site-nav a')].map((a) => a.getAttribute('href')).join(' '));
    expect(order === '/ /tim-kiem.html /thong-bao.html /thu-tuc.html /phan-anh.html /tra-cuu.html /hoi-dap.html /danh-gia.html',
        `navigation ${order}`);
    await tabThrough(page, headerStops);
    // After the header the search form of the page itself.
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => !!document.activeElement.closest('main'));
    expect(next, `after the navigation the focus is at ${(await focused(page)).name}`);
});

await check('keyboard: the feedback form: every control in reading order, each with a focus style', async () => {
    await open(page, '/phan-anh.html');
    const n = await markTabbables(page, '#feedback-form');
    const ids = await page.evaluate(() => [...document.querySelectorAll('#feedback-form [data-kb]')].map((e) => e.id || e.textContent.trim()).join(' '));
    expect(ids === 'kind-report title content procedure_code regulation_ref files name address phone email organization Gửi phản ánh, kiến nghị',
        `the form's stops: ${ids}`);
    // From the main heading, the first Tab enters the form.
    await page.locator('#noi-dung').focus();
    await tabThrough(page, n);
    await shot(page, 'kb-02-form-submit-focused');
});

await check('keyboard: the kind is chosen with the arrow keys, and Shift+Tab goes back in order', async () => {
    await page.locator('#noi-dung').focus();
    await page.keyboard.press('Tab');
    expect((await focused(page)).kb === '0', 'not on the radio group');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#kind-recommendation').isChecked(), '"Kiến nghị" not chosen by the arrow');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Tiêu đề gõ bằng bàn phím');
    await page.keyboard.press('Shift+Tab');
    const f = await focused(page);
    expect(f.name.startsWith('input#kind-recommendation'), `Shift+Tab went to ${f.name}`);
    expect((await page.locator('#title').inputValue()) === 'Tiêu đề gõ bằng bàn phím', 'typed text lost');
});

await check('keyboard: sending the empty form with Enter shows the errors and puts the focus on them', async () => {
    await open(page, '/phan-anh.html');
    await page.locator('#title').focus();
    await page.keyboard.press('Enter');
    await page.locator('#form-alert').waitFor({ state: 'visible' });
    const f = await focused(page);
    const inside = await page.evaluate(() => {
        const a = document.activeElement;
        return !!(a.closest('#form-alert') || a.getAttribute('aria-invalid') === 'true');
    });
    expect(inside, `after the refusal the focus is at ${f.name}`);
});

await check('keyboard: a console page, signed in with the keyboard: header, the user\'s links, then the page\'s form, in order with a focus style', async () => {
    const staff = await newPage(browser);
    const [user, pass] = credentials('WB_REF_ADMIN');
    await open(staff, '/admin/');
    await staff.getByLabel('Tên đăng nhập').focus();
    await staff.keyboard.type(user);
    await staff.keyboard.press('Tab');
    await staff.keyboard.type(pass);
    await staff.keyboard.press('Enter');
    await staff.locator('#menu').waitFor({ state: 'visible' });
    await open(staff, '/admin/don-vi.html');
    await staff.waitForLoadState('networkidle');
    await staff.locator('#bell').waitFor({ state: 'visible' });
    const n = await markTabbables(staff, 'body');
    const header = await staff.evaluate(() => [...document.querySelectorAll('[data-kb]')]
        .filter((e) => e.classList.contains('skip') || e.closest('header')).map((e) => e.textContent.trim() || e.id));
    expect(header[0] === 'Bỏ qua, đến nội dung chính', `the first stop is ${header[0]}`);
    expect(header.includes('Đơn vị') && header.includes('Người dùng'), `the admin's links: ${header.join(', ')}`);
    const formStops = await staff.evaluate(() => [...document.querySelectorAll('main form [data-kb]')].length);
    expect(formStops >= 3, `${formStops} stops in the page's form`);
    // Through the header and into the page, to its form's last control.
    const lastForm = await staff.evaluate(() => {
        const all = [...document.querySelectorAll('main form [data-kb]')];
        return Number(all[all.length - 1].dataset.kb) + 1;
    });
    expect(lastForm <= n, 'marks');
    await tabThrough(staff, lastForm);
    await shot(staff, 'kb-03-console');
    expectClean([page, staff]);
});

await browser.close();
done();
