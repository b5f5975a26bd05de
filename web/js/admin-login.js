// /admin/: sign in, then the pages the user's roles open.
import * as api from './api.js';
import { forget, ROLE_NAMES, saveSession, session, logout } from './admin.js';
import { $, busy, clear, clearFieldErrors, el, hide, params, showFieldErrors, showProblem } from './ui.js';

const PAGES = [
    { href: '/admin/bai-viet.html', label: 'Bài viết của đơn vị: viết, sửa, gửi duyệt', roles: ['editor'] },
    { href: '/admin/duyet-bai.html', label: 'Duyệt bài: xuất bản hoặc trả lại', roles: ['reviewer'] },
    { href: '/admin/phan-anh.html', label: 'Phản ánh, kiến nghị: tiếp nhận, phân công, trả lời', roles: ['inspector', 'handler', 'leader'] },
    { href: '/admin/tiep-nhan.html', label: 'Tiếp nhận phản ánh trực tiếp, qua điện thoại, thư, thư điện tử', roles: ['inspector', 'handler'] },
    { href: '/admin/chi-tieu.html', label: 'Chỉ tiêu tin bài: tháng này và cả năm', roles: ['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader'] },
    { href: '/admin/ke-hoach.html', label: 'Kế hoạch tuyên truyền CCHC: hoạt động và báo cáo', roles: ['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader'] },
    { href: '/admin/phat-hanh.html', label: 'Phát hành tin cho đài, báo: gói tin và tiếp nhận', roles: ['admin', 'reviewer', 'inspector', 'leader'] },
];

const form = $('#login-form');
const alertBox = $('#form-alert');
const menu = $('#menu');

function next() {
    const n = params().get('next') || '';
    return /^\/admin\/[a-z0-9-]*\.html(\?[^\s]*)?$/.test(n) ? n : null; // only our own pages
}

function showMenu(s) {
    form.hidden = true;
    clear(menu);
    menu.hidden = false;
    const roles = s.user.roles || [];
    const mine = PAGES.filter((p) => p.roles.some((r) => roles.includes(r)));
    menu.append(
        el('p', {}, 'Xin chào ', el('strong', {}, s.user.full_name || s.user.username), ' — ',
            roles.map((r) => ROLE_NAMES[r] || r).join(', ') || 'chưa có vai trò', '.'),
        mine.length ? el('ul', {}, mine.map((p) => el('li', {}, el('a', { href: p.href }, p.label))))
            : el('p', {}, 'Các trang quản trị khác cho vai trò của bạn sẽ có trong phiên bản sau; hiện có thể dùng API.'),
        el('p', {}, el('a', { href: '/admin/mat-khau.html' }, 'Đổi mật khẩu')),
        el('button', { type: 'button', class: 'secondary', onclick: logout }, 'Đăng xuất'));
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
        hide(alertBox);
        clearFieldErrors(form);
        try {
            const s = await api.post('/api/v1/auth/login', {
                username: form.elements.username.value.trim() || undefined,
                password: form.elements.password.value || undefined,
            });
            saveSession(s);
            form.reset();
            const n = next();
            if (n) location.assign(n);
            else showMenu(s);
        } catch (err) {
            const rest = showFieldErrors(form, err.fields || []);
            showProblem(alertBox, { problem: { ...err.problem, errors: rest } },
                err.status === 401 ? 'Sai tên đăng nhập hoặc mật khẩu' : undefined);
        }
    });
});

const s = session();
if (s) {
    try {
        const me = await api.get('/api/v1/auth/me', undefined, { token: s.token });
        showMenu({ ...s, user: me });
    } catch {
        forget();
    }
}
