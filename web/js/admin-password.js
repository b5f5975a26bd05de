// /admin/mat-khau.html: a staff member changes their own password
// (POST /api/v1/auth/password). Every other session of the account ends;
// this one goes on. What was typed stays when the server refuses it.
import { call, requireStaff, saveSession, session } from './admin.js';
import { $, busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem } from './ui.js';

const form = $('#password-form');
const alertBox = $('#form-alert');
const status = $('#status');

const s = requireStaff();
// After an admin's reset: the one-time password is the current one, and
// nothing else works until it is changed.
if (s && s.user.must_change_password) {
    $('#one-time').hidden = false;
    form.elements.current_password.labels[0].textContent = 'Mật khẩu một lần được cấp';
}
if (s) {
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clear(status);
            clearFieldErrors(form);
            const current = form.elements.current_password.value;
            const next = form.elements.new_password.value;
            const errors = [];
            if (!current) errors.push({ field: 'current_password', message: 'Nhập mật khẩu hiện tại' });
            if (!next) errors.push({ field: 'new_password', message: 'Nhập mật khẩu mới' });
            else if (next !== form.elements.repeat_password.value) {
                errors.push({ field: 'repeat_password', message: 'Không khớp với mật khẩu mới' });
            }
            if (errors.length) {
                showFieldErrors(form, errors);
                return;
            }
            try {
                await call('POST', '/api/v1/auth/password', { body: { current_password: current, new_password: next } });
                form.reset();
                const now = session();
                const wasOneTime = now && now.user.must_change_password;
                if (now) saveSession({ ...now, user: { ...now.user, must_change_password: false } });
                $('#one-time').hidden = true;
                status.append(el('p', { class: 'success', role: 'status' },
                    'Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc.',
                    wasOneTime ? el('span', {}, ' ', el('a', { href: '/admin/', id: 'continue' }, 'Tiếp tục làm việc')) : null));
            } catch (err) {
                const rest = showFieldErrors(form, err.fields || []);
                showProblem(alertBox, { problem: { ...err.problem, errors: rest } },
                    err.status === 429 ? 'Nhập sai mật khẩu quá nhiều lần' : 'Chưa đổi được mật khẩu');
            }
        });
    });
}
