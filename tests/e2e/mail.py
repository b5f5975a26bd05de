#!/usr/bin/python3
"""The mails tools/mail-sink.py kept in DIR, parsed by Python's email
package (RFC 5322 and MIME, RFC 2047 headers decoded): a JSON array, one
object a file, oldest first:
  {file, message_id, from, reply_to, to, subject, date, content_type,
   parts: [content types], text, html, crlf (every line ends in CRLF),
   ascii (no 8-bit byte)}
    mail.py DIR
"""
import email
import email.policy
import json
import os
import sys


def main(folder):
    out = []
    names = sorted((f for f in os.listdir(folder) if f.endswith('.eml')),
                   key=lambda f: int(f[:-4]) if f[:-4].isdigit() else 0)
    for name in names:
        with open(os.path.join(folder, name), 'rb') as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(('plain',))
        html = msg.get_body(('html',))
        out.append({
            'file': name,
            'message_id': str(msg.get('Message-ID', '')),
            'from': str(msg.get('From', '')),
            'reply_to': str(msg.get('Reply-To', '')),
            'to': str(msg.get('To', '')),
            'subject': str(msg.get('Subject', '')),
            'date': str(msg.get('Date', '')),
            'content_type': msg.get_content_type(),
            'parts': [p.get_content_type() for p in msg.walk()],
            'text': text.get_content() if text else None,
            'html': html.get_content() if html else None,
            'crlf': raw.count(b'\n') == raw.count(b'\r\n'),
            'ascii': all(b < 0x80 for b in raw),
        })
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main(sys.argv[1])
