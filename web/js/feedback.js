// Phản ánh, kiến nghị: the form posts to POST /api/v1/feedback. The API
// validates (no validation is duplicated here, so its Vietnamese messages
// are the ones shown, next to each field); the answer's tracking code is
// shown with a link to the tracking page.
import * as api from './api.js';
import { $, busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem, timeEl } from './ui.js';

const form = $('#feedback-form');
const alertBox = $('#form-alert');
const done = $('#form-done');
let key = api.idempotencyKey(); // one per submission; kept on a retry of the same one

function value(name) {
    const input = form.elements[name];
    const v = input && typeof input.value === 'string' ? input.value.trim() : '';
    return v === '' ? undefined : v;
}

form.addEventListener('input', () => {
    key = api.idempotencyKey(); // the citizen changed something: a new submission
});

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
        hide(alertBox);
        clearFieldErrors(form);
        const body = {
            kind: value('kind'),
            title: value('title'),
            content: value('content'),
            submitter: {
                name: value('name'),
                address: value('address'),
                phone: value('phone'),
                email: value('email'),
                organization: value('organization'),
            },
            procedure_code: value('procedure_code'),
            regulation_ref: value('regulation_ref'),
        };
        try {
            const r = await api.post('/api/v1/feedback', body, { headers: { 'Idempotency-Key': key } });
            form.hidden = true;
            clear(done);
            done.hidden = false;
            const link = `/tra-cuu.html?code=${encodeURIComponent(r.tracking_code)}`;
            done.append(
                el('h2', {}, 'Đã gửi phản ánh, kiến nghị'),
                el('p', {}, 'Mã số hồ sơ của bạn (hãy ghi lại để tra cứu):'),
                el('p', {}, el('span', { class: 'code', id: 'tracking-code' }, r.tracking_code)),
                el('p', {}, 'Tiếp nhận lúc ', timeEl(r.received_at, true),
                    r.due_at ? ['; hạn xử lý ', timeEl(r.due_at)] : '', '.'),
                el('p', {}, el('a', { href: link, id: 'track-link' }, 'Tra cứu tình trạng xử lý')),
            );
            done.focus();
        } catch (err) {
            const rest = showFieldErrors(form, err.fields || []);
            showProblem(alertBox, { problem: { ...err.problem, errors: rest.length ? rest : err.fields } },
                err.fields && err.fields.length ? 'Vui lòng kiểm tra lại các thông tin dưới đây' : undefined);
        }
    });
});
