// The staff console's shared part: the session (a bearer token from
// POST /api/v1/auth/login, kept in sessionStorage: it ends with the tab),
// the signed-in user in the header, logout, and the role check.
import * as api from './api.js';
import { mountBell } from './admin-bell.js';
import { $, clear, el } from './ui.js';

const KEY = 'loa.session';

export function session() {
    try {
        const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
        if (s && s.token && (!s.expires_at || new Date(s.expires_at) > new Date())) return s;
    } catch {
        /* a damaged entry: signed out */
    }
    return null;
}

export function saveSession(s) {
    sessionStorage.setItem(KEY, JSON.stringify({ token: s.token, expires_at: s.expires_at, user: s.user }));
}

export function forget() {
    sessionStorage.removeItem(KEY);
}

export const ROLE_NAMES = {
    admin: 'Quản trị',
    reviewer: 'Ban biên tập',
    editor: 'Biên tập viên',
    inspector: 'Thanh tra',
    handler: 'Cán bộ xử lý',
    leader: 'Lãnh đạo',
};

// Calls the API as the signed-in user; a 401 (expired or revoked token)
// sends them back to the login page.
export async function call(method, path, { body, query, headers } = {}) {
    const s = session();
    try {
        return await api.request(method, path, { body, query, headers, token: s && s.token });
    } catch (err) {
        if (err.status === 401) {
            forget();
            location.assign(`/admin/?next=${encodeURIComponent(location.pathname + location.search)}`);
        }
        throw err;
    }
}

// POST `path` with `file` as the raw body as the signed-in user, with the
// upload's progress (onProgress(done, total)): api.upload, and a 401 sends
// the user to sign in again. Resolves to the JSON answer; rejects with an
// ApiError.
export async function upload(path, file, onProgress) {
    const sess = session();
    try {
        return await api.upload(path, file, { headers: sess ? { Authorization: `Bearer ${sess.token}` } : {}, onProgress });
    } catch (err) {
        if (err.status === 401) {
            forget();
            location.assign(`/admin/?next=${encodeURIComponent(location.pathname + location.search)}`);
        }
        throw err;
    }
}

// A CSV (or other file) the API gives only with the bearer token, so that a
// plain link cannot fetch it: fetched here, then handed to the browser as a
// Blob link to save as `filename` (null: the name the server's
// Content-Disposition gives). Throws api.ApiError as call() does.
export async function download(path, query, filename, accept = 'text/csv') {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    let resp;
    try {
        resp = await fetch(url, { headers: { Accept: accept, Authorization: `Bearer ${(session() || {}).token}` } });
    } catch {
        throw new api.ApiError(0, { title: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.', errors: [] });
    }
    if (resp.status === 401) {
        forget();
        location.assign(`/admin/?next=${encodeURIComponent(location.pathname + location.search)}`);
        return;
    }
    if (!resp.ok) {
        let problem = null;
        try {
            problem = await resp.json();
        } catch {
            problem = { title: `Lỗi ${resp.status}`, errors: [] };
        }
        throw new api.ApiError(resp.status, problem);
    }
    const named = (/filename="([^"]+)"/.exec(resp.headers.get('Content-Disposition') || '') || [])[1];
    const href = URL.createObjectURL(await resp.blob());
    const a = el('a', { href, download: filename || named || 'tep', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
}

// The page's guard: the session (or a redirect to the login page), the
// header's user box; `roles` lists who may use the page.
export function requireStaff(roles) {
    const s = session();
    if (!s) {
        location.replace(`/admin/?next=${encodeURIComponent(location.pathname + location.search)}`);
        return null;
    }
    // A one-time password (an admin's reset) may only be changed: the API
    // refuses everything else until it is, so the page goes there first.
    if (s.user.must_change_password && location.pathname !== '/admin/mat-khau.html') {
        location.replace('/admin/mat-khau.html');
        return null;
    }
    showNavFor(s.user.roles || []);
    const box = $('#who');
    if (box) {
        clear(box);
        box.append(el('span', {}, `${s.user.full_name || s.user.username} (${(s.user.roles || []).map((r) => ROLE_NAMES[r] || r).join(', ')})`),
            ' ', el('a', { href: '/admin/mat-khau.html', id: 'change-password' }, 'Đổi mật khẩu'),
            ' ', el('button', { type: 'button', class: 'secondary', id: 'logout', onclick: logout }, 'Đăng xuất'));
        if (!s.user.must_change_password) mountBell(box, call); // its routes answer 403 until then
    }
    if (roles && !(s.user.roles || []).some((r) => roles.includes(r))) {
        const main = $('main');
        clear(main);
        main.append(el('div', { class: 'alert', role: 'alert' }, el('h2', {}, 'Không có quyền'),
            el('p', {}, 'Trang này dành cho: ' + roles.map((r) => ROLE_NAMES[r] || r).join(', ') + '.'),
            el('p', {}, el('a', { href: '/admin/' }, 'Về trang quản trị'))));
        return null;
    }
    return s;
}

// The header's links to pages of other roles are hidden (the API refuses
// their routes anyway): each <li data-roles="admin reviewer"> shows only to
// those roles.
export function showNavFor(roles) {
    for (const li of document.querySelectorAll('.site-nav li[data-roles]')) {
        li.hidden = !li.dataset.roles.split(' ').some((r) => roles.includes(r));
    }
}

export async function logout() {
    try {
        await call('POST', '/api/v1/auth/logout');
    } catch {
        /* signed out here whatever the server says */
    }
    forget();
    location.assign('/admin/');
}

export const STATUS = {
    draft: 'Bản nháp',
    in_review: 'Chờ duyệt',
    published: 'Đã xuất bản',
    rejected: 'Bị trả lại',
    retracted: 'Đã gỡ',
};

// Colleagues' names by user id (GET /api/v1/staff), cached for the page's
// life: loadNames(ids) fetches those not known yet; nameOf(id) is the name,
// or a fallback with the number (the page still works if the lookup fails).
const staffNames = new Map();
export async function loadNames(ids) {
    const want = [...new Set(ids.filter((id) => id && !staffNames.has(id)))].slice(0, 100);
    if (!want.length) return;
    try {
        const r = await call('GET', '/api/v1/staff', { query: { ids: want.join(',') } });
        for (const p of r.items || []) staffNames.set(p.id, p.full_name);
    } catch {
        /* the numbers are shown instead */
    }
}

export const nameOf = (id) => staffNames.get(id) || `Cán bộ (mã số ${id})`;
