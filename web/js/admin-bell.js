// The console's bell (every staff page, in the header): the unread count of
// the signed-in member's notifications, the newest ten in a panel opened by
// the button (Escape closes it, focus comes back), each a link that marks
// it read; "Đánh dấu đã đọc tất cả"; the full list and the e-mail choices
// on /admin/thong-bao.html. Looked at again every minute and when the tab
// comes back into view.
import { $, clear, el, fmtTime } from './ui.js';

const POLL_MS = 60000;

// One notification as a list item: a link to its page that marks it read
// on the way (the page opens whatever the answer).
export function noteItem(n, call) {
    const a = el('a', { href: n.link || '/admin/thong-bao.html', class: n.read_at ? 'read' : 'unread' },
        el('span', { class: 'bell-title' }, n.title),
        n.body ? el('span', { class: 'bell-body' }, n.body) : null,
        el('small', {}, fmtTime(n.created_at), n.read_at ? ' · đã đọc' : ' · chưa đọc'));
    a.addEventListener('click', async (ev) => {
        if (n.read_at) return;
        ev.preventDefault();
        try {
            await call('POST', `/api/v1/notifications/${n.id}/read`);
        } catch {
            /* it stays unread: the page still opens */
        }
        location.assign(a.href);
    });
    return el('li', {}, a);
}

export function mountBell(box, call) {
    const count = el('span', { class: 'badge', id: 'bell-count', hidden: true }, '0');
    const button = el('button', {
        type: 'button', class: 'secondary bell', id: 'bell',
        'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': 'bell-panel',
    }, el('span', { 'aria-hidden': 'true' }, '🔔 '), 'Thông báo', ' ', count);
    const list = el('ul', { class: 'bell-list' });
    const panel = el('div', { id: 'bell-panel', class: 'bell-panel', role: 'region', 'aria-label': 'Thông báo mới nhất', hidden: true },
        el('div', { class: 'bell-head' },
            el('a', { href: '/admin/thong-bao.html' }, 'Xem tất cả và chọn cách nhận'),
            el('button', { type: 'button', class: 'secondary', id: 'bell-read-all' }, 'Đánh dấu đã đọc tất cả')),
        list,
        el('p', { class: 'bell-status', 'aria-live': 'polite' }));
    const wrap = el('div', { class: 'bell-wrap' }, button, panel);
    box.prepend(wrap);

    function show(unread) {
        count.textContent = String(unread);
        count.hidden = !unread;
        button.setAttribute('aria-label', unread ? `Thông báo: ${unread} chưa đọc` : 'Thông báo: không có thông báo chưa đọc');
    }

    // The count always; the list only while the panel is closed, or when
    // asked (opening it, "read all"): a poll must not replace the link
    // someone is on.
    async function refresh(list_too = panel.hidden) {
        try {
            const r = await call('GET', '/api/v1/notifications', { query: { per_page: 10 } });
            show(r.unread || 0);
            if (!list_too) return;
            clear(list);
            for (const n of r.items || []) list.append(noteItem(n, call));
            if (!(r.items || []).length) list.append(el('li', { class: 'empty' }, 'Chưa có thông báo nào.'));
        } catch {
            /* notify-svc down: the bell stays as it was; the page works */
        }
    }

    function close(focus) {
        panel.hidden = true;
        button.setAttribute('aria-expanded', 'false');
        if (focus) button.focus();
    }
    button.addEventListener('click', async () => {
        if (!panel.hidden) return close(false);
        await refresh(true);
        panel.hidden = false;
        button.setAttribute('aria-expanded', 'true');
        const first = panel.querySelector('a');
        if (first) first.focus();
    });
    panel.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape') close(true);
    });
    document.addEventListener('click', (ev) => {
        if (!panel.hidden && !wrap.contains(ev.target)) close(false);
    });
    $('#bell-read-all', panel).addEventListener('click', async () => {
        const status = $('.bell-status', panel);
        try {
            const r = await call('POST', '/api/v1/notifications/read-all');
            status.textContent = `Đã đánh dấu ${r.marked} thông báo là đã đọc.`;
            await refresh(true);
        } catch {
            status.textContent = 'Chưa đánh dấu được; vui lòng thử lại.';
        }
    });
    refresh();
    setInterval(() => refresh(), POLL_MS);
    document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') refresh();
    });
    return { refresh };
}
