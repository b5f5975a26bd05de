// Đánh giá cán bộ một cửa: POST /api/v1/ratings ({desk or staff_code,
// score, comment}) and the public summary (GET /api/v1/ratings/summary).
import * as api from './api.js';
import { $, busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem } from './ui.js';

const form = $('#rating-form');
const alertBox = $('#form-alert');
const summary = $('#summary');
const pct = (x) => `${Math.round((x || 0) * 100)}%`;
const num = (x) => (x || 0).toLocaleString('vi-VN', { maximumFractionDigits: 2 });

async function loadSummary() {
    try {
        const s = await api.get('/api/v1/ratings/summary');
        clear(summary);
        summary.append(el('p', {}, `${s.count || 0} lượt đánh giá; điểm trung bình ${num(s.mean)}/5; hài lòng ${pct(s.satisfied_share)}.`));
        if (s.desks && s.desks.length) {
            summary.append(el('div', { class: 'table-scroll' }, el('table', {},
                el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Quầy / cán bộ'), el('th', { scope: 'col' }, 'Lượt'), el('th', { scope: 'col' }, 'Điểm trung bình'))),
                el('tbody', {}, s.desks.map((d) => el('tr', {}, el('td', {}, d.desk), el('td', {}, String(d.count)), el('td', {}, num(d.mean))))))));
        }
        if (s.feedback_ratings) {
            summary.append(el('p', {}, `Đánh giá kết quả trả lời phản ánh, kiến nghị: ${s.feedback_ratings} lượt, trung bình ${num(s.feedback_mean)}/5.`));
        }
    } catch (err) {
        showProblem(summary, err, 'Không tải được kết quả đánh giá');
    }
    summary.removeAttribute('aria-busy');
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
        hide(alertBox);
        clearFieldErrors(form);
        const v = (n) => (form.elements[n].value || '').trim() || undefined;
        const checked = form.querySelector('input[name="score"]:checked');
        try {
            await api.post('/api/v1/ratings', {
                desk: v('desk'), staff_code: v('staff_code'), comment: v('comment'),
                score: checked ? Number(checked.value) : undefined,
            });
            form.reset();
            clear(alertBox);
            alertBox.hidden = false;
            alertBox.append(el('p', { class: 'success', role: 'status', id: 'rating-thanks' },
                'Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp chúng tôi phục vụ tốt hơn.'));
            loadSummary();
        } catch (err) {
            const rest = showFieldErrors(form, err.fields || []);
            showProblem(alertBox, { problem: { ...err.problem, errors: rest } });
        }
    });
});

loadSummary();
