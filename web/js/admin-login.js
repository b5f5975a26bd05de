// /admin/: sign in, then the pages the user's roles open.
import * as api from './api.js';
import { forget, ROLE_NAMES, saveSession, session, showNavFor, logout } from './admin.js';
import { $, busy, clear, clearFieldErrors, el, hide, params, showFieldErrors, showProblem } from './ui.js';

const PAGES = [
    { href: '/admin/bai-viet.html', label: 'Bài viết của đơn vị: viết, sửa, gửi duyệt', roles: ['editor'] },
    { href: '/admin/duyet-bai.html', label: 'Duyệt bài: xuất bản hoặc trả lại', roles: ['reviewer'] },
    { href: '/admin/phan-anh.html', label: 'Phản ánh, kiến nghị: tiếp nhận, phân công, trả lời', roles: ['inspector', 'handler', 'leader'] },
    { href: '/admin/tiep-nhan.html', label: 'Tiếp nhận phản ánh trực tiếp, qua điện thoại, thư, thư điện tử', roles: ['inspector', 'handler'] },
    { href: '/admin/chi-tieu.html', label: 'Chỉ tiêu tin bài: tháng này và cả năm', roles: ['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader'] },
    { href: '/admin/ke-hoach.html', label: 'Kế hoạch tuyên truyền CCHC: hoạt động và báo cáo', roles: ['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader'] },
    { href: '/admin/phat-hanh.html', label: 'Phát hành tin cho đài, báo: gói tin và tiếp nhận', roles: ['admin', 'reviewer', 'inspector', 'leader'] },
    { href: '/admin/nguoi-dung.html', label: 'Người dùng và vai trò: tạo, phân quyền, khóa, cấp lại mật khẩu', roles: ['admin'] },
    { href: '/admin/don-vi.html', label: 'Đơn vị thuộc Sở', roles: ['admin'] },
    { href: '/admin/thong-bao-cong-khai.html', label: 'Thông báo công khai trên Cổng (đường dây nóng, tổ chức bộ máy…)', roles: ['admin'] },
    { href: '/admin/thu-tuc.html', label: 'Danh mục thủ tục hành chính: thêm, sửa đổi, các phiên bản', roles: ['admin'] },
    { href: '/admin/lich.html', label: 'Lịch làm việc từng năm và thời hạn xử lý phản ánh', roles: ['admin'] },
    { href: '/admin/quy-dinh-chi-tieu.html', label: 'Quy định chỉ tiêu tin bài và lịch sử thay đổi', roles: ['admin'] },
    { href: '/admin/khoa-api.html', label: 'Khóa API cho ứng dụng Open311', roles: ['admin'] },
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
    showNavFor(roles);
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
            // A one-time password from an admin: it must be changed first.
            if (s.user && s.user.must_change_password) {
                location.assign('/admin/mat-khau.html');
                return;
            }
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
        if (me.must_change_password) location.assign('/admin/mat-khau.html');
        else showMenu({ ...s, user: me });
    } catch {
        forget();
    }
}
