// Home: the newest articles and the CCHC section.
import * as api from './api.js';
import { $, articleCard, clear, el, loadTopics, showProblem } from './ui.js';

async function section(box, query, topics, empty) {
    try {
        const list = await api.get('/api/v1/articles', query);
        clear(box);
        const items = list.items || [];
        if (!items.length) box.append(el('p', { class: 'muted' }, empty));
        else box.append(el('div', { class: 'grid' }, items.map((a) => articleCard(a, topics))));
    } catch (err) {
        showProblem(box, err, 'Không tải được danh sách bài viết');
    }
    box.removeAttribute('aria-busy');
}

const topics = await loadTopics(api);
await Promise.all([
    section($('#newest'), { per_page: 9 }, topics, 'Chưa có bài viết nào.'),
    section($('#cchc'), { cchc: 'true', per_page: 4 }, topics, 'Chưa có bài viết nào về cải cách hành chính.'),
]);
