#!/usr/bin/env bash
# The HTML report of a run of 300 files: its size, and how long headless Chromium takes to load
# it (the page's own performance.now() at its load event). The files are links to ten sample
# clips with findings, checked with the default profile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bin=$(release_tool greenlight)
dir=bench-media/html-300
rm -rf "$dir"; mkdir -p "$dir"
clips=(freeze.mp4 silence.mov colour-shots-warm.mp4 sync-flash-25-late80.mp4 gamut-excursions.mp4
       black-8bit-limited.mp4 colour-grade-jump.mp4 subtitled.mp4 audio-clipping.wav slow-fade.mp4)
for i in $(seq 0 299); do
  clip=${clips[$((i % 10))]}
  ln -s "$PWD/sample-media/$clip" "$dir/$(printf %03d "$i")-$clip"
done
start=$(date +%s.%N)
"$bin" check "$dir" --jobs 2 --html "$dir/qc.html" --quiet || true
end=$(date +%s.%N)
bytes=$(stat -c %s "$dir/qc.html")
best=""
for _ in 1 2 3; do
  dom=$(scripts/render-html.sh "$dir/qc.html" "$dir/qc.png" "$dir/console.log")
  ms=$(grep -o 'data-load-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
  [ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
done
pictures=$(grep -o 'data-pictures="[0-9/]*"' <<<"$dom")
printf 'HTML report of 300 files: %s bytes (%.1f MB), checked in %.0f s, %s, loads in %s ms in headless Chromium (best of 3), console messages: %s\n' \
  "$bytes" "$(awk "BEGIN{print $bytes / 1048576}")" "$(awk "BEGIN{print $end - $start}")" "$pictures" "$best" "$(wc -l < "$dir/console.log")"
