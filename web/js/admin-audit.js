// /admin/nhat-ky.html: the audit trail (GET /api/v1/audit, admins and
// inspectors): the filters as a form (kept in the address, so a view can be
// shared and survives a reload), 50 entries a page, newest first, each with
// who, when, from where, what and each changed field's before and after;
// the same filters as a CSV download. A filter the API refuses keeps what
// was typed, its error next to the field.
import { call, download, requireStaff } from './admin.js';
import { $, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem, timeEl } from './ui.js';

const allowed = requireStaff(['admin', 'inspector']);

const PER_PAGE = 50;
const FIELDS = ['actor', 'actor_kind', 'entity', 'entity_id', 'action', 'from', 'to'];
const KIND = { staff: 'Cán bộ', api_key: 'Khóa API', anonymous: 'Không đăng nhập', system: 'Hệ thống' };
const form = $('#filters');
const alertBox = $('#filters-alert');
const trail = $('#trail');
let page = 1;

function filters() {
    const q = {};
    for (const f of FIELDS) {
        const v = form.elements[f].value.trim();
        if (v) q[f] = v;
    }
    return q;
}

// A value of a field as text: null as "—", objects and lists as JSON.
function show(v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
}

function changes(c) {
    const keys = Object.keys(c || {});
    if (!keys.length) return el('p', { class: 'muted' }, 'Không có trường nào thay đổi.');
    return el('table', { class: 'audit-changes' },
        el('thead', {}, el('tr', {},
            el('th', { scope: 'col' }, 'Trường'), el('th', { scope: 'col' }, 'Trước'), el('th', { scope: 'col' }, 'Sau'))),
        el('tbody', {}, keys.map((k) => {
            const v = c[k];
            const hidden = v && typeof v === 'object' && v.changed === true && !('before' in v);
            const plain = !(v && typeof v === 'object' && ('before' in v || 'after' in v || hidden));
            return el('tr', { 'data-field': k },
                el('th', { scope: 'row' }, k),
                hidden ? el('td', { colspan: '2', class: 'muted' }, 'Đã thay đổi (không ghi giá trị)')
                    : plain ? el('td', { colspan: '2' }, show(v))
                        : [el('td', { class: 'before' }, show(v.before)), el('td', { class: 'after' }, show(v.after))]);
        })));
}

function entry(e) {
    const who = e.actor_kind === 'staff' || e.actor_kind === 'api_key'
        ? `${e.actor_name || KIND[e.actor_kind]} (${KIND[e.actor_kind].toLowerCase()}, mã số ${e.actor_id})`
        : KIND[e.actor_kind] || e.actor_kind;
    return el('li', { class: 'audit-entry', 'data-id': e.id, 'data-action': e.action },
        el('p', {},
            el('strong', {}, e.action), ' — ', `${e.entity}${e.entity_id ? ` #${e.entity_id}` : ''}`),
        el('p', { class: 'muted' }, timeEl(e.at, true), ` · ${who}`,
            e.client_addr ? ` · từ ${e.client_addr}` : '', ` · ${e.source}`,
            e.request_id ? ` · yêu cầu ${e.request_id}` : ''),
        changes(e.changes));
}

async function load() {
    hide(alertBox);
    clearFieldErrors(form);
    trail.setAttribute('aria-busy', 'true');
    const query = { ...filters(), page, per_page: PER_PAGE };
    history.replaceState(null, '', `?${new URLSearchParams({ ...filters(), ...(page > 1 ? { page } : {}) })}`);
    try {
        const r = await call('GET', '/api/v1/audit', { query });
        clear(trail);
        const items = r.items || [];
        const from = items.length ? (page - 1) * PER_PAGE + 1 : 0;
        $('#status').textContent = r.total
            ? `${r.total} mục; đang xem ${from}–${from + items.length - 1}.`
            : 'Không có mục nào khớp với bộ lọc.';
        trail.append(el('ol', { class: 'audit-list' }, items.map(entry)));
        $('#prev').hidden = page <= 1;
        $('#next').hidden = page * PER_PAGE >= r.total;
    } catch (err) {
        clear(trail);
        const rest = showFieldErrors(form, err.fields || []);
        showProblem(alertBox, { problem: { ...(err.problem || {}), errors: rest } }, 'Không xem được nhật ký');
    } finally {
        trail.removeAttribute('aria-busy');
    }
}

// Others see requireStaff's refusal instead of the page.
if (allowed) {
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        page = 1;
        load();
    });
    $('#prev').addEventListener('click', () => { page -= 1; load(); });
    $('#next').addEventListener('click', () => { page += 1; load(); });
    $('#csv').addEventListener('click', async () => {
        const button = $('#csv');
        button.disabled = true;
        hide(alertBox);
        clearFieldErrors(form);
        try {
            await download('/api/v1/audit', { ...filters(), format: 'csv' }, 'nhat-ky-thao-tac.csv');
        } catch (err) {
            const rest = showFieldErrors(form, err.fields || []);
            showProblem(alertBox, { problem: { ...(err.problem || {}), errors: rest } }, 'Không tải được tệp CSV');
        } finally {
            button.disabled = false;
        }
    });

    // The filters from the address (a shared or reloaded view).
    const p = new URLSearchParams(location.search);
    for (const f of FIELDS) if (p.get(f)) form.elements[f].value = p.get(f);
    page = Math.max(1, Number(p.get('page')) || 1);
    load();
}
