// /admin/thu-tuc.html (admin): the procedures catalogue. Search and pages
// (GET /api/v1/procedures), a new procedure (POST), an amendment with its
// reason (PATCH /api/v1/procedures/{id}: only the fields changed are sent)
// and every version side by side (GET .../versions).
import { call, requireStaff } from './admin.js';
import { FieldErrors, intValue, say, submit } from './admin-form.js';
import { $, clear, clearFieldErrors, el, fmtDate, fmtTime, hide, showFieldErrors, showProblem } from './ui.js';

const FIELDS = [
    ['code', 'Mã thủ tục'], ['name', 'Tên thủ tục'], ['field', 'Lĩnh vực'], ['decision_no', 'Số quyết định'],
    ['decision_date', 'Ngày quyết định'], ['processing_days', 'Thời hạn (ngày làm việc)'], ['fee', 'Phí, lệ phí'],
    ['online_level', 'Mức độ DVCTT'], ['status', 'Trạng thái'],
];
const STATUS = { active: 'Đang áp dụng', abolished: 'Đã bãi bỏ' };
const PER_PAGE = 20;

const s = requireStaff(['admin']);
const form = $('#proc-form');
const searchForm = $('#search-form');
const alertBox = $('#form-alert');
const list = $('#list');
const status = $('#status');
let editing = null; // {proc, button}
let query = { q: '', page: 1 };

const shown = (p, k) => {
    const v = p[k];
    if (k === 'status') return STATUS[v] || v || '';
    if (k === 'decision_date') return v ? fmtDate(v) : '';
    return v === undefined || v === null ? '' : String(v);
};

async function load() {
    list.setAttribute('aria-busy', 'true');
    hide($('#list-alert'));
    clearFieldErrors(searchForm);
    try {
        const r = await call('GET', '/api/v1/procedures', { query: { q: query.q, page: query.page, per_page: PER_PAGE } });
        const items = r.items || [];
        clear(list);
        list.append(el('div', { class: 'table-scroll' }, el('table', { id: 'procedures' },
            el('caption', { class: 'visually-hidden' }, 'Các thủ tục'),
            el('thead', {}, el('tr', {}, ['Mã', 'Tên thủ tục', 'Lĩnh vực', 'Trạng thái', 'Phiên bản', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, items.map((p) => el('tr', { 'data-proc-id': p.id, 'data-code': p.code },
                el('td', {}, p.code),
                el('th', { scope: 'row' }, p.name),
                el('td', {}, p.field || ''),
                el('td', { class: 'state' }, STATUS[p.status] || p.status),
                el('td', { class: 'version num' }, String(p.version || 1)),
                el('td', { class: 'actions' },
                    el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa đổi thủ tục ${p.code}`, onclick: (ev) => edit(p, ev.currentTarget) }, 'Sửa đổi'),
                    el('button', { type: 'button', class: 'secondary', 'aria-label': `Các phiên bản của thủ tục ${p.code}`, onclick: (ev) => versions(p, ev.currentTarget) }, 'Các phiên bản'))))))));
        if (!items.length) list.append(el('p', {}, 'Không có thủ tục nào khớp.'));
        const pager = clear($('#pager'));
        const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
        if (pages > 1) {
            pager.append(
                el('button', { type: 'button', class: 'secondary', disabled: query.page <= 1, onclick: () => { query.page--; load(); } }, 'Trang trước'),
                el('span', {}, `Trang ${query.page} / ${pages}`),
                el('button', { type: 'button', class: 'secondary', disabled: query.page >= pages, onclick: () => { query.page++; load(); } }, 'Trang sau'));
        }
    } catch (err) {
        clear(list);
        const rest = showFieldErrors(searchForm, err.fields || []);
        showProblem($('#list-alert'), { problem: { ...(err.problem || {}), errors: rest } }, 'Không tải được danh mục');
    }
    list.removeAttribute('aria-busy');
}

function values() {
    return {
        code: form.elements.code.value.trim(),
        name: form.elements.name.value.trim(),
        field: form.elements.field.value.trim(),
        decision_no: form.elements.decision_no.value.trim(),
        decision_date: form.elements.decision_date.value || undefined,
        processing_days: intValue(form.elements.processing_days),
        fee: form.elements.fee.value.trim(),
        online_level: Number(form.elements.online_level.value),
        status: form.elements.status.value,
    };
}

function edit(p, button) {
    editing = { proc: p, button };
    hide(alertBox);
    clearFieldErrors(form);
    $('#proc-form-title').textContent = `Sửa đổi thủ tục ${p.code} (đang là phiên bản ${p.version || 1})`;
    for (const [k] of FIELDS) form.elements[k].value = p[k] === undefined || p[k] === null ? '' : String(p[k]);
    form.elements.reason.value = '';
    $('#reason-box').hidden = false;
    $('#proc-submit').textContent = 'Lưu sửa đổi';
    $('#proc-cancel').hidden = false;
    form.elements.name.focus();
}

function endEdit() {
    const id = editing && editing.proc.id;
    editing = null;
    form.reset();
    $('#reason-box').hidden = true;
    $('#proc-form-title').textContent = 'Thêm thủ tục';
    $('#proc-submit').textContent = 'Thêm thủ tục';
    $('#proc-cancel').hidden = true;
    const again = id && list.querySelector(`tr[data-proc-id="${id}"] button`);
    (again || form.elements.code).focus();
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(form, alertBox, editing ? 'Chưa lưu được sửa đổi' : 'Chưa thêm được thủ tục', async () => {
        const v = values();
        if (!editing) {
            const p = await call('POST', '/api/v1/procedures', { body: v });
            form.reset();
            query = { q: p.code, page: 1 };
            searchForm.elements.q.value = p.code;
            await load();
            form.elements.code.focus();
            say(status, `Đã thêm thủ tục ${p.code}.`);
            return;
        }
        // Only what changed, and why.
        const before = editing.proc;
        const body = {};
        for (const [k] of FIELDS) {
            const was = before[k] === undefined || before[k] === null ? '' : String(before[k]);
            const now = v[k] === undefined ? '' : String(v[k]);
            if (was !== now) body[k] = v[k] === undefined ? '' : v[k];
        }
        const reason = form.elements.reason.value.trim();
        const errors = [];
        if (!Object.keys(body).length) errors.push({ field: 'name', message: 'Chưa có trường nào thay đổi' });
        if (!reason) errors.push({ field: 'reason', message: 'Nhập lý do sửa đổi' });
        if (errors.length) throw new FieldErrors(errors, 'Sửa đổi chưa đủ thông tin');
        const p = await call('PATCH', `/api/v1/procedures/${before.id}`, { body: { ...body, reason } });
        await load();
        endEdit();
        say(status, `Đã lưu sửa đổi thủ tục ${p.code}: nay là phiên bản ${p.version}.`);
    });
});

$('#proc-cancel').addEventListener('click', () => {
    hide(alertBox);
    clearFieldErrors(form);
    endEdit();
});

searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    query = { q: searchForm.elements.q.value.trim(), page: 1 };
    load();
});

// Every version side by side: the current one, then the earlier ones,
// newest first; a value that differs from the next version is marked.
let versionsOpener = null;
async function versions(p, button) {
    versionsOpener = button;
    const box = clear($('#versions-body'));
    $('#versions').hidden = false;
    $('#h-versions').textContent = `Các phiên bản của thủ tục ${p.code}`;
    try {
        const [cur, r] = await Promise.all([call('GET', `/api/v1/procedures/${p.id}`), call('GET', `/api/v1/procedures/${p.id}/versions`)]);
        const all = [{ ...cur, current: true }, ...(r.items || [])];
        const cols = all.map((v, i) => ({ v, newer: i > 0 ? all[i - 1] : null }));
        box.append(el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'h-versions' },
            el('table', { id: 'versions-table', class: 'versions' },
                el('caption', { class: 'visually-hidden' }, `Các phiên bản của thủ tục ${p.code}, mới nhất trước`),
                el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Trường'),
                    cols.map(({ v }) => el('th', { scope: 'col', 'data-version': v.version },
                        `Phiên bản ${v.version}${v.current ? ' (hiện hành)' : ''}`)))),
                el('tbody', {},
                    FIELDS.map(([k, label]) => el('tr', { 'data-field-row': k }, el('th', { scope: 'row' }, label),
                        cols.map(({ v, newer }) => {
                            const changed = newer && shown(v, k) !== shown(newer, k);
                            return el('td', { class: changed ? 'changed' : null }, shown(v, k),
                                changed ? el('span', { class: 'visually-hidden' }, ' (khác phiên bản sau)') : null);
                        }))),
                    el('tr', {}, el('th', { scope: 'row' }, 'Có hiệu lực từ'),
                        cols.map(({ v }) => el('td', {}, fmtTime(v.updated_at)))),
                    el('tr', { 'data-field-row': 'reason' }, el('th', { scope: 'row' }, 'Lý do thay bằng phiên bản sau'),
                        cols.map(({ v }) => el('td', {}, v.current ? '—' : `${v.reason || '(không nêu)'} (${fmtTime(v.amended_at)})`)))))));
        if (all.length === 1) box.append(el('p', {}, 'Thủ tục chưa được sửa đổi lần nào.'));
    } catch (err) {
        showProblem(box, err, 'Không tải được các phiên bản');
    }
    $('#h-versions').focus();
}

$('#versions-close').addEventListener('click', () => {
    $('#versions').hidden = true;
    if (versionsOpener && versionsOpener.isConnected) versionsOpener.focus();
});

if (s) await load();
