// /admin/nguoi-dung.html (admin): staff accounts. The list
// (GET /api/v1/users), a new account (POST /api/v1/users with a random
// password nobody sees, then POST .../password-reset: the one-time password
// is shown once, to be changed at the first login), a change of name,
// e-mail, unit and roles (PATCH /api/v1/users/{id}), deactivation and
// reactivation (PATCH {active}), and a password reset.
import { call, requireStaff, ROLE_NAMES, session } from './admin.js';
import { FieldErrors, fillUnits, loadUnits, say, showSecret, submit } from './admin-form.js';
import { $, clear, clearFieldErrors, el, hide, showProblem } from './ui.js';

const s = requireStaff(['admin']);
const form = $('#user-form');
const alertBox = $('#form-alert');
const listAlert = $('#list-alert');
const status = $('#status');
const list = $('#list');
let units = new Map();
let editing = null; // the user being edited, with the button that opened the form
let users = [];

// 24 random bytes as base64url: the first password of a new account, which
// nobody sees; the reset right after gives the one the user receives.
function throwaway() {
    const b = crypto.getRandomValues(new Uint8Array(24));
    return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const unitName = (id) => (id ? (units.get(id) || { name: `Đơn vị ${id}` }).name : '—');

async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
        const all = [];
        for (let page = 1; page <= 50; page++) {
            const r = await call('GET', '/api/v1/users', { query: { page, per_page: 100 } });
            all.push(...(r.items || []));
            if (all.length >= (r.total || 0) || !(r.items || []).length) break;
        }
        users = all;
        render();
    } catch (err) {
        clear(list);
        showProblem(listAlert, err, 'Không tải được danh sách tài khoản');
    }
    list.removeAttribute('aria-busy');
}

function render() {
    clear(list);
    const me = session().user.id;
    list.append(el('div', { class: 'table-scroll' }, el('table', { id: 'users' },
        el('caption', { class: 'visually-hidden' }, 'Các tài khoản, theo thứ tự tạo'),
        el('thead', {}, el('tr', {},
            ['Tên đăng nhập', 'Họ và tên', 'Đơn vị', 'Vai trò', 'Thư điện tử', 'Trạng thái', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, users.map((u) => el('tr', { 'data-user-id': u.id, 'data-username': u.username },
            el('th', { scope: 'row' }, u.username),
            el('td', {}, u.full_name || ''),
            el('td', { class: 'unit' }, unitName(u.unit_id)),
            el('td', { class: 'roles' }, (u.roles || []).map((r) => ROLE_NAMES[r] || r).join(', ') || '—'),
            el('td', {}, u.email || ''),
            el('td', { class: 'state' }, u.active ? 'Đang hoạt động' : 'Đã khóa',
                u.must_change_password ? el('span', { class: 'hint' }, 'Chờ đổi mật khẩu một lần') : null),
            el('td', { class: 'actions' },
                el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa tài khoản ${u.username}`, onclick: (ev) => edit(u, ev.currentTarget) }, 'Sửa'),
                u.id === me ? null : el('button', { type: 'button', class: 'secondary', 'aria-label': `${u.active ? 'Khóa' : 'Mở khóa'} tài khoản ${u.username}`, onclick: (ev) => setActive(u, !u.active, ev.currentTarget) }, u.active ? 'Khóa' : 'Mở khóa'),
                u.id === me ? null : el('button', { type: 'button', class: 'secondary', 'aria-label': `Cấp lại mật khẩu cho ${u.username}`, onclick: (ev) => reset(u, ev.currentTarget) }, 'Cấp lại mật khẩu'))))))));
}

function chosenRoles() {
    return [...form.querySelectorAll('input[name="roles"]:checked')].map((i) => i.value);
}

function edit(u, button) {
    editing = { user: u, button };
    hide(alertBox);
    $('#user-form-title').textContent = `Sửa tài khoản ${u.username}`;
    form.elements.username.value = u.username;
    form.elements.username.readOnly = true;
    form.elements.full_name.value = u.full_name || '';
    form.elements.email.value = u.email || '';
    form.elements.unit_id.value = u.unit_id ? String(u.unit_id) : '';
    for (const i of form.querySelectorAll('input[name="roles"]')) i.checked = (u.roles || []).includes(i.value);
    $('#user-submit').textContent = 'Lưu thay đổi';
    $('#user-cancel').hidden = false;
    form.elements.full_name.focus();
}

// Back to a new account; the focus returns to the row's button.
function endEdit() {
    const back = editing && editing.button;
    const id = editing && editing.user.id;
    editing = null;
    form.reset();
    form.elements.username.readOnly = false;
    $('#user-form-title').textContent = 'Thêm người dùng';
    $('#user-submit').textContent = 'Thêm người dùng';
    $('#user-cancel').hidden = true;
    const again = id && list.querySelector(`tr[data-user-id="${id}"] button`);
    (again || (back && back.isConnected ? back : form.elements.username)).focus();
}

function showOneTime(u, otp, back) {
    showSecret($('#secret'), {
        title: `Mật khẩu một lần của ${u.username}`,
        label: 'Mật khẩu một lần',
        value: otp,
        warning: 'Hãy chuyển cho người dùng qua kênh an toàn (trực tiếp, điện thoại). Khi đăng nhập bằng mật khẩu này, người dùng phải đổi mật khẩu trước khi làm việc khác. Máy chủ chỉ lưu dạng băm: không ai xem lại được.',
        back,
    });
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    hide($('#secret'));
    submit(form, alertBox, editing ? 'Chưa lưu được thay đổi' : 'Chưa thêm được người dùng', async () => {
        const unit = form.elements.unit_id.value;
        const body = {
            full_name: form.elements.full_name.value.trim(),
            email: form.elements.email.value.trim(),
            unit_id: unit ? Number(unit) : null,
            roles: chosenRoles(),
        };
        if (editing) {
            const u = await call('PATCH', `/api/v1/users/${editing.user.id}`, { body });
            await load();
            endEdit();
            say(status, `Đã lưu tài khoản ${u.username}.`);
            return;
        }
        const username = form.elements.username.value.trim();
        if (!username) throw new FieldErrors([{ field: 'username', message: 'Nhập tên đăng nhập' }]);
        const u = await call('POST', '/api/v1/users', { body: { ...body, username, password: throwaway() } });
        form.reset();
        await load();
        try {
            const r = await call('POST', `/api/v1/users/${u.id}/password-reset`);
            say(status, `Đã thêm tài khoản ${u.username}.`);
            showOneTime(u, r.one_time_password, form.elements.username);
        } catch (err) {
            showProblem(listAlert, err, `Đã thêm tài khoản ${u.username} nhưng chưa cấp được mật khẩu một lần: dùng nút “Cấp lại mật khẩu” ở dòng của tài khoản`);
        }
    });
});

$('#user-cancel').addEventListener('click', () => {
    hide(alertBox);
    clearFieldErrors(form);
    endEdit();
});

async function setActive(u, active, button) {
    if (!active && !confirm(`Khóa tài khoản ${u.username}? Mọi phiên đăng nhập của tài khoản kết thúc ngay; tài khoản không đăng nhập được cho đến khi được mở khóa.`)) return;
    hide(listAlert);
    button.disabled = true;
    try {
        await call('PATCH', `/api/v1/users/${u.id}`, { body: { active } });
        await load();
        const again = list.querySelector(`tr[data-user-id="${u.id}"] td.actions button:nth-child(2)`);
        if (again) again.focus();
        say(status, active ? `Đã mở khóa tài khoản ${u.username}.` : `Đã khóa tài khoản ${u.username}.`);
    } catch (err) {
        button.disabled = false;
        showProblem(listAlert, err, active ? 'Chưa mở khóa được tài khoản' : 'Chưa khóa được tài khoản');
        button.focus();
    }
}

async function reset(u, button) {
    if (!confirm(`Cấp mật khẩu một lần mới cho ${u.username}? Mật khẩu đang dùng hết hiệu lực và mọi phiên đăng nhập của tài khoản kết thúc ngay.`)) return;
    hide(listAlert);
    button.disabled = true;
    try {
        const r = await call('POST', `/api/v1/users/${u.id}/password-reset`);
        await load();
        const again = list.querySelector(`tr[data-user-id="${u.id}"] td.actions button:last-child`);
        showOneTime(u, r.one_time_password, again || button);
        say(status, `Đã cấp lại mật khẩu cho ${u.username}.`);
    } catch (err) {
        button.disabled = false;
        showProblem(listAlert, err, 'Chưa cấp lại được mật khẩu');
        button.focus();
    }
}

if (s) {
    try {
        units = await loadUnits();
    } catch (err) {
        showProblem(listAlert, err, 'Không tải được danh sách đơn vị');
    }
    fillUnits(form.elements.unit_id, units, '— Không thuộc đơn vị nào —');
    await load();
}
