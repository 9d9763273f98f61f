#!/usr/bin/env bash
# Compares `greenlight check` (black, freeze, silence; then the default, with av-sync) with decoding alone
# (`ffmpeg -i clip -f null -`) on a 1080p25 H.264 + AAC clip, and shows peak memory on that
# clip and on one ten times longer. Wall times are the mean of five runs each, interleaved, so
# both commands see the same machine load.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product greenlight >/dev/null
swift build -c release --product greenlight-pixel-pass >/dev/null
bin="$(swift build -c release --show-bin-path)/greenlight"
# The same command line with one more checker whose analyzer reads every pixel once.
pixel="$(swift build -c release --show-bin-path)/greenlight-pixel-pass"
mkdir -p bench-media
short=bench-media/bench-1080p-30s.mp4
long=bench-media/bench-1080p-300s.mp4
if [ ! -f "$short" ]; then
  echo "Making $short (30 s 1080p25 H.264 + stereo AAC)..."
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=30" -ac 2 \
    -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 192k "$short"
fi
if [ ! -f "$long" ]; then
  echo "Making $long (the same clip ten times, stream copy)..."
  ffmpeg -hide_banner -loglevel error -y -stream_loop 9 -i "$short" -c copy "$long"
fi

stats="$(mktemp)"
trap 'rm -f "$stats"' EXIT
measure() { # command...: prints "seconds peakKB cpuSeconds" of one run
  /usr/bin/time -o "$stats" -f "%e %M %U %S" "$@" >/dev/null 2>&1 || true
  tail -1 "$stats" | awk '{print $1, $2, $3 + $4}'
}
runs=5
ff_total=0; gl_total=0; ff_kb=0; gl_kb=0; gl_cpu=0; px_total=0; px_cpu=0; df_total=0; df_kb=0; df_cpu=0; nc_total=0
# The default checkers without the colour ones (colour-consistency, gamut, colour-metadata).
no_colour=black,freeze,silence,av-sync,loudness,audio-health,subtitle-timing
for _ in $(seq $runs); do
  read -r s kb cpu < <(measure ffmpeg -hide_banner -loglevel error -i "$short" -f null -)
  ff_total=$(awk "BEGIN{print $ff_total + $s}"); [ "$kb" -gt "$ff_kb" ] && ff_kb=$kb
  read -r s kb cpu < <(measure "$bin" check "$short" --checkers black,freeze,silence --quiet)
  gl_total=$(awk "BEGIN{print $gl_total + $s}"); [ "$kb" -gt "$gl_kb" ] && gl_kb=$kb
  gl_cpu=$(awk "BEGIN{print $gl_cpu + $cpu}")
  read -r s kb cpu < <(measure "$pixel" check "$short" --checkers black,freeze,silence,pixel-pass --quiet)
  px_total=$(awk "BEGIN{print $px_total + $s}"); px_cpu=$(awk "BEGIN{print $px_cpu + $cpu}")
  # The default check: every built-in checker (av-sync, loudness and audio-health read every sample too;
  # subtitle-timing with no subtitles still runs the shared speech and cut analyzers).
  read -r s kb cpu < <(measure "$bin" check "$short" --quiet)
  df_total=$(awk "BEGIN{print $df_total + $s}"); [ "$kb" -gt "$df_kb" ] && df_kb=$kb
  df_cpu=$(awk "BEGIN{print $df_cpu + $cpu}")
  read -r s kb cpu < <(measure "$bin" check "$short" --checkers "$no_colour" --quiet)
  nc_total=$(awk "BEGIN{print $nc_total + $s}")
done
nc_s=$(awk "BEGIN{printf \"%.2f\", $nc_total / $runs}")
df_s=$(awk "BEGIN{printf \"%.2f\", $df_total / $runs}")
ff_s=$(awk "BEGIN{printf \"%.2f\", $ff_total / $runs}")
gl_s=$(awk "BEGIN{printf \"%.2f\", $gl_total / $runs}")
px_s=$(awk "BEGIN{printf \"%.2f\", $px_total / $runs}")
read -r gll_s gll_kb _ < <(measure "$bin" check "$long" --checkers black,freeze,silence --quiet)
ratio=$(awk "BEGIN{printf \"%.2f\", $gl_s / $ff_s}")
verdict=$(awk "BEGIN{print ($gl_s / $ff_s <= 1.15) ? \"within\" : \"OVER\"}")
printf '%-52s %8s %10s\n' "1080p25 H.264 + AAC, $(nproc) cores, mean of $runs runs" "wall" "peak RSS"
printf '%-52s %7.2fs %8.0f MB\n' "ffmpeg -i clip -f null - (decode only), 30 s" "$ff_s" "$(awk "BEGIN{print $ff_kb/1024}")"
printf '%-52s %7.2fs %8.0f MB\n' "greenlight check (black, freeze, silence), 30 s" "$gl_s" "$(awk "BEGIN{print $gl_kb/1024}")"
printf '%-52s %7.2fs %8.0f MB\n' "greenlight check (black, freeze, silence), 300 s" "$gll_s" "$(awk "BEGIN{print $gll_kb/1024}")"
printf '%-52s %7.2fs\n' "  + an analyzer reading every pixel once, 30 s" "$px_s"
printf '%-52s %7.2fs\n' "greenlight check (default without colour), 30 s" "$nc_s"
printf '%-52s %7.2fs %8.0f MB\n' "greenlight check (every default checker), 30 s" "$df_s" "$(awk "BEGIN{print $df_kb/1024}")"
echo "ratio greenlight / decode only: $ratio ($verdict the 1.15 target)"
echo "the every-pixel analyzer costs $(awk "BEGIN{printf \"%.2f\", ($px_cpu - $gl_cpu) / $runs}") s of CPU and $(awk "BEGIN{printf \"%.2f\", $px_s - $gl_s}") s of wall time (hidden while a core is free)"
echo "av-sync, loudness, audio-health and subtitle-timing (no subtitles) add $(awk "BEGIN{printf \"%.0f\", ($nc_s / $gl_s - 1) * 100}")% to the check's wall time (targets: sync 10%, loudness 5%, subtitles 5%) and $(awk "BEGIN{printf \"%.2f\", ($df_cpu - $gl_cpu) / $runs}") s of CPU"
echo "colour-consistency, gamut and colour-metadata add $(awk "BEGIN{printf \"%.0f\", ($df_s / $nc_s - 1) * 100}")% to the default check's wall time (target 15%)"
echo "peak RSS, 300 s vs 30 s: $(awk "BEGIN{printf \"%.2f\", $gll_kb / $gl_kb}")x (flat means ~1.0)"
scripts/bench-html.sh
