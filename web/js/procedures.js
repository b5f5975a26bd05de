// The catalogue of administrative procedures (TTHC): /thu-tuc.html?q=...
import * as api from './api.js';
import { $, clear, el, fmtDate, params, showProblem } from './ui.js';

const PER_PAGE = 20;
const q = (params().get('q') || '').trim();
const page = Math.max(1, parseInt(params().get('page') || '1', 10) || 1);
$('#q').value = q;
const box = $('#procedures');
try {
    const list = await api.get('/api/v1/procedures', { q, page, per_page: PER_PAGE });
    clear(box);
    const total = list.total || 0;
    box.append(el('p', { role: 'status' }, q ? `${total} thủ tục khớp với “${q}”.` : `${total} thủ tục.`));
    if (list.items && list.items.length) {
        box.append(el('div', { class: 'table-scroll' }, el('table', {},
            el('caption', { class: 'muted' }, 'Danh mục thủ tục hành chính'),
            el('thead', {}, el('tr', {}, ['Mã', 'Tên thủ tục', 'Lĩnh vực', 'Thời hạn giải quyết', 'Phí, lệ phí', 'Mức độ trực tuyến', 'Quyết định công bố']
                .map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, list.items.map((p) => el('tr', {},
                el('td', {}, p.code), el('td', {}, p.name), el('td', {}, p.field || ''),
                el('td', {}, p.processing_days ? `${p.processing_days} ngày làm việc` : ''),
                el('td', {}, p.fee || 'Không'),
                el('td', {}, p.online_level ? `Mức ${p.online_level}` : ''),
                el('td', {}, [p.decision_no || '', p.decision_date ? ` (${fmtDate(p.decision_date)})` : ''])))))));
    }
    const pages = Math.ceil(total / PER_PAGE);
    if (pages > 1) {
        const link = (p, label) => el('a', { href: `?q=${encodeURIComponent(q)}&page=${p}` }, label);
        box.append(el('nav', { class: 'pager', 'aria-label': 'Phân trang' },
            page > 1 ? link(page - 1, '← Trang trước') : null, el('span', {}, `Trang ${page}/${pages}`),
            page < pages ? link(page + 1, 'Trang sau →') : null));
    }
} catch (err) {
    showProblem(box, err, 'Không tải được danh mục thủ tục');
}
box.removeAttribute('aria-busy');
