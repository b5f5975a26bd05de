// /admin/bai-viet.html: an editor's articles (their unit's): write or edit
// a draft (Markdown), send it for review; rejected ones come back with the
// reviewer's reason. "Sửa bài đã đăng" makes a revision of a published
// article (POST /api/v1/articles/{id}/revisions, with a note), which is
// then edited, submitted and reviewed as a draft.
import { call, requireStaff, STATUS } from './admin.js';
import * as api from './api.js';
import { $, busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem, timeEl } from './ui.js';

const s = requireStaff(['editor']);
const form = $('#article-form');
const alertBox = $('#form-alert');
const listBox = $('#articles');
const status = $('#status');
let editing = null; // {id, version, revision} of the article in the form
let revising = null; // {id, title} of the published article a new revision corrects
const noteBox = $('#note-box');

function say(text) {
    clear(status);
    status.append(el('p', { class: 'success' }, text));
}

async function loadTopics() {
    const box = $('#topics');
    try {
        const list = await api.get('/api/v1/topics', { per_page: 100 });
        clear(box);
        box.append(...(list.items || []).map((t, i) => el('label', {},
            el('input', { type: 'checkbox', name: 'topic', value: t.id, 'data-field': i === 0 ? 'topic_ids' : undefined }),
            t.name, t.is_cchc ? ' (CCHC)' : '')));
    } catch (err) {
        showProblem(box, err, 'Không tải được danh sách chủ đề');
    }
}

function resetForm() {
    editing = null;
    revising = null;
    form.reset();
    noteBox.hidden = true;
    $('#form-title').textContent = 'Viết bài mới';
    $('#cancel-edit').hidden = true;
}

function fill(a) {
    form.elements.title.value = a.title || '';
    form.elements.summary.value = a.summary || '';
    form.elements.body.value = a.body || '';
    for (const c of form.querySelectorAll('input[name="topic"]')) c.checked = (a.topic_ids || []).includes(Number(c.value));
}

// The published article's text in the form, for a new revision.
async function revise(id) {
    hide(alertBox);
    clearFieldErrors(form);
    try {
        const a = await call('GET', `/api/v1/articles/${encodeURIComponent(id)}`);
        editing = null;
        revising = { id: a.id, title: a.title };
        fill(a);
        form.elements.note.value = '';
        noteBox.hidden = false;
        $('#form-title').textContent = `Sửa bài đã đăng: ${a.title}`;
        $('#cancel-edit').hidden = false;
        form.elements.note.focus();
    } catch (err) {
        showProblem(alertBox, err, 'Không mở được bài viết');
    }
}

async function edit(id) {
    try {
        const a = await call('GET', `/api/v1/articles/${encodeURIComponent(id)}`);
        editing = { id: a.id, version: a.version, revision: a.revision_of !== undefined };
        revising = null;
        fill(a);
        form.elements.note.value = a.note || '';
        noteBox.hidden = !editing.revision;
        $('#form-title').textContent = editing.revision ? `Sửa bản sửa: ${a.title}` : `Sửa bài: ${a.title}`;
        $('#cancel-edit').hidden = false;
        form.elements.title.focus();
    } catch (err) {
        showProblem(alertBox, err, 'Không mở được bài viết');
    }
}

async function act(a, action, okText) {
    try {
        await call('POST', `/api/v1/articles/${a.id}/${action}`, { body: {} });
        say(okText);
        await loadList();
    } catch (err) {
        showProblem(status, err);
    }
}

async function loadList() {
    listBox.setAttribute('aria-busy', 'true');
    try {
        const lists = await Promise.all(['draft', 'rejected', 'in_review', 'published'].map((st) =>
            call('GET', '/api/v1/articles', { query: { status: st, per_page: 50 } })));
        const items = lists.flatMap((l) => l.items || []);
        clear(listBox);
        if (!items.length) {
            listBox.append(el('p', { class: 'muted' }, 'Đơn vị chưa có bài viết nào.'));
        } else {
            listBox.append(el('div', { class: 'table-scroll' }, el('table', {},
                el('thead', {}, el('tr', {}, ['Tiêu đề', 'Tình trạng', 'Cập nhật', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
                el('tbody', {}, items.map((a) => el('tr', { 'data-id': a.id },
                    el('td', {}, a.title, a.revision_of !== undefined
                        ? el('div', { class: 'hint' }, `Bản sửa của bài đã đăng #${a.revision_of}${a.note ? ` — ${a.note}` : ''}`) : null),
                    el('td', {}, STATUS[a.status] || a.status, a.status === 'rejected' && a.status_reason ? el('div', { class: 'field-error' }, `Lý do: ${a.status_reason}`) : null),
                    el('td', {}, timeEl(a.updated_at, true)),
                    el('td', { class: 'actions' },
                        a.status === 'draft' || a.status === 'rejected' ? [
                            el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa: ${a.title}`, onclick: () => edit(a.id) }, 'Sửa'),
                            el('button', { type: 'button', 'aria-label': `Gửi duyệt: ${a.title}`, onclick: () => act(a, 'submit', `Đã gửi duyệt: ${a.title}`) }, 'Gửi duyệt'),
                        ] : null,
                        a.status === 'published' ? [
                            el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa bài đã đăng: ${a.title}`, onclick: () => revise(a.id) }, 'Sửa bài đã đăng'),
                            el('a', { href: `/bai-viet.html?slug=${encodeURIComponent(a.slug || a.id)}` }, 'Xem trên cổng'),
                        ] : null)))))));
        }
    } catch (err) {
        showProblem(listBox, err, 'Không tải được danh sách bài viết');
    }
    listBox.removeAttribute('aria-busy');
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
        hide(alertBox);
        clearFieldErrors(form);
        const v = (n) => form.elements[n].value.trim() || undefined;
        const body = {
            title: v('title'), summary: v('summary'), body: form.elements.body.value || undefined,
            topic_ids: Array.from(form.querySelectorAll('input[name="topic"]:checked'), (c) => Number(c.value)),
        };
        if (revising || (editing && editing.revision)) body.note = form.elements.note.value.trim();
        try {
            let a;
            if (revising) a = await call('POST', `/api/v1/articles/${revising.id}/revisions`, { body });
            else if (editing) a = await call('PATCH', `/api/v1/articles/${editing.id}`, { body, headers: { 'If-Match': `"${editing.version}"` } });
            else a = await call('POST', '/api/v1/articles', { body });
            const made = revising !== null;
            resetForm();
            say(made ? `Đã tạo bản sửa (bản nháp): ${a.title}. Hãy gửi duyệt khi xong.` : `Đã lưu bản nháp: ${a.title}`);
            await loadList();
        } catch (err) {
            const rest = showFieldErrors(form, err.fields || []);
            showProblem(alertBox, { problem: { ...err.problem, errors: rest } },
                err.status === 412 ? 'Bài viết vừa được sửa ở nơi khác; hãy mở lại để sửa tiếp' : undefined);
        }
    });
});
$('#cancel-edit').addEventListener('click', resetForm);

if (s) {
    await loadTopics();
    await loadList();
}
