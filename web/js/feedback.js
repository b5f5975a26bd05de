// Phản ánh, kiến nghị: the form posts to POST /api/v1/feedback. The API
// validates (no validation is duplicated here, so its Vietnamese messages
// are the ones shown, next to each field); the answer's tracking code is
// shown with a link to the tracking page. Attachments (up to 5 JPEG, PNG or
// PDF files of at most 10 MB, checked here too so that a citizen hears at
// once) are uploaded one by one to POST /api/v1/feedback/attachments with
// XMLHttpRequest (a progress bar each) when the form is sent; their ids go
// in attachment_ids. A file uploaded once is not sent again when the form
// is refused and sent anew.
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

// ------------------------------------------------------------ attachments
const MAX_FILES = 5;
const MAX_BYTES = 10 * 1024 * 1024;
const TYPES = { 'image/jpeg': 'ảnh JPEG', 'image/png': 'ảnh PNG', 'application/pdf': 'tệp PDF' };
const fileInput = form.elements.files;
const fileList = $('#file-list');
let chosen = []; // [{file, id, bar, note}]: id once uploaded

function fileError(message) {
    showFieldErrors(form, [{ field: 'attachment_ids', message }]);
}

function typeOf(file) {
    if (TYPES[file.type]) return file.type;
    const ext = (file.name.split('.').pop() || '').toLowerCase();
    return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' }[ext] || '';
}

function renderFiles() {
    clear(fileList);
    for (const c of chosen) {
        c.bar = el('progress', { max: 100, value: c.id ? 100 : 0, 'aria-label': `Tải lên ${c.file.name}` });
        c.note = el('span', { class: 'muted' }, c.id ? ' đã tải lên' : '');
        const remove = el('button', { type: 'button', class: 'secondary' }, `Bỏ tệp ${c.file.name}`);
        remove.addEventListener('click', () => {
            chosen = chosen.filter((x) => x !== c);
            renderFiles();
            fileInput.focus();
        });
        fileList.append(el('li', { class: 'file-item' },
            `${c.file.name} (${(c.file.size / 1048576).toFixed(2)} MB) `, c.bar, c.note, ' ', remove));
    }
}

fileInput.addEventListener('change', () => {
    clearFieldErrors(form);
    const problems = [];
    for (const file of fileInput.files) {
        if (!typeOf(file)) problems.push(`${file.name}: chỉ nhận ảnh JPEG, PNG hoặc tệp PDF`);
        else if (file.size > MAX_BYTES) problems.push(`${file.name}: tệp lớn hơn 10 MB`);
        else if (file.size === 0) problems.push(`${file.name}: tệp rỗng`);
        else if (chosen.length >= MAX_FILES) problems.push(`${file.name}: tối đa ${MAX_FILES} tệp đính kèm`);
        else chosen.push({ file });
    }
    fileInput.value = '';
    renderFiles();
    if (problems.length) fileError(problems.join('; '));
});

// One file to POST /api/v1/feedback/attachments, its progress on c.bar; a
// refusal names the file, as an error of the field.
async function upload(c) {
    let data;
    try {
        data = await api.upload('/api/v1/feedback/attachments', c.file, {
            type: typeOf(c.file),
            onProgress: (loaded, total) => { c.bar.value = Math.round((100 * loaded) / total); },
        });
    } catch (err) {
        if (!err.status) throw err;
        const p = err.problem;
        const why = (p.errors && p.errors[0] && p.errors[0].message) || p.title;
        throw new api.ApiError(err.status, { ...p, errors: [{ field: 'attachment_ids', message: `${c.file.name}: ${why}` }] });
    }
    c.id = data.id;
    c.bar.value = 100;
    c.note.textContent = ' đã tải lên';
}

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
            for (const c of chosen) if (!c.id) await upload(c);
            if (chosen.length) body.attachment_ids = chosen.map((c) => c.id);
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
