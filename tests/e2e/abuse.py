#!/usr/bin/python3
"""The attacker of tests/e2e/test_abuse.sh: traffic from one loopback address
(127.0.0.2) against the gateway, every mode bounded in time. Prints one line
of key=value figures for the shell to read.

  abuse.py HOST PORT idle N HOLD_S      open N connections, send nothing; after
                                        HOLD_S: how many the gateway admitted,
                                        refused at once, and closed meanwhile
  abuse.py HOST PORT drip EVERY_S MAX_S  a request whose headers come one byte
                                        every EVERY_S: when the gateway closed it
  abuse.py HOST PORT dripbody EVERY_S MAX_S  the same with a body (headers whole)
  abuse.py HOST PORT logins N           N logins at once with wrong passwords,
                                        each from its own forwarded address: the
                                        statuses, and whether 503s say Retry-After
  abuse.py HOST PORT search N SECONDS   N clients searching with junk parameters
                                        for SECONDS: the statuses
"""
import http.client
import json
import random
import resource
import select
import socket
import sys
import threading
import time

SOURCE = "127.0.0.2"


def connect(host, port, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((SOURCE, 0))
    s.connect((host, port))
    return s


def closed_by_peer(s):
    """1 when the peer has closed (EOF or reset), without blocking."""
    s.setblocking(False)
    try:
        return 1 if s.recv(1, socket.MSG_PEEK) == b"" else 0
    except BlockingIOError:
        return 0
    except OSError:
        return 1


def idle(host, port, n, hold_s):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
    socks, failed = [], 0
    t0 = time.monotonic()
    for _ in range(n):
        try:
            socks.append(connect(host, port, 2.0))
        except OSError:
            failed += 1
        if time.monotonic() - t0 > hold_s:
            break
    opened = time.monotonic() - t0
    time.sleep(2.0)
    # Refused at admission: accepted by the kernel, closed at once.
    refused = sum(closed_by_peer(s) for s in socks)
    deadline = t0 + hold_s
    while time.monotonic() < deadline:
        time.sleep(0.2)
    still = sum(1 - closed_by_peer(s) for s in socks)
    for s in socks:
        s.close()
    print("connected=%d failed=%d refused_at_once=%d admitted=%d still_open=%d open_s=%.1f"
          % (len(socks), failed, refused, len(socks) - refused, still, opened))


def drip(host, port, every_s, max_s, start=b"GET /api/v1/articles HTTP/1.1\r\nHost: loa\r\nX-Slow: "):
    s = connect(host, port)
    s.settimeout(None)
    s.sendall(start)
    t0 = time.monotonic()
    sent = 0
    outcome = "open"
    while time.monotonic() - t0 < max_s:
        r, _, _ = select.select([s], [], [], every_s)
        if r:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            outcome = "closed" if data == b"" else "answered"
            break
        try:
            s.send(b"a")
            sent += 1
        except OSError:
            outcome = "closed"
            break
    print("outcome=%s after_s=%.1f bytes_dripped=%d" % (outcome, time.monotonic() - t0, sent))
    s.close()


def dripbody(host, port, every_s, max_s):
    drip(host, port, every_s, max_s,
         b"POST /api/v1/feedback HTTP/1.1\r\nHost: loa\r\nContent-Type: application/json\r\n"
         b"Content-Length: 100000\r\n\r\n{")


def request(host, port, method, path, body=None, headers=None, timeout=60):
    c = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(SOURCE, 0))
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        r.read()
        return r.status, r.getheader("Retry-After")
    except OSError:
        return 0, None
    finally:
        c.close()


def logins(host, port, n):
    results = [None] * n
    go = threading.Event()
    tag = "%06x" % random.getrandbits(24)

    def one(i):
        body = json.dumps({"username": "abuse-%s-%d" % (tag, i), "password": "wrong-%d" % i})
        hdrs = {"Content-Type": "application/json",
                "X-Forwarded-For": "203.0.%d.%d" % (113 + i // 250, 1 + i % 250)}
        go.wait()
        results[i] = request(host, port, "POST", "/api/v1/auth/login", body, hdrs)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    go.set()
    for t in threads:
        t.join(90)
    codes = {}
    for st, _ in (r or (0, None) for r in results):
        codes[st] = codes.get(st, 0) + 1
    no_retry = sum(1 for r in results if r and r[0] == 503 and not r[1])
    print("codes=%s busy_without_retry_after=%d took_s=%.1f"
          % (",".join("%d:%d" % kv for kv in sorted(codes.items())), no_retry,
             time.monotonic() - t0))


def search(host, port, n, seconds):
    codes = {}
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def one():
        while time.monotonic() < end:
            junk = "%08x" % random.getrandbits(32)
            path = "/api/v1/articles?q=%s&junk_%s=%s&page=%d" % (junk, junk, junk,
                                                                 random.randint(1, 50))
            st, _ = request(host, port, "GET", path, timeout=10)
            with lock:
                codes[st] = codes.get(st, 0) + 1

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 15)
    print("codes=%s" % ",".join("%d:%d" % kv for kv in sorted(codes.items())))


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    args = [float(a) if "." in a else int(a) for a in sys.argv[4:]]
    {"idle": idle, "drip": drip, "dripbody": dripbody, "logins": logins,
     "search": search}[mode](host, port, *args)


if __name__ == "__main__":
    main()
