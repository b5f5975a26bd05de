// The console's bell (admin-bell.js) and /admin/thong-bao.html, with the
// keyboard: the handler of the unit inbox.mjs assigned the citizen's item to
// sees the unread count on a console page, opens the bell (Enter), finds
// the item's notification first in line, closes it with Escape (focus back
// on the bell), opens it again and follows the notification to the item,
// which marks it read (one fewer unread); on the notifications page it is
// read, and the member chooses to receive that kind by e-mail too, with
// the keyboard, saved and still chosen after a reload; a phone-sized
// screen. Settings: WB_HANDLER ("username:password"), WB_CODE.
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const [user, pass] = credentials('WB_HANDLER');
const CODE = process.env.WB_CODE;
const browser = await launch();
const page = await newPage(browser);

const unread = async () => {
    const badge = page.locator('#bell-count');
    return (await badge.isHidden()) ? 0 : Number(await badge.innerText());
};
let before = 0;

await check('bell: a console page shows the handler\'s unread notifications', async () => {
    expect(CODE, 'WB_CODE is not set');
    await signIn(page, user, pass);
    const deadline = Date.now() + 20000;
    for (;;) {
        await open(page, '/admin/phan-anh.html');
        await page.locator('#bell').waitFor({ state: 'visible' });
        await page.waitForTimeout(300);
        before = await unread();
        if (before > 0 || Date.now() > deadline) break;
        await page.waitForTimeout(1000);
    }
    expect(before >= 1, `unread ${before}`);
    const label = await page.locator('#bell').getAttribute('aria-label');
    expect(label === `Thông báo: ${before} chưa đọc`, `aria-label [${label}]`);
});

await check('bell: Enter opens it, the item\'s notification first, focus inside; Escape closes it', async () => {
    await page.locator('#bell').focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('#bell-panel');
    await panel.waitFor({ state: 'visible' });
    expect(await page.locator('#bell').getAttribute('aria-expanded') === 'true', 'aria-expanded');
    const first = panel.locator('a.unread').filter({ hasText: `${CODE} được giao cho đơn vị` }).first();
    expect(await first.count() === 1, 'no unread notification of the item');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('#bell-panel') !== null);
    expect(focused, 'focus is not in the panel');
    await shot(page, '60-quan-tri-thong-bao-chuong');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    const onBell = await page.evaluate(() => document.activeElement && document.activeElement.id === 'bell');
    expect(onBell, 'focus did not come back to the bell');
});

await check('bell: following the notification opens the item and marks it read', async () => {
    await page.locator('#bell').press('Enter');
    await page.locator('#bell[aria-expanded="true"]').waitFor(); /* the list as reloaded on opening */
    const link = page.locator('#bell-panel a.unread').filter({ hasText: `${CODE} được giao cho đơn vị` }).first();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/phan-anh\.html\?id=\d+/);
    await page.locator('#bell').waitFor({ state: 'visible' });
    await page.waitForTimeout(500);
    const after = await unread();
    expect(after === before - 1, `unread ${before} -> ${after}`);
});

await check('bell: the notifications page lists it as read', async () => {
    await open(page, '/admin/thong-bao.html');
    const item = page.locator('#notes a').filter({ hasText: `${CODE} được giao cho đơn vị` }).first();
    await item.waitFor({ state: 'visible' });
    expect(await item.getAttribute('class') === 'read', `class [${await item.getAttribute('class')}]`);
    expect((await item.innerText()).includes('đã đọc'), await item.innerText());
});

await check('bell: the member chooses e-mail for items assigned to the unit, with the keyboard; it stays chosen', async () => {
    const box = page.getByLabel('Phản ánh, kiến nghị được giao cho đơn vị');
    await box.waitFor({ state: 'visible' });
    expect(!(await box.isChecked()), 'already chosen');
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked(), 'Space did not check it');
    await page.getByRole('button', { name: 'Lưu lựa chọn' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#prefs-status').filter({ hasText: 'Đã lưu lựa chọn.' }).waitFor();
    const address = await page.locator('#address').innerText();
    expect(address.includes('chưa có địa chỉ thư điện tử'), `address note [${address}]`);
    await shot(page, '61-quan-tri-thong-bao');
    await page.reload({ waitUntil: 'networkidle' });
    await page.getByLabel('Phản ánh, kiến nghị được giao cho đơn vị').waitFor({ state: 'visible' });
    expect(await page.getByLabel('Phản ánh, kiến nghị được giao cho đơn vị').isChecked(), 'not kept after a reload');
});

const phone = await newPage(browser, { mobile: true });
await check('bell: on a phone-sized screen the panel fits the screen', async () => {
    await signIn(phone, user, pass);
    await open(phone, '/admin/thong-bao.html');
    await phone.locator('#bell').click();
    const panel = phone.locator('#bell-panel');
    await panel.waitFor({ state: 'visible' });
    const box = await panel.boundingBox();
    const width = phone.viewportSize().width;
    expect(box && box.x >= 0 && box.x + box.width <= width + 1, `panel ${JSON.stringify(box)} in ${width}`);
    await shot(phone, '62-quan-tri-thong-bao-dien-thoai');
});

await check('bell: no third-party request, no script error', async () => expectClean([page, phone]));
await browser.close();
done();
