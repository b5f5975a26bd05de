// /admin/phan-anh.html: the Inspectorate's feedback inbox. The list
// (GET /api/v1/feedback: status, overdue, q, unit_id, paged) with overdue
// items marked, and one item (GET /api/v1/feedback/{id}: content, the
// submitter, the whole history) with the steps its status and the user's
// roles allow (docs/api/feedback.md): the inspector accepts to a unit,
// forwards, rejects, answers, approves, returns, closes; a handler answers
// their own unit's items; a leader reads. The API decides what a handler
// sees (their unit's items only).
import { call, loadNames, nameOf, requireStaff, session } from './admin.js';
import * as api from './api.js';
import { $, busy, clear, clearFieldErrors, el, hide, params, showFieldErrors, showProblem, timeEl } from './ui.js';

const STATUS = {
    received: 'Mới tiếp nhận, chờ phân loại',
    assigned: 'Đang xử lý',
    answered: 'Đã trả lời, chờ phê duyệt',
    published: 'Đã công khai kết quả',
    closed: 'Đã kết thúc',
    forwarded: 'Đã chuyển cơ quan có thẩm quyền',
    rejected: 'Không tiếp nhận',
};
const KIND = { report: 'Phản ánh', recommendation: 'Kiến nghị' };
const REJECT_CODES = {
    missing_data: 'Thiếu thông tin bắt buộc',
    not_regulation: 'Không phải về quy định hành chính',
    complaint: 'Là khiếu nại, tố cáo (không thuộc phạm vi)',
    duplicate: 'Trùng với phản ánh đã gửi',
    other: 'Lý do khác',
};
const ACTION = {
    received: 'Tiếp nhận phản ánh, kiến nghị',
    accepted: 'Phân công đơn vị xử lý',
    forwarded: 'Chuyển cơ quan có thẩm quyền',
    rejected: 'Không tiếp nhận',
    answered: 'Trả lời',
    approved: 'Phê duyệt, công khai',
    returned: 'Trả lại để trả lời lại',
    closed: 'Kết thúc',
    rated: 'Người gửi đánh giá mức độ hài lòng',
};
const CHANNEL = {
    web: 'Cổng thông tin',
    open311: 'Ứng dụng kết nối (Open311)',
    walk_in: 'Trực tiếp tại Bộ phận tiếp nhận',
    phone: 'Điện thoại',
    letter: 'Thư, văn bản',
    email: 'Thư điện tử',
};
const PER_PAGE = 20;

const s = requireStaff(['inspector', 'leader', 'handler']);
const roles = new Set((s && s.user.roles) || []);
const isInspector = roles.has('inspector');
const seesAllUnits = isInspector || roles.has('leader');

const status = $('#status');
const filters = $('#filters');
const listBox = $('#list');
const listAlert = $('#list-alert');
const inbox = $('#inbox');
const detail = $('#detail');
let units = new Map(); // id -> unit

function say(text) {
    clear(status);
    status.append(el('p', { class: 'success' }, text));
}

// The badges of an item's deadline: "Quá hạn" (past due_at, unanswered)
// or "Sắp đến hạn": text, not colour alone.
function dueBadges(f) {
    if (f.overdue) return el('span', { class: 'badge badge-overdue' }, 'Quá hạn');
    if (f.due_soon) return el('span', { class: 'badge badge-soon' }, 'Sắp đến hạn');
    return null;
}

// ------------------------------------------------------------ the list

// The list's filters and page, from the address (so a reload or the
// back button keeps them).
function listQuery() {
    const p = params();
    const q = {
        q: (p.get('q') || '').trim() || undefined,
        status: STATUS[p.get('status')] ? p.get('status') : undefined,
        channel: CHANNEL[p.get('channel')] ? p.get('channel') : undefined,
        overdue: p.get('overdue') === 'true' ? 'true' : undefined,
        unit_id: seesAllUnits && /^[1-9][0-9]*$/.test(p.get('unit_id') || '') ? p.get('unit_id') : undefined,
        page: Math.max(1, Number.parseInt(p.get('page') || '1', 10) || 1),
    };
    return q;
}

function toSearch(q) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '' && !(k === 'page' && v === 1)) u.set(k, String(v));
    const str = u.toString();
    return str ? `?${str}` : location.pathname;
}

function fillFilters(q) {
    filters.elements.q.value = q.q || '';
    filters.elements.status.value = q.status || '';
    filters.elements.channel.value = q.channel || '';
    filters.elements.overdue.checked = q.overdue === 'true';
    if (seesAllUnits) filters.elements.unit_id.value = q.unit_id || '';
}

const COLUMNS = ['Mã số', 'Tiêu đề', 'Loại', 'Tình trạng', 'Ngày tiếp nhận', 'Hạn trả lời'];

function row(f) {
    const href = `?id=${f.id}`;
    return el('tr', { class: f.overdue ? 'fb-overdue' : f.due_soon ? 'fb-soon' : undefined, 'data-id': f.id, 'data-code': f.tracking_code },
        el('td', { 'data-label': COLUMNS[0] }, el('a', { href, class: 'fb-code', onclick: (ev) => { ev.preventDefault(); go(href); } }, f.tracking_code)),
        el('td', { 'data-label': COLUMNS[1] }, el('span', {}, f.title, f.unit_name ? el('span', { class: 'muted fb-unit' }, f.unit_name) : null)),
        el('td', { 'data-label': COLUMNS[2] }, KIND[f.kind] || f.kind),
        el('td', { 'data-label': COLUMNS[3], class: 'fb-status' }, STATUS[f.status] || f.status),
        el('td', { 'data-label': COLUMNS[4] }, timeEl(f.received_at, true)),
        el('td', { 'data-label': COLUMNS[5], class: 'fb-due' }, el('span', {}, f.due_at ? timeEl(f.due_at) : '', ' ', dueBadges(f))));
}

async function loadList() {
    const q = listQuery();
    fillFilters(q);
    hide(listAlert);
    listBox.setAttribute('aria-busy', 'true');
    try {
        const list = await call('GET', '/api/v1/feedback', { query: { ...q, per_page: PER_PAGE } });
        const items = list.items || [];
        const total = Number(list.total || 0);
        const pages = Math.max(1, Math.ceil(total / PER_PAGE));
        clear(listBox);
        const late = items.filter((f) => f.overdue).length;
        listBox.append(el('p', { id: 'list-count' }, total
            ? `${total} hồ sơ${q.overdue ? ' quá hạn' : ''}. Trang ${q.page}/${pages}.${late && !q.overdue ? ` Trang này có ${late} hồ sơ quá hạn.` : ''}`
            : 'Không có phản ánh, kiến nghị nào phù hợp.'));
        if (items.length) {
            listBox.append(el('div', { class: 'table-scroll' }, el('table', { class: 'fb-table' },
                el('caption', { class: 'visually-hidden' }, 'Phản ánh, kiến nghị; hồ sơ quá hạn có nhãn “Quá hạn”'),
                el('thead', {}, el('tr', {}, COLUMNS.map((h) => el('th', { scope: 'col' }, h)))),
                el('tbody', {}, items.map(row)))));
        }
        if (pages > 1) {
            const to = (page) => toSearch({ ...q, page });
            listBox.append(el('nav', { class: 'pager', 'aria-label': 'Phân trang' },
                q.page > 1 ? el('a', { href: to(q.page - 1), class: 'button secondary', onclick: (ev) => { ev.preventDefault(); go(to(q.page - 1)); } }, '← Trang trước') : null,
                el('span', {}, `Trang ${q.page}/${pages}`),
                q.page < pages ? el('a', { href: to(q.page + 1), class: 'button secondary', onclick: (ev) => { ev.preventDefault(); go(to(q.page + 1)); } }, 'Trang sau →') : null));
        }
    } catch (err) {
        clear(listBox);
        const rest = showFieldErrors(filters, err.fields || []);
        showProblem(listAlert, { problem: { ...err.problem, errors: rest } }, 'Không tải được danh sách phản ánh, kiến nghị');
    }
    listBox.removeAttribute('aria-busy');
}

filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearFieldErrors(filters);
    const e = filters.elements;
    go(toSearch({
        q: e.q.value.trim() || undefined,
        status: e.status.value || undefined,
        channel: e.channel.value || undefined,
        overdue: e.overdue.checked ? 'true' : undefined,
        unit_id: seesAllUnits ? e.unit_id.value || undefined : undefined,
    }));
});
$('#f-reset').addEventListener('click', () => {
    clearFieldErrors(filters);
    go(location.pathname);
});

// ------------------------------------------------------------ one item

// A step's form: its fields, its own alert box, errors next to the fields;
// `body()` gives the request, `done(f)` the message once it succeeded.
function stepForm(f, { id, title, hint, fields, button, action, body, done, secondary }) {
    const alertBox = el('div', { hidden: true });
    const form = el('form', { id, class: 'panel fb-step', novalidate: true, 'aria-labelledby': `${id}-h` },
        el('h3', { id: `${id}-h` }, title), hint ? el('p', { class: 'muted' }, hint) : null, alertBox, ...fields,
        el('div', { class: 'actions' }, el('button', { type: 'submit', class: secondary ? 'secondary' : undefined }, button)));
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clearFieldErrors(form);
            try {
                const after = await call('POST', `/api/v1/feedback/${f.id}/${action}`, { body: body(form) });
                await showDetail(f.id, { quiet: true });
                say(done(after));
                $('#detail-title').focus();
            } catch (err) {
                const rest = showFieldErrors(form, err.fields || []);
                showProblem(alertBox, { problem: { ...err.problem, errors: rest } },
                    err.status === 409 ? 'Hồ sơ đã ở trạng thái khác; hãy tải lại để xem tình trạng mới' : undefined);
            }
        });
    });
    return form;
}

const field = (form, name) => (form.elements[name].value || '').trim() || undefined;

function textField(id, name, label, { area = false, hint } = {}) {
    return [el('label', { for: id }, label, hint ? el('span', { class: 'hint' }, hint) : null),
        el(area ? 'textarea' : 'input', { id, name, type: area ? undefined : 'text', 'data-field': name })];
}

function unitSelect(id, f) {
    const active = [...units.values()].filter((u) => u.is_active !== false);
    return [el('label', { for: id }, 'Giao cho đơn vị'),
        el('select', { id, name: 'unit_id', 'data-field': 'unit_id' },
            el('option', { value: '' }, '— Chọn đơn vị —'),
            active.map((u) => el('option', { value: u.id, selected: f.unit_id === u.id }, u.name)))];
}

function steps(f) {
    const out = [];
    const handlerOwn = roles.has('handler') && s.user.unit_id && f.unit_id === s.user.unit_id;
    if (f.status === 'received' && isInspector) {
        out.push(stepForm(f, {
            id: 'step-accept', title: 'Tiếp nhận và phân công', action: 'accept', button: 'Tiếp nhận, giao đơn vị',
            hint: 'Thuộc thẩm quyền của Sở: giao một đơn vị trả lời.',
            fields: unitSelect('accept-unit', f),
            body: (form) => ({ unit_id: form.elements.unit_id.value ? Number(form.elements.unit_id.value) : undefined }),
            done: (a) => `Đã tiếp nhận và giao ${a.unit_name || 'đơn vị'} xử lý: ${a.tracking_code}`,
        }));
        out.push(stepForm(f, {
            id: 'step-forward', title: 'Chuyển cơ quan có thẩm quyền', action: 'forward', button: 'Chuyển đi', secondary: true,
            hint: 'Về hành vi của cán bộ, công chức hoặc ngoài thẩm quyền của Sở.',
            fields: [...textField('forward-agency', 'to_agency', 'Cơ quan nhận'), ...textField('forward-reason', 'reason', 'Lý do chuyển', { area: true })],
            body: (form) => ({ to_agency: field(form, 'to_agency'), reason: field(form, 'reason') }),
            done: (a) => `Đã chuyển ${a.tracking_code} đến ${a.forwarded_to}`,
        }));
        out.push(stepForm(f, {
            id: 'step-reject', title: 'Không tiếp nhận', action: 'reject', button: 'Từ chối tiếp nhận', secondary: true,
            hint: 'Thiếu thông tin bắt buộc, không phải về quy định hành chính (ví dụ khiếu nại, tố cáo), trùng lặp.',
            fields: [el('label', { for: 'reject-code' }, 'Lý do (phân loại)'),
                el('select', { id: 'reject-code', name: 'reason_code', 'data-field': 'reason_code' },
                    el('option', { value: '' }, '— Chọn lý do —'),
                    Object.entries(REJECT_CODES).map(([v, t]) => el('option', { value: v }, t))),
                ...textField('reject-reason', 'reason', 'Lý do cụ thể', { area: true, hint: 'Người gửi không xem được nội dung này.' })],
            body: (form) => ({ reason_code: form.elements.reason_code.value || undefined, reason: field(form, 'reason') }),
            done: (a) => `Đã từ chối tiếp nhận: ${a.tracking_code}`,
        }));
    }
    if (f.status === 'assigned' && (isInspector || handlerOwn)) {
        out.push(stepForm(f, {
            id: 'step-answer', title: 'Trả lời', action: 'answer', button: 'Gửi trả lời để phê duyệt',
            hint: 'Câu trả lời chờ Thanh tra phê duyệt trước khi gửi, công khai.',
            fields: [...textField('answer-text', 'answer', 'Nội dung trả lời', { area: true }),
                el('div', { class: 'choices' }, el('label', {},
                    el('input', { id: 'answer-publish', name: 'publish', type: 'checkbox', 'data-field': 'publish' }),
                    'Công khai câu trả lời trên Cổng thông tin sau khi được phê duyệt'))],
            body: (form) => ({ answer: field(form, 'answer'), publish: form.elements.publish.checked }),
            done: (a) => `Đã gửi trả lời, chờ phê duyệt: ${a.tracking_code}`,
        }));
    }
    if (f.status === 'answered' && isInspector) {
        out.push(stepForm(f, {
            id: 'step-approve', title: 'Phê duyệt câu trả lời', action: 'approve', button: 'Phê duyệt',
            hint: f.answer_publish ? 'Câu trả lời sẽ được công khai trên Cổng và trong tra cứu.' : 'Câu trả lời không công khai (đơn vị chọn không công khai).',
            fields: [], body: () => ({}), done: (a) => `Đã phê duyệt: ${a.tracking_code}`,
        }));
        out.push(stepForm(f, {
            id: 'step-return', title: 'Trả lại để trả lời lại', action: 'return', button: 'Trả lại', secondary: true,
            hint: 'Câu trả lời chưa giải quyết được nội dung phản ánh, kiến nghị.',
            fields: textField('return-reason', 'reason', 'Lý do trả lại', { area: true }),
            body: (form) => ({ reason: field(form, 'reason') }),
            done: (a) => `Đã trả lại để trả lời lại: ${a.tracking_code}`,
        }));
    }
    if (f.status === 'published' && isInspector) {
        out.push(stepForm(f, {
            id: 'step-close', title: 'Kết thúc hồ sơ', action: 'close', button: 'Kết thúc', secondary: true,
            fields: [], body: () => ({}), done: (a) => `Đã kết thúc: ${a.tracking_code}`,
        }));
    }
    return out;
}

function actor(h) {
    if (!h.actor_id) return h.action === 'rated' || h.action === 'received' ? 'Người gửi' : 'Hệ thống';
    if (s && h.actor_id === s.user.id) return 'Bạn';
    return nameOf(h.actor_id);
}

function historyList(f) {
    const list = f.history || [];
    if (!list.length) return el('p', { class: 'muted' }, 'Chưa có bước xử lý nào.');
    return el('ol', { class: 'steps fb-history' }, list.map((h) => el('li', {},
        el('strong', {}, ACTION[h.action] || h.action), ' — ', timeEl(h.at, true), ' — ', actor(h),
        h.from_status && h.to_status && h.from_status !== h.to_status ? el('div', { class: 'muted' }, `${STATUS[h.from_status] || h.from_status} → ${STATUS[h.to_status] || h.to_status}`) : null,
        h.unit_id ? el('div', {}, 'Đơn vị: ', (units.get(h.unit_id) || {}).name || `mã ${h.unit_id}`) : null,
        h.reason ? el('div', {}, 'Lý do: ', h.reason) : null,
        h.answer ? el('blockquote', { class: 'fb-answer' }, h.answer) : null)));
}

function facts(f) {
    const dl = el('dl', { class: 'facts' });
    const fact = (k, ...v) => dl.append(el('dt', {}, k), el('dd', {}, ...v));
    fact('Mã số', el('span', { class: 'code', id: 'detail-code' }, f.tracking_code));
    fact('Loại', KIND[f.kind] || f.kind);
    fact('Tình trạng', el('strong', { id: 'detail-status' }, STATUS[f.status] || f.status), ' ', dueBadges(f));
    fact('Ngày tiếp nhận', timeEl(f.received_at, true), f.channel ? ` (${CHANNEL[f.channel] || f.channel})` : '');
    if (f.forward_due_at && f.status === 'received') fact('Hạn chuyển, từ chối', timeEl(f.forward_due_at));
    if (f.due_at) fact('Hạn trả lời', timeEl(f.due_at), f.overdue ? ' (đã quá hạn)' : '');
    if (f.unit_name || f.unit_id) fact('Đơn vị xử lý', f.unit_name || `mã ${f.unit_id}`);
    if (f.forwarded_to) fact('Chuyển đến', f.forwarded_to);
    if (f.reject_reason_code) fact('Lý do không tiếp nhận', REJECT_CODES[f.reject_reason_code] || f.reject_reason_code);
    if (f.status_reason) fact('Lý do gần nhất', f.status_reason);
    if (f.procedure_code) fact('Thủ tục liên quan', f.procedure_code);
    if (f.regulation_ref) fact('Quy định được phản ánh', f.regulation_ref);
    if (f.answered_at) fact('Ngày trả lời', timeEl(f.answered_at, true), f.answered_on_time === false ? ' (trễ hạn)' : f.answered_on_time ? ' (đúng hạn)' : '');
    if (f.published_at) fact('Ngày phê duyệt', timeEl(f.published_at, true));
    if (f.rating) fact('Mức độ hài lòng', `${f.rating}/5`);
    return dl;
}

function submitter(f) {
    const p = f.submitter || {};
    const dl = el('dl', { class: 'facts' });
    const fact = (k, v) => v && dl.append(el('dt', {}, k), el('dd', {}, v));
    fact('Họ và tên', p.name);
    fact('Tổ chức', p.organization);
    fact('Địa chỉ', p.address);
    if (p.phone) dl.append(el('dt', {}, 'Điện thoại'), el('dd', {}, el('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}` }, p.phone)));
    if (p.email) dl.append(el('dt', {}, 'Thư điện tử'), el('dd', {}, el('a', { href: `mailto:${p.email}` }, p.email)));
    return dl;
}

// The citizen's files: each downloaded with the session's token (a plain
// link would carry none), then handed to the browser as a file.
const MIME_NAMES = { 'image/jpeg': 'Ảnh JPEG', 'image/png': 'Ảnh PNG', 'application/pdf': 'Tệp PDF' };
const sizeText = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

async function download(a, button, note) {
    button.disabled = true;
    note.textContent = 'Đang tải…';
    try {
        const s = session();
        const r = await fetch(`/api/v1/feedback/attachments/${encodeURIComponent(a.id)}`,
            { headers: s ? { Authorization: `Bearer ${s.token}` } : {} });
        if (!r.ok) throw new Error(r.status === 403 ? 'Tệp của phản ánh không thuộc đơn vị của bạn' : `Không tải được tệp (mã ${r.status})`);
        const url = URL.createObjectURL(await r.blob());
        const name = (/filename="([^"]+)"/.exec(r.headers.get('Content-Disposition') || '') || [])[1] || `tep-${a.id}`;
        const link = el('a', { href: url, download: name, hidden: true });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        note.textContent = 'Đã tải xuống.';
    } catch (err) {
        note.textContent = err.message;
    } finally {
        button.disabled = false;
    }
}

function attachments(f) {
    const list = f.attachments || [];
    if (!list.length) return null;
    return el('section', { 'aria-labelledby': 'h-attachments' },
        el('h3', { id: 'h-attachments' }, `Tệp đính kèm (${list.length})`),
        el('ul', { class: 'plain', id: 'detail-attachments' }, list.map((a, i) => {
            const note = el('span', { class: 'muted', role: 'status' });
            const button = el('button', { type: 'button', class: 'secondary', 'data-attachment': a.id },
                `Tải xuống tệp ${i + 1}`);
            button.addEventListener('click', () => download(a, button, note));
            return el('li', {}, `${MIME_NAMES[a.mime] || a.mime}, ${sizeText(a.size)} `, button, ' ', note);
        })));
}

async function showDetail(id, { quiet = false } = {}) {
    inbox.hidden = true;
    detail.hidden = false;
    if (!quiet) clear(status);
    detail.setAttribute('aria-busy', 'true');
    const back = el('p', {}, el('a', { href: lastList, onclick: (ev) => { ev.preventDefault(); go(lastList); } }, '← Về danh sách'));
    try {
        const f = await call('GET', `/api/v1/feedback/${encodeURIComponent(id)}`);
        await loadNames((f.history || []).map((h) => h.actor_id));
        clear(detail);
        detail.className = f.overdue ? 'fb-detail fb-overdue' : 'fb-detail';
        const actions = steps(f);
        detail.append(...[back,
            el('h2', { id: 'detail-title', tabindex: '-1' }, f.title),
            facts(f),
            el('h3', {}, 'Nội dung'),
            el('div', { class: 'panel fb-content' }, String(f.content || '').split(/\n+/).map((line) => el('p', {}, line))),
            el('h3', {}, 'Người gửi'), submitter(f),
            attachments(f),
            f.answer ? el('section', { class: 'panel', 'aria-labelledby': 'h-answer' },
                el('h3', { id: 'h-answer' }, 'Câu trả lời'),
                el('div', { id: 'detail-answer' }, String(f.answer).split(/\n+/).map((line) => el('p', {}, line))),
                el('p', { class: 'muted' }, f.answer_publish ? 'Công khai sau khi được phê duyệt.' : 'Không công khai.')) : null,
            el('h3', {}, 'Quá trình xử lý'), historyList(f),
            el('h3', {}, 'Xử lý'),
            actions.length ? el('div', { class: 'fb-steps' }, actions)
                : el('p', { class: 'muted', id: 'no-steps' }, seesAllUnits && !isInspector
                    ? 'Lãnh đạo theo dõi; không có thao tác xử lý.'
                    : 'Không có thao tác nào cho bạn ở tình trạng này.')].filter(Boolean));
        document.title = `${f.tracking_code} — Phản ánh, kiến nghị`;
    } catch (err) {
        clear(detail);
        detail.append(back);
        const box = el('div');
        detail.append(box);
        showProblem(box, err, err.status === 403 ? 'Phản ánh, kiến nghị này không thuộc đơn vị của bạn'
            : err.status === 404 ? 'Không tìm thấy phản ánh, kiến nghị' : 'Không tải được phản ánh, kiến nghị');
    }
    detail.removeAttribute('aria-busy');
}

// ------------------------------------------------------------ navigation

let lastList = location.pathname;

function go(href) {
    history.pushState(null, '', href);
    clear(status);
    route();
}

async function route() {
    const id = params().get('id');
    if (id && /^[1-9][0-9]*$/.test(id)) {
        await showDetail(id);
        $('#detail-title')?.focus();
        return;
    }
    lastList = location.search ? location.pathname + location.search : location.pathname;
    detail.hidden = true;
    clear(detail);
    inbox.hidden = false;
    document.title = 'Phản ánh, kiến nghị — Quản trị Cổng thông tin';
    await loadList();
}

async function loadUnits() {
    try {
        const list = await api.get('/api/v1/units', { per_page: 100 });
        units = new Map((list.items || []).map((u) => [u.id, u]));
    } catch {
        units = new Map();
    }
    if (seesAllUnits) {
        $('#f-unit-box').hidden = false;
        $('#f-unit').append(...[...units.values()].map((u) => el('option', { value: u.id }, u.name)));
    }
}

if (s) {
    $('#f-status').append(...Object.entries(STATUS).map(([v, t]) => el('option', { value: v }, t)));
    $('#f-channel').append(...Object.entries(CHANNEL).map(([v, t]) => el('option', { value: v }, t)));
    window.addEventListener('popstate', () => route());
    await loadUnits();
    await route();
}

