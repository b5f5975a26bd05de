// /admin/phat-hanh.html: publishing to broadcasters (docs/api/media.md
// distribution"). The admin lists and adds broadcasters (the API key is
// shown once, never stored here); the reviewer makes a package from a
// published article with uploaded photos or videos, corrects or cancels
// it; reviewer, inspector and leader read the packages with what each
// broadcaster received (versions in its feed, downloads, receipts).
import { call, loadNames, nameOf, requireStaff, upload } from './admin.js';
import {
    $, busy, clear, clearFieldErrors, el, fmtTime, hide, params, showFieldErrors, showProblem, timeEl,
} from './ui.js';

const KIND = { tv: 'Đài truyền hình', radio: 'Đài phát thanh', newspaper: 'Báo in, báo điện tử', portal: 'Cổng, trang thông tin điện tử', other: 'Khác' };
const POLICY = { deliver: 'Gửi ngay, kèm thời điểm được phát', hide: 'Giữ lại đến thời điểm được phát' };
const PUB_STATUS = { usable: 'Đang phát hành', withheld: 'Tạm giữ', canceled: 'Đã hủy' };
const RECEIPT = { received: 'Đã nhận đủ', failed: 'Báo lỗi' };
const PER_PAGE = 10;

const s = requireStaff(['admin', 'reviewer', 'inspector', 'leader']);
const roles = (s && s.user.roles) || [];
const has = (...r) => r.some((x) => roles.includes(x));
const status = $('#status');
let page = Number(params().get('trang')) || 1;

function say(text) {
    clear(status);
    status.append(el('p', { class: 'success' }, text));
}

const num = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
function fmtSize(n) {
    const b = Number(n) || 0;
    if (b < 1024) return `${num.format(b)} byte`;
    if (b < 1024 * 1024) return `${num.format(b / 1024)} KB`;
    if (b < 1024 * 1024 * 1024) return `${num.format(b / 1024 / 1024)} MB`;
    return `${num.format(b / 1024 / 1024 / 1024)} GB`;
}

// A datetime-local value read as Vietnam's time (UTC+7 all year, no daylight
// saving) → RFC 3339; "" stays "".
function vnToRfc3339(v) {
    if (!v) return '';
    const t = v.length === 16 ? `${v}:00` : v.slice(0, 19);
    return `${t}+07:00`;
}

// On a phone the tables become one block per row (css: table.stack), each
// cell labelled by its column's header.
function stack(table) {
    table.classList.add('stack');
    const heads = Array.from(table.querySelectorAll('thead th'), (th) => th.textContent);
    for (const tr of table.querySelectorAll('tbody tr')) {
        Array.from(tr.children).forEach((cell, i) => { if (heads[i]) cell.setAttribute('data-label', heads[i]); });
    }
    return table;
}

// The problem as the form's alert plus messages next to its fields.
function formProblem(form, box, err, heading) {
    const rest = showFieldErrors(form, err.fields || []);
    showProblem(box, { problem: { ...(err.problem || { title: String(err.message || err) }), errors: rest } }, heading);
}

// ------------------------------------------------------------ upload
const UPLOAD_HEADING = {
    413: 'Tệp quá lớn so với giới hạn của máy chủ',
    415: 'Kiểu tệp không được nhận',
    422: 'Tệp không hợp lệ',
};

// POST /api/v1/assets with the file as the raw body, with its progress.
const uploadAsset = (file, onProgress) => upload(`/api/v1/assets?name=${encodeURIComponent(file.name)}`, file, onProgress);

// A file picker that uploads each chosen file at once and lists the
// uploaded assets; ids() gives them in order.
function uploader(box, prefix, labelText) {
    const assets = [];
    const inputId = `${prefix}-file`;
    const input = el('input', { id: inputId, type: 'file', accept: 'image/*,video/*,audio/mpeg', multiple: true, 'aria-describedby': `${prefix}-file-hint` });
    const progress = el('progress', { id: `${prefix}-progress`, max: 100, value: 0, hidden: true, 'aria-label': 'Tiến độ tải lên' });
    const progressText = el('p', { class: 'muted', 'aria-live': 'polite', id: `${prefix}-progress-text` });
    const alertBox = el('div', { hidden: true });
    const list = el('ul', { class: 'files', id: `${prefix}-uploaded` });
    box.append(
        el('label', { for: inputId }, labelText),
        el('p', { class: 'hint', id: `${prefix}-file-hint` }, 'Ảnh JPEG, PNG, GIF, WebP; video MP4, QuickTime, WebM; âm thanh MP3. Máy chủ kiểm tra kiểu tệp theo nội dung.'),
        input, progress, progressText, alertBox, list);

    // A picture's caption (PATCH /api/v1/assets/{id}, decision 0044): the
    // portal's text alternative; saved when the field is left.
    function captionField(a) {
        const id = `${prefix}-caption-${a.id}`;
        const note = el('span', { class: 'muted', 'aria-live': 'polite', id: `${id}-note` });
        const field = el('input', {
            id, type: 'text', maxlength: 500, value: a.caption || '', 'aria-describedby': `${id}-note`,
        });
        field.addEventListener('input', () => { a.pending = field.value; });
        field.addEventListener('change', async () => {
            const caption = field.value.trim();
            note.textContent = 'Đang lưu chú thích…';
            try {
                const saved = await call('PATCH', `/api/v1/assets/${a.id}`, { body: { caption } });
                a.caption = saved.caption || '';
                delete a.pending;
                note.textContent = 'Đã lưu chú thích.';
            } catch (err) {
                const fieldErr = (err.fields || []).find((f) => f.field === 'caption');
                note.textContent = `Không lưu được chú thích: ${fieldErr ? fieldErr.message : (err.problem && err.problem.title) || err.message}`;
            }
        });
        if (a.pending !== undefined) field.value = a.pending;
        return el('div', { class: 'caption-field' },
            el('label', { for: id }, `Chú thích ảnh (hiện dưới ảnh và đọc cho người khiếm thị): ${a.original_name || `Tệp ${a.id}`}`),
            field, ' ', note);
    }

    function render() {
        clear(list);
        for (const a of assets) {
            list.append(el('li', { 'data-asset': a.id },
                el('span', {}, `${a.original_name || `Tệp ${a.id}`} — ${a.mime}, ${fmtSize(a.size)}`),
                ' ', el('button', {
                    type: 'button', class: 'secondary small', 'aria-label': `Bỏ tệp ${a.original_name || a.id}`,
                    onclick: () => { assets.splice(assets.indexOf(a), 1); render(); input.focus(); },
                }, 'Bỏ'),
                String(a.mime || '').startsWith('image/') ? captionField(a) : null));
        }
    }

    input.addEventListener('change', async () => {
        const files = Array.from(input.files || []);
        hide(alertBox);
        for (const file of files) {
            progress.hidden = false;
            progress.value = 0;
            progressText.textContent = `Đang tải lên ${file.name} (${fmtSize(file.size)})…`;
            box.setAttribute('aria-busy', 'true');
            try {
                const a = await uploadAsset(file, (done, total) => {
                    progress.value = Math.round((done / total) * 100);
                    progressText.textContent = `Đang tải lên ${file.name}: ${fmtSize(done)} / ${fmtSize(total)}`;
                });
                if (!assets.some((x) => x.id === a.id)) assets.push({ ...a, original_name: a.original_name || file.name });
                render();
                progressText.textContent = `Đã tải lên ${file.name} (${fmtSize(a.size)}).`;
            } catch (err) {
                progressText.textContent = '';
                showProblem(alertBox, err, err.status ? UPLOAD_HEADING[err.status] || `Không tải lên được ${file.name}` : undefined);
                alertBox.querySelector('h2').textContent += `: ${file.name}`;
            }
            progress.hidden = true;
            box.removeAttribute('aria-busy');
        }
        input.value = '';
    });
    return {
        ids: () => assets.map((a) => a.id),
        reset: () => { assets.length = 0; render(); hide(alertBox); progressText.textContent = ''; },
    };
}

// ------------------------------------------------------------ broadcasters (admin)
let knownBroadcasters = new Map(); // id -> {id, name, embargo_policy}

async function loadBroadcasters() {
    const box = $('#bc-list');
    box.setAttribute('aria-busy', 'true');
    try {
        const list = await call('GET', '/api/v1/broadcasters', { query: { per_page: 100 } });
        const items = list.items || [];
        for (const b of items) if (b.active !== false) knownBroadcasters.set(b.id, b);
        clear(box);
        box.append(items.length ? el('div', { class: 'table-scroll' }, stack(el('table', { id: 'bc-table' },
            el('caption', { class: 'visually-hidden' }, 'Các đơn vị nhận tin'),
            el('thead', {}, el('tr', {}, ['Mã số', 'Tên đơn vị', 'Loại hình', 'Tin có thời điểm cấm phát', 'Trạng thái', 'Ngày tạo', 'Khóa API'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, items.map((b) => el('tr', { 'data-id': b.id },
                el('td', {}, String(b.id)),
                el('th', { scope: 'row' }, b.name),
                el('td', {}, KIND[b.kind] || b.kind),
                el('td', {}, POLICY[b.embargo_policy] || b.embargo_policy),
                el('td', {}, b.active === false ? 'Ngừng nhận tin' : 'Đang nhận tin'),
                el('td', {}, timeEl(b.created_at)),
                el('td', {}, newKeyButton(b)))))))) : el('p', { class: 'muted' }, 'Chưa có đơn vị nhận tin nào.'));
    } catch (err) {
        showProblem(box, err, 'Không tải được danh sách đơn vị nhận tin');
    }
    box.removeAttribute('aria-busy');
}

// A new key for a broadcaster that lost its own (or fears it leaked): the
// old one stops working at once, so the button asks first.
function newKeyButton(b) {
    const btn = el('button', { type: 'button', class: 'secondary', 'data-new-key': b.id }, 'Cấp khóa mới');
    btn.addEventListener('click', async () => {
        if (!confirm(`Cấp khóa API mới cho “${b.name}”? Khóa đang dùng sẽ ngừng hoạt động ngay; đơn vị phải dùng khóa mới.`)) return;
        btn.disabled = true;
        try {
            const r = await call('POST', `/api/v1/broadcasters/${encodeURIComponent(b.id)}/key`);
            showKey(r);
            say(`Đã cấp khóa mới cho ${r.name}; khóa cũ không còn dùng được.`);
        } catch (err) {
            showProblem($('#bc-alert'), err, 'Không cấp được khóa mới');
        }
        btn.disabled = false;
    });
    return btn;
}

// The key, once: never written to storage; gone with "Đã lưu" or a reload.
function showKey(b) {
    const box = $('#bc-key');
    clear(box);
    box.hidden = false;
    const copied = el('p', { class: 'muted', 'aria-live': 'polite', id: 'bc-key-copied' });
    const value = el('input', { id: 'bc-key-value', type: 'text', readonly: true, class: 'code', value: b.api_key, 'aria-describedby': 'bc-key-warning', spellcheck: 'false', autocomplete: 'off' });
    const copy = async () => {
        try {
            if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
            await navigator.clipboard.writeText(b.api_key);
            copied.textContent = 'Đã sao chép khóa vào bộ nhớ tạm.';
        } catch {
            value.focus();
            value.select();
            copied.textContent = 'Trình duyệt không cho sao chép tự động: khóa đã được chọn sẵn, hãy nhấn Ctrl+C (hoặc giữ để sao chép trên điện thoại).';
        }
    };
    box.append(el('div', { class: 'key-box', role: 'alert' },
        el('h3', {}, `Khóa API của “${b.name}”`),
        el('p', { id: 'bc-key-warning' }, el('strong', {}, 'Khóa chỉ hiển thị một lần này. '),
            'Hãy sao chép và chuyển cho đơn vị qua kênh an toàn ngay bây giờ. Máy chủ chỉ lưu dạng băm: sau khi ẩn hoặc tải lại trang, không ai xem lại được khóa; nếu mất, phải cấp khóa mới.'),
        el('label', { for: 'bc-key-value' }, 'Khóa API (gửi trong tiêu đề X-Api-Key)'), value,
        el('div', { class: 'actions' },
            el('button', { type: 'button', id: 'bc-key-copy', onclick: copy }, 'Sao chép khóa'),
            el('button', { type: 'button', class: 'secondary', id: 'bc-key-done', onclick: () => { value.value = ''; hide(box); $('#bc-name').focus(); } }, 'Đã lưu khóa, ẩn đi')),
        copied));
    value.focus();
    value.select();
}

function setupBroadcasterForm() {
    const form = $('#bc-form');
    const alertBox = $('#bc-alert');
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clearFieldErrors(form);
            const body = {
                name: form.elements.name.value.trim() || undefined,
                kind: form.elements.kind.value,
                embargo_policy: (form.querySelector('input[name="embargo_policy"]:checked') || {}).value,
            };
            try {
                const b = await call('POST', '/api/v1/broadcasters', { body });
                form.reset();
                say(`Đã thêm đơn vị nhận tin: ${b.name} (mã số ${b.id}).`);
                showKey(b);
                await loadBroadcasters();
                if (has('reviewer')) renderBroadcasterChoices();
            } catch (err) {
                formProblem(form, alertBox, err, 'Không thêm được đơn vị nhận tin');
            }
        });
    });
}

// ------------------------------------------------------------ a new package (reviewer)
let createFiles = null;

async function loadArticles(q) {
    const select = $('#art');
    const keep = select.value;
    try {
        const list = await call('GET', '/api/v1/articles', { query: { status: 'published', per_page: 50, q: q || undefined } });
        clear(select);
        const items = list.items || [];
        select.append(el('option', { value: '' }, items.length ? `— Chọn một trong ${items.length} bài —` : 'Không có bài đã xuất bản phù hợp'));
        for (const a of items) {
            select.append(el('option', { value: a.id, selected: String(a.id) === keep }, `${a.title} (${fmtTime(a.published_at)})`));
        }
    } catch (err) {
        showProblem($('#pkg-alert'), err, 'Không tải được danh sách bài đã xuất bản');
    }
}

// The broadcasters the reviewer may pick (GET /api/v1/broadcasters reads
// for admin, reviewer, inspector and leader); the field for other ids stays.
async function loadKnownBroadcasters() {
    try {
        const list = await call('GET', '/api/v1/broadcasters', { query: { per_page: 100 } });
        for (const b of list.items || []) if (b.active !== false) knownBroadcasters.set(b.id, b);
    } catch {
        /* the field for ids remains */
    }
}

function renderBroadcasterChoices() {
    const box = $('#bc-choices');
    const checked = new Set(Array.from(box.querySelectorAll('input:checked'), (c) => c.value));
    clear(box);
    const items = [...knownBroadcasters.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    if (!items.length) box.append(el('p', { class: 'muted' }, 'Chưa biết đơn vị nào (chưa có gói tin): nhập mã số bên dưới, hoặc để trống để gửi tới mọi đơn vị.'));
    for (const b of items) {
        box.append(el('label', {}, el('input', { type: 'checkbox', name: 'bc', value: b.id, checked: checked.has(String(b.id)) }),
            `${b.name} (mã số ${b.id})`));
    }
}

function parseIds(text) {
    const parts = text.split(/[\s,;]+/).filter(Boolean);
    const ids = parts.map(Number);
    return ids.every((n) => Number.isInteger(n) && n > 0) ? ids : null;
}

function setupPackageForm() {
    const form = $('#pkg-form');
    const alertBox = $('#pkg-alert');
    const filesBox = $('#pkg-files');
    createFiles = uploader(filesBox, 'pkg', 'Chọn ảnh hoặc video để tải lên');
    let timer = null;
    $('#art-q').addEventListener('input', (ev) => {
        clearTimeout(timer);
        timer = setTimeout(() => loadArticles(ev.target.value.trim()), 300);
    });
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clearFieldErrors(form);
            const extra = parseIds(form.elements.bc_ids.value);
            if (!extra) {
                showFieldErrors(form, [{ field: 'bc_ids', message: 'Mã số đơn vị phải là số nguyên dương, cách nhau bởi dấu phẩy.' }]);
                return;
            }
            const bcs = [...new Set([...Array.from(form.querySelectorAll('input[name="bc"]:checked'), (c) => Number(c.value)), ...extra])];
            const body = {
                article_id: form.elements.article_id.value ? Number(form.elements.article_id.value) : undefined,
                asset_ids: createFiles.ids(),
                broadcaster_ids: bcs,
            };
            const embargo = vnToRfc3339(form.elements.embargo_until.value);
            if (embargo) body.embargo_until = embargo;
            try {
                const p = await call('POST', '/api/v1/media/packages', { body });
                form.reset();
                createFiles.reset();
                say(`Đã tạo gói tin “${p.title}” (phiên bản ${p.version}).`);
                page = 1;
                await loadPackages();
                await showDetail(p.id);
            } catch (err) {
                formProblem(form, alertBox, err, 'Không tạo được gói tin');
            }
        });
    });
}

// ------------------------------------------------------------ packages
function receiptsSummary(p) {
    let received = 0;
    let downloads = 0;
    for (const d of p.deliveries || []) {
        downloads += Number(d.downloads) || 0;
        received += (d.receipts || []).filter((r) => r.status === 'received').length;
    }
    return `${downloads} lượt tải, ${received} xác nhận`;
}

async function loadPackages() {
    const box = $('#pkg-list');
    box.setAttribute('aria-busy', 'true');
    try {
        const list = await call('GET', '/api/v1/media/packages', { query: { page, per_page: PER_PAGE } });
        const items = list.items || [];
        const total = Number(list.total) || 0;
        clear(box);
        box.append(el('p', { role: 'status' }, total ? `${total} gói tin, mới nhất trước.` : 'Chưa có gói tin nào.'));
        if (items.length) {
            box.append(el('div', { class: 'table-scroll' }, stack(el('table', { id: 'pkg-table' },
                el('caption', { class: 'visually-hidden' }, 'Các gói tin'),
                el('thead', {}, el('tr', {}, ['Gói tin', 'Phiên bản', 'Tình trạng', 'Đơn vị nhận', 'Tiếp nhận', 'Tạo lúc', ''].map((h) => el('th', { scope: 'col' }, h)))),
                el('tbody', {}, items.map((p) => el('tr', { 'data-id': p.id },
                    el('th', { scope: 'row' }, p.title || `Gói ${p.id}`),
                    el('td', {}, String(p.version)),
                    el('td', {}, el('span', { class: `pub pub-${p.pub_status}` }, PUB_STATUS[p.pub_status] || p.pub_status)),
                    el('td', {}, (p.deliveries || []).map((d) => d.broadcaster_name).join(', ') || '—'),
                    el('td', {}, receiptsSummary(p)),
                    el('td', {}, timeEl(p.created_at, true)),
                    el('td', {}, el('button', { type: 'button', class: 'secondary', 'aria-label': `Xem gói tin: ${p.title}`, onclick: () => showDetail(p.id) }, 'Xem chi tiết')))))))));
        }
        const pages = Math.ceil(total / PER_PAGE);
        if (pages > 1) {
            const go = (p, label) => el('button', { type: 'button', class: 'secondary', onclick: () => { page = p; loadPackages(); } }, label);
            box.append(el('nav', { class: 'pager', 'aria-label': 'Phân trang gói tin' },
                page > 1 ? go(page - 1, '← Trang trước') : null,
                el('span', {}, `Trang ${page}/${pages}`),
                page < pages ? go(page + 1, 'Trang sau →') : null));
        }
    } catch (err) {
        showProblem(box, err, 'Không tải được danh sách gói tin');
    }
    box.removeAttribute('aria-busy');
}

// The bag of a version: built in the background after the version is made;
// the version reaches the broadcasters' feeds once it is ready.
function bagCell(v) {
    if (v.bag_status === 'failed') return el('span', { class: 'bag-failed' }, `Lỗi đóng gói: ${v.bag_error || 'không rõ'}`);
    if (v.bag_sha256) return fmtSize(v.bag_size);
    return el('span', { class: 'muted' }, 'Đang đóng gói…');
}

const bagPending = (p) => (p.versions || []).some((v) => v.bag_status === 'pending');

const madeBy = (v) => (v.created_by ? nameOf(v.created_by) : 'Hệ thống');

function versionsTable(p) {
    return el('div', { class: 'table-scroll' }, stack(el('table', { id: 'versions' },
        el('caption', { class: 'visually-hidden' }, 'Các phiên bản của gói tin'),
        el('thead', {}, el('tr', {}, ['Phiên bản', 'Tình trạng', 'Cấm phát đến', 'Tệp kèm', 'Gói BagIt', 'Tạo lúc', 'Người tạo', 'Ghi chú'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, (p.versions || []).slice().reverse().map((v) => el('tr', { 'data-version': v.version },
            el('th', { scope: 'row' }, String(v.version)),
            el('td', {}, PUB_STATUS[v.pub_status] || v.pub_status),
            el('td', {}, v.embargo_until ? timeEl(v.embargo_until, true) : '—'),
            el('td', {}, String((v.asset_ids || []).length)),
            el('td', {}, bagCell(v)),
            el('td', {}, timeEl(v.created_at, true)),
            el('td', { class: 'made-by' }, madeBy(v)),
            el('td', {}, v.note || '')))))));
}

function deliveriesTable(p) {
    const ds = p.deliveries || [];
    if (!ds.length) return el('p', { class: 'muted' }, 'Gói tin chưa gửi tới đơn vị nào.');
    return el('div', { class: 'table-scroll' }, stack(el('table', { id: 'deliveries' },
        el('caption', { class: 'visually-hidden' }, 'Tiếp nhận của từng đơn vị'),
        el('thead', {}, el('tr', {}, ['Đơn vị nhận tin', 'Tin cấm phát', 'Phiên bản đã vào kênh', 'Lượt tải', 'Đã tải', 'Tải lần cuối', 'Xác nhận'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, ds.map((d) => el('tr', { 'data-broadcaster': d.broadcaster_id },
            el('th', { scope: 'row' }, d.broadcaster_name),
            el('td', {}, POLICY[d.embargo_policy] || d.embargo_policy || ''),
            el('td', {}, (d.versions_in_feed || []).join(', ') || (bagPending(p) ? 'Chưa (đang đóng gói)' : 'Chưa (đang cấm phát)')),
            el('td', { class: 'downloads' }, String(d.downloads || 0)),
            el('td', {}, fmtSize(d.bytes)),
            el('td', {}, d.last_download_at ? timeEl(d.last_download_at, true) : '—'),
            el('td', { class: 'receipts' }, (d.receipts || []).length
                ? el('ul', { class: 'plain' }, d.receipts.map((r) => el('li', { class: `receipt-${r.status}` },
                    `Phiên bản ${r.version}: ${RECEIPT[r.status] || r.status}, `, timeEl(r.created_at, true))))
                : 'Chưa xác nhận')))))));
}

function correctionForm(p) {
    const form = el('form', { id: 'correct-form', novalidate: true, 'aria-labelledby': 'h-correct' });
    const alertBox = el('div', { hidden: true });
    const filesBox = el('div', { class: 'uploader', 'data-field': 'asset_ids', id: 'correct-files' });
    form.append(
        el('label', { for: 'correct-note' }, 'Nội dung đính chính', el('span', { class: 'hint' }, 'Gửi kèm phiên bản mới (ninjs edNote). Nội dung bài lấy theo bài viết hiện tại.')),
        el('textarea', { id: 'correct-note', name: 'note', 'data-field': 'note' }),
        el('fieldset', {}, el('legend', {}, 'Thay ảnh, video (không bắt buộc)'),
            el('p', { class: 'hint' }, 'Không tải tệp nào: giữ nguyên các tệp của phiên bản trước.'), filesBox),
        el('label', { for: 'correct-embargo' }, 'Cấm phát đến (giờ Việt Nam)', el('span', { class: 'hint' }, 'Để trống: giữ như phiên bản trước.')),
        el('input', { id: 'correct-embargo', name: 'embargo_until', type: 'datetime-local', 'data-field': 'embargo_until' }),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Tạo phiên bản đính chính')));
    const files = uploader(filesBox, 'correct', 'Chọn ảnh hoặc video thay thế');
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clearFieldErrors(form);
            const body = { note: form.elements.note.value.trim() || undefined };
            if (files.ids().length) body.asset_ids = files.ids();
            const embargo = vnToRfc3339(form.elements.embargo_until.value);
            if (embargo) body.embargo_until = embargo;
            try {
                const np = await call('POST', `/api/v1/media/packages/${p.id}/versions`, { body });
                say(`Đã tạo phiên bản ${np.version} (đính chính) của gói tin “${np.title}”.`);
                await showDetail(p.id);
                await loadPackages();
            } catch (err) {
                formProblem(form, alertBox, err, 'Không tạo được phiên bản đính chính');
            }
        });
    });
    return [el('h3', { id: 'h-correct' }, 'Đính chính'), alertBox, form];
}

function cancelForm(p) {
    const alertBox = el('div', { hidden: true });
    const form = el('form', { id: 'cancel-form', novalidate: true, hidden: true, 'aria-labelledby': 'h-cancel' },
        el('p', { class: 'alert-note' }, 'Hủy gói tin tạo một phiên bản mới có tình trạng “Đã hủy”; các đơn vị nhận được thông báo hủy và tệp của gói không tải được nữa. Không thể hoàn tác.'),
        el('label', { for: 'cancel-reason' }, 'Lý do hủy'),
        el('textarea', { id: 'cancel-reason', name: 'reason', 'data-field': 'reason', required: true, 'aria-required': 'true' }),
        el('div', { class: 'actions' },
            el('button', { type: 'submit', class: 'danger' }, 'Xác nhận hủy gói tin'),
            el('button', { type: 'button', class: 'secondary', onclick: () => { form.hidden = true; open.hidden = false; open.focus(); } }, 'Không hủy')));
    const open = el('button', { type: 'button', class: 'danger', id: 'cancel-open', onclick: () => { form.hidden = false; open.hidden = true; form.elements.reason.focus(); } }, 'Hủy gói tin…');
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(form, async () => {
            hide(alertBox);
            clearFieldErrors(form);
            try {
                await call('POST', `/api/v1/media/packages/${p.id}/cancel`, { body: { reason: form.elements.reason.value.trim() || undefined } });
                say(`Đã hủy gói tin “${p.title}”.`);
                await showDetail(p.id);
                await loadPackages();
            } catch (err) {
                formProblem(form, alertBox, err, 'Không hủy được gói tin');
            }
        });
    });
    return [el('h3', { id: 'h-cancel' }, 'Hủy gói tin'), alertBox, open, form];
}

async function showDetail(id) {
    const box = $('#detail');
    box.hidden = false;
    box.setAttribute('aria-busy', 'true');
    const url = new URL(location.href);
    url.searchParams.set('goi', id);
    history.replaceState(null, '', url);
    try {
        const p = await call('GET', `/api/v1/media/packages/${encodeURIComponent(id)}`);
        await loadNames((p.versions || []).map((v) => v.created_by));
        clear(box);
        const canceled = p.pub_status === 'canceled';
        box.append(
            el('h2', { id: 'h-detail' }, `Gói tin: ${p.title || p.id}`),
            el('dl', { class: 'facts' },
                el('dt', {}, 'Tình trạng'), el('dd', { id: 'pkg-status' }, el('span', { class: `pub pub-${p.pub_status}` }, PUB_STATUS[p.pub_status] || p.pub_status)),
                el('dt', {}, 'Phiên bản hiện tại'), el('dd', { id: 'pkg-version' }, String(p.version)),
                el('dt', {}, 'Mã gói (uri)'), el('dd', {}, el('code', {}, p.uri)),
                el('dt', {}, 'Bài viết'), el('dd', {}, el('a', { href: `/bai-viet.html?id=${encodeURIComponent(p.article_id)}` }, p.title || `Bài ${p.article_id}`)),
                el('dt', {}, 'Tạo lúc'), el('dd', {}, timeEl(p.created_at, true))),
            el('h3', {}, 'Các phiên bản'), el('div', { id: 'versions-box' }, versionsTable(p)),
            el('h3', {}, 'Tiếp nhận của từng đơn vị'), el('div', { id: 'deliveries-box' }, deliveriesTable(p)),
            ...(has('reviewer') && !canceled ? [...correctionForm(p), ...cancelForm(p)] : []),
            el('div', { class: 'actions' },
                el('button', { type: 'button', class: 'secondary', onclick: () => showDetail(p.id) }, 'Tải lại'),
                el('button', { type: 'button', class: 'secondary', onclick: closeDetail }, 'Đóng')));
        box.focus();
        if (bagPending(p)) followBags(p.id);
    } catch (err) {
        showProblem(box, err, 'Không mở được gói tin');
    }
    box.removeAttribute('aria-busy');
}

// While a bag is being built, the two tables are refreshed in place (the
// forms below them are left alone) until every bag is done.
let following = null;
function followBags(id, tries = 150) {
    clearTimeout(following);
    if (tries <= 0) return; // five minutes: "Tải lại" remains
    following = setTimeout(async () => {
        if (new URL(location.href).searchParams.get('goi') !== String(id)) return; // another package, or closed
        try {
            const p = await call('GET', `/api/v1/media/packages/${encodeURIComponent(id)}`);
            await loadNames((p.versions || []).map((v) => v.created_by));
            const vb = $('#versions-box');
            const db = $('#deliveries-box');
            if (!vb || !db) return;
            clear(vb);
            vb.append(versionsTable(p));
            clear(db);
            db.append(deliveriesTable(p));
            if (bagPending(p)) followBags(id, tries - 1);
        } catch {
            followBags(id, tries - 1); /* a passing failure: try again */
        }
    }, 2000);
}

function closeDetail() {
    const box = $('#detail');
    clear(box);
    box.hidden = true;
    const url = new URL(location.href);
    url.searchParams.delete('goi');
    history.replaceState(null, '', url);
    $('#pkg-list').focus?.();
}

// ------------------------------------------------------------ start
if (s) {
    if (has('admin')) {
        $('#broadcasters').hidden = false;
        setupBroadcasterForm();
        await loadBroadcasters();
    }
    if (has('reviewer')) {
        $('#create').hidden = false;
        setupPackageForm();
        await Promise.all([loadArticles(''), has('admin') ? null : loadKnownBroadcasters()]);
        renderBroadcasterChoices();
    }
    if (has('reviewer', 'inspector', 'leader')) {
        $('#packages').hidden = false;
        await loadPackages();
        const goi = params().get('goi');
        if (goi) await showDetail(goi);
    }
}
