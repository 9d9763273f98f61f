# Sourced by bench.sh and bench-check.sh: the benchmark clips and how a run is measured.

bench_dir=bench-media

# release_tool PRODUCT: builds the product in release (quietly) and prints its path.
release_tool() {
  swift build -c release --product "$1" >/dev/null
  echo "$(swift build -c release --show-bin-path)/$1"
}

# make_clip NAME: makes bench-media/NAME the first time it is asked for (written to a temporary
# name and moved, so an interrupted run leaves no half clip), prints its path.
make_clip() {
  local name=$1 out="$bench_dir/$1" tmp
  if [ ! -f "$out" ]; then
    mkdir -p "$bench_dir"
    tmp="$bench_dir/.making-$name"
    local ff=(ffmpeg -hide_banner -loglevel error -y)
    case "$name" in
      h264-1080p24-60s.mp4 | h264-1080p24-10s.mp4)
        local seconds=${name#h264-1080p24-}; seconds=${seconds%s.mp4}
        echo "Making $out (${seconds} s 1080p24 H.264 + stereo AAC)..." >&2
        "${ff[@]}" -f lavfi -i "testsrc2=size=1920x1080:rate=24:duration=$seconds" \
          -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" -ac 2 \
          -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 192k -f mp4 "$tmp" ;;
      h264-1080p24-600s.mp4)
        local short; short=$(make_clip h264-1080p24-60s.mp4)
        echo "Making $out (the 60 s clip ten times, stream copy)..." >&2
        "${ff[@]}" -stream_loop 9 -i "$short" -c copy -f mp4 "$tmp" ;;
      prores-2160p24-10s.mov)
        echo "Making $out (10 s 2160p24 ProRes 422 HQ 10-bit + stereo 24-bit PCM; about 15 s)..." >&2
        "${ff[@]}" -f lavfi -i "testsrc2=size=3840x2160:rate=24:duration=10" \
          -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=10" -ac 2 \
          -c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le -c:a pcm_s24le -f mov "$tmp" ;;
      hevc10-1080p24-10s.mp4)
        # HDR10 as a streaming delivery has it: HEVC Main 10, PQ, BT.2020, ST 2086 mastering
        # display (P3-D65, 1000 cd/m²) and MaxCLL/MaxFALL in the bitstream, stereo AAC. The
        # pattern is brought into the levels of a grade (its white at PQ 0.75, 1000 cd/m²; its
        # colours at 35 % of their chroma), not left at full code range (10 000 cd/m² white).
        echo "Making $out (10 s 1080p24 10-bit HEVC HDR10 + stereo AAC; about 15 s)..." >&2
        "${ff[@]}" -f lavfi -i "testsrc2=size=1920x1080:rate=24:duration=10,format=yuv420p10le,lutyuv=y='64+(val-64)*0.75':u='512+(val-512)*0.35':v='512+(val-512)*0.35'" \
          -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=10" -ac 2 \
          -c:v libx265 -preset fast -crf 20 -pix_fmt yuv420p10le -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc \
          -x265-params "log-level=error:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400" \
          -tag:v hvc1 -c:a aac -b:a 192k -f mp4 "$tmp" ;;
      xavc-1080i25-10s.mxf)
        # XDCAM's 10-bit sibling (XAVC Intra / AVC-Intra): H.264 High 4:2:2 Intra, 10-bit,
        # interlaced top field first, about 100 Mb/s, in MXF OP1a with two mono 24-bit PCM tracks.
        echo "Making $out (10 s 1080i25 10-bit H.264 4:2:2 intra MXF + 2 mono PCM)..." >&2
        "${ff[@]}" -f lavfi -i "testsrc2=size=1920x1080:rate=50:duration=10" \
          -f lavfi -i "sine=frequency=1000:sample_rate=48000:duration=10" \
          -f lavfi -i "sine=frequency=500:sample_rate=48000:duration=10" -map 0 -map 1 -map 2 \
          -vf "interlace=scan=tff,setfield=tff" -c:v libx264 -pix_fmt yuv422p10le -profile:v high422 \
          -x264-params keyint=1:interlaced=1:tff=1 -b:v 100M -c:a pcm_s24le -f mxf "$tmp" ;;
      talking-head-1080p25-20s.mp4)
        # A real talking head (the dev corpus's retalk__face_5, 524 px square, 4.9 s) looped four
        # times, scaled to 1080 lines and centred on a 1920 × 1080 grey picture: the face fills
        # what a close-up would.
        local face=../shared/corpora/media/retalk__face_5.mp4
        [ -r "$face" ] || { echo "bench-lib.sh: $face is absent (the dev corpus)" >&2; return 3; }
        echo "Making $out (20 s 1080p25 H.264 talking head + AAC, from $face)..." >&2
        "${ff[@]}" -stream_loop 3 -i "$face" -vf "scale=-2:1080,pad=1920:1080:(ow-iw)/2:0:gray" -t 19.5 \
          -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -r 25 -c:a aac -b:a 192k -f mp4 "$tmp" ;;
      *) echo "bench-lib.sh: no recipe for $name" >&2; return 2 ;;
    esac
    mv "$tmp" "$out"
  fi
  echo "$out"
}

bench_stats=$(mktemp)
trap 'rm -f "$bench_stats"' EXIT

# measure COMMAND...: runs it once (output discarded), prints "wallSeconds peakKB cpuSeconds".
measure() {
  /usr/bin/time -o "$bench_stats" -f "%e %M %U %S" "$@" >/dev/null 2>&1 || true
  tail -1 "$bench_stats" | awk '{print $1, $2, $3 + $4}'
}

# median NUMBER...: the middle value (the lower middle of an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# ffmpeg_filter_chain CLIP: the FFmpeg filters doing comparable work: blackdetect, freezedetect,
# signalstats and scdet on the picture; ebur128 (with true peak) and silencedetect on every
# sound stream. Prints the arguments after `ffmpeg`.
ffmpeg_filter_chain() {
  local clip=$1 graph="[0:v:0]blackdetect,freezedetect,signalstats,scdet[v]" maps=(-map "[v]") i
  local sounds; sounds=$(ffprobe -v error -select_streams a -show_entries stream=index -of csv=p=0 "$clip" | wc -l)
  for ((i = 0; i < sounds; i++)); do
    graph+=";[0:a:$i]ebur128=peak=true,silencedetect[a$i]"
    maps+=(-map "[a$i]")
  done
  printf '%s\n' -hide_banner -loglevel error -i "$clip" -filter_complex "$graph" "${maps[@]}" -f null -
}
