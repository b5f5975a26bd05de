#!/usr/bin/env python3
"""Validates the ninjs document on stdin against ninjs-schema_3.2.json beside
this file, with format checks (see README.md). Silent with status 0 when the
document is valid; otherwise prints one line per error and exits 1."""
import datetime
import json
import os
import re
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import jsonschema  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+$")

checker = jsonschema.FormatChecker()


@checker.checks("date-time", raises=ValueError)
def date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError("not an RFC 3339 date-time with a zone")
    iso = value.upper().replace("Z", "+00:00")
    iso = re.sub(r"\.(\d{6})\d+", r".\1", iso)
    datetime.datetime.fromisoformat(iso)
    return True


@checker.checks("uri", raises=ValueError)
def uri(value):
    if not isinstance(value, str):
        return True
    if not URI.match(value):
        raise ValueError("not an absolute URI")
    return True


def main():
    with open(os.path.join(HERE, "ninjs-schema_3.2.json"), encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
    document = json.load(sys.stdin)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        print("%s: %s" % ("/".join(map(str, e.absolute_path)) or "(document)", e.message))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
