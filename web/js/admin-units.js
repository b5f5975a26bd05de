// /admin/don-vi.html (admin): the department's units. The list
// (GET /api/v1/units), a new unit (POST), a change of code, name,
// description or state (PATCH /api/v1/units/{id}).
import { call, requireStaff } from './admin.js';
import { loadUnits, say, submit } from './admin-form.js';
import { $, clear, clearFieldErrors, el, hide, showProblem } from './ui.js';

const s = requireStaff(['admin']);
const form = $('#unit-form');
const alertBox = $('#form-alert');
const list = $('#list');
const status = $('#status');
let editing = null; // {unit, button}

async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
        const units = [...(await loadUnits()).values()].sort((a, b) => a.id - b.id);
        clear(list);
        list.append(el('div', { class: 'table-scroll' }, el('table', { id: 'units' },
            el('caption', { class: 'visually-hidden' }, 'Các đơn vị, theo thứ tự tạo'),
            el('thead', {}, el('tr', {}, ['Mã', 'Tên đơn vị', 'Mô tả', 'Trạng thái', 'Thao tác'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, units.map((u) => el('tr', { 'data-unit-id': u.id, 'data-code': u.code },
                el('td', { class: 'code-cell' }, u.code),
                el('th', { scope: 'row' }, u.name),
                el('td', {}, u.description || ''),
                el('td', { class: 'state' }, u.is_active ? 'Đang hoạt động' : 'Ngừng hoạt động'),
                el('td', { class: 'actions' }, el('button', { type: 'button', class: 'secondary', 'aria-label': `Sửa đơn vị ${u.name}`, onclick: (ev) => edit(u, ev.currentTarget) }, 'Sửa'))))))));
        if (!units.length) list.append(el('p', {}, 'Chưa có đơn vị nào.'));
    } catch (err) {
        clear(list);
        showProblem($('#list-alert'), err, 'Không tải được danh sách đơn vị');
    }
    list.removeAttribute('aria-busy');
}

function edit(u, button) {
    editing = { unit: u, button };
    hide(alertBox);
    $('#unit-form-title').textContent = `Sửa đơn vị ${u.name}`;
    form.elements.code.value = u.code;
    form.elements.name.value = u.name;
    form.elements.description.value = u.description || '';
    form.elements.is_active.checked = !!u.is_active;
    $('#unit-submit').textContent = 'Lưu thay đổi';
    $('#unit-cancel').hidden = false;
    form.elements.name.focus();
}

function endEdit() {
    const id = editing && editing.unit.id;
    editing = null;
    form.reset();
    $('#unit-form-title').textContent = 'Thêm đơn vị';
    $('#unit-submit').textContent = 'Thêm đơn vị';
    $('#unit-cancel').hidden = true;
    const again = id && list.querySelector(`tr[data-unit-id="${id}"] button`);
    (again || form.elements.code).focus();
}

form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(form, alertBox, editing ? 'Chưa lưu được đơn vị' : 'Chưa thêm được đơn vị', async () => {
        const body = {
            code: form.elements.code.value.trim(),
            name: form.elements.name.value.trim(),
            description: form.elements.description.value.trim(),
            is_active: form.elements.is_active.checked,
        };
        if (editing) {
            const u = await call('PATCH', `/api/v1/units/${editing.unit.id}`, { body });
            await load();
            endEdit();
            say(status, `Đã lưu đơn vị ${u.name}.`);
        } else {
            const u = await call('POST', '/api/v1/units', { body });
            form.reset();
            await load();
            form.elements.code.focus();
            say(status, `Đã thêm đơn vị ${u.name} (mã ${u.code}).`);
        }
    });
});

$('#unit-cancel').addEventListener('click', () => {
    hide(alertBox);
    clearFieldErrors(form);
    endEdit();
});

if (s) await load();
