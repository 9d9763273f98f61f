#!/usr/bin/env python3
"""Writes the fuzzers' starting inputs into Fuzz/seeds/<target>/: one small valid file of each
kind (and of each container, for media), so libFuzzer mutates from inputs that reach deep into
each parser rather than from nothing. Media come from the ffmpeg CLI (lavfi sources, a few
frames at 32x18); every other seed is written here. Committed; rerun after changing it."""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(ROOT, "seeds")


def write(target, name, data):
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
    with open(os.path.join(SEEDS, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


shutil.rmtree(SEEDS, ignore_errors=True)
write("srt", "basic.srt", "1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Two</i>\r\nlines\r\n\r\n"
      "2\r\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9\r\n{\\an8}Top &amp; <b>bold</b>\r\n\r\n")
write("vtt", "basic.vtt", "WEBVTT - title\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:r1 width:40%\n\nNOTE a note\n\n"
      "intro\n00:01.000 --> 00:02.500 align:start line:10%\n<v Anna>Hello <c.loud>there</c>\n\n"
      "01:00:03.000 --> 01:00:04.000 region:r1\n<00:00:03.500><b>karaoke</b> &lt;tag&gt;\n")
write("ttml", "imsc.ttml", '<?xml version="1.0" encoding="UTF-8"?>\n'
      '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" '
      'xmlns:tts="http://www.w3.org/ns/ttml#styling" ttp:frameRate="25" ttp:frameRateMultiplier="1000 1001" '
      'ttp:tickRate="10000000" xml:lang="en"><head><styling><style xml:id="s1" tts:color="white"/></styling>'
      '<layout><region xml:id="r1" tts:origin="10% 80%" tts:extent="80% 10%"/></layout></head>'
      '<body region="r1"><div begin="10:00:00:00"><p begin="00:00:01.000" end="00:00:02:12">One<br/>two</p>'
      '<p begin="30000000t" dur="1.5s"><span style="s1">three</span> <span begin="0.5s">four</span></p>'
      '<p timeContainer="seq"><span dur="10f">a</span><span dur="12f.1">b</span></p></div></body></tt>\n')
write("scc", "popon.scc", "Scenarist_SCC V1.0\n\n00:00:01;00\t9420 9420 94ae 94ae 9152 9152 c849 e520 942f 942f\n\n"
      "00:00:03;00\t942c 942c\n\n00:00:04:00\t9425 9425 94ad 94ad 9470 9470 d9e5 73a1 91b0 1131\n\n00:00:06;00\t942c\n")


def stl():
    gsi = bytearray(b" " * 1024)
    for text, at in (("850", 0), ("STL25.01", 3), ("00", 12), ("10000000", 256)):
        gsi[at:at + len(text)] = text.encode()
    out = bytes(gsi)
    cues = [((10, 0, 1, 0), (10, 0, 2, 12), b"Bonjour \xc1a tous"), ((10, 0, 3, 1), (10, 0, 4, 0), b"Deux\x8a\x8a\x0dlignes")]
    for n, (tin, tout, text) in enumerate(cues):
        tti = bytearray(b"\x8f" * 128)
        tti[0:5] = bytes([0, n + 1, 0, 0xFF, 0])
        tti[5:9], tti[9:13] = bytes(tin), bytes(tout)
        tti[13:16] = bytes([20, 2, 0])
        tti[16:16 + len(text)] = text
        out += bytes(tti)
    return out


write("stl", "latin.stl", stl())
write("profile", "delivery.yaml", "name: delivery\ndescription: gates masters\ncheckers:\n  black:\n    threshold: 0.1\n"
      "    min-duration: 5f\n  freeze: true\n  silence: {threshold: -60}\n  loudness: null\n  gamut: false\n"
      "severity:\n  black.segment@head: info\n  decode.gap: error\n")
write("profile", "ci.json", '{"name": "ci", "checkers": {"black": {"threshold": 0.02}, "subtitle-timing": '
      '{"max-cps": 17}}, "severity": {"freeze.segment": "error"}}')


def ffmpeg(name, *args):
    os.makedirs(os.path.join(SEEDS, "media"), exist_ok=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, os.path.join(SEEDS, "media", name)], check=True)


V = ["-f", "lavfi", "-i", "testsrc2=size=32x18:rate=25:duration=0.12"]
A = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=0.12"]
ffmpeg("h264-aac.mp4", *V, *A, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest")
ffmpeg("mpeg4-pcm.mov", *V, *A, "-c:v", "mpeg4", "-c:a", "pcm_s16le", "-timecode", "10:00:00:00", "-shortest")
ffmpeg("ffv1-flac-srt.mkv", *V, *A, "-f", "srt", "-i", os.path.join(SEEDS, "srt", "basic.srt"),
       "-map", "0", "-map", "1", "-map", "2", "-c:v", "ffv1", "-c:a", "flac", "-c:s", "srt", "-shortest")
ffmpeg("mpeg2-mp2.ts", *V, *A, "-c:v", "mpeg2video", "-c:a", "mp2", "-shortest")
ffmpeg("mpeg2-pcm.mxf", "-f", "lavfi", "-i", "testsrc2=size=32x18:rate=25:duration=0.12",
       "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=0.12", "-c:v", "mpeg2video", "-c:a", "pcm_s16le", "-shortest")
ffmpeg("pcm.wav", *A, "-c:a", "pcm_s24le")
ffmpeg("ac3-51.ac3", "-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.1", "-ac", "6", "-c:a", "ac3")
ffmpeg("raw.y4m", *V, "-pix_fmt", "yuv420p")
ffmpeg("vp9-opus.webm", *V, "-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.12", "-c:v", "libvpx-vp9", "-c:a", "libopus", "-shortest")
print("seeds written to", SEEDS)
