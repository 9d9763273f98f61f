#!/usr/bin/env bash
# The SwiftPM command plugin, as a CI job runs it: a passing check exits 0 and writes
# reports/qc.json and reports/qc.xml; a check whose gate fails makes the command fail.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "test-plugin: $*" >&2; exit 1; }

swift package plugin --list | grep -q "‘greenlight-qc’" || fail "swift package plugin --list does not show greenlight-qc"

# Passing: black at the head and a short black mid-programme only warn with the default profile.
swift package --allow-writing-to-package-directory greenlight-qc sample-media/black-8bit-limited.mp4 \
  --json "$out/pass.json" --junit "$out/pass.xml" > "$out/pass.log" 2>&1
status=$?
[ "$status" -eq 0 ] || { cat "$out/pass.log"; fail "a passing check exited $status"; }
grep -q "Verdict: WARN" "$out/pass.log" || fail "the summary is not printed"
grep -q "greenlight-qc: passed" "$out/pass.log" || fail "no 'passed' line"
grep -q '"verdict" : "warn"' "$out/pass.json" || fail "pass.json does not hold the warn verdict"
grep -q 'failures="0"' "$out/pass.xml" || fail "pass.xml reports failures"

# Failing: the delivery profile makes black mid-programme an error, so the command fails.
swift package --allow-writing-to-package-directory greenlight-qc sample-media/black-8bit-limited.mp4 --profile delivery \
  --json "$out/fail.json" --junit "$out/fail.xml" > "$out/fail.log" 2>&1
status=$?
[ "$status" -ne 0 ] || { cat "$out/fail.log"; fail "a failing gate did not fail the command"; }
grep -q "a finding reached error severity" "$out/fail.log" || { cat "$out/fail.log"; fail "no gate message"; }
grep -q '"verdict" : "fail"' "$out/fail.json" || fail "fail.json does not hold the fail verdict"
grep -q 'failures="1"' "$out/fail.xml" || fail "fail.xml does not count the failure"
# Built in release, not debug.
[ -x .build/release/greenlight ] || fail "no release build of greenlight"
echo "test-plugin: greenlight-qc passes a passing check and fails a failing one (release build)."
