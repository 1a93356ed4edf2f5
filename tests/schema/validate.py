#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate EVE JSON lines against docs/schema/eve.schema.json.

usage: validate.py SCHEMA FILE...   (exit 1 on the first file with invalid lines)"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema not installed")
    sys.exit(77)


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft7Validator(schema)
    bad = 0
    lines = 0
    types = {}
    for path in sys.argv[2:]:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                lines += 1
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    print(f"{path}:{n}: not JSON: {e}")
                    bad += 1
                    continue
                types[rec.get("event_type")] = types.get(rec.get("event_type"), 0) + 1
                errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.path))
                for e in errors[:3]:
                    print(f"{path}:{n}: {'/'.join(map(str, e.path)) or '(record)'}: {e.message[:300]}")
                if errors:
                    bad += 1
                    if bad > 20:
                        print("too many invalid lines, stopping")
                        return 1
    print(f"schema: {lines} records checked ({', '.join(f'{k} {v}' for k, v in sorted(types.items(), key=str))}), {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
