// /admin/lich.html (admin): the working-day calendar of each year
// (GET/PUT /api/v1/calendar/{year}: days off, compensatory days, working
// Saturdays; a PUT replaces the year's list) and the deadline rules of
// feedback (GET/PUT /api/v1/feedback/deadlines, with their history).
// Each day is a row of inputs; the API's errors name `days[i].date` etc.,
// so each row's inputs carry the data-field of the index it is sent at.
import { call, loadNames, nameOf, requireStaff } from './admin.js';
import { intValue, say, submit } from './admin-form.js';
import { $, clear, clearFieldErrors, el, fmtDate, fmtTime, hide, params, showFieldErrors, showProblem } from './ui.js';

const TYPES = {
    holiday: 'Nghỉ lễ, Tết',
    compensatory: 'Nghỉ bù (ngày thường được nghỉ)',
    working_saturday: 'Làm bù (thứ Bảy, Chủ nhật đi làm)',
};
const WEEKDAY = new Intl.DateTimeFormat('vi-VN', { weekday: 'long', timeZone: 'UTC' });

const s = requireStaff(['admin']);
const yearForm = $('#year-form');
const calForm = $('#cal-form');
const calAlert = $('#cal-alert');
const days = $('#days');
const status = $('#status');
let year = null;
let rowSeq = 0;

function weekday(date) {
    const d = new Date(`${date}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? '' : WEEKDAY.format(d);
}

function dayRow(d) {
    const n = ++rowSeq;
    const date = el('input', { type: 'date', id: `day-${n}-date`, name: 'date', value: d.date || '', 'aria-label': `Ngày (dòng ${n})` });
    const type = el('select', { id: `day-${n}-type`, name: 'type', 'aria-label': `Loại ngày (dòng ${n})` },
        Object.entries(TYPES).map(([v, t]) => el('option', { value: v, selected: v === d.type }, t)));
    const name = el('input', { type: 'text', id: `day-${n}-name`, name: 'name', value: d.name || '', autocomplete: 'off', 'aria-label': `Tên ngày (dòng ${n})` });
    const wd = el('span', { class: 'hint weekday' }, weekday(d.date || ''));
    date.addEventListener('change', () => { wd.textContent = weekday(date.value); });
    const row = el('tr', { class: 'day' },
        el('td', {}, date, wd), el('td', {}, type), el('td', {}, name),
        el('td', { class: 'actions' }, el('button', {
            type: 'button', class: 'secondary', 'aria-label': `Bỏ dòng ${n}`,
            onclick: () => {
                const next = row.nextElementSibling || row.previousElementSibling;
                row.remove();
                (next ? next.querySelector('input') : $('#add-day')).focus();
            },
        }, 'Bỏ dòng')));
    return row;
}

function tbody() {
    return days.querySelector('tbody');
}

let loading = 0; // the latest loadYear: an older answer arriving late is dropped
async function loadYear(y) {
    const mine = ++loading;
    days.setAttribute('aria-busy', 'true');
    hide(calAlert);
    clearFieldErrors(yearForm);
    clearFieldErrors(calForm);
    try {
        const r = await call('GET', `/api/v1/calendar/${encodeURIComponent(y)}`);
        if (mine !== loading) return;
        year = r.year || Number(y);
        clear(days);
        days.append(el('div', { class: 'table-scroll' }, el('table', { id: 'days-table' },
            el('caption', {}, `Các ngày đặc biệt năm ${year}`, r.updated_at ? el('span', { class: 'hint' }, `Sửa lần cuối: ${fmtTime(r.updated_at)}`) : null),
            el('thead', {}, el('tr', {}, ['Ngày', 'Loại ngày', 'Tên', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, (r.days || []).map(dayRow)))));
        $('#cal-submit').textContent = `Lưu lịch năm ${year}`;
        history.replaceState(null, '', `${location.pathname}?nam=${year}`);
    } catch (err) {
        if (mine !== loading) return;
        clear(days);
        year = null;
        const rest = showFieldErrors(yearForm, (err.fields || []).map((e) => ({ ...e, field: 'year' })));
        showProblem(calAlert, { problem: { ...(err.problem || {}), errors: rest } }, 'Không tải được lịch năm');
    }
    days.removeAttribute('aria-busy');
}

yearForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadYear(yearForm.elements.year.value.trim());
});

$('#add-day').addEventListener('click', () => {
    if (!tbody()) return;
    const row = dayRow({ date: '', type: 'holiday', name: '' });
    tbody().append(row);
    row.querySelector('input').focus();
});

calForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!year || !tbody()) return;
    submit(calForm, calAlert, `Chưa lưu được lịch năm ${year}`, async () => {
        // Rows left wholly empty are dropped; the others are sent in order,
        // and their inputs named by the index they are sent at.
        const rows = [...tbody().querySelectorAll('tr.day')];
        for (const r of rows) for (const i of r.querySelectorAll('[data-field]')) i.removeAttribute('data-field');
        const sent = rows.filter((r) => r.querySelector('[name="date"]').value || r.querySelector('[name="name"]').value.trim());
        const body = {
            days: sent.map((r, i) => {
                for (const k of ['date', 'type', 'name']) r.querySelector(`[name="${k}"]`).dataset.field = `days[${i}].${k}`;
                return {
                    date: r.querySelector('[name="date"]').value,
                    type: r.querySelector('[name="type"]').value,
                    name: r.querySelector('[name="name"]').value.trim(),
                };
            }),
        };
        const r = await call('PUT', `/api/v1/calendar/${year}`, { body });
        say(status, `Đã lưu lịch năm ${r.year || year}: ${(r.days || []).length} ngày đặc biệt.`);
        await loadYear(year);
        $('#cal-submit').focus();
    });
});

// ------------------------------------------------------------ deadline rules

const rulesForm = $('#rules-form');
const rulesBox = $('#rules');

async function loadRules() {
    rulesBox.setAttribute('aria-busy', 'true');
    try {
        const r = await call('GET', '/api/v1/feedback/deadlines');
        const rows = r.history || [];
        await loadNames(rows.map((h) => h.created_by));
        clear(rulesBox);
        rulesBox.append(
            el('p', { id: 'rules-now' }, 'Đang áp dụng: chuyển phản ánh trong ', el('strong', {}, `${r.forward_working_days} ngày làm việc`),
                ', trả lời trong ', el('strong', {}, `${r.answer_working_days} ngày làm việc`), `, giờ chốt ${r.cutoff_time} (từ ngày ${fmtDate(r.effective_from)}).`),
            el('div', { class: 'table-scroll' }, el('table', { id: 'rules-table' },
                el('caption', {}, 'Lịch sử các mốc, mới nhất trước'),
                el('thead', {}, el('tr', {}, ['Áp dụng từ', 'Chuyển (ngày)', 'Trả lời (ngày)', 'Giờ chốt', 'Người lập, lúc'].map((h) => el('th', { scope: 'col' }, h)))),
                el('tbody', {}, rows.map((h) => el('tr', { 'data-effective-from': h.effective_from },
                    el('th', { scope: 'row' }, fmtDate(h.effective_from)),
                    el('td', { class: 'num' }, String(h.forward_working_days)),
                    el('td', { class: 'num' }, String(h.answer_working_days)),
                    el('td', {}, h.cutoff_time),
                    el('td', {}, h.created_by ? nameOf(h.created_by) : 'Mặc định', ', ', fmtTime(h.created_at))))))));
        if (!rulesForm.elements.forward_working_days.value) {
            rulesForm.elements.forward_working_days.value = r.forward_working_days;
            rulesForm.elements.answer_working_days.value = r.answer_working_days;
            rulesForm.elements.cutoff_time.value = r.cutoff_time;
        }
    } catch (err) {
        showProblem(rulesBox, err, 'Không tải được thời hạn');
    }
    rulesBox.removeAttribute('aria-busy');
}

rulesForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(rulesForm, $('#rules-alert'), 'Chưa lưu được thời hạn', async () => {
        const body = {
            forward_working_days: intValue(rulesForm.elements.forward_working_days),
            answer_working_days: intValue(rulesForm.elements.answer_working_days),
            cutoff_time: rulesForm.elements.cutoff_time.value,
            effective_from: rulesForm.elements.effective_from.value,
        };
        const r = await call('PUT', '/api/v1/feedback/deadlines', { body });
        say(status, `Đã lưu thời hạn áp dụng từ ${fmtDate(body.effective_from)}; đang áp dụng: chuyển ${r.forward_working_days}, trả lời ${r.answer_working_days} ngày làm việc.`);
        await loadRules();
    });
});

if (s) {
    const y = /^\d{4}$/.test(params().get('nam') || '') ? params().get('nam') : String(new Date().getFullYear());
    yearForm.elements.year.value = y;
    await Promise.all([loadYear(y), loadRules()]);
}
