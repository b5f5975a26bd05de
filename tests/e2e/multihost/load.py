#!/usr/bin/env python3
"""The multi-host test's load (tests/e2e/test_multihost.sh): citizens'
feedback, readers and an editorial board, through the load balancer, for a
bounded time; every request's outcome recorded for the test to check.

    load.py URL SECONDS OUT.json AUTHOR_TOKEN REVIEWER_TOKEN

Threads (each with its own keep-alive connection, opened again after an
error):
  - 4 citizens: POST /api/v1/feedback (a valid submission), each from its own
    address in X-Forwarded-For (the load balancer is a trusted proxy);
  - 4 readers: GET /api/v1/articles?per_page=5, every other one past the
    cache (Cache-Control: no-cache);
  - 1 editor: an article written and submitted by AUTHOR, published by
    REVIEWER (four eyes), again and again.

OUT.json: {"t0": epoch, "requests": [[kind, start, end, status, key], ...]}
where status 0 is a connection failure or a timeout and key is the
feedback's tracking code or the published article's id (else null).
Standard library only: runs with any python3.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid

TIMEOUT_S = 10

FEEDBACK = {
    "kind": "recommendation",
    "content": "Đề nghị Sở cho phép nộp hồ sơ hoàn toàn qua mạng, bỏ bản giấy khi đã ký số, "
    "và công khai thời hạn giải quyết từng bước trên cổng thông tin.",
    "submitter": {
        "name": "Nguyễn Thị Hương",
        "address": "Số 12 đường Lê Lợi, phường Thạch Thang, quận Hải Châu, Đà Nẵng",
        "phone": "0905 123 456",
        "email": "huong.nguyen@example.vn",
    },
}


class Client:
    """One keep-alive connection; a request's (status, parsed body)."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = {"Accept": "application/json"}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
            self.conn.request(method, path, data, h)
            r = self.conn.getresponse()
            raw = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.close()
            try:
                doc = json.loads(raw) if raw else None
            except ValueError:
                doc = None
            return r.status, doc
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def citizen(url, n, until, out):
    c = Client(url)
    i = 0
    while time.time() < until:
        i += 1
        body = dict(FEEDBACK, title=f"Kiến nghị số {n}-{i} về thủ tục đăng ký kinh doanh")
        xff = f"10.{n}.{i // 250 % 250}.{i % 250 + 1}"
        t = time.time()
        # As a careful client does: a key per submission, so that a retry
        # (by the client, or by the gateway to another replica) files it once.
        h = {"X-Forwarded-For": xff, "Idempotency-Key": str(uuid.uuid4())}
        st, doc = c.request("POST", "/api/v1/feedback", body, h)
        key = doc.get("tracking_code") if st == 201 and isinstance(doc, dict) else None
        out.append(["feedback", t, time.time(), st, key])


def reader(url, n, until, out):
    c = Client(url)
    i = 0
    while time.time() < until:
        i += 1
        h = {"Cache-Control": "no-cache"} if i % 2 else {}
        t = time.time()
        st, _ = c.request("GET", "/api/v1/articles?per_page=5", None, h)
        out.append(["read", t, time.time(), st, None])


def editor(url, author, reviewer, until, out):
    a, r = Client(url), Client(url)
    ha = {"Authorization": f"Bearer {author}"}
    hr = {"Authorization": f"Bearer {reviewer}"}
    i = 0
    while time.time() < until:
        i += 1
        t = time.time()
        art = {
            "title": f"Tin cải cách hành chính số {i} trong đợt thử nhiều máy",
            "summary": "Kết quả thực hiện kế hoạch cải cách hành chính.",
            "body": "Sở công bố kết quả thực hiện kế hoạch cải cách hành chính năm 2022.",
        }
        st, doc = a.request("POST", "/api/v1/articles", art, ha)
        if st != 201 or not isinstance(doc, dict):
            out.append(["article", t, time.time(), st, None])
            continue
        aid = doc.get("id")
        st, _ = a.request("POST", f"/api/v1/articles/{aid}/submit", {}, ha)
        if st != 200:
            out.append(["article", t, time.time(), st, None])
            continue
        st, doc = r.request("POST", f"/api/v1/articles/{aid}/publish", {}, hr)
        ok = st == 200 and isinstance(doc, dict) and doc.get("status") == "published"
        out.append(["article", t, time.time(), st, aid if ok else None])


def main():
    url, seconds, path, author, reviewer = sys.argv[1:6]
    t0 = time.time()
    until = t0 + float(seconds)
    results = [[] for _ in range(9)]
    threads = [threading.Thread(target=citizen, args=(url, n, until, results[n])) for n in range(4)]
    threads += [
        threading.Thread(target=reader, args=(url, n, until, results[4 + n])) for n in range(4)
    ]
    threads.append(threading.Thread(target=editor, args=(url, author, reviewer, until, results[8])))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    requests = sorted((r for rs in results for r in rs), key=lambda r: r[1])
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"t0": t0, "requests": requests}, f)


if __name__ == "__main__":
    main()
