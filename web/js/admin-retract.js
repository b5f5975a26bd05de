// /admin/duyet-bai.html, second part: the published articles, and their
// retraction (POST /api/v1/articles/{id}/retract with a reason): the reviewer
// asks for it, gives the reason and confirms; the article then leaves the
// portal and no longer counts toward the unit's quota.
import { call, session } from './admin.js';
import { $, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem, timeEl } from './ui.js';

const s = session();
const section = $('#published');
const box = $('#published-list');
const status = $('#status');
let query = '';

function say(text) {
    clear(status);
    status.append(el('p', { class: 'success' }, text));
}

function row(a) {
    const reasonId = `retract-reason-${a.id}`;
    const alertBox = el('div', { hidden: true });
    const reason = el('textarea', { id: reasonId, name: 'reason', 'data-field': 'reason', required: true, 'aria-required': 'true' });
    const open = el('button', { type: 'button', class: 'secondary', 'aria-label': `Gỡ bài: ${a.title}`, 'aria-expanded': 'false' }, 'Gỡ bài…');
    const form = el('form', { hidden: true, novalidate: true, class: 'retract-form' },
        el('p', { class: 'alert-note' }, 'Bài sẽ không còn hiển thị trên cổng thông tin và không còn được tính vào chỉ tiêu. Lý do được ghi vào lịch sử của bài.'),
        el('label', { for: reasonId }, 'Lý do gỡ bài'), reason,
        el('div', { class: 'actions' },
            el('button', { type: 'submit', class: 'danger', 'aria-label': `Xác nhận gỡ bài: ${a.title}` }, 'Xác nhận gỡ bài'),
            el('button', { type: 'button', class: 'secondary', onclick: () => toggle(false) }, 'Không gỡ')));
    function toggle(on) {
        form.hidden = !on;
        open.hidden = on;
        open.setAttribute('aria-expanded', String(on));
        if (on) reason.focus();
        else open.focus();
    }
    open.addEventListener('click', () => toggle(true));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        hide(alertBox);
        clearFieldErrors(form);
        const button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        try {
            await call('POST', `/api/v1/articles/${a.id}/retract`, { body: { reason: reason.value.trim() || undefined } });
            say(`Đã gỡ bài: ${a.title}`);
            await load();
        } catch (err) {
            const rest = showFieldErrors(form, err.fields || []);
            showProblem(alertBox, { problem: { ...err.problem, errors: rest } }, 'Không gỡ được bài');
            button.disabled = false;
        }
    });
    return el('li', { class: 'card', 'data-id': a.id },
        el('h3', {}, el('a', { href: `/bai-viet.html?slug=${encodeURIComponent(a.slug || a.id)}` }, a.title)),
        el('p', { class: 'muted' }, 'Xuất bản ', timeEl(a.published_at, true)),
        alertBox, el('div', { class: 'actions' }, open), form);
}

async function load() {
    box.setAttribute('aria-busy', 'true');
    try {
        const list = await call('GET', '/api/v1/articles', { query: { status: 'published', per_page: 20, q: query || undefined } });
        const items = list.items || [];
        clear(box);
        const total = Number(list.total) || items.length;
        box.append(el('p', {}, items.length
            ? (total > items.length ? `${total} bài; ${items.length} bài mới nhất:` : `${total} bài đã xuất bản.`)
            : (query ? `Không có bài đã xuất bản nào khớp “${query}”.` : 'Chưa có bài nào được xuất bản.')));
        if (items.length) box.append(el('ul', { class: 'published-list' }, items.map(row)));
    } catch (err) {
        showProblem(box, err, 'Không tải được danh sách bài đã xuất bản');
    }
    box.removeAttribute('aria-busy');
}

// Only for the editorial board, and only when admin-review.js kept the page
// (it replaces <main> for anyone else).
if (s && (s.user.roles || []).includes('reviewer') && section && document.contains(section)) {
    section.hidden = false;
    $('#published-search').addEventListener('submit', (ev) => {
        ev.preventDefault();
        query = $('#published-q').value.trim();
        load();
    });
    document.addEventListener('loa:article-decided', () => load());
    await load();
}
