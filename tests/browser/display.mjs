// How the pages adapt to the reader's media (Playwright's emulateMedia):
// print (an article and the procedures catalogue on paper: no navigation,
// the header and footer reduced, each link's full address after it, the
// page's own address at the top; a PDF is printed too), reduced motion (no
// transition, no animation, no smooth scrolling) and dark mode (dark
// surfaces, light text; a11y.mjs checks its contrast with axe).
//   WB_SLUG, WB_PROC_NAME, WB_PROC_QUERY   the article and the procedure test_web.sh made
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, done, expect, expectClean, GW, launch, newPage, open, SHOTS, shot } from './lib.mjs';

const slug = process.env.WB_SLUG || '';
const articlePath = `/bai-viet.html?slug=${encodeURIComponent(slug)}`;
const procPath = `/thu-tuc.html?q=${encodeURIComponent(process.env.WB_PROC_QUERY || '')}`;

const browser = await launch();
const page = await newPage(browser);

const display = (p, sel) => p.evaluate((s) => {
    const e = document.querySelector(s);
    return e ? getComputedStyle(e).display : 'missing';
}, sel);
const after = (p, sel) => p.evaluate((s) => {
    const e = document.querySelector(s);
    return e ? getComputedStyle(e, '::after').content : 'missing';
}, sel);
// Marks the first link of the page's own content (not its navigation) that
// leads elsewhere on the site, and gives its full address.
const markLink = (p) => p.evaluate(() => {
    const a = [...document.querySelectorAll('main a[href^="/"]')].find((x) => !x.closest('nav'));
    if (!a) return '';
    a.dataset.tLink = '';
    return a.href;
});
const rgb = (s) => (s.match(/\d+(\.\d+)?/g) || []).map(Number);
// WCAG relative luminance of a computed colour.
const luminance = (s) => {
    const [r, g, b] = rgb(s).slice(0, 3).map((v) => v / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

// ---- print
await check('print: on screen the page\'s address and the links\' addresses are not shown', async () => {
    await open(page, articlePath);
    await page.locator('main h1').waitFor();
    expect((await display(page, '#print-address')) === 'none', `#print-address ${await display(page, '#print-address')}`);
    expect(await markLink(page), 'no link in the article');
    expect(['none', 'normal'].includes(await after(page, '[data-t-link]')), `link ::after ${await after(page, '[data-t-link]')}`);
});

await check('print: an article prints without navigation, skip link or bell; header and footer reduced', async () => {
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['.site-nav', '.skip', '.brand img', '.site-footer p + p']) {
        expect((await display(page, sel)) === 'none', `${sel} is ${await display(page, sel)} in print`);
    }
    expect(await page.locator('.site-header .brand strong').isVisible(), 'the department\'s name is not printed');
    expect(await page.locator('main h1').isVisible(), 'the title is not printed');
    expect(await page.locator('.article-body').isVisible(), 'the body is not printed');
    const body = await page.evaluate(() => [getComputedStyle(document.body).color, getComputedStyle(document.querySelector('.site-header')).backgroundColor]);
    expect(body[0] === 'rgb(0, 0, 0)', `text ${body[0]}`);
    expect(/rgba\(0, 0, 0, 0\)|transparent/.test(body[1]), `the header's background ${body[1]}`);
});

await check('print: the article\'s own address at the top, each link\'s full address after it', async () => {
    const addr = page.locator('#print-address');
    expect(await addr.isVisible(), 'no address printed');
    const text = await addr.innerText();
    expect(text.includes(page.url()), `address ${text} (page ${page.url()})`);
    const href = await markLink(page);
    const printed = await after(page, '[data-t-link]');
    // With web/js/print.js the full address; a page without it prints the href as written.
    const written = await page.locator('[data-t-link]').getAttribute('href');
    const scripted = (await page.locator('[data-t-link]').getAttribute('data-print-url')) !== null;
    expect(href.startsWith(GW) && printed === `" (${scripted ? href : written})"`, `a link to ${href} prints ${printed}`);
    // The brand link is the name, not an address.
    expect(['none', 'normal'].includes(await after(page, 'a.brand')), `brand ::after ${await after(page, 'a.brand')}`);
    await shot(page, 'print-01-article');
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    writeFileSync(join(SHOTS, 'print-article.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString() === '%PDF-' && pdf.length > 5000, `PDF of ${pdf.length} bytes`);
});

await check('print: the procedures catalogue prints the procedure without the search form or pager', async () => {
    await open(page, procPath);
    await page.getByText(process.env.WB_PROC_NAME || '(no procedure)').first().waitFor();
    expect((await display(page, 'main form')) === 'none', `the search form is ${await display(page, 'main form')}`);
    expect(await page.getByText(process.env.WB_PROC_NAME || '').first().isVisible(), 'the procedure is not printed');
    expect((await page.locator('#print-address').innerText()).includes(page.url()), 'no address');
    await shot(page, 'print-02-procedures');
    await page.emulateMedia({ media: 'screen' });
});

// ---- reduced motion
const moving = (p) => p.evaluate(() => [...document.querySelectorAll('*')]
    .filter((e) => {
        const cs = getComputedStyle(e);
        return cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0) || cs.animationName !== 'none';
    }).length);
const scrolling = (p) => p.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior);

await check('motion: by default links and buttons ease their colours and in-page jumps scroll smoothly', async () => {
    await open(page, '/phan-anh.html');
    expect((await scrolling(page)) === 'smooth', `scroll-behavior ${await scrolling(page)}`);
    const n = await moving(page);
    expect(n > 5, `${n} elements with a transition`);
});

await check('motion: with prefers-reduced-motion nothing moves (no transition, no animation, no smooth scroll)', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const path of ['/phan-anh.html', '/', articlePath]) {
        await open(page, path);
        expect((await scrolling(page)) === 'auto', `${path}: scroll-behavior ${await scrolling(page)}`);
        const n = await moving(page);
        expect(n === 0, `${path}: ${n} elements still move`);
    }
    await page.emulateMedia({ reducedMotion: 'no-preference' });
});

// ---- dark mode
const colours = (p) => p.evaluate(() => {
    const b = getComputedStyle(document.body);
    const root = getComputedStyle(document.documentElement);
    const input = document.querySelector('main input[type="text"], main input[type="search"]');
    return {
        bg: root.backgroundColor, ink: b.color, scheme: root.colorScheme,
        input: input ? getComputedStyle(input).backgroundColor : '',
        header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
    };
});

await check('dark mode: light by default (dark text on a white page)', async () => {
    await open(page, '/phan-anh.html');
    const c = await colours(page);
    expect(luminance(c.bg) > 0.9 && luminance(c.ink) < 0.05, JSON.stringify(c));
});

await check('dark mode: with prefers-color-scheme: dark the page, its inputs and its controls are dark, the text light', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const path of ['/phan-anh.html', articlePath, '/thu-tuc.html']) {
        await open(page, path);
        const c = await colours(page);
        expect(luminance(c.bg) < 0.03 && luminance(c.ink) > 0.7, `${path}: ${JSON.stringify(c)}`);
        expect(c.scheme.includes('dark'), `${path}: color-scheme ${c.scheme}`);
        if (c.input) expect(luminance(c.input) < 0.03, `${path}: input background ${c.input}`);
        expect(luminance(c.header) < 0.1, `${path}: header ${c.header}`);
    }
    await shot(page, 'dark-01-procedures');
    await page.emulateMedia({ colorScheme: 'light' });
    expectClean([page]);
});

await browser.close();
done();
