#!/usr/bin/env python3
"""validate.py SCHEMA < document.json

Validates the JSON document on stdin against the JSON Schema file SCHEMA
(the IPTC ninjs schemas in media/, the Open311 GeoReport v2 ones in
open311/), with Debian's python3-jsonschema, offline. The dialect is the
schema's own `$schema` (draft-04 for Open311, 2020-12 for ninjs); `$ref`s
to the other schemas of SCHEMA's folder resolve there, by relative path or
by their `$id`. Debian packages neither the RFC 3339 nor the RFC 3986
checker that jsonschema would use for `format`, so this script checks
`date-time` (an RFC 3339 date-time with its zone, as both ninjs and
GeoReport v2 require) and `uri` (an absolute URI: a scheme, then no spaces
or controls) itself. Silent with status 0 when the document is valid;
otherwise one line per error and status 1."""
import datetime
import json
import os
import re
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import jsonschema  # noqa: E402

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
    if len(sys.argv) != 2:
        print("usage: validate.py SCHEMA < document.json", file=sys.stderr)
        return 2
    path = os.path.abspath(sys.argv[1])
    folder = os.path.dirname(path)
    store = {}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".json"):
            with open(os.path.join(folder, entry), encoding="utf-8") as f:
                try:
                    other = json.load(f)
                except ValueError:
                    continue
            store["file://" + os.path.join(folder, entry)] = other
            if isinstance(other, dict) and isinstance(other.get("$id"), str):
                store[other["$id"].rstrip("#")] = other
    schema = store["file://" + path]
    cls = jsonschema.validators.validator_for(schema)
    resolver = jsonschema.RefResolver(base_uri="file://" + path, referrer=schema, store=store)
    validator = cls(schema, resolver=resolver, format_checker=checker)
    document = json.load(sys.stdin)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        print("%s: %s" % ("/".join(map(str, e.absolute_path)) or "(document)", e.message))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
