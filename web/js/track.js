// Tra cứu: the status of a feedback by its tracking code
// (GET /api/v1/feedback/track/{code}) without reloading the page, and the citizen's rating of the
// published answer (POST .../rating) when it may be rated.
import * as api from './api.js';
import { $, busy, clear, clearFieldErrors, el, hide, params, showFieldErrors, showProblem, timeEl } from './ui.js';

export const STATUS = {
    received: 'Đã tiếp nhận',
    assigned: 'Đang xử lý',
    answered: 'Đã có kết quả, đang chờ phê duyệt',
    published: 'Đã công khai kết quả trả lời',
    closed: 'Đã kết thúc',
    forwarded: 'Đã chuyển cơ quan có thẩm quyền',
    rejected: 'Không tiếp nhận',
};
const KIND = { report: 'Phản ánh', recommendation: 'Kiến nghị' };

const form = $('#track-form');
const box = $('#track-result');

async function show(code) {
    box.setAttribute('aria-busy', 'true');
    clear(box);
    try {
        const f = await api.get(`/api/v1/feedback/track/${encodeURIComponent(code)}`);
        const facts = el('dl', { class: 'facts' });
        const fact = (k, ...v) => facts.append(el('dt', {}, k), el('dd', {}, ...v));
        fact('Mã số', el('span', { class: 'code' }, f.tracking_code));
        fact('Loại', KIND[f.kind] || f.kind);
        fact('Tiêu đề', f.title);
        fact('Tình trạng', el('strong', { id: 'track-status' }, STATUS[f.status] || f.status));
        fact('Ngày tiếp nhận', timeEl(f.received_at, true));
        if (f.due_at) fact('Hạn xử lý', timeEl(f.due_at));
        if (f.unit_name) fact('Đơn vị xử lý', f.unit_name);
        if (f.forwarded_to) fact('Chuyển đến', f.forwarded_to);
        if (f.procedure_code) fact('Thủ tục liên quan', f.procedure_code);
        box.append(el('h2', {}, 'Kết quả tra cứu'), facts);
        if (f.answer) {
            box.append(el('section', { class: 'panel' }, el('h3', {}, 'Kết quả trả lời'),
                ...String(f.answer).split(/\n+/).map((line) => el('p', {}, line)),
                f.published_at ? el('p', { class: 'muted' }, 'Công khai ngày ', timeEl(f.published_at)) : null));
        }
        if (f.steps && f.steps.length) {
            box.append(el('h3', {}, 'Quá trình xử lý'), el('ol', { class: 'steps' },
                f.steps.map((s) => el('li', {}, STATUS[s.status] || s.status, ' — ', timeEl(s.at, true)))));
        }
        if (f.rating) box.append(el('p', {}, `Bạn đã đánh giá mức độ hài lòng: ${f.rating}/5.`));
        if (f.can_rate) box.append(ratingForm(f.tracking_code));
    } catch (err) {
        showProblem(box, err, err.status === 404 ? 'Không tìm thấy hồ sơ với mã số này' : 'Không tra cứu được');
    }
    box.removeAttribute('aria-busy');
}

function ratingForm(code) {
    const alertBox = el('div', { hidden: true });
    const scores = [1, 2, 3, 4, 5].map((s) => el('label', {},
        el('input', { type: 'radio', name: 'score', value: s, 'data-field': s === 1 ? 'score' : undefined }),
        ['1 – Rất không hài lòng', '2 – Không hài lòng', '3 – Bình thường', '4 – Hài lòng', '5 – Rất hài lòng'][s - 1]));
    const f = el('form', { id: 'rate-form', novalidate: true },
        el('h3', {}, 'Đánh giá mức độ hài lòng'),
        el('p', {}, 'Nhập số điện thoại hoặc thư điện tử đã dùng khi gửi phản ánh để xác nhận.'),
        alertBox,
        el('label', { for: 'rate-phone' }, 'Số điện thoại'),
        el('input', { id: 'rate-phone', name: 'phone', type: 'tel', autocomplete: 'tel', 'data-field': 'phone' }),
        el('label', { for: 'rate-email' }, 'hoặc Thư điện tử'),
        el('input', { id: 'rate-email', name: 'email', type: 'email', autocomplete: 'email', 'data-field': 'email' }),
        el('fieldset', {}, el('legend', {}, 'Mức độ hài lòng'), el('div', { class: 'choices' }, scores)),
        el('label', { for: 'rate-comment' }, 'Ý kiến thêm ', el('span', { class: 'hint' }, '(không bắt buộc)')),
        el('textarea', { id: 'rate-comment', name: 'comment', 'data-field': 'comment' }),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Gửi đánh giá')));
    f.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(f, async () => {
            hide(alertBox);
            clearFieldErrors(f);
            const v = (n) => (f.elements[n].value || '').trim() || undefined;
            const checked = f.querySelector('input[name="score"]:checked');
            try {
                await api.post(`/api/v1/feedback/track/${encodeURIComponent(code)}/rating`, {
                    phone: v('phone'), email: v('email'), comment: v('comment'),
                    score: checked ? Number(checked.value) : undefined,
                });
                f.replaceWith(el('p', { class: 'success', role: 'status' }, 'Cảm ơn bạn đã đánh giá.'));
            } catch (err) {
                const rest = showFieldErrors(f, err.fields || []);
                showProblem(alertBox, { problem: { ...err.problem, errors: rest } });
            }
        });
    });
    return f;
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = form.elements.code.value.trim();
    clearFieldErrors(form);
    if (!code) {
        showFieldErrors(form, [{ field: 'code', message: 'Vui lòng nhập mã số hồ sơ.' }]);
        return;
    }
    history.replaceState(null, '', `?code=${encodeURIComponent(code)}`);
    show(code);
});

// The server answers the form's GET (gateway/portal/track.c): a page it
// answered is left as it is, the rating form added when the item may be
// rated; a message it rendered (unknown or malformed code) stays too.
const initial = (params().get('code') || '').trim();
if (initial) {
    form.elements.code.value = initial;
    if (box.dataset.rendered) {
        if (box.dataset.canRate) box.append(ratingForm(box.dataset.rendered));
    } else if (!box.querySelector('.alert')) {
        show(initial);
    }
}
