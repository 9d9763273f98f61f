#!/usr/bin/env python3
"""Validates JSON reports against docs/report.schema.json (JSON Schema draft 2020-12).

    scripts/validate-report.py REPORT.json [...]     exit 0: valid; 1: not (each error printed); 3: no jsonschema
"""
import json
import pathlib
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("validate-report.py: Python's jsonschema is not installed (pip install jsonschema)", file=sys.stderr)
    sys.exit(3)

schema = json.loads((pathlib.Path(__file__).resolve().parent.parent / "docs" / "report.schema.json").read_text())
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
errors = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    for error in sorted(validator.iter_errors(report), key=lambda e: list(map(str, e.absolute_path))):
        errors += 1
        where = "/".join(map(str, error.absolute_path)) or "(top)"
        print(f"{path}: {where}: {error.message[:300]}")
sys.exit(1 if errors else 0)
