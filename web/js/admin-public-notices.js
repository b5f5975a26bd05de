// /admin/thong-bao-cong-khai.html (admin): the portal's public notices
// (hotline, organisation, procedure sets...). The list, with inactive ones
// (GET /api/v1/notices), a new notice (POST), a change (PATCH
// /api/v1/notices/{id}), and a preview of the Markdown rendered by the
// service (POST /api/v1/notices/preview → {html}, copied through safeHtml).
// (/admin/thong-bao.html is the staff member's own notifications.)
import { call, requireStaff } from './admin.js';
import { refuse, say, submit } from './admin-form.js';
import { $, clear, clearFieldErrors, el, fmtTime, hide, showProblem, safeHtml } from './ui.js';

const KINDS = {
    organization: 'Tổ chức bộ máy',
    hotline: 'Đường dây nóng',
    procedure_set: 'Bộ thủ tục hành chính',
    staff_evaluation: 'Đánh giá cán bộ, công chức',
    other: 'Khác',
};

const s = requireStaff(['admin']);
const form = $('#notice-form');
const alertBox = $('#form-alert');
const list = $('#list');
const status = $('#status');
let editing = null; // {notice, button}

async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
        const all = [];
        for (let page = 1; page <= 20; page++) {
            const r = await call('GET', '/api/v1/notices', { query: { page, per_page: 100 } });
            all.push(...(r.items || []));
            if ((r.items || []).length < 100) break;
        }
        clear(list);
        list.append(el('div', { class: 'table-scroll' }, el('table', { id: 'notices' },
            el('caption', { class: 'visually-hidden' }, 'Các thông báo, mới nhất trước'),
            el('thead', {}, el('tr', {}, ['Tiêu đề', 'Loại', 'Trạng thái', 'Cập nhật', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, all.map((n) => el('tr', { 'data-notice-id': n.id },
                el('th', { scope: 'row' }, n.title),
                el('td', { class: 'kind', 'data-kind': n.kind }, KINDS[n.kind] || n.kind),
                el('td', { class: 'state' }, n.is_active ? 'Đang hiện' : 'Tạm ẩn'),
                el('td', {}, fmtTime(n.updated_at || n.created_at)),
                el('td', { class: 'actions' }, el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa thông báo ${n.title}`, onclick: (ev) => edit(n, ev.currentTarget) }, 'Sửa'))))))));
        if (!all.length) list.append(el('p', {}, 'Chưa có thông báo nào.'));
    } catch (err) {
        clear(list);
        showProblem($('#list-alert'), err, 'Không tải được danh sách thông báo');
    }
    list.removeAttribute('aria-busy');
}

async function edit(n, button) {
    hide(alertBox);
    clearFieldErrors(form);
    let full = n;
    try {
        full = await call('GET', `/api/v1/notices/${n.id}`); // the list may shorten nothing, but the body is the record's
    } catch {
        /* the list's copy */
    }
    editing = { notice: full, button };
    $('#notice-form-title').textContent = `Sửa thông báo “${full.title}”`;
    form.elements.kind.value = full.kind;
    form.elements.title.value = full.title;
    form.elements.body.value = full.body || '';
    form.elements.is_active.checked = !!full.is_active;
    $('#notice-submit').textContent = 'Lưu thay đổi';
    $('#notice-cancel').hidden = false;
    $('#preview').hidden = true;
    form.elements.title.focus();
}

function endEdit() {
    const id = editing && editing.notice.id;
    editing = null;
    form.reset();
    $('#notice-form-title').textContent = 'Thêm thông báo';
    $('#notice-submit').textContent = 'Thêm thông báo';
    $('#notice-cancel').hidden = true;
    $('#preview').hidden = true;
    const again = id && list.querySelector(`tr[data-notice-id="${id}"] button`);
    (again || form.elements.kind).focus();
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(form, alertBox, editing ? 'Chưa lưu được thông báo' : 'Chưa thêm được thông báo', async () => {
        const body = {
            kind: form.elements.kind.value,
            title: form.elements.title.value.trim(),
            body: form.elements.body.value,
            is_active: form.elements.is_active.checked,
        };
        if (editing) {
            const n = await call('PATCH', `/api/v1/notices/${editing.notice.id}`, { body });
            await load();
            endEdit();
            say(status, `Đã lưu thông báo “${n.title}”.`);
        } else {
            const n = await call('POST', '/api/v1/notices', { body });
            form.reset();
            $('#preview').hidden = true;
            await load();
            form.elements.kind.focus();
            say(status, `Đã thêm thông báo “${n.title}”.`);
        }
    });
});

// The preview: the service renders the Markdown as the portal will show
// it; the focus goes to the preview's heading, Shift+Tab leads back.
$('#preview-button').addEventListener('click', async () => {
    const button = $('#preview-button');
    button.disabled = true;
    hide(alertBox);
    clearFieldErrors(form);
    try {
        const r = await call('POST', '/api/v1/notices/preview', { body: { body: form.elements.body.value } });
        const box = $('#preview-body');
        clear(box);
        box.append(safeHtml(r.html || ''));
        if (!box.childNodes.length) box.append(el('p', { class: 'muted' }, '(Nội dung trống)'));
        $('#preview').hidden = false;
        $('#h-preview').focus();
    } catch (err) {
        refuse(form, alertBox, 'Không xem trước được', err);
    }
    button.disabled = false;
});

$('#notice-cancel').addEventListener('click', () => {
    hide(alertBox);
    clearFieldErrors(form);
    endEdit();
});

if (s) await load();
