// /admin/duyet-bai.html: the editorial board's queue (in_review): read
// each article, publish it or send it back with a reason. A revision (a
// correction of a published article) shows the editor's note, the text the
// public reads now, and an option to send a corrected version of the
// article's media packages to broadcasters.
import { call, requireStaff } from './admin.js';
import { $, clear, el, safeHtml, showProblem, timeEl } from './ui.js';

const s = requireStaff(['reviewer']);
const queue = $('#queue');
const status = $('#status');

function say(text) {
    clear(status);
    status.append(el('p', { class: 'success' }, text));
}

function card(a) {
    const body = el('div', { class: 'article-body' }, el('p', { class: 'loading' }, 'Đang tải nội dung…'));
    const reasonId = `reason-${a.id}`;
    const alertBox = el('div', { hidden: true });
    const reason = el('textarea', { id: reasonId, name: 'reason' });
    const rejectForm = el('form', { hidden: true, novalidate: true },
        el('label', { for: reasonId }, 'Lý do trả lại'), reason,
        el('div', { class: 'actions' }, el('button', { type: 'submit', 'aria-label': `Xác nhận trả lại: ${a.title}` }, 'Xác nhận trả lại')));
    const revision = a.revision_of !== undefined;
    const mediaId = `media-${a.id}`;
    const media = revision ? el('input', { type: 'checkbox', id: mediaId, name: 'media_correction' }) : null;
    const current = revision ? el('details', { class: 'current-text' },
        el('summary', {}, 'Nội dung đang đăng trên cổng'),
        el('div', { class: 'article-body' }, el('p', { class: 'loading' }, 'Đang tải…'))) : null;
    const node = el('article', { class: revision ? 'card revision' : 'card', 'data-id': a.id },
        el('h3', {}, revision ? `Bản sửa bài đã đăng: ${a.title}` : a.title),
        el('p', { class: 'muted' }, 'Cập nhật ', timeEl(a.updated_at, true)),
        revision ? el('p', { class: 'note' }, el('strong', {}, 'Ghi chú cập nhật: '), a.note || '') : null,
        a.summary ? el('p', { class: 'lead' }, a.summary) : null,
        body, current, alertBox,
        revision ? el('p', { class: 'choices' }, el('label', { for: mediaId }, media,
            ' Phát hành bản đính chính các gói tin truyền thông của bài')) : null,
        el('div', { class: 'actions' },
            el('button', {
                type: 'button',
                // The visible words first in the name (WCAG 2.5.3, label in name).
                'aria-label': `${revision ? 'Đăng bản sửa' : 'Xuất bản'}: ${a.title}`,
                onclick: () => decide(a, 'publish', media && media.checked ? { media_correction: true } : {}, alertBox,
                    revision ? `Đã đăng bản sửa: ${a.title}` : `Đã xuất bản: ${a.title}`),
            }, revision ? 'Đăng bản sửa' : 'Xuất bản'),
            el('button', { type: 'button', class: 'secondary', 'aria-label': `Trả lại: ${a.title}`, onclick: () => { rejectForm.hidden = false; reason.focus(); } }, 'Trả lại')),
        rejectForm);
    rejectForm.addEventListener('submit', (ev) => {
        ev.preventDefault();
        decide(a, 'reject', { reason: reason.value.trim() || undefined }, alertBox, `Đã trả lại: ${a.title}`);
    });
    call('GET', `/api/v1/articles/${a.id}`).then((full) => {
        clear(body);
        body.append(safeHtml(full.body_html));
    }).catch((err) => showProblem(body, err, 'Không tải được nội dung'));
    if (current) {
        const box = current.querySelector('.article-body');
        call('GET', `/api/v1/articles/${a.revision_of}`).then((live) => {
            clear(box);
            box.append(safeHtml(live.body_html));
        }).catch((err) => showProblem(box, err, 'Không tải được bài đang đăng'));
    }
    return node;
}

async function decide(a, action, payload, alertBox, okText) {
    try {
        await call('POST', `/api/v1/articles/${a.id}/${action}`, { body: payload });
        say(okText);
        document.dispatchEvent(new CustomEvent('loa:article-decided', { detail: { id: a.id, action } })); // admin-retract.js
        await load();
    } catch (err) {
        showProblem(alertBox, err);
    }
}

async function load() {
    queue.setAttribute('aria-busy', 'true');
    try {
        const list = await call('GET', '/api/v1/articles', { query: { status: 'in_review', per_page: 50 } });
        clear(queue);
        const items = list.items || [];
        queue.append(el('p', {}, items.length ? `${items.length} bài chờ duyệt.` : 'Không có bài nào chờ duyệt.'));
        for (const a of items) queue.append(card(a));
    } catch (err) {
        showProblem(queue, err, 'Không tải được danh sách chờ duyệt');
    }
    queue.removeAttribute('aria-busy');
}

if (s) await load();
