// /admin/ke-hoach.html: the year's communication plan (GET /api/v1/plans,
// /api/v1/plans/{id}) and its activities with what the units reported.
// Staff of an activity's lead or partner unit file a report (POST
// .../activities/{aid}/reports); the Inspectorate may file one for such a
// unit, and adds or edits activities (PATCH /api/v1/plans/{id} with
// `activities`). Who may report is the API's decision: its 403 is shown.
// A report's author, or an inspector, corrects it (PATCH .../reports/{rid},
// with a reason) or withdraws it (POST .../withdraw) while the report says
// may_change; its earlier texts are shown from GET .../reports/{rid}.
// Files (JPEG, PNG, PDF, at most 10 MB) are uploaded as they are chosen
// (POST /api/v1/plans/attachments, with progress) and named by the report's
// attachment_ids; staff download them (GET /api/v1/plans/attachments/{id}).
import { call, download, requireStaff, upload } from './admin.js';
import { idempotencyKey } from './api.js';
import { $, clear, clearFieldErrors, el, fmtDate, hide, params, showFieldErrors, showProblem, timeEl } from './ui.js';

const s = requireStaff(['admin', 'reviewer', 'editor', 'inspector', 'handler', 'leader']);
const inspector = !!(s && (s.user.roles || []).includes('inspector'));
const myUnit = s && s.user.unit_id;

const pick = $('#plan-pick');
const planBox = $('#plan');
const status = $('#status');
const editor = $('#activity-editor');
const aForm = $('#activity-form');
const aAlert = $('#activity-alert');

let units = new Map(); // id -> unit
let plan = null; // the plan shown
let editing = null; // the activity being edited (null: a new one)

function say(text) {
    clear(status);
    status.append(el('p', { class: 'success' }, text));
}

const unitName = (id) => (units.get(id) || {}).name || `Đơn vị ${id}`;
const monthLabel = (m) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

// Field errors of a report or an activity, renamed to the form's fields:
// "activities[0].form" -> "form"; "evidence_links[2]" -> "evidence_links"
// (the message then says which line).
function fieldsFor(errors) {
    return (errors || []).map((e) => {
        let field = String(e.field || '').replace(/^activities\[\d+\]\./, '');
        let message = e.message;
        const line = /^evidence_links\[(\d+)\]$/.exec(field);
        if (line) {
            field = 'evidence_links';
            message = `Dòng ${Number(line[1]) + 1}: ${message}`;
        }
        const file = /^attachment_ids\[(\d+)\]$/.exec(field);
        if (file) {
            field = 'attachment_ids';
            message = `Tệp thứ ${Number(file[1]) + 1}: ${message}`;
        }
        return { ...e, field, message };
    });
}

function showFormProblem(form, box, err, heading) {
    const rest = showFieldErrors(form, fieldsFor(err.fields || []));
    showProblem(box, { problem: { ...(err.problem || {}), errors: rest } }, heading);
}

// ------------------------------------------------------------ files

const MIME_NAMES = { 'image/jpeg': 'ảnh JPEG', 'image/png': 'ảnh PNG', 'application/pdf': 'PDF' };
const sizeText = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

// A report's files as download buttons (the route wants the bearer token,
// which a plain link would not carry).
function fileLinks(ids) {
    const note = el('span', { class: 'muted', 'aria-live': 'polite' });
    return el('p', { class: 'report-files' }, 'Tệp đính kèm: ', ids.flatMap((id, i) => [i ? ' ' : '',
        el('button', {
            type: 'button', class: 'secondary small', 'data-file': id,
            onclick: async () => {
                note.textContent = ' Đang tải…';
                try {
                    await download(`/api/v1/plans/attachments/${id}`, null, null, '*/*');
                    note.textContent = ' Đã tải xuống.';
                } catch (err) {
                    note.textContent = ` Không tải được tệp ${id}: ${(err.problem && err.problem.title) || err.message}`;
                }
            },
        }, `Tệp ${id}`)]), note);
}

// A file picker for a report: each chosen file is uploaded at once, with
// its progress; ids() gives the files kept, in order (those the report has,
// `initial`, first). `prefix` makes the ids of its elements.
function filePicker(prefix, initial = []) {
    const files = initial.map((id) => ({ id, label: `Tệp ${id} (đã đính kèm)` }));
    const inputId = `${prefix}-files`;
    const input = el('input', {
        id: inputId, type: 'file', multiple: true, accept: 'image/jpeg,image/png,application/pdf',
        'data-field': 'attachment_ids', 'aria-describedby': `${prefix}-files-hint`,
    });
    const progress = el('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Tiến độ tải lên' });
    const progressText = el('p', { class: 'muted', 'aria-live': 'polite' });
    const list = el('ul', { class: 'files', id: `${prefix}-files-list` });
    const box = el('div', { class: 'file-picker' },
        el('label', { for: inputId }, 'Tệp đính kèm'),
        el('p', { class: 'hint', id: `${prefix}-files-hint` }, 'Ảnh JPEG, PNG hoặc tệp PDF, mỗi tệp tối đa 10 MB, tối đa 20 tệp; chỉ cán bộ xem được.'),
        input, progress, progressText, list);
    function render() {
        clear(list);
        for (const f of files) {
            list.append(el('li', { 'data-file': f.id }, el('span', {}, f.label), ' ',
                el('button', {
                    type: 'button', class: 'secondary small', 'aria-label': `Bỏ ${f.label}`,
                    onclick: () => { files.splice(files.indexOf(f), 1); render(); input.focus(); },
                }, 'Bỏ')));
        }
    }
    input.addEventListener('change', async () => {
        for (const file of Array.from(input.files || [])) {
            progress.hidden = false;
            progress.value = 0;
            progressText.textContent = `Đang tải lên ${file.name} (${sizeText(file.size)})…`;
            box.setAttribute('aria-busy', 'true');
            try {
                const f = await upload('/api/v1/plans/attachments', file, (done, total) => {
                    progress.value = Math.round((done / total) * 100);
                    progressText.textContent = `Đang tải lên ${file.name}: ${sizeText(done)} / ${sizeText(total)}`;
                });
                files.push({ id: f.id, label: `${file.name} (${MIME_NAMES[f.mime] || f.mime}, ${sizeText(f.size)})` });
                render();
                progressText.textContent = `Đã tải lên ${file.name}.`;
            } catch (err) {
                const why = (err.problem && ((err.problem.errors || [])[0] || {}).message) || (err.problem && err.problem.title) || err.message;
                progressText.textContent = `Không tải lên được ${file.name}: ${why}`;
            }
            progress.hidden = true;
            box.removeAttribute('aria-busy');
        }
        input.value = '';
    });
    render();
    return { box, ids: () => files.map((f) => f.id), reset: () => { files.length = 0; render(); progressText.textContent = ''; } };
}

// ------------------------------------------------------------ reports

function summaryText(a) {
    const sm = a.summary || {};
    const n = Number(sm.reports || 0);
    if (!n) return 'Chưa có báo cáo.';
    const parts = [`${n} báo cáo`];
    if ((sm.units_reported || []).length) parts.push(`đơn vị đã báo cáo: ${sm.units_reported.map(unitName).join(', ')}`);
    if (sm.last_done_on) parts.push(`thực hiện gần nhất ngày ${fmtDate(sm.last_done_on)}`);
    if ((sm.months || []).length) parts.push(`các tháng: ${sm.months.map(monthLabel).join(', ')}`);
    return `${parts.join('; ')}.`;
}

function link(url) {
    return /^https?:\/\//i.test(url) ? el('a', { href: url, rel: 'noopener noreferrer' }, url) : url;
}

async function loadReports(a, box) {
    box.hidden = false;
    box.setAttribute('aria-busy', 'true');
    clear(box).append(el('p', { class: 'loading' }, 'Đang tải báo cáo…'));
    try {
        const list = await call('GET', `/api/v1/plans/${plan.id}/activities/${a.id}/reports`);
        const items = list.items || [];
        clear(box);
        box.append(el('h4', {}, `Báo cáo kết quả (${items.length})`));
        if (!items.length) box.append(el('p', {}, 'Chưa có đơn vị nào báo cáo hoạt động này.'));
        else {
            box.append(el('ul', { class: 'reports-list' }, items.map((r) => el('li', { 'data-report-id': r.id },
                el('p', {}, el('strong', {}, fmtDate(r.done_on)), ' — ', el('span', { class: 'report-unit' }, unitName(r.unit_id))),
                el('p', { class: 'pre report-text' }, r.description),
                (r.evidence_links || []).length
                    ? el('p', {}, 'Minh chứng: ', r.evidence_links.flatMap((u, i) => [i ? ', ' : '', link(u)]))
                    : null,
                (r.attachment_ids || []).length ? fileLinks(r.attachment_ids) : null,
                el('p', { class: 'muted' }, 'Gửi lúc ', timeEl(r.created_at, true),
                    r.version > 1 ? [`; đã sửa (lần ${r.version - 1}) lúc `, timeEl(r.updated_at, true)] : null),
                r.version > 1 ? versionsBox(a, r) : null,
                r.may_change ? changeTools(a, r) : null))));
        }
    } catch (err) {
        showProblem(box, err, 'Không tải được báo cáo');
    }
    box.removeAttribute('aria-busy');
}

// The earlier texts of a corrected report, loaded when opened.
function versionsBox(a, r) {
    const box = el('div', {});
    const details = el('details', { class: 'report-versions' }, el('summary', {}, `Các bản trước (${r.version - 1})`), box);
    details.addEventListener('toggle', async () => {
        if (!details.open || box.childElementCount) return;
        try {
            const full = await call('GET', `/api/v1/plans/${plan.id}/activities/${a.id}/reports/${r.id}`);
            box.append(el('ol', { reversed: true }, (full.versions || []).map((v) => el('li', { 'data-version': v.version },
                el('p', {}, el('strong', {}, `Bản ${v.version}`), ` — ngày thực hiện ${fmtDate(v.done_on)}`),
                el('p', { class: 'pre' }, v.description),
                (v.evidence_links || []).length ? el('p', {}, 'Minh chứng: ', v.evidence_links.flatMap((u, i) => [i ? ', ' : '', link(u)])) : null,
                (v.attachment_ids || []).length ? fileLinks(v.attachment_ids) : null,
                el('p', { class: 'muted' }, 'Thay lúc ', timeEl(v.replaced_at, true), `; lý do: ${v.reason}`)))));
        } catch (err) {
            showProblem(box, err, 'Không tải được các bản trước');
        }
    });
    return details;
}

// "Sửa" and "Rút" of a report the caller may change: each opens a form of
// its own; Esc or "Hủy" closes it and gives the focus back to its button.
function changeTools(a, r) {
    const id = (x) => `${x}-r${r.id}`;
    const alertBox = el('div', { hidden: true });
    const wrap = el('div', {});
    const editBtn = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': id('edit') }, 'Sửa báo cáo');
    const dropBtn = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': id('drop') }, 'Rút báo cáo');
    const until = r.changeable_until ? el('span', { class: 'hint' }, ` Được sửa, rút đến hết ngày ${fmtDate(r.changeable_until)}.`) : null;
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
    const editFiles = filePicker(id('edit'), r.attachment_ids || []);
    const edit = el('form', { id: id('edit'), class: 'report-form', novalidate: true, hidden: true, 'aria-label': 'Sửa báo cáo' },
        el('label', { for: id('done') }, 'Ngày thực hiện'),
        el('input', { id: id('done'), name: 'done_on', type: 'date', 'data-field': 'done_on', required: true, max: today, value: r.done_on }),
        el('label', { for: id('desc') }, 'Nội dung đã thực hiện'),
        el('textarea', { id: id('desc'), name: 'description', 'data-field': 'description', required: true }, r.description),
        el('label', { for: id('links') }, 'Đường dẫn minh chứng', el('span', { class: 'hint' }, 'Mỗi dòng một địa chỉ https://…')),
        el('textarea', { id: id('links'), name: 'evidence_links', 'data-field': 'evidence_links', class: 'short' }, (r.evidence_links || []).join('\n')),
        editFiles.box,
        el('label', { for: id('reason') }, 'Lý do sửa'),
        el('input', { id: id('reason'), name: 'reason', 'data-field': 'reason', required: true, 'aria-required': 'true', maxlength: 500 }),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Lưu bản sửa'),
            el('button', { type: 'button', class: 'secondary', 'data-close': '' }, 'Hủy')));
    const drop = el('form', { id: id('drop'), class: 'report-form', novalidate: true, hidden: true, 'aria-label': 'Rút báo cáo' },
        el('p', {}, 'Báo cáo bị rút không còn được tính, nhưng vẫn được lưu lại.'),
        el('label', { for: id('dreason') }, 'Lý do rút'),
        el('input', { id: id('dreason'), name: 'reason', 'data-field': 'reason', required: true, 'aria-required': 'true', maxlength: 500 }),
        el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'danger' }, 'Rút báo cáo này'),
            el('button', { type: 'button', class: 'secondary', 'data-close': '' }, 'Hủy')));
    const pairs = [[editBtn, edit], [dropBtn, drop]];
    const close = (btn, form) => {
        form.hidden = true;
        btn.setAttribute('aria-expanded', 'false');
        btn.focus();
    };
    for (const [btn, form] of pairs) {
        btn.addEventListener('click', () => {
            for (const [b2, f2] of pairs) if (f2 !== form) { f2.hidden = true; b2.setAttribute('aria-expanded', 'false'); }
            form.hidden = !form.hidden;
            btn.setAttribute('aria-expanded', String(!form.hidden));
            if (!form.hidden) form.querySelector('input, textarea').focus();
        });
        form.querySelector('[data-close]').addEventListener('click', () => close(btn, form));
        form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') close(btn, form); });
    }
    async function send(form, method, path, body, done) {
        hide(alertBox);
        clearFieldErrors(form);
        const button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        try {
            await call(method, path, { body });
            say(done);
            await loadPlan(plan.id, a.id);
        } catch (err) {
            // What was typed stays in the form; the errors sit by their fields.
            showFormProblem(form, alertBox, err, err.status === 409 ? 'Không sửa, rút được báo cáo' : undefined);
        } finally {
            button.disabled = false;
        }
    }
    const base = `/api/v1/plans/${plan.id}/activities/${a.id}/reports/${r.id}`;
    edit.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const f = edit.elements;
        const body = { reason: f.reason.value.trim() || undefined };
        if (f.done_on.value !== r.done_on) body.done_on = f.done_on.value || undefined;
        if (f.description.value.trim() !== r.description) body.description = f.description.value.trim() || undefined;
        const links = f.evidence_links.value.split('\n').map((x) => x.trim()).filter(Boolean);
        if (links.join('\n') !== (r.evidence_links || []).join('\n')) body.evidence_links = links;
        const files = editFiles.ids();
        if (files.join(',') !== (r.attachment_ids || []).join(',')) body.attachment_ids = files;
        send(edit, 'PATCH', base, body, 'Đã lưu bản sửa của báo cáo.');
    });
    drop.addEventListener('submit', (ev) => {
        ev.preventDefault();
        send(drop, 'POST', `${base}/withdraw`, { reason: drop.elements.reason.value.trim() || undefined }, 'Đã rút báo cáo.');
    });
    wrap.append(el('div', { class: 'actions' }, editBtn, dropBtn, until), alertBox, edit, drop);
    return wrap;
}

function reportForm(a) {
    const id = (x) => `${x}-${a.id}`;
    const alertBox = el('div', { hidden: true });
    let key = idempotencyKey();
    const involved = [a.lead_unit_id, ...(a.partner_units || [])].filter((u) => u > 0);
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
    const files = filePicker(id('new'));
    const form = el('form', { class: 'report-form', novalidate: true, hidden: true, 'aria-label': `Báo cáo kết quả hoạt động ${a.position}` },
        el('h4', {}, `Báo cáo kết quả hoạt động ${a.position}`),
        myUnit && !inspector && !involved.includes(myUnit)
            ? el('p', { class: 'muted' }, 'Chỉ cán bộ của đơn vị chủ trì hoặc phối hợp được báo cáo hoạt động này.')
            : null,
        alertBox,
        inspector
            ? [el('label', { for: id('unit') }, 'Báo cáo cho đơn vị'),
                el('select', { id: id('unit'), name: 'unit_id', 'data-field': 'unit_id' },
                    // Without a unit of their own, the inspector reports for one of the activity's.
                    myUnit || !involved.length ? el('option', { value: '' }, myUnit ? `Đơn vị của tôi (${unitName(myUnit)})` : '— Chọn đơn vị —') : null,
                    involved.filter((u) => u !== myUnit).map((u) => el('option', { value: u }, unitName(u))))]
            : null,
        el('label', { for: id('done') }, 'Ngày thực hiện', el('span', { class: 'hint' }, `Trong năm ${plan.year}, không ở tương lai`)),
        el('input', { id: id('done'), name: 'done_on', type: 'date', 'data-field': 'done_on', required: true, 'aria-required': 'true', max: today }),
        el('label', { for: id('desc') }, 'Nội dung đã thực hiện'),
        el('textarea', { id: id('desc'), name: 'description', 'data-field': 'description', required: true, 'aria-required': 'true' }),
        el('label', { for: id('links') }, 'Đường dẫn minh chứng', el('span', { class: 'hint' }, 'Mỗi dòng một địa chỉ https://…; có thể để trống')),
        el('textarea', { id: id('links'), name: 'evidence_links', 'data-field': 'evidence_links', class: 'short' }),
        files.box,
        el('div', { class: 'actions' },
            el('button', { type: 'submit' }, 'Gửi báo cáo'),
            el('button', { type: 'button', class: 'secondary', onclick: () => { form.hidden = true; } }, 'Đóng')));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        hide(alertBox);
        clearFieldErrors(form);
        const f = form.elements;
        const body = {
            done_on: f.done_on.value || undefined,
            description: f.description.value.trim() || undefined,
            evidence_links: f.evidence_links.value.split('\n').map((x) => x.trim()).filter(Boolean),
            attachment_ids: files.ids(),
        };
        if (f.unit_id && f.unit_id.value) body.unit_id = Number(f.unit_id.value);
        const button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        try {
            await call('POST', `/api/v1/plans/${plan.id}/activities/${a.id}/reports`, { body, headers: { 'Idempotency-Key': key } });
            key = idempotencyKey();
            files.reset();
            say(`Đã gửi báo cáo cho hoạt động ${a.position}.`);
            await loadPlan(plan.id, a.id);
        } catch (err) {
            showFormProblem(form, alertBox, err, err.status === 403 ? 'Không được báo cáo hoạt động này' : undefined);
        } finally {
            button.disabled = false;
        }
    });
    return form;
}

// ------------------------------------------------------------ activities

function activityCard(a) {
    const partners = (a.partner_units || []).map(unitName);
    if (a.partners_note) partners.push(a.partners_note);
    const reports = el('div', { class: 'reports', hidden: true, 'aria-live': 'polite' });
    const form = reportForm(a);
    const showReports = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-label': `Xem báo cáo hoạt động ${a.position}` },
        'Xem báo cáo');
    showReports.addEventListener('click', () => {
        const open = showReports.getAttribute('aria-expanded') !== 'true';
        showReports.setAttribute('aria-expanded', String(open));
        if (open) loadReports(a, reports);
        else reports.hidden = true;
    });
    const toReport = el('button', { type: 'button', 'aria-label': `Báo cáo kết quả hoạt động ${a.position}` }, 'Báo cáo kết quả');
    toReport.addEventListener('click', () => {
        form.hidden = false;
        form.querySelector('input[type="date"]').focus();
    });
    const node = el('article', { class: 'card activity', 'data-activity-id': a.id },
        el('h3', {}, `${a.position}. ${a.form}`),
        el('p', { class: 'pre' }, a.content),
        el('dl', { class: 'facts' },
            el('dt', {}, 'Thời gian'), el('dd', {}, a.schedule || '—'),
            el('dt', {}, 'Chủ trì'), el('dd', { class: 'lead-unit' }, a.lead_unit_id ? unitName(a.lead_unit_id) : (a.lead_unit_name || a.lead_unit_code || '—')),
            el('dt', {}, 'Phối hợp'), el('dd', {}, partners.length ? partners.join('; ') : '—'),
            el('dt', {}, 'Kết quả'), el('dd', { class: 'summary' }, summaryText(a))),
        el('div', { class: 'actions' }, showReports, toReport,
            inspector ? el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa hoạt động ${a.position}`, onclick: () => edit(a) }, 'Sửa hoạt động') : null),
        form, reports);
    node.openReports = () => showReports.click();
    return node;
}

function fillUnits() {
    const lead = aForm.elements.lead_unit_id;
    clear(lead).append(el('option', { value: '' }, '— Chưa chọn —'));
    const box = $('#a-partners');
    clear(box);
    for (const u of units.values()) {
        if (u.is_active === false) continue;
        lead.append(el('option', { value: u.id }, u.name));
        box.append(el('label', {}, el('input', { type: 'checkbox', name: 'partner_units', value: u.id }), u.name));
    }
}

function edit(a) {
    editing = a || null;
    hide(aAlert);
    clearFieldErrors(aForm);
    aForm.reset();
    $('#activity-form-title').textContent = a ? `Sửa hoạt động ${a.position}` : `Thêm hoạt động vào kế hoạch năm ${plan.year}`;
    if (a) {
        const f = aForm.elements;
        f.form.value = a.form || '';
        f.content.value = a.content || '';
        f.schedule.value = a.schedule || '';
        f.lead_unit_id.value = a.lead_unit_id ? String(a.lead_unit_id) : '';
        f.partners_note.value = a.partners_note || '';
        for (const c of aForm.querySelectorAll('input[name="partner_units"]')) c.checked = (a.partner_units || []).includes(Number(c.value));
    }
    editor.hidden = false;
    aForm.elements.form.focus();
}

aForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hide(aAlert);
    clearFieldErrors(aForm);
    const f = aForm.elements;
    const act = {
        form: f.form.value.trim() || undefined,
        content: f.content.value.trim() || undefined,
        schedule: f.schedule.value.trim(),
        partners_note: f.partners_note.value.trim(),
        partner_units: [...aForm.querySelectorAll('input[name="partner_units"]:checked')].map((c) => Number(c.value)),
    };
    if (f.lead_unit_id.value) act.lead_unit_id = Number(f.lead_unit_id.value);
    if (editing) act.id = editing.id;
    const button = aForm.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
        await call('PATCH', `/api/v1/plans/${plan.id}`, { body: { activities: [act] } });
        say(editing ? `Đã lưu hoạt động ${editing.position}.` : 'Đã thêm hoạt động.');
        editor.hidden = true;
        editing = null;
        await loadPlan(plan.id);
    } catch (err) {
        showFormProblem(aForm, aAlert, err, 'Không lưu được hoạt động');
    } finally {
        button.disabled = false;
    }
});
$('#cancel-activity').addEventListener('click', () => {
    editor.hidden = true;
    editing = null;
});

// ------------------------------------------------------------ the plan

async function loadPlan(id, openReportsOf) {
    planBox.setAttribute('aria-busy', 'true');
    try {
        plan = await call('GET', `/api/v1/plans/${id}`);
        clear(planBox);
        const acts = plan.activities || [];
        planBox.append(...[
            el('h2', { id: 'plan-title' }, plan.title),
            plan.document_ref ? el('p', { class: 'muted' }, plan.document_ref) : null,
            plan.summary ? el('p', {}, plan.summary) : null,
            el('p', { class: 'muted' }, `Năm ${plan.year} · ${acts.length} hoạt động · cập nhật `, timeEl(plan.updated_at)),
            inspector ? el('div', { class: 'actions' }, el('button', { type: 'button', id: 'add-activity', onclick: () => edit(null) }, 'Thêm hoạt động')) : null,
            acts.length ? el('div', { id: 'activities' }, acts.map(activityCard)) : el('p', {}, 'Kế hoạch chưa có hoạt động nào.'),
        ].filter(Boolean));
        if (openReportsOf) {
            const card = planBox.querySelector(`[data-activity-id="${openReportsOf}"]`);
            if (card) card.openReports();
        }
    } catch (err) {
        showProblem(planBox, err, 'Không tải được kế hoạch');
    }
    planBox.removeAttribute('aria-busy');
}

async function start() {
    try {
        const [u, list] = await Promise.all([call('GET', '/api/v1/units', { query: { per_page: 100 } }), call('GET', '/api/v1/plans')]);
        units = new Map((u.items || []).map((x) => [x.id, x]));
        fillUnits();
        const plans = list.items || [];
        const sel = pick.elements.plan;
        clear(sel).append(...plans.map((p) => el('option', { value: p.id }, `Năm ${p.year}: ${p.title}`)));
        if (!plans.length) {
            clear(planBox).append(el('p', {}, 'Chưa có kế hoạch nào.'));
            planBox.removeAttribute('aria-busy');
            return;
        }
        const year = Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).slice(0, 4));
        const wanted = Number(params().get('id'));
        const chosen = plans.find((p) => p.id === wanted) || plans.find((p) => p.year === year) || plans[0];
        sel.value = String(chosen.id);
        await loadPlan(chosen.id);
    } catch (err) {
        showProblem(planBox, err, 'Không tải được kế hoạch');
        planBox.removeAttribute('aria-busy');
    }
}

pick.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = pick.elements.plan.value;
    if (!id) return;
    history.replaceState(null, '', `${location.pathname}?id=${encodeURIComponent(id)}`);
    editor.hidden = true;
    loadPlan(id);
});

if (s) await start();
