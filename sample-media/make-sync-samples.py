#!/usr/bin/env python3
"""Makes the av-sync clips (sync-*.mp4/.mov/.mkv) with known offsets; make-samples.sh runs it.

Sign convention: offset = time of an event's sound - time of its picture; positive = audio late.
Sound is written sample by sample here (so every onset sits on the exact sample the manifest
says) and muxed with a lavfi picture whose events sit on exact frame numbers.
"""
import math
import random
import struct
import subprocess
import sys
import wave
from fractions import Fraction

FF = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-nostdin"]
X264 = ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-g", "50", "-threads", "1", "-x264-params", "bframes=2"]
RATE = 48000


def write_wav(path, samples):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(s * 32767)))) for s in samples))


def tone(buf, start, length, freq=1000.0, amp=0.5):
    """A sine burst from sample `start` (phase 0 there), `length` samples long."""
    for i in range(max(0, -start), length):
        if start + i < len(buf):
            buf[start + i] += amp * math.sin(2 * math.pi * freq * i / RATE)


def hit(buf, start, rng, amp=0.5, decay=0.04):
    """A percussive noise hit from sample `start`, decaying with time constant `decay` s."""
    for i in range(int(decay * 6 * RATE)):
        if 0 <= start + i < len(buf):
            buf[start + i] += amp * math.exp(-i / (decay * RATE)) * (rng.random() * 2 - 1)


def mux(name, video_filter, seconds, wav, audio_codec):
    out = [*FF, "-f", "lavfi", "-i", video_filter, "-i", wav, "-t", str(seconds), *X264, "-pix_fmt", "yuv420p"]
    if audio_codec == "aac":
        out += ["-c:a", "aac", "-b:a", "128k"]
    else:
        out += ["-c:a", "pcm_s16le"]
    subprocess.run(out + [name], check=True)


def leader(name, fps, seconds, offset_at, audio_codec="aac", flashes=True):
    """Black picture with a white flash frame once a second, and a one-frame 1 kHz beep for each
    flash, `offset_at(t)` seconds after it."""
    rate = Fraction(fps)
    period = round(rate)  # frames between flashes: 25 at 25 fps, 24 at 23.976
    first = period // 2
    frames = int(seconds * rate)
    buf = [0.0] * int(seconds * RATE)
    for n in range(first, frames, period):
        t = n / rate
        onset = round((float(t) + offset_at(float(t))) * RATE)
        tone(buf, onset, round(RATE / float(rate)))
    wav = f"/tmp/gl-{name}.wav"
    write_wav(wav, buf)
    enable = f"eq(mod(n\\,{period})\\,{first})" if flashes else "0"
    vf = (f"color=black:size=160x90:rate={fps}:duration={seconds},format=yuv420p,"
          f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{enable}',noise=alls=2:allf=t")
    mux(name, vf, seconds, wav, audio_codec)


def content(name, fps, seconds, offset, seed):
    """Moving test picture cut at irregular frames (brightness and hue change at each cut), with a
    noise hit `offset` s after most cuts, hits at no cut, a low hum and a little noise."""
    rng = random.Random(seed)
    rate = Fraction(fps)
    frames = int(seconds * rate)
    cuts, n = [], 0
    while True:
        n += rng.randint(8, 55)
        if n >= frames - 5:
            break
        cuts.append(n)
    buf = [0.05 * math.sin(2 * math.pi * 110 * i / RATE) + 0.01 * (rng.random() * 2 - 1) for i in range(int(seconds * RATE))]
    for k, c in enumerate(cuts):
        if k % 7 != 3:  # every seventh cut is silent
            hit(buf, round((float(c / rate) + offset) * RATE), rng)
    for _ in range(len(cuts) // 5):  # sounds with no cut
        hit(buf, rng.randrange(RATE, len(buf) - RATE), rng, amp=0.3)
    wav = f"/tmp/gl-{name}.wav"
    write_wav(wav, buf)
    levels = [rng.choice([-0.25, -0.1, 0.05, 0.2]) for _ in cuts]
    hues = [rng.choice([0, 60, 140, 220, 300]) for _ in cuts]
    # Piecewise-constant by frame number: the value of the last cut at or before n.
    def piecewise(values):
        terms = [f"{v - (values[i - 1] if i else 0)}*gte(n\\,{c})" for i, (c, v) in enumerate(zip(cuts, values))]
        return "+".join(terms) or "0"
    vf = (f"testsrc2=size=160x90:rate={fps}:duration={seconds},format=yuv420p,"
          f"eq=brightness='{piecewise(levels)}':eval=frame,hue=h='{piecewise(hues)}'")
    mux(name, vf, seconds, wav, "aac")
    return cuts


def two_pop(name, fps, pop_error_frames, flash, audio_codec):
    """A 23.976 leader: grey to the '2' frame (24), black for 47 frames, first frame of action at
    72 = 24 + 48 (2 s at the nominal 24). A one-frame 1 kHz pop `pop_error_frames` after frame 24."""
    rate = Fraction(fps)
    seconds = 6
    buf = [0.0] * int(seconds * RATE)
    pop = 24 + pop_error_frames
    tone(buf, round(float(pop / rate) * RATE), round(RATE / float(rate)))
    for i in range(int(float(72 / rate) * RATE), len(buf)):
        buf[i] += 0.1 * math.sin(2 * math.pi * 300 * i / RATE)
    wav = f"/tmp/gl-{name}.wav"
    write_wav(wav, buf)
    flash_box = f",drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,24)'" if flash else ""
    vf = (f"testsrc2=size=160x90:rate={fps}:duration={seconds},format=yuv420p,"
          f"drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill:enable='lt(n\\,24)'"
          f"{flash_box},drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n\\,25\\,71)'")
    mux(name, vf, seconds, wav, audio_codec)


def main():
    leader("sync-flash-25-insync.mp4", "25", 12, lambda t: 0.0)
    leader("sync-flash-25-late80.mp4", "25", 12, lambda t: 0.080)
    leader("sync-flash-2398-early60.mov", "24000/1001", 12, lambda t: -0.060, audio_codec="pcm")
    leader("sync-flash-2398-late20.mp4", "24000/1001", 12, lambda t: 0.020)
    leader("sync-step.mp4", "25", 20, lambda t: 0.0 if t < 10 else 0.120)
    leader("sync-drift.mp4", "25", 30, lambda t: 0.0015 * t)
    cuts = content("sync-content-insync.mp4", "25", 20, 0.0, seed=11)
    content("sync-content-late3f.mp4", "25", 20, 0.120, seed=12)
    content("sync-content-2398-early2f.mp4", "24000/1001", 20, -2 * 1001 / 24000, seed=13)
    two_pop("sync-two-pop-2398.mov", "24000/1001", 0, True, "pcm")
    two_pop("sync-two-pop-late.mp4", "24000/1001", 2, False, "aac")
    # Nothing to measure: a still picture over a continuous tone.
    subprocess.run([*FF, "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1,trim=end_frame=1,loop=loop=199:size=1,setpts=N/25/TB",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=8", "-t", "8", *X264, "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "96k", "sync-still-tone.mp4"], check=True)
    # Stream level: the sound stream starts 0.5 s after the picture (both end at 3 s).
    subprocess.run([*FF, "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=3",
                    "-itsoffset", "0.5", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2.5",
                    *X264, "-c:a", "aac", "-b:a", "48k", "audio-late-start.mkv"], check=True)
    print("content cuts (sync-content-insync.mp4):", cuts, file=sys.stderr)


if __name__ == "__main__":
    main()
