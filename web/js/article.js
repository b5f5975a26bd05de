// One article: /bai-viet.html?slug=... (a slug or an id).
import * as api from './api.js';
import { $, clear, el, loadTopics, params, safeHtml, showProblem, timeEl } from './ui.js';

const KINDS = { photo: 'ảnh', image: 'ảnh', video: 'video', document: 'tài liệu' };
const box = $('#article');
const ref = params().get('slug') || params().get('id') || '';
if (!ref) {
    showProblem(box, { problem: { title: 'Không tìm thấy', detail: 'Địa chỉ thiếu mã bài viết.' } });
} else {
    try {
        const [a, topics] = await Promise.all([api.get(`/api/v1/articles/${encodeURIComponent(ref)}`), loadTopics(api)]);
        let unit = null;
        try {
            if (a.unit_id) unit = await api.get(`/api/v1/units/${encodeURIComponent(a.unit_id)}`);
        } catch {
            unit = null;
        }
        document.title = `${a.title} — Sở Kế hoạch và Đầu tư Bắc Ninh`;
        clear(box);
        const tags = (a.topic_ids || []).map((id) => topics.get(id)).filter(Boolean)
            .map((t) => el('span', { class: t.is_cchc ? 'tag cchc' : 'tag' }, t.name));
        const body = el('div', { class: 'article-body' });
        body.append(safeHtml(a.body_html));
        const files = (a.attachments || []).filter((f) => typeof f.url === 'string' && f.url.startsWith('/'));
        // Parts the article lacks are null: left out (append would write "null").
        box.append(...[
            el('h1', {}, a.title),
            el('p', { class: 'muted' }, a.published_at ? ['Đăng ngày ', timeEl(a.published_at, true)] : '',
                unit ? ` · ${unit.name}` : ''),
            // A corrected article: when, and the editor's note (text, never HTML).
            a.corrected_at ? el('p', { class: 'correction', id: 'cap-nhat' }, 'Cập nhật lúc ', timeEl(a.corrected_at, true),
                a.note ? ` — ${a.note}` : '') : null,
            tags.length ? el('p', {}, tags) : null,
            a.summary ? el('p', { class: 'lead' }, a.summary) : null,
            body,
            files.length ? el('section', {}, el('h2', {}, 'Tệp đính kèm'),
                el('ul', {}, files.map((f, i) => el('li', {},
                    f.kind === 'photo' || f.kind === 'image' ? el('img', { src: f.url, alt: `Ảnh ${i + 1} của bài viết`, loading: 'lazy' }) : null,
                    el('a', { href: f.url }, `Tệp ${i + 1} (${KINDS[f.kind] || f.kind || 'tệp'})`))))) : null,
        ].filter(Boolean));
    } catch (err) {
        showProblem(box, err, err.status === 404 ? 'Không tìm thấy bài viết' : 'Không tải được bài viết');
    }
}
box.removeAttribute('aria-busy');
