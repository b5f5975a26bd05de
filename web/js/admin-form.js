// What the console's reference-data pages share (users, units, notices,
// procedures, the calendar, quota rules, API keys): a form's submission
// whose refusal puts each field error next to its input and keeps what was
// typed; a polite status line; a secret shown once; the units by id.
import { call } from './admin.js';
import { busy, clear, clearFieldErrors, el, hide, showFieldErrors, showProblem } from './ui.js';

// submit(form, alertBox, heading, fn): runs fn() with the form busy and its
// old errors cleared. When it throws, the API's field errors go next to the
// inputs whose data-field names them (aria-invalid, aria-describedby, the
// first one focused), the rest into alertBox under `heading`; the inputs
// keep their values. Returns fn's result, or undefined when refused.
export function submit(form, alertBox, heading, fn) {
    return busy(form, async () => {
        hide(alertBox);
        clearFieldErrors(form);
        try {
            return await fn();
        } catch (err) {
            refuse(form, alertBox, heading, err);
            return undefined;
        }
    });
}

// The refusal `err` (an ApiError, or {fields} checked here) on `form`.
export function refuse(form, alertBox, heading, err) {
    const rest = showFieldErrors(form, err.fields || []);
    showProblem(alertBox, { problem: { ...(err.problem || { title: err.message }), errors: rest } }, heading);
}

// A check made in the page before the API is asked: throw it from fn.
export class FieldErrors extends Error {
    constructor(errors, title = 'Dữ liệu chưa hợp lệ') {
        super(title);
        this.fields = errors;
        this.problem = { title, errors };
    }
}

// A line in the polite status box (a success, in words).
export function say(box, text) {
    clear(box);
    if (text) box.append(el('p', { class: 'success', role: 'status' }, text));
}

// A secret shown this once in `box` (never stored): the value in a
// read-only input, selected; "Sao chép" and "Đã lưu, ẩn đi", which empties
// it and returns the focus to `back`.
export function showSecret(box, { title, label, value, warning, back }) {
    clear(box);
    box.hidden = false;
    const note = el('p', { class: 'muted', 'aria-live': 'polite' });
    const input = el('input', { id: `${box.id}-value`, type: 'text', readonly: true, class: 'code', value, 'aria-describedby': `${box.id}-warning`, spellcheck: 'false', autocomplete: 'off' });
    const copy = async () => {
        try {
            if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
            await navigator.clipboard.writeText(value);
            note.textContent = 'Đã sao chép vào bộ nhớ tạm.';
        } catch {
            input.focus();
            input.select();
            note.textContent = 'Trình duyệt không cho sao chép tự động: nội dung đã được chọn sẵn, hãy nhấn Ctrl+C.';
        }
    };
    const done = () => {
        input.value = '';
        hide(box);
        if (back && back.isConnected) back.focus();
    };
    box.append(el('div', { class: 'key-box', role: 'alert' },
        el('h3', {}, title),
        el('p', { id: `${box.id}-warning` }, el('strong', {}, 'Chỉ hiển thị một lần này. '), warning),
        el('label', { for: input.id }, label), input,
        el('div', { class: 'actions' },
            el('button', { type: 'button', id: `${box.id}-copy`, onclick: copy }, 'Sao chép'),
            el('button', { type: 'button', class: 'secondary', id: `${box.id}-done`, onclick: done }, 'Đã lưu, ẩn đi')),
        note));
    input.focus();
    input.select();
}

// Every unit by id (GET /api/v1/units), inactive ones too.
export async function loadUnits() {
    const out = new Map();
    for (let page = 1; page <= 20; page++) {
        const r = await call('GET', '/api/v1/units', { query: { page, per_page: 100 } });
        for (const u of r.items || []) out.set(u.id, u);
        if ((r.items || []).length < 100) break;
    }
    return out;
}

// A <select> of units ("" for none when `none` is given).
export function fillUnits(select, units, none) {
    const keep = select.value;
    clear(select);
    if (none) select.append(el('option', { value: '' }, none));
    for (const u of [...units.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'))) {
        select.append(el('option', { value: String(u.id) }, u.is_active === false ? `${u.name} (ngừng hoạt động)` : u.name));
    }
    if (keep) select.value = keep;
}

// The value of a number input as an integer, or the text itself when it is
// not one (so that the API names the field), or undefined when empty.
export function intValue(input) {
    const s = input.value.trim();
    if (s === '') return undefined;
    return /^-?\d+$/.test(s) ? Number(s) : s;
}
