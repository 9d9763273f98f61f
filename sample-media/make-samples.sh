#!/usr/bin/env bash
# Makes every clip in sample-media/ with the ffmpeg CLI from lavfi sources, so each defect sits
# exactly where manifest.json says. Re-run after changing a clip; commit the clips it writes.
# Needs: ffmpeg (Debian's `ffmpeg` package), python3, and for speech-over-music.m4a espeak-ng and sox.
set -euo pipefail
cd "$(dirname "$0")"
FF=(ffmpeg -hide_banner -loglevel error -y -nostdin)
# x264 with fixed settings so the clips are reproducible byte for byte on one ffmpeg build.
X264=(-c:v libx264 -preset medium -crf 18 -g 50 -threads 1 -x264-params "bframes=2")

# Black layout shared by the black-* clips (25 fps, 200 frames = 8 s):
#   frames 0-24 black (head, 1 s); frame 75 black (one frame at 3 s);
#   frames 125-136 black (12 frames at 5 s). BLACK_TAIL adds frames 190-199 (tail).
black_enable='lt(n,25)+eq(n,75)+between(n,125,136)'
black_vf() { # $1: enable expression, $2: output range (tv|pc), $3: pixel format
  echo "testsrc2=size=320x180:rate=25:duration=8,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='$1',scale=out_range=$2:out_color_matrix=bt709,format=$3,noise=alls=3:allf=t"
}

"${FF[@]}" -f lavfi -i "$(black_vf "$black_enable" tv yuv420p)" "${X264[@]}" -color_range tv -colorspace bt709 \
  -color_primaries bt709 -color_trc bt709 black-8bit-limited.mp4
"${FF[@]}" -f lavfi -i "$(black_vf "$black_enable" pc yuv420p)" "${X264[@]}" -color_range pc -colorspace bt709 \
  -color_primaries bt709 -color_trc bt709 black-8bit-full.mp4
"${FF[@]}" -f lavfi -i "$(black_vf "$black_enable+between(n,190,199)" tv yuv422p10le)" -c:v prores_ks -profile:v 0 \
  -color_range tv -colorspace bt709 -color_primaries bt709 -color_trc bt709 -timecode 10:00:00:00 black-10bit-limited.mov
"${FF[@]}" -f lavfi -i "$(black_vf "$black_enable" pc yuv420p10le)" "${X264[@]}" \
  -color_range pc -colorspace bt709 -fflags +bitexact black-10bit-full.mkv

# A night scene: real picture compressed into the bottom of the range (levels 16..~80), never black.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=6,format=yuv420p,lutyuv=y='16+(val-16)*0.28',noise=alls=2:allf=t" \
  "${X264[@]}" -color_range tv dark-scene.mp4

# Freeze: frames 50-124 repeat frame 50 (held 3 s from 2.0 s); frames 150-214 black (2.6 s,
# must be reported as black only, not as a freeze); 250 frames.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=10,split[a][b];[a][b]freezeframes=first=51:last=124:replace=50,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,150,214)',format=yuv420p" \
  "${X264[@]}" -color_range tv freeze.mp4

# A harder hold: noisy picture frozen for frames 50-149 (4 s from 2.0 s), encoded at low quality
# with a key frame every 25 frames, so the encoder re-codes the held picture at 75, 100 and 125.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=8,noise=alls=5:allf=t,split[a][b];[a][b]freezeframes=first=51:last=149:replace=50,format=yuv420p" \
  -c:v libx264 -preset medium -crf 30 -g 25 -threads 1 freeze-noisy-gop.mp4

# The same kind of hold in an all-intra stream (every picture a key frame, each repeat re-coded
# from scratch): frames 50-124 repeat frame 50 (3 s from 2.0 s).
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=6,noise=alls=5:allf=t,split[a][b];[a][b]freezeframes=first=51:last=124:replace=50,format=yuv420p" \
  -c:v libx264 -preset medium -crf 26 -g 1 -threads 1 freeze-intra.mp4

# A locked-off shot with sensor-like noise: static picture, new noise every frame. Not a freeze.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=1,trim=end_frame=1,loop=loop=149:size=1:start=0,setpts=N/25/TB,format=yuv420p,noise=alls=6:allf=t" \
  "${X264[@]}" -color_range tv static-noise.mp4

# Slow movement that is not a freeze: a push-in of 2% over 8 s on a still (Ken Burns), and a
# still fading to black over 8 s. Each picture differs from the last by less than codec noise;
# the drift from the run's first picture is what tells them from a hold.
"${FF[@]}" -f lavfi -i "testsrc2=size=640x360:rate=25:duration=1,trim=end_frame=1,loop=loop=199:size=1:start=0,setpts=N/25/TB,zoompan=z='1+0.0001*on':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=320x180:fps=25,format=yuv420p" \
  "${X264[@]}" kenburns.mp4
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=1,trim=end_frame=1,loop=loop=199:size=1:start=0,setpts=N/25/TB,fade=t=out:st=0:d=8,format=yuv420p" \
  "${X264[@]}" slow-fade.mp4

# A lamp coming up on a still set: the left quarter of the picture brightens by 0.25 code a
# frame. Each picture is within codec noise of the last; only the drift check sees the change.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=1,trim=end_frame=1,loop=loop=199:size=1:start=0,setpts=N/25/TB,format=yuv420p,geq=lum='if(lt(X,W/4),clip(p(X,Y)+N*0.25,0,255),p(X,Y))':cb='p(X,Y)':cr='p(X,Y)'" \
  "${X264[@]}" lamp-up.mp4

# Sound: stereo 48 kHz, 14 s of 16-bit PCM (exact edges). Layout (seconds):
#   0-2 digital silence both channels (head);        2-3 tone
#   3-5.5 room tone, uniform noise at -50 dBFS RMS (NOT silence)
#   5.5-8 digital silence both channels (dropout);   8-9 tone
#   9-11.5 right channel only: hiss at -70 dBFS RMS (near-silence), left keeps its tone
#   11.5-14 tone
tone='0.1*sin(2*PI*440*t)'
room='0.00548*(2*random(0)-1)'   # uniform in +-a has RMS a/sqrt(3): 0.00316 = -50 dBFS
hiss='0.000548*(2*random(1)-1)'  # -70 dBFS RMS
left="if(lt(t,2),0,if(lt(t,3),$tone,if(lt(t,5.5),$room,if(lt(t,8),0,$tone))))"
right="if(lt(t,2),0,if(lt(t,3),$tone,if(lt(t,5.5),$room,if(lt(t,8),0,if(lt(t,9),$tone,if(lt(t,11.5),$hiss,$tone))))))"
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=14" \
  -f lavfi -i "aevalsrc=exprs='$left|$right':sample_rate=48000:channel_layout=stereo:duration=14" \
  "${X264[@]}" -c:a pcm_s16le -shortest silence.mov

# 29.97 drop-frame with start timecode 01:00:00;00: frames 60-62 black (01:00:02;00).
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=30000/1001:duration=4,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,60,62)',format=yuv420p" \
  "${X264[@]}" -timecode "01:00:00;00" timecode-2997df.mov

# RGB source (FFV1 bgr0, converted to YUV for measuring): frames 25-49 black.
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=4,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,25,49)'" \
  -c:v ffv1 -pix_fmt bgr0 -threads 1 -fflags +bitexact rgb-ffv1.mkv

# Sound only: mono 16 kHz WAV, 1 kHz tone at -20 dBFS with digital silence 2.0-4.5 s.
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='if(between(t,2,4.5),0,0.1*sin(2*PI*1000*t))':sample_rate=16000:duration=6" \
  -c:a pcm_s16le -fflags +bitexact tone-dropout.wav

# 5.1 AAC (lossy: the codec rings a few ms past each cut): every channel silent 2.0-4.5 s,
# the centre alone 5.0-7.5 s, LFE empty throughout (normal, so info).
t51='0.1*sin(2*PI*440*t)'
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='if(between(t,2,4.5),0,$t51)|if(between(t,2,4.5),0,$t51)|if(between(t,2,4.5),0,if(between(t,5,7.5),0,$t51))|0|if(between(t,2,4.5),0,$t51)|if(between(t,2,4.5),0,$t51)':sample_rate=48000:channel_layout=5.1:duration=9" \
  -c:a aac -b:a 192k surround-aac.mp4

# Full-rate sound: 5.1(side) FLAC, 0.5 s of 1 kHz sine (500 whole cycles) per channel at peak
# levels -20, -23, -26, -29, -32 and -35 dBFS (FL, FR, FC, LFE, SL, SR).
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='0.1*sin(2*PI*1000*t)|0.0707946*sin(2*PI*1000*t)|0.0501187*sin(2*PI*1000*t)|0.0354813*sin(2*PI*1000*t)|0.0251189*sin(2*PI*1000*t)|0.0177828*sin(2*PI*1000*t)':sample_rate=48000:channel_layout=5.1(side):duration=0.5" \
  -c:a flac levels-51.flac

# Colour: 75% bars (white, yellow, cyan, green, magenta, red, blue, black; 32 px each) converted
# from exact R'G'B' to YUV 4:4:4 with each matrix and range and tagged so (lossless FFV1), and a
# 10-bit HEVC HDR10 frame with ST 2086 mastering display and CTA-861.3 light level SEI.
bars="color=c=0xBFBFBF:s=32x32:d=0.04[a];color=c=0xBFBF00:s=32x32:d=0.04[b];color=c=0x00BFBF:s=32x32:d=0.04[c];color=c=0x00BF00:s=32x32:d=0.04[d];color=c=0xBF00BF:s=32x32:d=0.04[e];color=c=0xBF0000:s=32x32:d=0.04[f];color=c=0x0000BF:s=32x32:d=0.04[g];color=c=0x000000:s=32x32:d=0.04[h];[a][b][c][d][e][f][g][h]hstack=inputs=8,format=rgb24"
for m in bt709 bt601; do
  tag=$([ $m = bt709 ] && echo bt709 || echo smpte170m)
  for r in tv pc; do
    "${FF[@]}" -filter_complex "$bars,scale=out_color_matrix=$m:out_range=$r,format=yuv444p" -frames:v 1 -c:v ffv1 \
      -colorspace $tag -color_range $r -color_primaries $tag -color_trc $tag bars-$m-$r.mkv
  done
done
"${FF[@]}" -f lavfi -i "color=c=0x808080:s=64x64:d=0.04,format=yuv420p10le" -c:v libx265 \
  -x265-params "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400" \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc hdr10.mp4

# A subtitle stream: SubRip in Matroska, two cues.
cat > /tmp/greenlight-sample.srt <<'SRT'
1
00:00:00,500 --> 00:00:01,500
Hello

2
00:00:02,000 --> 00:00:02,800
<i>Two</i>
lines
SRT
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=3" -i /tmp/greenlight-sample.srt \
  -c:v libx264 -preset medium -crf 30 -threads 1 -c:s srt -fflags +bitexact subtitles.mkv
rm -f /tmp/greenlight-sample.srt

# Audio whose layout changes mid-stream, as at a DVB ad break: raw AC-3, 5.1(side) for 3.072 s,
# stereo for 3.072 s, then 5.1(side) for 6.144 s (whole 32 ms AC-3 frames, so the changes sit at
# exactly 3.072 s and 6.144 s). LFE is empty in both 5.1 parts; in the last one the centre is
# silent from 7.144 s to 10.144 s (1-4 s into that part), which only a reader that follows the
# change back to six channels can see.
t='0.1*sin(2*PI*440*t)'
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='$t|$t|$t|0|$t|$t':sample_rate=48000:channel_layout=5.1(side):duration=3.072" -c:a ac3 -b:a 128k /tmp/gl-p1.ac3
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='$t|$t':sample_rate=48000:channel_layout=stereo:duration=3.072" -c:a ac3 -b:a 96k /tmp/gl-p2.ac3
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='$t|$t|if(between(t,1,4),0,$t)|0|$t|$t':sample_rate=48000:channel_layout=5.1(side):duration=6.144" -c:a ac3 -b:a 128k /tmp/gl-p3.ac3
cat /tmp/gl-p1.ac3 /tmp/gl-p2.ac3 /tmp/gl-p3.ac3 > layout-change.ac3
rm -f /tmp/gl-p1.ac3 /tmp/gl-p2.ac3 /tmp/gl-p3.ac3

# Freeze on real footage (CC0 clips from ../shared/corpora/media; see REAL-FOOTAGE.md). Skipped,
# keeping the committed clips, when the corpora are not beside the project.
C=../../shared/corpora/media
if [ -f "$C/mdnla__crystal.mp4" ] && [ -f "$C/mdnie__flower.webm" ]; then
  # A real hold: macro camera footage with frames 50-124 repeating frame 50 (3 s from 2.0 s).
  "${FF[@]}" -i "$C/mdnla__crystal.mp4" -vf "fps=25,scale=320:212,split[a][b];[a][b]freezeframes=first=51:last=124:replace=50,format=yuv420p" \
    -frames:v 175 -an -c:v libx264 -preset medium -crf 26 -g 50 -threads 1 real-freeze.mp4
  # A locked-off live shot of a still subject: one real frame, fresh small noise every frame.
  "${FF[@]}" -ss 5 -i "$C/mdnla__crystal.mp4" -frames:v 1 /tmp/gl-crystal.png
  "${FF[@]}" -loop 1 -framerate 25 -i /tmp/gl-crystal.png -vf "scale=480:320,format=yuv420p,noise=alls=3:allf=t" \
    -frames:v 150 -c:v libx264 -preset medium -crf 23 -g 50 -threads 1 real-lockedoff.mp4
  # A slow push-in (1% over 6 s) over a soft background: a real frame, blurred, zoomed smoothly.
  "${FF[@]}" -ss 2 -i "$C/mdnie__flower.webm" -frames:v 1 /tmp/gl-flower.png
  "${FF[@]}" -loop 1 -i /tmp/gl-flower.png -vf "gblur=sigma=6,scale=3840:-1,zoompan=z='1+0.00005*on':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=640x360:fps=25,trim=end_frame=150,format=yuv420p" \
    -frames:v 150 -c:v libx264 -preset medium -crf 23 -g 50 -threads 1 real-pushin-soft.mp4
  rm -f /tmp/gl-crystal.png /tmp/gl-flower.png
else
  echo "make-samples: ../shared/corpora/media is absent: real-freeze, real-lockedoff and real-pushin-soft kept as committed" >&2
fi

# Timelines with holes, and streams of different lengths (none of them truncated):
# - audio-gap.mkv: mono 8 kHz PCM, tone 0-4 s then digital silence to 6 s (source time); every
#   timestamp from 2 s on moved 0.5 s later, so 0.5 s of sound is missing at 2.0 s and the
#   silence sits at 4.5-6.5 s by the packets' timestamps.
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='if(lt(t,4),0.1*sin(2*PI*440*t),0)':sample_rate=8000:duration=6" \
  -af "asetnsamples=n=400,asetpts='PTS+gte(PTS*TB,2)*0.5/TB'" -c:a pcm_s16le audio-gap.mkv
# - lost-cluster.mkv: H.264 in Matroska with 1 s clusters; the third cluster (2.0-3.0 s, frames
#   50-74) zeroed, as a damaged transfer leaves it: the demuxer skips it, frames are lost.
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=6" -c:v libx264 -preset medium -crf 28 -g 25 -threads 1 \
  -cluster_time_limit 1000 -fflags +bitexact /tmp/gl-lc.mkv
python3 - <<'PY'
import re
d = bytearray(open("/tmp/gl-lc.mkv", "rb").read())
clusters = [m.start() for m in re.finditer(re.escape(bytes.fromhex("1F43B675")), d)]
d[clusters[2]:clusters[3]] = bytes(clusters[3] - clusters[2])
open("lost-cluster.mkv", "wb").write(bytes(d))
PY
rm -f /tmp/gl-lc.mkv
# - audio-early.mkv: sound 0-4 s, picture 1-4 s (audio leads by 1 s); audio-longer.mp4: picture
#   3 s, sound 4 s; video-longer.mp4: picture 4 s, sound 3 s.
"${FF[@]}" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=4" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=3" \
  -map 0:a -map 1:v -c:v libx264 -preset medium -crf 30 -threads 1 -c:a aac -b:a 48k -vf "setpts=PTS+1/TB" audio-early.mkv
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=3" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=4" \
  -c:v libx264 -preset medium -crf 30 -threads 1 -c:a aac -b:a 48k audio-longer.mp4
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=4" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
  -c:v libx264 -preset medium -crf 30 -threads 1 -c:a aac -b:a 48k video-longer.mp4

# Frame numbering and timecode labels:
# - df-missing-frame.mov: 29.97 drop-frame asked to start at 01:02:00;00 (a label drop-frame skips,
#   so the file holds 01:01:59;28, the same frame) with frame 10 dropped (timestamps kept, so the
#   average rate is under 29.97); black frames 60-62 (01:02:02;00).
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=30000/1001:duration=4,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,60,62)',select='not(eq(n\,10))',format=yuv420p" \
  -fps_mode passthrough -c:v libx264 -preset medium -crf 30 -threads 1 -timecode "01:02:00;00" df-missing-frame.mov
# - rate-24613.mp4: 24.613 fps, a rate SMPTE timecode does not exist for; black frames 98-103.
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=24.613:duration=5,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,98,103)',format=yuv420p" \
  -c:v libx264 -preset medium -crf 30 -threads 1 rate-24613.mp4

# Pixel layouts the scan must read right:
# - fields-1080.mp4: 1920x1080, odd lines black (16), even lines white (235): a scan that reads
#   every second line sees only one field; the black share is 50%.
"${FF[@]}" -f lavfi -i "color=c=white:s=1920x1080:r=25:d=0.08,format=gray,geq=lum='if(mod(Y\,2)\,16\,235)',format=yuv420p" \
  -c:v libx264 -preset ultrafast -crf 0 -threads 1 -color_range tv fields-1080.mp4
# - nv12.nut: raw NV12 (semi-planar: U and V interleaved in one plane), Y=128, U=64, V=192.
"${FF[@]}" -f lavfi -i "color=c=0x808080:s=160x90:r=25:d=0.08,format=yuv444p,geq=lum=128:cb=64:cr=192,format=nv12" \
  -c:v rawvideo -pix_fmt nv12 nv12.nut

# Damage in the middle of a readable file: 2 x 3000 seeded random bytes over the packets
# around 5.2 s of a copy of freeze.mp4. The rest decodes; the damage must be reported.
python3 - <<'PY'
import random
data = bytearray(open("freeze.mp4", "rb").read())
r = random.Random(11)
for start in (int(len(data) * 0.55), int(len(data) * 0.56)):
    for i in range(start, start + 3000):
        data[i] = r.getrandbits(8)
open("corrupt-middle.mp4", "wb").write(bytes(data))
PY

# Audio health (stereo PCM, 48 kHz, 4 s): a tone driven into clipping from 1 s to 1.5 s; a right
# channel of digital silence; a right channel that is the left inverted; and a clean pair in
# quadrature (1 kHz sine and cosine at -23 dBFS: -23.0 LUFS, correlation 0) that must pass.
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='clip(if(between(t,1,1.5),1.4,0.3)*sin(2*PI*440*t),-1,1)|clip(if(between(t,1,1.5),1.4,0.3)*sin(2*PI*440*t+1),-1,1)':s=48000:d=4" \
  -c:a pcm_s16le audio-clipping.wav
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='0.3*sin(2*PI*440*t)|0':s=48000:d=4" -c:a pcm_s16le audio-dead-channel.wav
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='0.3*sin(2*PI*440*t)+0.1*sin(2*PI*1234*t)|-0.3*sin(2*PI*440*t)-0.1*sin(2*PI*1234*t)':s=48000:d=4" \
  -c:a pcm_s16le audio-phase-inverted.wav
"${FF[@]}" -f lavfi -i "aevalsrc=exprs='0.070795*sin(2*PI*1000*t)|0.070795*cos(2*PI*1000*t)':s=48000:d=4" -c:a pcm_f32le audio-clean-r128.wav

# Dialogue: three sentences spoken by espeak-ng (4-11.4 s, 13.4-20 s, 22-27.4 s) over a three-note
# chord with a 3 Hz tremolo that plays throughout, 30 s, stereo AAC. The speech track alone measures
# -22.2 LUFS (ffmpeg ebur128), the chord alone -30.0, the mix -23.2.
sp=$(mktemp -d)
espeak-ng -v en-us -s 150 -w "$sp/s1.wav" "Good evening. Tonight we look at how a film is finished, from the last day of shooting to the master that goes to air."
espeak-ng -v en-us -s 150 -w "$sp/s2.wav" "Every picture is checked, every sound is measured, and nothing leaves the building until it passes."
espeak-ng -v en-us -s 150 -w "$sp/s3.wav" "That is the work of quality control, and it starts the moment the cameras stop."
for i in 1 2 3; do sox "$sp/s$i.wav" -r 48000 "$sp/s${i}_48.wav"; done
sox -n -r 48000 -c 1 "$sp/z4.wav" trim 0 4
sox -n -r 48000 -c 1 "$sp/z2.wav" trim 0 2
sox "$sp/z4.wav" "$sp/s1_48.wav" "$sp/z2.wav" "$sp/s2_48.wav" "$sp/z2.wav" "$sp/s3_48.wav" "$sp/z4.wav" "$sp/raw.wav"
sox "$sp/raw.wav" "$sp/speech.wav" trim 0 30 gain -n -6
sox -n -r 48000 -c 3 "$sp/m3.wav" synth 30 sine 220 sine 277 sine 330 tremolo 3 60
sox "$sp/m3.wav" -c 1 "$sp/music.wav" remix 1-3 gain -n -22
sox -m -v 1 "$sp/speech.wav" -v 1 "$sp/music.wav" "$sp/mix.wav"
sox "$sp/mix.wav" -c 2 "$sp/mixst.wav" remix 1 1
"${FF[@]}" -i "$sp/mixst.wav" -c:a aac -b:a 128k speech-over-music.m4a
rm -rf "$sp"

# Audio/video sync: flash-and-beep leaders, 2-pops, cut-and-hit content with known offsets, a
# still over a tone, and a sound stream that starts late (sync-*.mp4/.mov, audio-late-start.mkv).
python3 make-sync-samples.py

# Colour: five shots of one set-up with one graded warm (and the same without), a grade that
# jumps mid-shot, and shot changes of every kind (colour-*.mp4).
python3 make-colour-samples.py

# HDR10 whose content light level understates it: 2 s of 10-bit PQ, a grey field at 100 cd/m²
# (PQ 0.5081) and a 40x40 box at 1000 cd/m² (PQ 0.7518; 1004 after 10-bit rounding) moving 4 pixels a
# picture, x265 lossless; ST 2086 says a 1000 cd/m² display, MaxCLL 400 (wrong), MaxFALL 125 (right).
python3 - <<'PY' | "${FF[@]}" -f rawvideo -pix_fmt yuv420p10le -s 320x180 -r 25 -i - -c:v libx265 \
  -x265-params "lossless=1:log-level=error:pools=1:frame-threads=1:hdr10=1:master-display=G(8500,39850)B(6550,2300)R(35400,14600)WP(15635,16450)L(10000000,50):max-cll=400,125" \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -pix_fmt yuv420p10le hdr-pq-maxcll-understated.mp4
import array, sys
W, H = 320, 180
def code(v): return int(round(64 + 876 * v))
grey, white = code(0.5081), code(0.7518)
for n in range(50):
    y = array.array("H", [grey]) * (W * H)
    x0 = 20 + 4 * n
    for row in range(70, 110):
        y[row * W + x0:row * W + x0 + 40] = array.array("H", [white]) * 40
    c = array.array("H", [512]) * (W * H // 4)
    sys.stdout.buffer.write(y.tobytes() + c.tobytes() + c.tobytes())
PY

# Interlaced content flagged progressive: testsrc2 at 50 pictures a second woven into 25 frames,
# top field first (`interlace`), coded as progressive H.264.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=50:duration=4,format=yuv420p,interlace=scan=tff:lowpass=0" -r 25 \
  "${X264[@]}" interlaced-flagged-progressive.mp4

# Unreadable inputs: empty, random bytes, and a clip cut off at 55% of its bytes.
mkdir -p broken
: > broken/empty.mp4
python3 -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(65536)))" > broken/random.mov
# Nothing to decode: an MP4 with no stream at all, a MOV holding only a timecode track, and a
# WAV whose header claims 0 channels (tone-dropout.wav's first 0.1 s with the count zeroed).
"${FF[@]}" -f lavfi -i testsrc2=d=1 -frames:v 0 -c:v libx264 broken/no-streams.mp4
"${FF[@]}" -f lavfi -i "testsrc2=size=160x90:rate=25:duration=1" -c:v libx264 -timecode 01:00:00:00 /tmp/gl-tc.mov
"${FF[@]}" -i /tmp/gl-tc.mov -map 0:d -c copy -timecode 01:00:00:00 broken/tmcd-only.mov 2>/dev/null
rm -f /tmp/gl-tc.mov
python3 - <<'PY'
d = bytearray(open("tone-dropout.wav", "rb").read())
d[22:24] = (0).to_bytes(2, "little")   # NumChannels
open("broken/zero-channels.wav", "wb").write(bytes(d[:44 + 3200]))
PY
# The truncated clip has black frames 50-74 (2.0-3.0 s), before the cut, which must still be reported.
"${FF[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=8,format=rgb24,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,50,74)',format=yuv420p" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=8" \
  "${X264[@]}" -c:a aac -b:a 96k -movflags +faststart broken/full-for-truncation.mp4
size=$(stat -c %s broken/full-for-truncation.mp4)
head -c $((size * 55 / 100)) broken/full-for-truncation.mp4 > broken/truncated.mp4
rm broken/full-for-truncation.mp4
ls -l . broken

# A test fixture outside sample-media (so `make demo` checks the same clips): the same 200
# pictures as black-8bit-limited.mp4, remuxed without re-encoding to MPEG-TS with its clock
# moved on 10 s, so it starts at 11.4 s. The lock-step reader pairs them picture for picture.
"${FF[@]}" -i black-8bit-limited.mp4 -c copy -output_ts_offset 10 -f mpegts ../Tests/Fixtures/black-8bit-limited-offset.ts
