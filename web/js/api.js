// The REST contract (/api/v1, docs/api/), from the browser: JSON in
// and out; an error is thrown as an ApiError carrying the problem+json.

export class ApiError extends Error {
    constructor(status, problem) {
        super(problem.detail || problem.title || `Lỗi ${status}`);
        this.status = status;
        this.problem = problem;
    }
    // [{field, message}] named by the API (may be empty).
    get fields() {
        return Array.isArray(this.problem.errors) ? this.problem.errors : [];
    }
}

const FALLBACK = {
    0: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.',
    400: 'Yêu cầu không hợp lệ',
    401: 'Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn',
    403: 'Bạn không có quyền thực hiện thao tác này',
    404: 'Không tìm thấy',
    409: 'Xung đột dữ liệu',
    413: 'Nội dung quá lớn',
    415: 'Kiểu tệp không được nhận',
    422: 'Dữ liệu không hợp lệ',
    429: 'Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau',
    500: 'Lỗi máy chủ',
    503: 'Dịch vụ tạm thời không sẵn sàng; vui lòng thử lại sau',
    504: 'Dịch vụ không phản hồi kịp; vui lòng thử lại sau',
};

function fallback(status) {
    return { title: FALLBACK[status] || `Lỗi ${status}`, status, errors: [] };
}

// POST `path` with `file` as the raw body (Content-Type `type`, else the
// file's own) through XMLHttpRequest, for the upload's progress
// (onProgress(loaded, total)). Resolves to the JSON answer of a 2xx; rejects
// with an ApiError: the problem, or a Vietnamese title when the answer has
// none (a proxy's 413), status 0 when the server could not be reached.
export function upload(path, file, { type, headers = {}, onProgress } = {}) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', path);
        xhr.setRequestHeader('Accept', 'application/json');
        if (type || file.type) xhr.setRequestHeader('Content-Type', type || file.type);
        for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
        xhr.upload.addEventListener('progress', (e) => {
            if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total);
        });
        xhr.addEventListener('load', () => {
            let data = null;
            try {
                data = JSON.parse(xhr.responseText);
            } catch {
                data = null;
            }
            if (xhr.status >= 200 && xhr.status < 300 && data) resolve(data);
            else reject(new ApiError(xhr.status, data && typeof data === 'object' ? data : fallback(xhr.status)));
        });
        const offline = () => reject(new ApiError(0, fallback(0)));
        xhr.addEventListener('error', offline);
        xhr.addEventListener('abort', offline);
        xhr.send(file);
    });
}

// request(method, path, {body, query, headers, token}) -> parsed JSON (or null for 204).
export async function request(method, path, opts = {}) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(opts.query || {})) {
        if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    }
    const headers = { Accept: 'application/json', ...(opts.headers || {}) };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let body;
    if (opts.body !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(opts.body);
    }
    let resp;
    try {
        resp = await fetch(url, { method, headers, body, credentials: 'same-origin' });
    } catch {
        throw new ApiError(0, fallback(0));
    }
    const type = resp.headers.get('Content-Type') || '';
    let data = null;
    if (resp.status !== 204 && /json/.test(type)) {
        try {
            data = await resp.json();
        } catch {
            data = null;
        }
    }
    if (!resp.ok) {
        const problem = data && typeof data === 'object' ? data : fallback(resp.status);
        if (!problem.title) problem.title = fallback(resp.status).title;
        if (resp.status === 429 && resp.headers.get('Retry-After') && !problem.detail) {
            problem.detail = `Vui lòng thử lại sau ${resp.headers.get('Retry-After')} giây`;
        }
        throw new ApiError(resp.status, problem);
    }
    return data;
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });

// A key for Idempotency-Key: one per form submission, so a retry after a
// lost answer does not file twice.
export function idempotencyKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
