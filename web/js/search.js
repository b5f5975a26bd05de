// Search the published articles: /tim-kiem.html?q=...&page=N (without q:
// all of them, newest first). The API's q ignores diacritics, so "cai cach hanh chinh" finds "cải cách hành chính".
import * as api from './api.js';
import { $, articleCard, clear, el, loadTopics, params, showProblem } from './ui.js';

const PER_PAGE = 10;
const q = (params().get('q') || '').trim();
const page = Math.max(1, parseInt(params().get('page') || '1', 10) || 1);
const input = $('#q');
input.value = q;
const box = $('#results');

try {
    const [list, topics] = await Promise.all([
        api.get('/api/v1/articles', { q: q || undefined, page, per_page: PER_PAGE }),
        loadTopics(api),
    ]);
    clear(box);
    const total = list.total || 0;
    let said;
    if (!q) said = total ? `${total} bài viết, mới nhất trước. Nhập từ khoá để tìm (có dấu hoặc không dấu đều được).` : 'Chưa có bài viết nào.';
    else said = total ? `Tìm thấy ${total} bài viết cho “${q}”.` : `Không tìm thấy bài viết nào cho “${q}”.`;
    box.append(el('p', { id: 'result-count', role: 'status' }, said));
    box.append(el('div', { class: 'grid' }, (list.items || []).map((a) => articleCard(a, topics))));
    const pages = Math.ceil(total / PER_PAGE);
    if (pages > 1) {
        const link = (p, label) => el('a', { href: q ? `?q=${encodeURIComponent(q)}&page=${p}` : `?page=${p}` }, label);
        box.append(el('nav', { class: 'pager', 'aria-label': 'Phân trang' },
            page > 1 ? link(page - 1, '← Trang trước') : null,
            el('span', {}, `Trang ${page}/${pages}`),
            page < pages ? link(page + 1, 'Trang sau →') : null));
    }
} catch (err) {
    showProblem(box, err, 'Không tìm kiếm được');
}
box.removeAttribute('aria-busy');
