// Published answers to feedback: /hoi-dap.html?q=&unit_id=&page= lists and
// searches them (GET /api/v1/feedback/answers), /hoi-dap.html?id=N shows one
// (GET /api/v1/feedback/answers/{id}). The API never gives a personal
// detail; everything reaches the page as text.
import * as api from './api.js';
import { $, clear, el, params, showProblem, timeEl } from './ui.js';

const PER_PAGE = 20;
const KINDS = { report: 'Phản ánh', recommendation: 'Kiến nghị' };
const p = params();
const id = (p.get('id') || '').trim();
const q = (p.get('q') || '').trim();
const unit = (p.get('unit_id') || '').trim();
const page = Math.max(1, parseInt(p.get('page') || '1', 10) || 1);
const box = $('#answers');
const form = $('#answers-search');
$('#q').value = q;

async function loadUnits() {
    try {
        const r = await api.get('/api/v1/units', { per_page: 100 });
        const select = $('#unit_id');
        for (const u of r.items || []) select.append(el('option', { value: u.id }, u.name));
        select.value = unit;
    } catch {
        /* the filter stays "all units" */
    }
}

const dates = (a) => el('p', { class: 'muted' },
    KINDS[a.kind] || a.kind, a.unit_name ? ` · ${a.unit_name}` : '',
    ' · Tiếp nhận ', timeEl(a.received_at), ' · Trả lời ', timeEl(a.answered_at),
    ' · Công khai ', timeEl(a.published_at));

async function showOne() {
    form.hidden = true;
    try {
        const a = await api.get(`/api/v1/feedback/answers/${encodeURIComponent(id)}`);
        document.title = `${a.title} — Trả lời phản ánh, kiến nghị`;
        $('#page-title').textContent = a.title;
        clear(box);
        box.append(el('article', { class: 'article-body', id: 'answer' },
            dates(a),
            a.procedure_code ? el('p', {}, 'Thủ tục liên quan: ', a.procedure_code) : null,
            el('h2', {}, 'Nội dung phản ánh, kiến nghị'),
            el('p', { class: 'pre', id: 'answer-content' }, a.content),
            el('h2', {}, 'Trả lời của Sở'),
            el('div', { class: 'fb-answer', id: 'answer-text' }, a.answer)),
        el('p', {}, el('a', { href: '/hoi-dap.html' }, '← Tất cả câu trả lời')));
    } catch (err) {
        showProblem(box, err, err.status === 404 ? 'Không tìm thấy câu trả lời đã công khai' : 'Không tải được câu trả lời');
    }
}

async function showList() {
    await loadUnits();
    try {
        const list = await api.get('/api/v1/feedback/answers', { q, unit_id: unit || undefined, page, per_page: PER_PAGE });
        clear(box);
        const total = list.total || 0;
        box.append(el('p', { role: 'status' }, q ? `${total} câu trả lời khớp với “${q}”.` : `${total} câu trả lời.`));
        if (list.items && list.items.length) {
            box.append(el('ul', { class: 'plain', id: 'answer-list' }, list.items.map((a) => el('li', { class: 'card' },
                el('h2', {}, el('a', { href: `/hoi-dap.html?id=${encodeURIComponent(a.id)}` }, a.title)),
                dates(a),
                el('p', { class: 'fb-answer' }, a.answer.length > 300 ? `${a.answer.slice(0, 300)}…` : a.answer)))));
        }
        const pages = Math.ceil(total / PER_PAGE);
        if (pages > 1) {
            const link = (n, label) => el('a', { href: `?q=${encodeURIComponent(q)}&unit_id=${encodeURIComponent(unit)}&page=${n}` }, label);
            box.append(el('nav', { class: 'pager', 'aria-label': 'Phân trang' },
                page > 1 ? link(page - 1, '← Trang trước') : null, el('span', {}, `Trang ${page}/${pages}`),
                page < pages ? link(page + 1, 'Trang sau →') : null));
        }
    } catch (err) {
        showProblem(box, err, 'Không tải được các câu trả lời');
    }
}

await (id ? showOne() : showList());
box.removeAttribute('aria-busy');
