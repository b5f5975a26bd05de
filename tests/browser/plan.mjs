// The plan page (/admin/ke-hoach.html): the seeded 2022 plan's activities
// are listed; a staff member of the Thanh tra Sở (the lead of activity 1)
// files a report, first without its content (the API's message next to the
// field), and it appears under the activity with the summary one higher; a
// staff member of another unit is refused with the API's 403 in Vietnamese;
// an inspector adds an activity and edits it. On this year's plan
// (WB_PLAN_YEAR, whose activity "… (trình duyệt WB_RUN)" the Thanh tra Sở
// leads) the same member files a report, corrects it with the keyboard (a
// correction without a reason keeps what was typed, the error by the
// field), sees the earlier text, and withdraws it; the 2022 report offers
// neither (its period closed). A report with a file: a text file is
// refused with the API's reason, a PDF is uploaded and listed, and the
// report's file downloads with its bytes. Screenshots desktop + phone.
// Settings: WB_PLAN_LEAD, WB_PLAN_OTHER, WB_PLAN_INSPECTOR
// ("username:password"), WB_RUN (makes the texts unique), WB_PLAN_YEAR.
import { check, credentials, done, expect, expectClean, launch, newPage, open, shot, signIn } from './lib.mjs';

const RUN = process.env.WB_RUN || String(Date.now());
const REPORT = `Đã niêm yết bộ thủ tục hành chính mới tại Trung tâm Hành chính công ${RUN}`;
const LINK = `https://skhdt.example.gov.vn/tin-tuc/niem-yet-${RUN}`;
const NEW_FORM = `Tọa đàm trực tuyến về cải cách hành chính ${RUN}`;
const browser = await launch();

const login = (page, [user, pass]) => signIn(page, user, pass);

async function openYear(page, year) {
    await open(page, '/admin/ke-hoach.html');
    await page.waitForFunction(() => !document.querySelector('#plan').hasAttribute('aria-busy'));
    const option = await page.locator('#plan-id option', { hasText: `Năm ${year}` }).getAttribute('value');
    await page.getByLabel('Kế hoạch năm').selectOption(option);
    await page.getByRole('button', { name: 'Xem kế hoạch' }).click();
    await page.locator('#plan p.muted', { hasText: `Năm ${year} ·` }).waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('#plan').hasAttribute('aria-busy'));
}
const open2022 = (page) => openYear(page, 2022);

const card1 = (page) => page.locator('article.activity').first();
const reportsOf = (text) => Number((/^(\d+) báo cáo/.exec(text) || [0, 0])[1]);

const lead = await newPage(browser);
let before = 0;
await check('plan: the 2022 plan\'s activities are listed with their lead units', async () => {
    await login(lead, credentials('WB_PLAN_LEAD'));
    await lead.getByRole('link', { name: /Kế hoạch tuyên truyền CCHC/ }).click();
    await lead.waitForURL(/\/admin\/ke-hoach\.html/);
    await open2022(lead);
    const heads = await lead.locator('article.activity h3').allInnerTexts();
    expect(heads.length >= 5, `${heads.length} activities`);
    expect(heads[1] === '2. Lồng ghép tuyên truyền về cải cách hành chính (CCHC)', heads[1]);
    expect(heads[2] === '3. Cổng thông tin điện tử của Sở', heads[2]);
    const leads = await lead.locator('article.activity dd.lead-unit').allInnerTexts();
    expect(leads.slice(0, 4).every((x) => x === 'Thanh tra Sở') && leads[4] === 'Phòng Đăng ký kinh doanh', leads.join('|'));
    expect((await lead.locator('article.activity').nth(4).innerText()).includes('4 tại chỗ tại Trung tâm Hành chính công'), 'activity 5');
    const all = await lead.locator('#plan').innerText();
    expect(!/\bnull\b|undefined|\[object/.test(all), 'a missing value is shown as text');
    before = reportsOf(await card1(lead).locator('dd.summary').innerText());
});

await check('plan: a report without its content shows the API\'s message next to the field', async () => {
    await card1(lead).getByRole('button', { name: 'Báo cáo kết quả hoạt động 1' }).click();
    const form = card1(lead).locator('form.report-form');
    await form.getByLabel('Ngày thực hiện').fill('2022-03-15');
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    const err = form.locator('.field-error');
    await err.waitFor({ state: 'visible' });
    expect((await err.innerText()).includes('bắt buộc'), await err.innerText());
    expect((await form.getByLabel('Nội dung đã thực hiện').getAttribute('aria-invalid')) === 'true', 'not marked');
});

await check('plan: the lead unit\'s staff files a report and it appears under the activity', async () => {
    const form = card1(lead).locator('form.report-form');
    await form.getByLabel('Nội dung đã thực hiện').fill(REPORT);
    await form.getByLabel('Đường dẫn minh chứng').fill(LINK);
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await lead.locator('#status .success', { hasText: 'Đã gửi báo cáo cho hoạt động 1' }).waitFor({ state: 'visible' });
    const item = card1(lead).locator('.reports-list li', { hasText: REPORT });
    await item.waitFor({ state: 'visible' });
    expect((await item.innerText()).includes('15/03/2022') && (await item.innerText()).includes('Thanh tra Sở'), await item.innerText());
    expect((await item.getByRole('link', { name: LINK }).getAttribute('href')) === LINK, 'the evidence link');
    const after = reportsOf(await card1(lead).locator('dd.summary').innerText());
    expect(after === before + 1, `summary ${before} -> ${after}`);
    expect((await card1(lead).locator('dd.summary').innerText()).includes('03/2022'), 'the month in the summary');
    await shot(lead, '40-quan-tri-ke-hoach');
});

await check('plan: a report of 2022 (its period closed) offers no correction', async () => {
    const item = card1(lead).locator('.reports-list li', { hasText: REPORT });
    expect(!(await item.getByRole('button', { name: 'Sửa báo cáo' }).count()), 'a 2022 report offers Sửa');
});

const YEAR = process.env.WB_PLAN_YEAR;
const MINE = `(trình duyệt ${RUN})`;
const NOW_REPORT = `Đăng 3 tin về một cửa liên thông ${RUN}`;
const FIXED = `Đăng 4 tin về một cửa liên thông ${RUN}`;
const mine = (page) => page.locator('article.activity', { hasText: MINE });
await check('plan: this year\'s report is corrected with the keyboard; a refused correction keeps what was typed', async () => {
    await openYear(lead, YEAR);
    const card = mine(lead);
    await card.getByRole('button', { name: /^Báo cáo kết quả hoạt động/ }).click();
    const form = card.locator('form.report-form').first();
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
    await form.getByLabel('Ngày thực hiện').fill(today);
    await form.getByLabel('Nội dung đã thực hiện').fill(NOW_REPORT);
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    const item = mine(lead).locator('.reports-list li', { hasText: NOW_REPORT });
    await item.waitFor({ state: 'visible' });
    const edit = item.getByRole('button', { name: 'Sửa báo cáo' });
    expect((await item.innerText()).includes('Được sửa, rút đến hết ngày 31/01/'), await item.innerText());
    await edit.focus();
    await lead.keyboard.press('Enter');
    const box = item.getByLabel('Nội dung đã thực hiện');
    expect(await box.evaluate((n) => n === document.activeElement || n.form.contains(document.activeElement)), 'the focus is not in the form');
    await box.fill(FIXED);
    await item.getByRole('button', { name: 'Lưu bản sửa' }).click();
    const err = item.locator('#reason-r' + (await item.getAttribute('data-report-id')) + '-error');
    await err.waitFor({ state: 'visible' });
    expect((await err.innerText()).includes('Lý do sửa'), await err.innerText());
    expect((await box.inputValue()) === FIXED, 'what was typed is lost');
    expect((await item.getByLabel('Lý do sửa').getAttribute('aria-invalid')) === 'true', 'the reason is not marked');
    await item.getByLabel('Lý do sửa').fill('Sai số tin đã đăng');
    await lead.keyboard.press('Enter');
    await lead.locator('#status .success', { hasText: 'Đã lưu bản sửa' }).waitFor({ state: 'visible' });
    const fixed = mine(lead).locator('.reports-list li', { hasText: FIXED });
    await fixed.waitFor({ state: 'visible' });
    expect((await fixed.innerText()).includes('đã sửa (lần 1)'), await fixed.innerText());
    await fixed.locator('details.report-versions summary').click();
    const v1 = fixed.locator('details.report-versions li[data-version="1"]');
    await v1.waitFor({ state: 'visible' });
    const t = await v1.innerText();
    expect(t.includes(NOW_REPORT) && t.includes('Sai số tin đã đăng'), t);
});

await check('plan: the correction is withdrawn with a reason and leaves the list', async () => {
    const item = mine(lead).locator('.reports-list li', { hasText: FIXED });
    await item.getByRole('button', { name: 'Rút báo cáo' }).click();
    await item.getByLabel('Lý do rút').fill('Trùng với báo cáo của phòng');
    await item.getByRole('button', { name: 'Rút báo cáo này' }).click();
    await lead.locator('#status .success', { hasText: 'Đã rút báo cáo' }).waitFor({ state: 'visible' });
    // The plan is reloaded (the message comes first) with this activity's
    // reports open: wait for the reloaded summary, then the list without it.
    await mine(lead).locator('dd.summary', { hasText: 'Chưa có báo cáo' }).waitFor({ state: 'visible' });
    await mine(lead).locator('.reports h4').waitFor({ state: 'visible' });
    await mine(lead).locator('.reports-list li', { hasText: FIXED }).waitFor({ state: 'detached', timeout: 10000 })
        .catch(() => expect(false, 'the withdrawn report is still listed'));
});

const FILED = `Ảnh và biên bản hội nghị giao ban CCHC ${RUN}`;
const PDF = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${RUN}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
await check('plan: a report\'s files are uploaded with progress, a refused one says why, and staff download them', async () => {
    const card = mine(lead);
    await card.getByRole('button', { name: /^Báo cáo kết quả hoạt động/ }).click();
    const form = card.locator('form.report-form').first();
    const picker = form.getByLabel('Tệp đính kèm');
    await picker.setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('Không phải ảnh hay PDF\n'.repeat(20)) });
    const said = form.locator('.file-picker p[aria-live]');
    await said.filter({ hasText: 'Không tải lên được ghi-chu.txt' }).waitFor({ state: 'visible' });
    expect((await said.innerText()).includes('JPEG, PNG'), await said.innerText());
    await picker.setInputFiles({ name: 'bien-ban.pdf', mimeType: 'application/pdf', buffer: PDF });
    const listed = form.locator('ul.files li');
    await listed.filter({ hasText: 'bien-ban.pdf' }).waitFor({ state: 'visible' });
    expect((await listed.count()) === 1, `${await listed.count()} files listed`);
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
    await form.getByLabel('Ngày thực hiện').fill(today);
    await form.getByLabel('Nội dung đã thực hiện').fill(FILED);
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    const item = mine(lead).locator('.reports-list li', { hasText: FILED });
    await item.waitFor({ state: 'visible' });
    const file = item.locator('.report-files button[data-file]');
    expect((await file.count()) === 1, `${await file.count()} file buttons`);
    const [dl] = await Promise.all([lead.waitForEvent('download'), file.click()]);
    expect(/^bao-cao-\d+-tep-\d+\.pdf$/.test(dl.suggestedFilename()), dl.suggestedFilename());
    const path = await dl.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path).equals(PDF), 'the downloaded bytes are not the uploaded PDF');
});

const other = await newPage(browser);
await check('plan: a staff member of another unit is refused with the API\'s 403 in Vietnamese', async () => {
    await login(other, credentials('WB_PLAN_OTHER'));
    await open2022(other);
    await card1(other).getByRole('button', { name: 'Báo cáo kết quả hoạt động 1' }).click();
    const form = card1(other).locator('form.report-form');
    await form.getByLabel('Ngày thực hiện').fill('2022-04-01');
    await form.getByLabel('Nội dung đã thực hiện').fill('Không phải đơn vị của hoạt động này');
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    const alert = form.locator('.alert');
    await alert.waitFor({ state: 'visible' });
    const text = await alert.innerText();
    expect(text.includes('Chỉ cán bộ của đơn vị chủ trì hoặc đơn vị phối hợp'), text);
    await card1(other).getByRole('button', { name: 'Xem báo cáo hoạt động 1' }).click();
    await card1(other).locator('.reports-list li', { hasText: REPORT }).waitFor({ state: 'visible' });
    expect(!(await card1(other).locator('.reports-list li', { hasText: 'Không phải đơn vị' }).count()), 'the refused report was stored');
});

const insp = await newPage(browser);
await check('plan: an inspector adds an activity and then edits its schedule', async () => {
    await login(insp, credentials('WB_PLAN_INSPECTOR'));
    await open2022(insp);
    const n = await insp.locator('article.activity').count();
    await insp.getByRole('button', { name: 'Thêm hoạt động' }).click();
    await insp.getByRole('button', { name: 'Lưu hoạt động' }).click();
    await insp.locator('#a-form-error').waitFor({ state: 'visible' });
    await insp.getByLabel('Hình thức').fill(NEW_FORM);
    await insp.getByLabel('Nội dung', { exact: true }).fill('Giải đáp thắc mắc của doanh nghiệp về thủ tục đăng ký đầu tư.');
    await insp.getByLabel(/^Thời gian thực hiện/).fill('Quý IV');
    await insp.getByLabel('Đơn vị chủ trì').selectOption({ label: 'Phòng Đăng ký kinh doanh' });
    await insp.locator('#a-partners label', { hasText: 'Thanh tra Sở' }).locator('input').check();
    await insp.getByRole('button', { name: 'Lưu hoạt động' }).click();
    await insp.locator('#status .success', { hasText: 'Đã thêm hoạt động' }).waitFor({ state: 'visible' });
    const card = insp.locator('article.activity', { hasText: NEW_FORM });
    await card.waitFor({ state: 'visible' });
    expect((await insp.locator('article.activity').count()) === n + 1, 'not one more activity');
    const text = await card.innerText();
    expect(text.includes('Quý IV') && text.includes('Phòng Đăng ký kinh doanh') && text.includes('Thanh tra Sở'), text);
    await card.getByRole('button', { name: /^Sửa hoạt động/ }).click();
    expect((await insp.getByLabel('Hình thức').inputValue()) === NEW_FORM, 'the form is not filled');
    await insp.getByLabel(/^Thời gian thực hiện/).fill('Tháng 12');
    await insp.getByRole('button', { name: 'Lưu hoạt động' }).click();
    await insp.locator('#status .success', { hasText: 'Đã lưu hoạt động' }).waitFor({ state: 'visible' });
    await insp.locator('article.activity', { hasText: NEW_FORM }).locator('dd', { hasText: 'Tháng 12' }).waitFor({ state: 'visible' });
});

await check('plan: only the inspector is offered to add or edit activities', async () => {
    expect(!(await lead.getByRole('button', { name: 'Thêm hoạt động' }).count()), 'the lead may add');
    expect(!(await lead.getByRole('button', { name: /^Sửa hoạt động/ }).count()), 'the lead may edit');
});

const phone = await newPage(browser, { mobile: true });
await check('plan: on a phone the page does not scroll sideways', async () => {
    await login(phone, credentials('WB_PLAN_LEAD'));
    await open2022(phone);
    await card1(phone).getByRole('button', { name: 'Xem báo cáo hoạt động 1' }).click();
    await card1(phone).locator('.reports-list li', { hasText: REPORT }).waitFor({ state: 'visible' });
    const over = await phone.evaluate(() => document.documentElement.scrollWidth - Math.min(window.innerWidth, document.documentElement.clientWidth));
    expect(over <= 0, `${over}px too wide`);
    await shot(phone, '41-quan-tri-ke-hoach-dien-thoai');
});

await check('plan: no request left the gateway, no script error', async () => {
    const pages = [lead, other, insp, phone];
    expectClean(pages);
});

await browser.close();
done();
