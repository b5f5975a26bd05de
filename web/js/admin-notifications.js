// /admin/thong-bao.html: the signed-in member's notifications, newest first
// (20 at a time, "Xem thêm"), each a link that marks it read; all marked
// read at once; and which kinds also come by e-mail (PUT
// /api/v1/notifications/preferences), the kinds of the member's roles first.
import { noteItem } from './admin-bell.js';
import { call, requireStaff } from './admin.js';
import { $, busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem } from './ui.js';

const PER_PAGE = 20;
let page = 0;

async function loadNotes(more) {
    const list = $('#notes');
    page = more ? page + 1 : 1;
    list.setAttribute('aria-busy', 'true');
    try {
        const r = await call('GET', '/api/v1/notifications', { query: { page, per_page: PER_PAGE } });
        if (!more) clear(list);
        for (const n of r.items || []) list.append(noteItem(n, call));
        if (!list.children.length) list.append(el('li', { class: 'empty' }, 'Chưa có thông báo nào.'));
        $('#more').hidden = page * PER_PAGE >= r.total;
        $('#list-status').textContent = r.unread ? `${r.unread} thông báo chưa đọc.` : 'Không có thông báo chưa đọc.';
    } catch (err) {
        showProblem($('#list-status'), err, 'Chưa tải được thông báo');
    } finally {
        list.removeAttribute('aria-busy');
    }
}

function showPrefs(p) {
    const box = $('#prefs');
    clear(box);
    for (const [i, item] of (p.items || []).entries()) {
        const id = `pref-${i}`;
        box.append(el('label', { for: id, class: item.for_you ? '' : 'not-yours' },
            el('input', { type: 'checkbox', id, name: item.kind, 'data-field': `items[${i}].email`, checked: item.email }),
            el('span', {}, item.label, item.for_you ? '' : ' (không thuộc vai trò của Ông/Bà)')));
    }
    box.removeAttribute('aria-busy');
    $('#address').textContent = p.email
        ? `Thư gửi tới: ${p.email}.`
        : 'Tài khoản chưa có địa chỉ thư điện tử: thư sẽ không được gửi cho tới khi quản trị viên cập nhật.';
}

async function loadPrefs() {
    try {
        showPrefs(await call('GET', '/api/v1/notifications/preferences'));
    } catch (err) {
        showProblem($('#form-alert'), err, 'Chưa tải được lựa chọn');
    }
}

async function savePrefs(ev) {
    ev.preventDefault();
    const form = $('#prefs-form');
    clearFieldErrors(form);
    hide($('#form-alert'));
    const items = [...form.querySelectorAll('input[type=checkbox]')].map((c) => ({ kind: c.name, email: c.checked }));
    await busy(form, async () => {
        try {
            showPrefs(await call('PUT', '/api/v1/notifications/preferences', { body: { items } }));
            $('#prefs-status').textContent = 'Đã lưu lựa chọn.';
        } catch (err) {
            $('#prefs-status').textContent = '';
            showProblem($('#form-alert'), err, 'Chưa lưu được lựa chọn');
            showFieldErrors(form, err.problem && err.problem.errors);
        }
    });
}

if (requireStaff()) {
    $('#more').addEventListener('click', () => loadNotes(true));
    $('#read-all').addEventListener('click', async () => {
        try {
            const r = await call('POST', '/api/v1/notifications/read-all');
            await loadNotes(false);
            $('#list-status').textContent = `Đã đánh dấu ${r.marked} thông báo là đã đọc.`;
        } catch (err) {
            showProblem($('#list-status'), err, 'Chưa đánh dấu được');
        }
    });
    $('#prefs-form').addEventListener('submit', savePrefs);
    loadNotes(false);
    loadPrefs();
}
