#!/usr/bin/env bash
# make bench-check (run by CI after make test): fails when `greenlight check` (default profile)
# has become 20 % dearer relative to decoding alone.
#
# The measure is CPU time (user + system) of the check over that of `ffmpeg -i clip -f null -`
# on a fixed 10 s 1080p24 H.264 + AAC clip, the least of seven runs each, interleaved: a ratio of
# two CPU times on the same machine and clip is steadier on a shared machine than wall time, and
# FFmpeg's own decoding speed cancels out. (Instruction counts would be steadier still, but
# valgrind 3.19 cannot run the Swift runtime and this VM exposes no hardware counters to perf.)
# The baseline is scripts/bench-baseline.txt, measured with this script on the 2-core machine
# the README's numbers come from; after a deliberate change in cost, remeasure with
# `scripts/bench-check.sh --update` and commit the file with the change that explains it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
scripts/deps.sh ffmpeg time
bin=$(release_tool greenlight)
clip=$(make_clip h264-1080p24-10s.mp4)
baseline_file=scripts/bench-baseline.txt
runs=7
decodes=(); checks=()
for _ in $(seq $runs); do
  read -r _ _ cpu < <(measure ffmpeg -hide_banner -loglevel error -i "$clip" -f null -); decodes+=("$cpu")
  read -r _ _ cpu < <(measure "$bin" check "$clip" --quiet); checks+=("$cpu")
done
# Another tenant on the machine only ever adds CPU time (cache misses, migrations), so the least
# of each is the steadiest estimate of what the work itself costs.
least() { printf '%s\n' "$@" | sort -g | head -1; }
ratio=$(awk -v c="$(least "${checks[@]}")" -v d="$(least "${decodes[@]}")" 'BEGIN{printf "%.3f", c / d}')
if [ "${1:-}" = "--update" ]; then
  echo "$ratio" > "$baseline_file"
  echo "bench-check: baseline set to $ratio (check CPU s: ${checks[*]}; decoding: ${decodes[*]})"
  exit 0
fi
baseline=$(cat "$baseline_file")
limit=$(awk -v b="$baseline" 'BEGIN{printf "%.3f", b * 1.2}')
echo "bench-check: least CPU of greenlight check / of decoding alone = $ratio (check s: ${checks[*]}; decoding: ${decodes[*]}); baseline $baseline, limit $limit"
if awk -v r="$ratio" -v l="$limit" 'BEGIN{exit !(r > l)}'; then
  echo "bench-check: FAILED: the check costs more than 20 % over its baseline relative to decoding" >&2
  exit 1
fi
