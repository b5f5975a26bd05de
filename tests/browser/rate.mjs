// The citizen's satisfaction rating: once the Inspectorate has published
// the answer (test_web.sh does that through the API), the tracking page
// shows it and the rating form; a phone number that is not the
// submitter's is refused in Vietnamese, the right one is accepted, and the
// form does not come back. Settings: WB_CODE (the tracking code),
// WB_PHONE (the submitter's), WB_ANSWER (a sentence of the answer).
import { check, done, expect, launch, newPage, open, shot } from './lib.mjs';

const { WB_CODE, WB_PHONE, WB_ANSWER } = process.env;
const browser = await launch();
const page = await newPage(browser);

await check('rating: the tracking page shows the published answer and the rating form', async () => {
    await open(page, `/tra-cuu.html?code=${encodeURIComponent(WB_CODE)}`);
    await page.locator('#track-status').waitFor({ state: 'visible' });
    expect((await page.locator('#track-status').innerText()) === 'Đã công khai kết quả trả lời', await page.locator('#track-status').innerText());
    expect((await page.locator('#track-result').innerText()).includes(WB_ANSWER), 'the answer is not shown');
    await page.locator('#rate-form').waitFor({ state: 'visible' });
});

await check('rating: a phone number that is not the submitter\'s is refused in Vietnamese', async () => {
    await page.getByLabel('Số điện thoại').fill('0900 000 000');
    await page.getByLabel('5 – Rất hài lòng').check();
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    const alert = page.locator('#rate-form .alert');
    await alert.waitFor({ state: 'visible' });
    const text = await alert.innerText();
    expect(/[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/i.test(text), `not Vietnamese: ${text}`);
});

await check('rating: the submitter\'s phone number is accepted, once', async () => {
    await page.getByLabel('Số điện thoại').fill(WB_PHONE);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.getByText('Cảm ơn bạn đã đánh giá.').waitFor({ state: 'visible' });
    await shot(page, '13-danh-gia-hai-long');
    await open(page, `/tra-cuu.html?code=${encodeURIComponent(WB_CODE)}`);
    await page.getByText('Bạn đã đánh giá mức độ hài lòng: 5/5.').waitFor({ state: 'visible' });
    expect(!(await page.locator('#rate-form').count()), 'the form is offered again');
});

await browser.close();
done();
