#!/usr/bin/env bash
# make fuzz: builds Fuzz/ (libFuzzer + AddressSanitizer) and runs each parser's fuzzer for
# FUZZ_SECONDS (default 60) from its seeds (Fuzz/seeds/TARGET), what earlier runs kept
# (.build-fuzz/corpus/TARGET) and the regressions (Fuzz/regressions/TARGET). Fails on a crash,
# a sanitizer report, a leak, an input over 20 s or 2 GB; the input is left in
# .build-fuzz/artifacts/ (copy it into Fuzz/regressions/TARGET/ once fixed: the test suite
# replays that folder). `scripts/fuzz.sh srt vtt` runs only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(srt vtt ttml scc stl profile media)
# SwiftPM renames an executable's main, so the fuzzer has its own main calling libFuzzer's
# driver; gold cannot link that (it fails inside its error reporting), lld can.
swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld --product fuzz-parsers
bin=.build-fuzz/release/fuzz-parsers
mkdir -p .build-fuzz/artifacts
failed=()
for t in "${targets[@]}"; do
  corpus=".build-fuzz/corpus/$t"
  mkdir -p "$corpus"
  dirs=("$corpus" "Fuzz/seeds/$t")
  [ -d "Fuzz/regressions/$t" ] && dirs+=("Fuzz/regressions/$t")
  max_len=$([ "$t" = media ] && echo 65536 || echo 16384)
  log=".build-fuzz/$t.log"
  echo "fuzz $t: ${seconds}s"
  if GREENLIGHT_FUZZ="$t" ASAN_OPTIONS="detect_leaks=1" LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp" "$bin" "${dirs[@]}" -max_total_time="$seconds" \
      -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix=".build-fuzz/artifacts/$t-" > "$log" 2>&1; then
    { grep -E "^stat::number_of_executed_units|^Done" "$log" || true; } | tail -1 | sed "s/^/  /"
  else
    failed+=("$t")
    { grep -E "ERROR|SUMMARY|Test unit written|ALARM" "$log" || true; } | head -5 >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (logs in .build-fuzz/*.log, inputs in .build-fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: clean: ${targets[*]}, ${seconds}s each"
