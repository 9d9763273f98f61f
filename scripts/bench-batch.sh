#!/usr/bin/env bash
# A folder of clips checked with --jobs 1 and --jobs 2 (default profile, release build): wall
# time of each (best of 3), the throughput of two jobs over one's, and whether both runs wrote
# the same JSON report.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bin=$(release_tool greenlight)
dir=bench-media/batch-12
rm -rf "$dir"; mkdir -p "$dir"
clips=(freeze.mp4 silence.mov colour-shots-warm.mp4 sync-flash-25-late80.mp4 gamut-excursions.mp4 black-8bit-limited.mp4
       colour-grade-jump.mp4 subtitled.mp4 audio-clipping.wav slow-fade.mp4 kenburns.mp4 speech-over-music.m4a)
for clip in "${clips[@]}"; do ln -s "$PWD/sample-media/$clip" "$dir/$clip"; done
best() { # jobs: prints the best wall time of 3 runs, writes $dir/jobs-N.json
  local b=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N)
    "$bin" check "$dir" --jobs "$1" --json "$dir/jobs-$1.json" --quiet || true
    e=$(date +%s.%N)
    b=$(awk -v b="$b" -v t="$(awk "BEGIN{print $e - $s}")" 'BEGIN{print (b == "" || t < b) ? t : b}')
  done
  echo "$b"
}
one=$(best 1)
two=$(best 2)
same=$(cmp -s "$dir/jobs-1.json" "$dir/jobs-2.json" && echo "identical" || echo "DIFFERENT")
printf 'batch of %d clips, %s cores: --jobs 1 %.2f s, --jobs 2 %.2f s: %.2fx the throughput (target >= 1.8x); reports %s\n' \
  "${#clips[@]}" "$(nproc)" "$one" "$two" "$(awk "BEGIN{print $one / $two}")" "$same"
