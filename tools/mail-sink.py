#!/usr/bin/python3
"""A local SMTP server that keeps every message it receives as a file: make
run's mail sink (so that a new user reads the mails Loa sends, in
.run/mail/) and the tests' mail server (tests/e2e/test_notify.sh).

    mail-sink.py --listen 127.0.0.1:2525 --dir DIR [--refuse ADDR ...]
                 [--tls-cert FILE --tls-key FILE [--smtps]] [--auth USER:PASSWORD]

Each message is written to DIR/<n>.eml (n counting up from the files
already there, written to a temporary name first, then renamed, so that a
reader never sees half a file), exactly as received (CRLF lines, after
dot-unstuffing); a line "<n>.eml <Message-ID> <To> <Subject> [tls=yes|no
auth=USER|-]" is printed for each. A recipient in --refuse is answered 550
(a mailbox that does not exist). With a certificate the server requires
STARTTLS (or, --smtps, speaks TLS from the first byte); with --auth it
requires that login (AUTH PLAIN or LOGIN, over TLS only), answering 535 to
another. Stops on SIGTERM or SIGINT. Debian's python3-aiosmtpd.
"""
import argparse
import email
import email.header
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, refuse, smtps=False):
        self.folder = folder
        self.smtps = smtps
        self.refuse = set(a.lower() for a in refuse)
        self.lock = threading.Lock()
        names = [f for f in os.listdir(folder) if f.endswith('.eml')]
        self.n = max([int(f[:-4]) for f in names if f[:-4].isdigit()] or [0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return '550 5.1.1 No such mailbox here'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        with self.lock:
            self.n += 1
            name = '%d.eml' % self.n
            tmp = os.path.join(self.folder, '.' + name + '.tmp')
            with open(tmp, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, os.path.join(self.folder, name))
        msg = email.message_from_bytes(data)
        subject = str(email.header.make_header(email.header.decode_header(msg.get('Subject', ''))))
        tls = 'yes' if session.ssl or self.smtps else 'no'
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else '-'
        print('%s %s %s %s [tls=%s auth=%s]' % (name, msg.get('Message-ID', '-'),
                                                ','.join(envelope.rcpt_tos), subject, tls, user),
              flush=True)
        return '250 2.0.0 Kept as %s' % name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--listen', required=True, help='host:port')
    ap.add_argument('--dir', required=True)
    ap.add_argument('--refuse', nargs='*', default=[])
    ap.add_argument('--tls-cert')
    ap.add_argument('--tls-key')
    ap.add_argument('--smtps', action='store_true')
    ap.add_argument('--auth', help='USER:PASSWORD')
    args = ap.parse_args()
    host, port = args.listen.rsplit(':', 1)
    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args.dir, args.refuse, args.smtps)
    # 8BITMIME and SMTPUTF8 announced, as a real server does; bodies kept as sent.
    kwargs = {'decode_data': False, 'enable_SMTPUTF8': True}
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        if args.smtps:
            kwargs['ssl_context'] = ctx
        else:
            kwargs.update(tls_context=ctx, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(':', 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and data.login.decode() == user
                  and data.password.decode() == password)
            return AuthResult(success=ok, handled=False, auth_data=data)

        # Over --smtps the whole session is TLS, which aiosmtpd does not see
        # as STARTTLS: AUTH is offered there without its TLS check.
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=not args.smtps)
    ctl = Controller(sink, hostname=host, port=int(port), **kwargs)
    ctl.start()
    print('mail-sink: listening on %s:%s, keeping mail in %s' % (host, port, args.dir), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    ctl.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
