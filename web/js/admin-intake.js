// /admin/tiep-nhan.html: a handler or an inspector records feedback received
// at the reception office, by phone, by letter or by e-mail
// (POST /api/v1/feedback with channel and received_at). The API validates;
// its Vietnamese messages are shown next to their fields, and what was typed
// stays when it refuses. After a success the tracking code is shown for the
// citizen, and the form is ready for the next item (the channel and the day
// kept).
import * as api from './api.js';
import { call, requireStaff } from './admin.js';
import { $, busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem, timeEl } from './ui.js';

const form = $('#intake-form');
const alertBox = $('#form-alert');
const done = $('#form-done');
let key = api.idempotencyKey(); // one per item; kept on a retry of the same one

// Today in Vietnam (UTC+7 all year), YYYY-MM-DD.
const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

function value(name) {
    const input = form.elements[name];
    const v = input && typeof input.value === 'string' ? input.value.trim() : '';
    return v === '' ? undefined : v;
}

const who = requireStaff(['handler', 'inspector']);
// The inbox shows a handler only their unit's items; a new item has none yet.
const seesNew = who && (who.user.roles || []).some((r) => r === 'inspector' || r === 'leader');
if (who) {
    form.elements.received_at.value = today;
    form.elements.received_at.max = today;
    form.addEventListener('input', () => {
        key = api.idempotencyKey(); // something changed: a new submission
    });
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clearFieldErrors(form);
            const body = {
                channel: value('channel'),
                received_at: value('received_at'),
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
                const r = await call('POST', '/api/v1/feedback', { body, headers: { 'Idempotency-Key': key } });
                const channel = form.elements.channel.value;
                const day = form.elements.received_at.value;
                form.reset();
                form.elements.channel.value = channel;
                form.elements.received_at.value = day;
                key = api.idempotencyKey();
                clear(done);
                done.hidden = false;
                done.append(el('div', { class: 'success', role: 'status' },
                    el('h2', {}, 'Đã ghi nhận phản ánh, kiến nghị'),
                    el('p', {}, 'Mã số hồ sơ (đưa hoặc gửi cho người phản ánh): ',
                        el('span', { class: 'code', id: 'tracking-code' }, r.tracking_code)),
                    el('p', {}, 'Tiếp nhận ', timeEl(r.received_at), r.due_at ? ['; hạn trả lời ', timeEl(r.due_at)] : '', '.'),
                    seesNew ? el('p', {}, el('a', { href: `/admin/phan-anh.html?id=${encodeURIComponent(r.id)}`, id: 'item-link' },
                        'Xem phản ánh trong danh sách xử lý')) : null));
                done.focus();
            } catch (err) {
                const rest = showFieldErrors(form, err.fields || []);
                showProblem(alertBox, { problem: { ...err.problem, errors: rest } },
                    err.fields && err.fields.length ? 'Vui lòng kiểm tra lại các thông tin dưới đây' : 'Chưa ghi nhận được');
            }
        });
    });
}
