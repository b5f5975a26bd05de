// /admin/khoa-api.html (admin): API keys. Every key (GET /api/v1/api-keys:
// never the key itself), a new key for an Open311 client (POST, kind
// open311_client: the key is shown once), and revocation (DELETE
// /api/v1/api-keys/{id}).
import { call, requireStaff } from './admin.js';
import { say, showSecret, submit } from './admin-form.js';
import { $, clear, el, fmtTime, hide, showProblem } from './ui.js';

const KINDS = { open311_client: 'Ứng dụng Open311', broadcaster: 'Đài, báo nhận tin' };

const s = requireStaff(['admin']);
const form = $('#key-form');
const list = $('#list');
const status = $('#status');

async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
        const r = await call('GET', '/api/v1/api-keys');
        const keys = (r.items || []).slice().reverse(); // newest first
        clear(list);
        list.append(el('div', { class: 'table-scroll' }, el('table', { id: 'keys' },
            el('caption', { class: 'visually-hidden' }, 'Các khóa API, mới nhất trước'),
            el('thead', {}, el('tr', {}, ['Tên', 'Loại', 'Đầu khóa', 'Cấp lúc', 'Hết hạn', 'Dùng lần cuối', 'Trạng thái', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, keys.map((k) => el('tr', { 'data-key-id': k.id, 'data-prefix': k.prefix },
                el('th', { scope: 'row' }, k.name),
                el('td', {}, KINDS[k.kind] || k.kind),
                el('td', {}, el('code', {}, `${k.prefix}…`)),
                el('td', {}, fmtTime(k.created_at)),
                el('td', {}, k.expires_at ? fmtTime(k.expires_at) : 'Không'),
                el('td', {}, k.last_used_at ? fmtTime(k.last_used_at) : 'Chưa dùng'),
                el('td', { class: 'state' }, k.revoked ? `Đã thu hồi (${fmtTime(k.revoked_at)})` : 'Đang dùng'),
                el('td', { class: 'actions' }, k.revoked ? null : el('button', {
                    type: 'button', class: 'secondary', 'aria-label': `Thu hồi khóa ${k.name}`, onclick: (ev) => revoke(k, ev.currentTarget),
                }, 'Thu hồi'))))))));
        if (!keys.length) list.append(el('p', {}, 'Chưa cấp khóa nào.'));
    } catch (err) {
        clear(list);
        showProblem($('#list-alert'), err, 'Không tải được danh sách khóa');
    }
    list.removeAttribute('aria-busy');
}

async function revoke(k, button) {
    if (!confirm(`Thu hồi khóa “${k.name}” (${k.prefix}…)? Ứng dụng dùng khóa này sẽ bị từ chối ngay; không khôi phục được.`)) return;
    hide($('#list-alert'));
    button.disabled = true;
    try {
        await call('DELETE', `/api/v1/api-keys/${k.id}`);
        await load();
        $('#h-list').setAttribute('tabindex', '-1');
        $('#h-list').focus();
        say(status, `Đã thu hồi khóa “${k.name}”.`);
    } catch (err) {
        button.disabled = false;
        showProblem($('#list-alert'), err, 'Chưa thu hồi được khóa');
        button.focus();
    }
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    hide($('#secret'));
    submit(form, $('#form-alert'), 'Chưa cấp được khóa', async () => {
        const day = form.elements.expires_on.value;
        const body = { name: form.elements.name.value.trim(), kind: 'open311_client' };
        if (day) body.expires_at = `${day}T23:59:59+07:00`; // the end of that day, Vietnam time
        const k = await call('POST', '/api/v1/api-keys', { body });
        form.reset();
        say(status, `Đã cấp khóa cho “${k.name}”.`);
        await load();
        showSecret($('#secret'), {
            title: `Khóa API của “${k.name}”`,
            label: 'Khóa API (ứng dụng gửi trong trường api_key của Open311 hoặc tiêu đề X-Api-Key)',
            value: k.api_key,
            warning: 'Hãy sao chép và chuyển cho đơn vị quản lý ứng dụng qua kênh an toàn ngay bây giờ. Sau khi ẩn hoặc tải lại trang, không ai xem lại được khóa; nếu mất, phải cấp khóa mới và thu hồi khóa cũ.',
            back: form.elements.name,
        });
    });
});

if (s) await load();
