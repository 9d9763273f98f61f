#!/usr/bin/env bash
# The example's two clips (320x180, 25 fps, H.264), made with FFmpeg's own test sources:
#   slated.mp4   frames 0-37 (1.52 s): a still card (SMPTE HD bars, a slate stand-in);
#                frames 38-49: black; frames 50-149: moving test pattern.
#   unslated.mp4 frames 0-99: moving test pattern from the first frame.
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -v error -y \
  -f lavfi -i "smptehdbars=s=320x180:r=25:d=1.52" \
  -f lavfi -i "color=black:s=320x180:r=25:d=0.48" \
  -f lavfi -i "testsrc2=s=320x180:r=25:d=4" \
  -filter_complex "[0][1][2]concat=n=3:v=1:a=0,format=yuv420p[v]" -map "[v]" \
  -c:v libx264 -preset veryfast -crf 28 -g 25 -bf 0 -movflags +faststart slated.mp4
ffmpeg -v error -y -f lavfi -i "testsrc2=s=320x180:r=25:d=4" -vf format=yuv420p \
  -c:v libx264 -preset veryfast -crf 28 -g 25 -bf 0 -movflags +faststart unslated.mp4
