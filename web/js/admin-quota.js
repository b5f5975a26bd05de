// /admin/chi-tieu.html: the units' article quota. The month's report
// (GET /api/v1/quota/report?month=), the year as a unit × month table
// (?year=), its CSV (?year=&format=csv, fetched with the bearer token and
// saved through a Blob link) and the year's summary (/api/v1/quota/summary).
// Every status is a word and a symbol, never a colour alone.
import { call, download, requireStaff } from './admin.js';
import { $, clear, clearFieldErrors, el, hide, params, showFieldErrors, showProblem } from './ui.js';

const s = requireStaff(['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader']);

const STATUS = {
    met: { sym: '✓', text: 'Đạt' },
    pending: { sym: '…', text: 'Chưa đạt' },
    missed: { sym: '✗', text: 'Không đạt' },
    not_due: { sym: '–', text: 'Chưa đến hạn' },
};
const RISK = 'Có nguy cơ không đạt';

// The current month (YYYY-MM) in Asia/Ho_Chi_Minh.
function thisMonth() {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' })
        .formatToParts(new Date());
    const get = (t) => parts.find((p) => p.type === t).value;
    return `${get('year')}-${get('month')}`;
}

// "2026-03" -> "03/2026".
const monthLabel = (m) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

function badge(kind, risk) {
    const st = STATUS[kind] || { sym: '?', text: kind };
    const out = [el('span', { class: `q-status q-${kind}` }, el('span', { 'aria-hidden': 'true' }, st.sym), ` ${st.text}`)];
    if (risk) out.push(' ', el('span', { class: 'q-status q-risk' }, el('span', { 'aria-hidden': 'true' }, '⚠'), ` ${RISK}`));
    return out;
}

// ------------------------------------------------------------ the month

const monthForm = $('#month-form');
const monthBox = $('#month-report');
const monthAlert = $('#month-alert');

function counter(id, kind, n, label) {
    return el('li', { class: `q-count q-${kind}`, id },
        el('span', { class: 'q-count-n' }, String(n)), ' ',
        el('span', {}, el('span', { 'aria-hidden': 'true' }, STATUS[kind] ? `${STATUS[kind].sym} ` : '⚠ '), label));
}

async function loadMonth(month) {
    monthBox.setAttribute('aria-busy', 'true');
    hide(monthAlert);
    clearFieldErrors(monthForm);
    try {
        const r = await call('GET', '/api/v1/quota/report', { query: { month } });
        const items = r.items || [];
        const n = (st) => items.filter((i) => i.status === st).length;
        clear(monthBox);
        monthBox.append(
            el('ul', { class: 'q-counts', 'aria-label': `Số đơn vị theo kết quả tháng ${monthLabel(r.month || month)}` },
                counter('count-met', 'met', n('met'), 'đơn vị đạt'),
                counter('count-pending', 'pending', n('pending'), 'đơn vị chưa đạt'),
                counter('count-missed', 'missed', n('missed'), 'đơn vị không đạt'),
                counter('count-risk', 'risk', items.filter((i) => i.at_risk).length, 'có nguy cơ không đạt')),
            el('div', { class: 'table-scroll' },
                el('table', { id: 'month-table' },
                    el('caption', {}, `Chỉ tiêu tháng ${monthLabel(r.month || month)}`),
                    el('thead', {}, el('tr', {},
                        el('th', { scope: 'col' }, 'Đơn vị'),
                        el('th', { scope: 'col' }, 'Tin, bài / chỉ tiêu'),
                        el('th', { scope: 'col' }, 'Tin, bài CCHC / chỉ tiêu'),
                        el('th', { scope: 'col' }, 'Kết quả'))),
                    el('tbody', {}, items.map((i) => el('tr', { 'data-unit-id': i.unit_id, class: i.at_risk ? 'at-risk' : null },
                        el('th', { scope: 'row' }, i.unit_name || `Đơn vị ${i.unit_id}`),
                        el('td', { class: 'num articles', 'data-value': i.articles }, `${i.articles} / ${i.min_articles}`),
                        el('td', { class: 'num cchc', 'data-value': i.cchc_articles }, `${i.cchc_articles} / ${i.min_cchc_articles}`),
                        el('td', { class: 'status', 'data-status': i.status }, badge(i.status, i.at_risk))))))));
        if (!items.length) monthBox.append(el('p', {}, 'Chưa có đơn vị nào.'));
    } catch (err) {
        clear(monthBox);
        const rest = showFieldErrors(monthForm, err.fields || []);
        showProblem(monthAlert, { problem: { ...(err.problem || {}), errors: rest } }, 'Không tải được báo cáo tháng');
    }
    monthBox.removeAttribute('aria-busy');
}

// ------------------------------------------------------------ the year

const yearForm = $('#year-form');
const yearBox = $('#year-report');
const yearAlert = $('#year-alert');
const summaryBox = $('#summary');

function cell(c) {
    const kind = c.status;
    const st = STATUS[kind] || { sym: '?', text: c.status };
    const label = `Tháng ${monthLabel(c.month)}: ${st.text}${c.at_risk ? `, ${RISK.toLowerCase()}` : ''}; `
        + `${c.articles}/${c.min_articles} tin, bài; ${c.cchc_articles}/${c.min_cchc_articles} tin, bài CCHC`;
    return el('td', { class: `q-cell q-${kind}${c.at_risk ? ' q-cell-risk' : ''}`, 'data-month': c.month, 'data-status': kind, title: label },
        el('span', { class: 'q-sym', 'aria-hidden': 'true' }, c.at_risk ? '⚠' : st.sym),
        el('span', { class: 'visually-hidden' }, `${st.text}${c.at_risk ? `, ${RISK.toLowerCase()}` : ''}: `),
        el('span', { class: 'q-n' }, String(c.articles)),
        el('span', { 'aria-hidden': 'true' }, ' / '),
        el('span', { class: 'visually-hidden' }, ' tin, bài, trong đó '),
        el('span', { class: 'q-c' }, String(c.cchc_articles)),
        el('span', { class: 'visually-hidden' }, ' CCHC'));
}

async function loadYear(year) {
    yearBox.setAttribute('aria-busy', 'true');
    hide(yearAlert);
    clearFieldErrors(yearForm);
    try {
        const r = await call('GET', '/api/v1/quota/report', { query: { year } });
        const months = r.months || [];
        clear(yearBox);
        yearBox.append(el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'year-caption' },
            el('table', { id: 'year-table', class: 'q-year' },
                el('caption', { id: 'year-caption' }, `Kết quả từng tháng năm ${r.year || year} (số bài / số bài CCHC)`),
                el('thead', {}, el('tr', {},
                    el('th', { scope: 'col' }, 'Đơn vị'),
                    months.map((m) => el('th', { scope: 'col', 'data-month': m }, el('abbr', { title: `Tháng ${monthLabel(m)}` }, `T${Number(m.slice(5, 7))}`))),
                    el('th', { scope: 'col' }, 'Số tháng đạt'))),
                el('tbody', {}, (r.items || []).map((u) => el('tr', { 'data-unit-id': u.unit_id },
                    el('th', { scope: 'row' }, u.unit_name || `Đơn vị ${u.unit_id}`),
                    (u.months || []).map(cell),
                    el('td', { class: 'num months-met' }, `${u.months_met} / ${u.months_elapsed}`,
                        el('span', { class: 'visually-hidden' }, ' tháng đã xét'))))))));
        if (!(r.items || []).length) yearBox.append(el('p', {}, 'Chưa có đơn vị nào.'));
    } catch (err) {
        clear(yearBox);
        const rest = showFieldErrors(yearForm, err.fields || []);
        showProblem(yearAlert, { problem: { ...(err.problem || {}), errors: rest } }, 'Không tải được báo cáo năm');
    }
    yearBox.removeAttribute('aria-busy');
}

const pct = (x) => `${Number(x || 0).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} %`;

async function loadSummary(year) {
    summaryBox.setAttribute('aria-busy', 'true');
    try {
        const r = await call('GET', '/api/v1/quota/summary', { query: { year } });
        const t = r.totals || {};
        const row = (name, x, head) => el('tr', {},
            el('th', { scope: 'row' }, name),
            el(head ? 'th' : 'td', { class: 'num' }, String(x.articles || 0)),
            el(head ? 'th' : 'td', { class: 'num' }, String(x.cchc_articles || 0)),
            el(head ? 'th' : 'td', { class: 'num' }, pct(x.cchc_share)),
            el(head ? 'th' : 'td', { class: 'num' }, `${x.months_met ?? x.unit_months_met ?? 0} / ${x.months_elapsed ?? x.unit_months_elapsed ?? 0}`),
            el(head ? 'th' : 'td', { class: 'num' }, String(x.media_packages || 0)),
            el(head ? 'th' : 'td', { class: 'num' }, String(x.media_deliveries || 0)));
        clear(summaryBox);
        summaryBox.append(
            el('p', {}, `Tính đến tháng ${monthLabel(r.as_of || thisMonth())}: ${t.units || 0} đơn vị, tỷ lệ tháng đạt chỉ tiêu `,
                el('strong', { id: 'compliance' }, pct(t.compliance_rate)),
                ` (${t.unit_months_met || 0} trên ${t.unit_months_elapsed || 0} lượt đơn vị × tháng đã xét).`),
            el('div', { class: 'table-scroll' }, el('table', { id: 'summary-table' },
                el('caption', {}, `Tổng hợp năm ${r.year || year}`),
                el('thead', {}, el('tr', {},
                    el('th', { scope: 'col' }, 'Đơn vị'), el('th', { scope: 'col' }, 'Tin, bài'),
                    el('th', { scope: 'col' }, 'Tin, bài CCHC'), el('th', { scope: 'col' }, 'Tỷ lệ CCHC'),
                    el('th', { scope: 'col' }, 'Tháng đạt / đã xét'), el('th', { scope: 'col' }, 'Gói tin phát hành'),
                    el('th', { scope: 'col' }, 'Lượt đài, báo nhận'))),
                el('tbody', {}, (r.items || []).map((u) => row(u.unit_name || `Đơn vị ${u.unit_id}`, u))),
                el('tfoot', {}, row('Toàn Sở', t, true)))));
    } catch (err) {
        showProblem(summaryBox, err, 'Không tải được bảng tổng hợp');
    }
    summaryBox.removeAttribute('aria-busy');
}

// The year's CSV, saved with the token (admin.js download).
async function downloadCsv() {
    const year = yearForm.elements.year.value.trim();
    const button = $('#csv');
    button.disabled = true;
    hide(yearAlert);
    try {
        await download('/api/v1/quota/report', { year, format: 'csv' }, `chi-tieu-${year}.csv`);
    } catch (err) {
        const rest = showFieldErrors(yearForm, err.fields || []);
        showProblem(yearAlert, { problem: { ...(err.problem || {}), errors: rest } }, 'Không tải được tệp CSV');
    } finally {
        button.disabled = false;
    }
}

// ------------------------------------------------------------ wiring

function remember(month, year) {
    const q = new URLSearchParams({ thang: month, nam: year });
    history.replaceState(null, '', `${location.pathname}?${q}`);
}

if (s) {
    const p = params();
    const month = /^\d{4}-\d{2}$/.test(p.get('thang') || '') ? p.get('thang') : thisMonth();
    const year = /^\d{4}$/.test(p.get('nam') || '') ? p.get('nam') : thisMonth().slice(0, 4);
    monthForm.elements.month.value = month;
    yearForm.elements.year.value = year;
    monthForm.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const m = monthForm.elements.month.value;
        remember(m, yearForm.elements.year.value);
        loadMonth(m);
    });
    yearForm.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const y = yearForm.elements.year.value.trim();
        remember(monthForm.elements.month.value, y);
        loadYear(y);
        loadSummary(y);
    });
    $('#csv').addEventListener('click', downloadCsv);
    await Promise.all([loadMonth(month), loadYear(year), loadSummary(year)]);
}
