// Public notices (Thông báo công khai): hotline, e-mail, organisation, the
// set of procedures, the evaluation of staff, others; grouped by kind.
import * as api from './api.js';
import { $, clear, el, safeHtml, showProblem, timeEl } from './ui.js';

const KINDS = [
    ['hotline', 'Đường dây nóng và thư điện tử'],
    ['organization', 'Cơ cấu tổ chức'],
    ['procedure_set', 'Bộ thủ tục hành chính'],
    ['staff_evaluation', 'Đánh giá cán bộ, công chức'],
    ['other', 'Thông báo khác'],
];
const box = $('#notices');
try {
    const list = await api.get('/api/v1/notices', { per_page: 100 });
    const items = (list.items || []).filter((n) => n.is_active !== false);
    clear(box);
    if (!items.length) box.append(el('p', { class: 'muted' }, 'Chưa có thông báo nào.'));
    for (const [kind, heading] of KINDS) {
        const mine = items.filter((n) => (KINDS.some(([k]) => k === n.kind) ? n.kind === kind : kind === 'other'));
        if (!mine.length) continue;
        const sec = el('section', { 'aria-labelledby': `k-${kind}`, id: kind },
            el('h2', { id: `k-${kind}` }, heading));
        for (const n of mine) {
            const body = el('div', { class: 'article-body' });
            body.append(safeHtml(n.body_html));
            sec.append(el('article', { class: 'card' }, el('h3', {}, n.title),
                body, el('p', { class: 'muted' }, 'Cập nhật: ', timeEl(n.updated_at || n.created_at))));
        }
        box.append(sec);
    }
} catch (err) {
    showProblem(box, err, 'Không tải được thông báo');
}
box.removeAttribute('aria-busy');
