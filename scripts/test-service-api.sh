#!/usr/bin/env bash
# The service's API against its own contract: starts `greenlight serve` (debug build, SQLite, a
# temporary root with two sample clips and one finished job), checks the document served at
# /openapi.json with openapi-spec-validator, then lets schemathesis exercise every operation
# (its coverage, fuzzing and stateful phases, every check, a fixed seed). Skips with a message
# when the Python tools are missing (scripts/deps.sh openapi installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import openapi_spec_validator, schemathesis' >/dev/null 2>&1; then
  echo "test-service-api: skipped: openapi-spec-validator or schemathesis missing (scripts/deps.sh openapi)" >&2
  exit 0
fi
swift build --product greenlight >/dev/null
bin="$(swift build --show-bin-path)/greenlight"
. scripts/service-lib.sh
cp sample-media/freeze.mp4 sample-media/static-noise.mp4 "$work/root/"
start_serve "$bin" --root "$work/root" --data "$work/data"
python3 - "$base" "$work/root/freeze.mp4" <<'PY'
import json, sys, time, urllib.request
base, path = sys.argv[1], sys.argv[2]
req = urllib.request.Request(base + "/api/v1/jobs", data=json.dumps({"paths": [path]}).encode(), headers={"Content-Type": "application/json"})
job = json.load(urllib.request.urlopen(req))
for _ in range(600):
    state = json.load(urllib.request.urlopen(f"{base}/api/v1/jobs/{job['id']}"))["state"]
    if state in ("done", "failed", "cancelled"): break
    time.sleep(0.1)
assert state == "done", state
from openapi_spec_validator import validate
validate(json.load(urllib.request.urlopen(base + "/openapi.json")))
print("test-service-api: /openapi.json is a valid OpenAPI 3.1 document; job", job["id"], "done")
PY
cd "$work"
schemathesis run "$base/openapi.json" --checks all --max-examples 40 --seed 20261206 --workers 1 --suppress-health-check all \
  > schemathesis.log 2>&1 || { cat schemathesis.log; echo "test-service-api: schemathesis found the API breaking its contract (above)" >&2; exit 1; }
grep -E "generated|passed" schemathesis.log | tail -2 | sed 's/^/test-service-api: schemathesis: /'
