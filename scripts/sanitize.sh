#!/usr/bin/env bash
# make sanitize: the whole test suite under AddressSanitizer (with LeakSanitizer), then under
# ThreadSanitizer (the engine decodes on one thread and analyses on another; --jobs checks files
# side by side). The greenlight binary the CLI tests run is built with the same sanitizer, so
# every process the suite starts is checked; each writes its reports to a log file, and any
# report, or any failing test, fails the run. `scripts/sanitize.sh thread` runs one.
# GREENLIGHT_SANITIZER tells the tests: bounds on memory (which the sanitizers inflate) and on
# time are relaxed there, and say so.
# ThreadSanitizer runs the suites where threads meet: the engine (the decoding thread, the
# hand-off, the ordered reader), the media layer, the extension and core tests, and the CLI's
# runs of several files at once (--jobs, progress, Ctrl-C, shards, ranges, with every process they
# start). The checker and analyzer suites (single-threaded checker code over the same hand-off)
# and the CLI's input and format suites (hostile files, schemas, messages: one file, one thread
# of checking) took 9 of TSan's 12.5 minutes, so they run under AddressSanitizer only.
set -euo pipefail
cd "$(dirname "$0")/.."
# Without the service (GreenlightService and SwiftNIO, PostgresNIO, BoringSSL under it): these
# builds are about the decode loop and the parsers, and the service's packages would add minutes
# of sanitizer build to every CI run. Its concurrency is checked by Swift 6's compiler instead.
export GREENLIGHT_NO_SERVICE=1
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
# A log holding only "Suppressions used" (a leak listed in lsan.supp) is not a report.
reported='ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer'
status=0
for kind in "${kinds[@]}"; do
  case "$kind" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "sanitize: unknown sanitizer '$kind' (address, thread)" >&2; exit 2 ;;
  esac
  logs="$(mktemp -d)"
  swift build --build-tests --sanitize="$kind" --scratch-path "$scratch"
  only=()
  [ "$kind" = thread ] && only=(--filter 'GreenlightEngineTests|GreenlightMediaTests|GreenlightCoreTests|GreenlightExtensionTests|GreenlightCLITests\.(CLITests|TerminalTests|ShardTests|BatchCLITests|RangeCLITests)/')
  started=$SECONDS
  rc=0
  GREENLIGHT_SANITIZER="$kind" \
    ASAN_OPTIONS="detect_leaks=1:log_path=$logs/report" LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp" \
    TSAN_OPTIONS="halt_on_error=0:log_path=$logs/report" \
    swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" "${only[@]}" > "$logs/test.log" 2>&1 || rc=$?
  reports=$({ grep -l -E "$reported" "$logs"/report.* 2>/dev/null || true; } | wc -l)
  { grep -E "^✘|Test run with" "$logs/test.log" || true; } | tail -15
  if [ "$rc" -ne 0 ] || [ "$reports" -gt 0 ]; then
    for f in $({ grep -l -E "$reported" "$logs"/report.* 2>/dev/null || true; } | head -3); do
      head -60 "$f" >&2
    done
    echo "sanitize $kind: FAILED (tests exit $rc, $reports process(es) with sanitizer reports; logs in $logs)" >&2
    status=1
  else
    echo "sanitize $kind: clean: the test suite passed with no sanitizer report in $((SECONDS - started)) s"
    rm -rf "$logs"
  fi
done
exit $status
