#!/usr/bin/env bash
# Runs the whole decode loop under AddressSanitizer and LeakSanitizer: every sample clip
# (with --html, so the thumbnail seek and JPEG encoder run too),
# including the unreadable ones (error paths free what they opened too), plus probe.
# Fails on any sanitizer report. (valgrind 3.19, Debian 12's, crashes inside itself on the
# Swift 6.3 runtime, so the sanitizers do this job.)
set -euo pipefail
cd "$(dirname "$0")/.."
# Without the service (GreenlightService and SwiftNIO, PostgresNIO, BoringSSL under it): these
# builds are about the decode loop and the parsers, and the service's packages would add minutes
# of sanitizer build to every CI run. Its concurrency is checked by Swift 6's compiler instead.
export GREENLIGHT_NO_SERVICE=1
swift build --sanitize=address --scratch-path .build-asan --product greenlight
bin="$(swift build --sanitize=address --scratch-path .build-asan --show-bin-path)/greenlight"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0"
status=0
out="$(mktemp -d)"
trap 'rm -rf "$log" "$out"' EXIT
"$bin" check sample-media --json "$out/qc.json" --html "$out/qc.html" --quiet 2>"$log" || status=$?
"$bin" probe sample-media/silence.mov >/dev/null 2>>"$log" || status=$((status > 2 ? status : 86))
# The error paths of open and probe (no usable stream) once freed the demuxer twice.
for f in sample-media/broken/no-streams.mp4 sample-media/broken/tmcd-only.mov; do
  rc=0
  "$bin" probe "$f" >/dev/null 2>>"$log" || rc=$?
  [ "$rc" -le 2 ] || status=86
done
if grep -q "Sanitizer" "$log" || [ "$status" -gt 2 ]; then
  cat "$log" >&2
  echo "memcheck: FAILED (exit $status): see the sanitizer report above" >&2
  exit 1
fi
echo "memcheck: clean: every file in sample-media (broken ones included) decoded under AddressSanitizer + LeakSanitizer with no leak and no invalid access"
