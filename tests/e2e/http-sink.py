#!/usr/bin/python3
"""An HTTP server that keeps every request it receives as a JSON file: the
tests' SMS gateway and webhook receiver (tests/e2e/test_notify.sh).

    http-sink.py --listen 127.0.0.1:PORT --dir DIR

Each request is written to DIR/<n>.json (written under a temporary name,
then renamed): {"method", "path", "headers": {lower-case name: value},
"body"}. The answer's status is 200, unless the path says otherwise:
/status/<code>/... answers <code>. Stops on SIGTERM or SIGINT.
"""
import argparse
import http.server
import json
import os
import signal
import sys
import threading


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--listen', required=True)
    ap.add_argument('--dir', required=True)
    args = ap.parse_args()
    host, port = args.listen.rsplit(':', 1)
    os.makedirs(args.dir, exist_ok=True)
    lock = threading.Lock()
    count = [len([f for f in os.listdir(args.dir) if f.endswith('.json')])]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def do_POST(self):
            length = int(self.headers.get('Content-Length', '0'))
            body = self.rfile.read(length).decode('utf-8', 'replace')
            parts = self.path.split('/')
            status = int(parts[2]) if len(parts) > 2 and parts[1] == 'status' and parts[2].isdigit() else 200
            with lock:
                count[0] += 1
                name = '%d.json' % count[0]
                tmp = os.path.join(args.dir, '.' + name)
                with open(tmp, 'w', encoding='utf-8') as f:
                    json.dump({'method': 'POST', 'path': self.path, 'status': status,
                               'headers': {k.lower(): v for k, v in self.headers.items()},
                               'body': body}, f, ensure_ascii=False)
                os.rename(tmp, os.path.join(args.dir, name))
            answer = json.dumps({'kept': name}).encode()
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, fmt, *a):
            sys.stdout.write('%s %s\n' % (self.path, fmt % a))
            sys.stdout.flush()

    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print('http-sink: listening on %s:%s, keeping requests in %s' % (host, port, args.dir), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
