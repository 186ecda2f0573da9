#!/usr/bin/env python3
"""validate-json.py SCHEMA FILE... -- validates JSON or YAML documents against a JSON Schema.

Exit status 0 when every document is valid, 1 otherwise (each error printed as FILE: message),
2 on usage errors. Used by the Criterion suite (tests/test_formats.c); needs python3-jsonschema
and python3-yaml (installed by scripts/deps.sh). FILE '-' reads standard input.
"""
import json
import sys

import jsonschema
import yaml


def load(path):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    if path.endswith((".yaml", ".yml")):
        return yaml.safe_load(text)
    return json.loads(text)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = load(argv[1])
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in argv[2:]:
        errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.path))
        for e in errors[:5]:
            where = "/".join(str(p) for p in e.path)
            print(f"{path}: {where}: {e.message[:300]}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
