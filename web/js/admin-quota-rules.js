// /admin/quy-dinh-chi-tieu.html: the article quota's rules. Any staff
// member reads the rule of the month and its history
// (GET /api/v1/quota/rules); the admin adds or corrects a row
// (PUT /api/v1/quota/rules).
import { call, loadNames, nameOf, requireStaff } from './admin.js';
import { intValue, say, submit } from './admin-form.js';
import { $, clear, el, fmtTime, showProblem } from './ui.js';

const s = requireStaff(['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader']);
const form = $('#rules-form');
const box = $('#rules');
const monthLabel = (m) => (m ? `${m.slice(5, 7)}/${m.slice(0, 4)}` : '');

async function load() {
    box.setAttribute('aria-busy', 'true');
    try {
        const r = await call('GET', '/api/v1/quota/rules');
        const rows = r.history || [];
        await loadNames(rows.map((h) => h.created_by));
        clear(box);
        box.append(
            el('p', { id: 'rule-now' }, 'Tháng này: mỗi đơn vị tối thiểu ', el('strong', {}, `${r.min_articles} tin, bài`),
                ', trong đó ', el('strong', {}, `${r.min_cchc_articles} tin, bài CCHC`), ` (mốc từ tháng ${monthLabel(r.effective_from)}).`),
            el('div', { class: 'table-scroll' }, el('table', { id: 'rules-table' },
                el('caption', {}, 'Các mốc, mới nhất trước'),
                el('thead', {}, el('tr', {}, ['Áp dụng từ tháng', 'Tin, bài tối thiểu', 'Tin, bài CCHC tối thiểu', 'Người lập, lúc'].map((h) => el('th', { scope: 'col' }, h)))),
                el('tbody', {}, rows.map((h) => el('tr', { 'data-effective-from': h.effective_from },
                    el('th', { scope: 'row' }, monthLabel(h.effective_from)),
                    el('td', { class: 'num' }, String(h.min_articles)),
                    el('td', { class: 'num' }, String(h.min_cchc_articles)),
                    el('td', {}, h.created_by ? nameOf(h.created_by) : 'Mặc định', h.created_at ? `, ${fmtTime(h.created_at)}` : '')))))));
        if (!form.elements.min_articles.value) {
            form.elements.min_articles.value = r.min_articles;
            form.elements.min_cchc_articles.value = r.min_cchc_articles;
        }
    } catch (err) {
        showProblem(box, err, 'Không tải được quy định chỉ tiêu');
    }
    box.removeAttribute('aria-busy');
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(form, $('#form-alert'), 'Chưa lưu được quy định', async () => {
        const body = {
            min_articles: intValue(form.elements.min_articles),
            min_cchc_articles: intValue(form.elements.min_cchc_articles),
            effective_from: form.elements.effective_from.value,
        };
        await call('PUT', '/api/v1/quota/rules', { body });
        say($('#status'), `Đã lưu quy định áp dụng từ tháng ${monthLabel(body.effective_from)}: ${body.min_articles} tin, bài, trong đó ${body.min_cchc_articles} CCHC.`);
        await load();
    });
});

if (s) {
    $('#edit').hidden = !(s.user.roles || []).includes('admin');
    await load();
}
