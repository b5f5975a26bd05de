// DOM helpers shared by the pages. API data only ever reaches the page as
// text (textContent, attributes set through the DOM) or, for the Markdown
// the server rendered, through safeHtml's allow-list copy: never innerHTML.

// Every page that uses these helpers prints with its address (print.js).
import './print.js';

// el('a', {href: '/'}, 'text', child...): an element.
export function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
        if (c === undefined || c === null || c === false) continue;
        node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);

export function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
}

export function params() {
    return new URLSearchParams(location.search);
}

const dateFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

export function fmtDate(s) {
    if (!s) return '';
    const d = new Date(s.length === 10 ? `${s}T00:00:00+07:00` : s);
    return Number.isNaN(d.getTime()) ? s : dateFmt.format(d);
}

export function fmtTime(s) {
    if (!s) return '';
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? s : timeFmt.format(d);
}

// A <time> element for an RFC 3339 timestamp.
export function timeEl(s, withTime = false) {
    return el('time', { datetime: s }, withTime ? fmtTime(s) : fmtDate(s));
}

// The problem (ApiError or any error) as an alert box in `box`: its title,
// detail and each field's message, in the API's Vietnamese.
export function showProblem(box, err, heading) {
    clear(box);
    box.hidden = false;
    const alert = el('div', { class: 'alert', role: 'alert' });
    box.append(alert);
    const p = (err && err.problem) || { title: 'Đã có lỗi xảy ra', detail: String((err && err.message) || '') };
    alert.append(el('h2', { text: heading || p.title || 'Đã có lỗi xảy ra' }));
    if (p.detail && p.detail !== p.title) alert.append(el('p', { text: p.detail }));
    else if (heading && p.title) alert.append(el('p', { text: p.title }));
    const errors = Array.isArray(p.errors) ? p.errors : [];
    if (errors.length) {
        alert.append(el('ul', {}, errors.map((e) => el('li', {}, e.message || e.field || ''))));
    }
}

export function hide(box) {
    clear(box);
    box.hidden = true;
}

// Shows the API's field errors next to the inputs whose data-field names
// them ("submitter.phone"); returns the messages no input took.
export function showFieldErrors(form, errors) {
    clearFieldErrors(form);
    const rest = [];
    let first = null;
    for (const e of errors) {
        const input = form.querySelector(`[data-field="${CSS.escape(e.field || '')}"]`);
        if (!input) {
            rest.push(e);
            continue;
        }
        const id = `${input.id || input.name}-error`;
        let msg = document.getElementById(id);
        if (!msg) {
            msg = el('p', { id, class: 'field-error' });
            const anchor = input.closest('.choices') || input;
            anchor.after(msg);
        }
        msg.textContent = msg.textContent ? `${msg.textContent} ${e.message}` : e.message;
        input.setAttribute('aria-invalid', 'true');
        const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        if (!described.includes(id)) described.push(id);
        input.setAttribute('aria-describedby', described.join(' '));
        if (!first) first = input;
    }
    if (first) first.focus();
    return rest;
}

export function clearFieldErrors(form) {
    for (const m of form.querySelectorAll('.field-error')) m.remove();
    for (const i of form.querySelectorAll('[aria-invalid]')) {
        i.removeAttribute('aria-invalid');
        const d = (i.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
        if (d.length) i.setAttribute('aria-describedby', d.join(' '));
        else i.removeAttribute('aria-describedby');
    }
}

// Server-rendered Markdown (content-svc renders it with cmark in safe mode:
// no raw HTML, no javascript: links) copied node by node through an
// allow-list of elements and attributes, as a second line of defence.
const ALLOWED = new Set([
    'P', 'BR', 'HR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'STRONG', 'EM', 'B', 'I', 'CODE', 'PRE', 'BLOCKQUOTE',
    'UL', 'OL', 'LI', 'A', 'IMG', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'DEL', 'SUP', 'SUB',
]);
const SAFE_URL = /^(https?:|mailto:|tel:|\/(?!\/)|#|[^:]*$)/i;

export function safeHtml(html) {
    const doc = new DOMParser().parseFromString(`<body>${html || ''}</body>`, 'text/html');
    const out = document.createDocumentFragment();
    const copy = (src, dst) => {
        for (const n of src.childNodes) {
            if (n.nodeType === Node.TEXT_NODE) {
                dst.append(document.createTextNode(n.nodeValue));
            } else if (n.nodeType === Node.ELEMENT_NODE) {
                if (!ALLOWED.has(n.tagName)) {
                    copy(n, dst); // keep the text, drop the element
                    continue;
                }
                const c = document.createElement(n.tagName.toLowerCase());
                if (n.tagName === 'A' && SAFE_URL.test(n.getAttribute('href') || '')) {
                    c.setAttribute('href', n.getAttribute('href'));
                    if (/^https?:/i.test(n.getAttribute('href'))) c.setAttribute('rel', 'noopener noreferrer');
                }
                if (n.tagName === 'IMG') {
                    const src = n.getAttribute('src') || '';
                    if (!/^\/(?!\/)/.test(src)) continue; // only the gateway's own images (no third party)
                    c.setAttribute('src', src);
                    c.setAttribute('alt', n.getAttribute('alt') || '');
                    c.setAttribute('loading', 'lazy');
                }
                if ((n.tagName === 'TH' || n.tagName === 'TD') && n.getAttribute('align')) {
                    const al = n.getAttribute('align');
                    c.style.textAlign = al === 'right' || al === 'center' ? al : 'left'; // CSSOM: allowed by the CSP
                }
                copy(n, c);
                dst.append(c);
            }
        }
    };
    copy(doc.body, out);
    return out;
}

// An article as a card for lists.
export function articleCard(a, topics) {
    // The article's permanent address, rendered by the gateway (decision 0035).
    const href = a.slug ? `/tin-tuc/${encodeURIComponent(a.slug)}` : `/bai-viet.html?id=${encodeURIComponent(a.id)}`;
    const tags = (a.topic_ids || []).map((id) => topics && topics.get(id)).filter(Boolean)
        .map((t) => el('span', { class: t.is_cchc ? 'tag cchc' : 'tag' }, t.name));
    return el('article', { class: 'card' },
        el('h3', {}, el('a', { href }, a.title || '(không có tiêu đề)')),
        el('p', { class: 'muted' }, a.published_at ? timeEl(a.published_at) : '', a.is_cchc ? ' · CCHC' : ''),
        a.summary ? el('p', {}, a.summary) : null,
        tags.length ? el('p', {}, tags) : null);
}

// Topics by id (GET /api/v1/topics), or an empty map when unavailable.
export async function loadTopics(api) {
    try {
        const list = await api.get('/api/v1/topics', { per_page: 100 });
        return new Map((list.items || []).map((t) => [t.id, t]));
    } catch {
        return new Map();
    }
}

// Disables a form's submit button while `fn` runs.
export async function busy(form, fn) {
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
        return await fn();
    } finally {
        if (button) button.disabled = false;
        form.removeAttribute('aria-busy');
    }
}
