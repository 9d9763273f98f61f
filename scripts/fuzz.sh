#!/usr/bin/env bash
# make fuzz: builds Fuzz/ (libFuzzer + AddressSanitizer) and runs each parser's fuzzer from its
# seeds (Fuzz/seeds/TARGET) and regressions (Fuzz/regressions/TARGET). Fails on a crash, a
# sanitizer report, a leak, an input over 20 s or allocating over 2 GB at once; the input is left in
# .build-fuzz/artifacts/ (copy it into Fuzz/regressions/TARGET/ once fixed: the test suite
# replays that folder). `scripts/fuzz.sh srt vtt` runs only those targets.
#
# Two modes. By default (CI) the run is seeded: a fixed seed, a fixed number of inputs per
# target (about 30 s each here), deterministic Swift hashing and an empty corpus, so a clean
# clone walks nearly what a developer's run did (libFuzzer is not bit-exact: ~1 % apart).
# FUZZ_SECONDS=N explores instead: a random seed for N seconds per target, keeping what it finds
# in .build-fuzz/corpus/TARGET for the next run. Run that to look for new bugs.
set -euo pipefail
cd "$(dirname "$0")/.."
# Without the service (GreenlightService and SwiftNIO, PostgresNIO, BoringSSL under it): these
# builds are about the decode loop and the parsers, and the service's packages would add minutes
# of sanitizer build to every CI run. Its concurrency is checked by Swift 6's compiler instead.
export GREENLIGHT_NO_SERVICE=1
seconds="${FUZZ_SECONDS:-}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(srt vtt ttml scc stl profile media bwf)
# SwiftPM renames an executable's main, so the fuzzer has its own main calling libFuzzer's
# driver; gold cannot link that (it fails inside its error reporting), lld can.
swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld --product fuzz-parsers
bin=.build-fuzz/release/fuzz-parsers
mkdir -p .build-fuzz/artifacts
failed=()
# Inputs per target in the reproducible mode: about 30 s each on the 2-core CI machine (a
# regression guard from fixed seeds; FUZZ_SECONDS explores).
runs_for() {
  case "$1" in
    srt|vtt) echo 150000 ;;
    scc|stl|profile|bwf) echo 100000 ;;
    ttml|media) echo 15000 ;;
  esac
}
for t in "${targets[@]}"; do
  if [ -n "$seconds" ]; then
    corpus=".build-fuzz/corpus/$t"
    mode=(-max_total_time="$seconds")
    what="${seconds}s, random seed"
  else
    corpus=".build-fuzz/scratch/$t"
    rm -rf "$corpus"
    # The time limit only guards a much slower machine; the run count ends it here.
    mode=(-seed=1 -runs="$(runs_for "$t")" -max_total_time=300)
    what="$(runs_for "$t") inputs, seed 1"
  fi
  mkdir -p "$corpus"
  dirs=("$corpus" "Fuzz/seeds/$t")
  [ -d "Fuzz/regressions/$t" ] && dirs+=("Fuzz/regressions/$t")
  max_len=$([ "$t" = media ] && echo 65536 || echo 16384)
  # No single allocation over 2 GB anywhere; the process may grow to 6 GB under ttml, whose
  # FoundationXML leaks ~0.4 KB per XML error (suppressed, not ours): a long exploring run
  # reaches 2 GB of them after ~500 000 inputs and would stop on a limit, not on a bug.
  rss=$([ "$t" = ttml ] && echo 6144 || echo 2048)
  log=".build-fuzz/$t.log"
  echo "fuzz $t: $what"
  # SWIFT_BACKTRACE off: a Swift trap then ends in libFuzzer's deadly-signal report with the
  # runtime's message, not in the backtracer reading memory ASan calls an unknown crash.
  if GREENLIGHT_FUZZ="$t" SWIFT_DETERMINISTIC_HASHING=1 SWIFT_BACKTRACE=enable=no \
      ASAN_OPTIONS="detect_leaks=1" LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp" "$bin" "${dirs[@]}" "${mode[@]}" \
      -max_len="$max_len" -timeout=20 -rss_limit_mb="$rss" -malloc_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix=".build-fuzz/artifacts/$t-" > "$log" 2>&1; then
    { grep -E "^stat::number_of_executed_units|^Done" "$log" || true; } | tail -1 | sed "s/^/  /"
  else
    failed+=("$t")
    { grep -E "ERROR|SUMMARY|Swift runtime failure|Test unit written|^Base64|ALARM" "$log" || true; } | head -8 >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (logs in .build-fuzz/*.log, inputs in .build-fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: clean: ${targets[*]}"
