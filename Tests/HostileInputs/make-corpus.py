#!/usr/bin/env python3
"""Makes the hostile-input corpus: files no one should hand a QC tool, and what greenlight must
do with each.

    Tests/HostileInputs/make-corpus.py OUT

writes the files into OUT and OUT/cases.json. Each case is one greenlight command, run by
HostileInputTests with a bound on its time and memory, and what the run must show: the exit code
(as documented in the README), words on stderr, and in the JSON report each input's error or
findings, with the good clip beside the bad one still checked as it is alone.

The media come from the ffmpeg CLI (lavfi sources, nothing downloaded); every damage is made
here, byte by byte, from a fixed seed, so the corpus is the same on every machine.
"""
import json
import os
import random
import subprocess
import sys

OUT = os.path.abspath(sys.argv[1])
os.makedirs(OUT, exist_ok=True)
rng = random.Random(14)
cases = []

MEDIA_EXTENSIONS = ["mov", "mp4", "m4v", "mxf", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg",
                    "m2v", "dv", "y4m", "wav", "aif", "aiff", "flac", "mp3", "m4a", "aac", "ac3", "ec3",
                    "mka", "ogg", "opus", "3gp", "nut"]
SUBTITLE_EXTENSIONS = ["srt", "vtt", "ttml", "dfxp", "xml", "scc", "stl"]


def path(name):
    return os.path.join(OUT, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path(name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def case(name, what, args, exit, stderr=(), report=None, gets=None, stdout=()):
    """`args` name corpus files as {x}; `report` maps an input (as given) to what its entry in
    the JSON report must hold: {"error": words} (any error for ""), {"codes": [finding codes]}
    with optionally {"message": words one of its findings says} and {"summary": "checker: words"
    its summary says}, or {"same-as": input} (the same verdict and findings). `gets` is the README's sentence for what the user gets."""
    cases.append({"name": name, "what": what, "args": args, "exit": exit, "stderr": list(stderr),
                  "stdout": list(stdout), "report": report or {}, "gets": gets or ""})


V = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4"]
A = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4"]
H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"]

# The good clip every media case runs beside (its report must be what it is alone).
ffmpeg(*V, *A, *H264, "-c:a", "aac", "-ac", "2", "-shortest", path("good.mp4"))
# Bases to damage: the index at the tail (ffmpeg's default MP4) and at the head (faststart),
# Matroska (cues at the tail), MXF (index in the footer partition).
ffmpeg(*V, *A, *H264, "-c:a", "aac", "-ac", "2", "-shortest", path("base-tail.mp4"))
ffmpeg(*V, *A, *H264, "-c:a", "aac", "-ac", "2", "-shortest", "-movflags", "+faststart", path("base-head.mp4"))
ffmpeg(*V, *A, *H264, "-c:a", "flac", "-shortest", path("base.mkv"))
ffmpeg(*V, *A, "-c:v", "mpeg2video", "-q:v", "4", "-c:a", "pcm_s16le", "-ar", "48000", "-shortest", path("base.mxf"))
ffmpeg(*V, "-an", *H264, path("video-only.mp4"))
ffmpeg(*A, "-c:a", "pcm_s16le", path("audio-only.wav"))

GOOD = "{good.mp4}"

# --- Media: nothing there, random bytes under every extension ---
write("empty.mov", b"")
case("empty file", "an empty file (0 bytes)", ["check", "{empty.mov}", GOOD], 2,
     ["the file is empty (0 bytes)"], {"{empty.mov}": {"error": "the file is empty (0 bytes)"}},
     "verdict `error`: \"the file is empty (0 bytes)\"")
noise = bytes(rng.getrandbits(8) for _ in range(64 * 1024))
for ext in MEDIA_EXTENSIONS:
    write(f"random.{ext}", noise)
case("random bytes, every media extension", "64 KB of random bytes named .mov, .mp4, .mxf, .mkv … (29 extensions)",
     ["check"] + ["{random.%s}" % e for e in MEDIA_EXTENSIONS] + [GOOD], 2, ["Cannot open the file"],
     {"{random.%s}" % e: {"error": ""} for e in MEDIA_EXTENSIONS},
     "verdict `error` for each with FFmpeg's reason (\"EBML header parsing failed\", \"no container format "
     "was recognised\"), or, where a lenient demuxer finds frames, what the decoder rejected")

# --- Truncations, with the index at the tail and at the head ---
tail, head, mkv, mxf = read("base-tail.mp4"), read("base-head.mp4"), read("base.mkv"), read("base.mxf")
for pct in (10, 50, 90):
    write(f"cut-index-at-tail-{pct}.mp4", tail[: len(tail) * pct // 100])
case("truncated, index at the tail", "an MP4 cut at 10 %, 50 % and 90 % whose index (moov) was at the end",
     ["check"] + ["{cut-index-at-tail-%d.mp4}" % p for p in (10, 50, 90)] + [GOOD], 2, ["moov"],
     {"{cut-index-at-tail-%d.mp4}" % p: {"error": "the index (moov) is missing"} for p in (10, 50, 90)},
     "verdict `error`: the index (moov) is missing, the file is cut or still being written")
for pct in (10, 50, 90):
    write(f"cut-index-at-head-{pct}.mp4", head[: len(head) * pct // 100])
case("truncated, index at the head", "a faststart MP4 cut at 10 %, 50 % and 90 %",
     ["check"] + ["{cut-index-at-head-%d.mp4}" % p for p in (10, 50, 90)] + [GOOD], 2, ["stops at"],
     {"{cut-index-at-head-%d.mp4}" % p: {"error": "truncated or damaged"} for p in (10, 50, 90)},
     "verdict `error` naming the stream and where it stops; findings before the cut kept")
write("cut-50.mkv", mkv[: len(mkv) // 2])
write("cut-50.mxf", mxf[: len(mxf) // 2])
case("truncated Matroska and MXF", "Matroska and MXF cut in half (their indexes were at the tail)",
     ["check", "{cut-50.mkv}", "{cut-50.mxf}", GOOD], 2, ["truncated or damaged"],
     {"{cut-50.mkv}": {"error": "truncated or damaged"}, "{cut-50.mxf}": {"error": "truncated or damaged"}},
     "verdict `error` naming the stream and where it stops")

# A transport stream has no index: a cut is read from its last packets (a partial 188-byte
# packet, a PES packet shorter than it declares) or its last picture (concealed by the decoder).
ffmpeg(*V, *A, *H264, "-c:a", "aac", "-ac", "2", "-shortest", path("base.ts"))
ts = read("base.ts")


def ts_cut(kind, where):
    """The first 188-byte boundary after byte `where` that cuts the file as `kind` says:
    "mid-picture" (the video PES, PID 256, goes on past the cut), "mid-audio" (an audio PES,
    PID 257, is open: fewer of its bytes before the cut than it declares), "between" (the next
    packet starts a video PES and no audio PES is open: a cut no packet can show)."""
    audio_left = 0  # bytes the open audio PES still declares
    for at in range(0, len(ts) - 188, 188):
        pid, pusi = (ts[at + 1] & 0x1F) << 8 | ts[at + 2], ts[at + 1] & 0x40
        payload = at + 4 + (1 + ts[at + 4] if ts[at + 3] & 0x20 else 0)
        if pid == 257:
            if pusi:
                audio_left = (ts[payload + 4] << 8 | ts[payload + 5]) + 6
            audio_left -= at + 188 - payload
        nxt_pid, nxt_pusi = (ts[at + 189] & 0x1F) << 8 | ts[at + 190], ts[at + 189] & 0x40
        if at + 188 < where:
            continue
        if kind == "mid-picture" and nxt_pid == 256 and not nxt_pusi and audio_left <= 0:
            return at + 188
        if kind == "mid-audio" and pid == 257 and audio_left > 0:
            return at + 188
        if kind == "between" and nxt_pid == 256 and nxt_pusi and audio_left <= 0:
            return at + 188
    raise SystemExit(f"no {kind} cut in base.ts")


for pct in (10, 50, 90):
    n = len(ts) * pct // 100
    write(f"cut-mid-packet-{pct}.ts", ts[: n if n % 188 else n + 1])
case("truncated transport stream, mid-packet", "a TS cut at 10 %, 50 % and 90 %, inside a 188-byte packet",
     ["check"] + ["{cut-mid-packet-%d.ts}" % p for p in (10, 50, 90)] + [GOOD], 2, ["the transport stream is cut"],
     {"{cut-mid-packet-%d.ts}" % p: {"error": "into a 188-byte packet"} for p in (10, 50, 90)},
     "verdict `error`: \"The file is truncated … it ends 112 bytes into a 188-byte packet\"")
for kind, pct in (("mid-picture", 30), ("mid-picture", 70), ("mid-audio", 50)):
    write(f"cut-{kind}-{pct}.ts", ts[: ts_cut(kind, len(ts) * pct // 100)])
case("truncated transport stream, on a packet boundary", "a TS cut between whole packets: inside a picture at 30 % and 70 %, inside an audio PES packet at 50 %",
     ["check", "{cut-mid-picture-30.ts}", "{cut-mid-picture-70.ts}", "{cut-mid-audio-50.ts}", GOOD], 2, ["The file is truncated"],
     {"{cut-mid-picture-30.ts}": {"error": "partway through its last picture"},
      "{cut-mid-picture-70.ts}": {"error": "partway through its last picture"},
      "{cut-mid-audio-50.ts}": {"error": "the last PES packet of PID 257 holds"}},
     "verdict `error`: the last picture is incomplete, or the last audio PES packet is shorter than it declares")
write("cut-between-pictures.ts", ts[: ts_cut("between", len(ts) * 60 // 100)])
case("transport stream cut between pictures", "a whole TS, and one cut on a packet boundary just before a picture starts",
     ["check", "{base.ts}", "{cut-between-pictures.ts}", GOOD], 0, [],
     {"{base.ts}": {"codes": ["decode.end-unverified"]}, "{cut-between-pictures.ts}": {"codes": ["decode.end-unverified"]}},
     "checked; `decode.end-unverified` (info) says that a cut between two pictures of a TS cannot be told from its end")


def box(data, tag):
    """Offset and size of the first MP4 box named tag (searched as bytes)."""
    at = data.index(tag.encode()) - 4
    return at, int.from_bytes(data[at:at + 4], "big")


# A damaged index: the chunk offsets (stco) point at random places; the sample sizes (stsz)
# are random.
d = bytearray(head)
at, size = box(d, "stco")
for i in range(at + 16, at + size):
    d[i] = rng.getrandbits(8)
write("bad-chunk-offsets.mp4", bytes(d))
d = bytearray(head)
at, size = box(d, "stsz")
for i in range(at + 20, at + size):
    d[i] = rng.getrandbits(8)
write("bad-sample-sizes.mp4", bytes(d))
case("damaged index", "an MP4 whose chunk offsets, or sample sizes, are random",
     ["check", "{bad-chunk-offsets.mp4}", "{bad-sample-sizes.mp4}", GOOD], 2, [],
     {"{bad-chunk-offsets.mp4}": {"error": ""}, "{bad-sample-sizes.mp4}": {"error": ""}},
     "verdict `error` with what could not be read, or `decode.damaged` over the span")


# --- Streams: none, data only, one kind only ---
# An MP4 holding a movie header and nothing else (no track), and a QuickTime file with only a
# timecode track (data), made from a real clip's timecode track.
mvhd = (b"\0\0\0\0" + b"\0" * 8 + (1000).to_bytes(4, "big") + (4000).to_bytes(4, "big") + (0x10000).to_bytes(4, "big")
        + (0x100).to_bytes(2, "big") + b"\0" * 10 + bytes.fromhex("00010000" + "00000000" * 3 + "00010000" + "00000000" * 3 + "40000000")
        + b"\0" * 24 + (2).to_bytes(4, "big"))
mvhd = (8 + len(mvhd)).to_bytes(4, "big") + b"mvhd" + mvhd
moov = (8 + len(mvhd)).to_bytes(4, "big") + b"moov" + mvhd
ftyp = (20).to_bytes(4, "big") + b"ftypisom" + (512).to_bytes(4, "big") + b"isom"
write("no-streams.mp4", ftyp + moov)
ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x36:rate=25:duration=1", "-timecode", "10:00:00:00", "-c:v", "mpeg4",
       path("with-tmcd.mov"))
ffmpeg("-i", path("with-tmcd.mov"), "-map", "0:d", "-c", "copy", path("data-only.mov"))
case("no stream, data only", "an MP4 with no track at all; a MOV holding only a timecode track",
     ["check", "{no-streams.mp4}", "{data-only.mov}", GOOD], 2, ["no video, audio or subtitle stream found"],
     {"{no-streams.mp4}": {"error": "the container holds no streams"},
      "{data-only.mov}": {"error": "the container holds only data (tmcd)"}},
     "verdict `error`: \"no video, audio or subtitle stream found: the container holds only data (tmcd)\"")
case("one kind of stream only", "a picture with no sound; sound with no picture",
     ["check", "{video-only.mp4}", "{audio-only.wav}", GOOD], 0, [],
     {"{video-only.mp4}": {"codes": [], "summary": "av-sync: needs both picture and sound"},
      "{audio-only.wav}": {"codes": ["loudness.integrated"]}},
     "checked as what it holds; the report's summaries say what had nothing to measure (`av-sync`: \"needs both picture and sound\")")

# --- Absurd dimensions: headers that claim pictures no one could hold ---
write("huge.y4m", b"YUV4MPEG2 W100000 H100000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\x80" * 4096)
write("zero-size.y4m", b"YUV4MPEG2 W0 H0 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\x80" * 4096)
# Matroska whose track header claims 65535x65535 over 320x180 pictures (PixelWidth 0xB0 and
# PixelHeight 0xBA, both written by ffmpeg as two-byte values).
d = bytearray(mkv)
for element in (b"\xb0\x82", b"\xba\x82"):
    at = d.index(element)
    d[at + 2:at + 4] = b"\xff\xff"
write("claims-65535.mkv", bytes(d))
case("absurd dimensions", "Y4M headers claiming 100000x100000 and 0x0; Matroska claiming 65535x65535 over 320x180 pictures",
     ["check", "{huge.y4m}", "{zero-size.y4m}", "{claims-65535.mkv}", GOOD], 2, [],
     {"{huge.y4m}": {"error": "Cannot open the file"}, "{zero-size.y4m}": {"error": "Cannot open the file"},
      "{claims-65535.mkv}": {"codes": []}},
     "refused at open with FFmpeg's reason, before any picture is allocated; a container that only "
     "claims a size is checked at the size the pictures have")

# --- Damage mid-file: corrupt packets, a lost cluster ---
d = bytearray(head)
at = d.index(b"mdat") + len(d) // 2 - 2000
for i in range(at, at + 3000):
    d[i] = rng.getrandbits(8)
write("corrupt-packets.mp4", bytes(d))
d = bytearray(mkv)
clusters = [i for i in range(len(d) - 4) if d[i:i + 4] == b"\x1f\x43\xb6\x75"]
second = clusters[1]
size_len = 8 - (d[second + 4]).bit_length() + 1
size = int.from_bytes(d[second + 4:second + 4 + size_len], "big") & ((1 << (7 * size_len)) - 1)
for i in range(second, second + 4 + size_len + size):
    d[i] = 0
write("lost-cluster.mkv", bytes(d))
case("corrupt packets, a lost cluster", "an MP4 with 3000 random bytes over packets mid-file; Matroska with its second cluster zeroed",
     ["check", "{corrupt-packets.mp4}", "{lost-cluster.mkv}", GOOD], 1, [],
     {"{corrupt-packets.mp4}": {"codes": ["decode.damaged"]}, "{lost-cluster.mkv}": {"codes": ["decode.gap"]}},
     "`decode.damaged` with its time span (error); `decode.gap` with the missing range (warning)")

# --- A timecode tag no SMPTE label can be (it overflowed the frame count and trapped) ---
ffmpeg("-i", path("base.mkv"), "-c", "copy", "-metadata", "timecode=999999999999999:00:00:00", path("absurd-timecode.mkv"))
case("absurd timecode tag", "Matroska whose timecode tag says 999999999999999:00:00:00",
     ["check", "{absurd-timecode.mkv}", "{base.mkv}"], 0, [], {"{absurd-timecode.mkv}": {"same-as": "{base.mkv}"}},
     "the tag is not a timecode (SMPTE hours are 00–23): checked and reported as the same file without it")

# --- Sound whose layout and rate change mid-stream ---
ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-af", "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0",
       "-c:a", "ac3", path("part-51.ac3"))
ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-ac", "2", "-c:a", "ac3", path("part-20.ac3"))
write("layout-change.ac3", read("part-51.ac3") + read("part-20.ac3") + read("part-51.ac3"))
case("layout and rate changes", "AC-3 going 5.1 48 kHz → stereo 44.1 kHz → 5.1 48 kHz",
     ["check", "{layout-change.ac3}", GOOD], 0, [], {"{layout-change.ac3}": {"codes": ["audio.layout-change"]}},
     "every part analysed; `audio.layout-change` (info) at each change")

# --- Subtitles ---
for ext in SUBTITLE_EXTENSIONS:
    write(f"noise.{ext}", noise[:16384])
    case(f"random bytes as .{ext} subtitles", f"16 KB of random bytes named .{ext}, given with --subtitles",
         ["check", GOOD, "--subtitles", "{noise.%s}" % ext], 0, [], {GOOD: {"codes": ["subtitle.parse-error"]}},
         "the picture and sound checked; `subtitle.parse-error` (warning) for what cannot be read")
cue = "1\n00:00:01,000 --> 00:00:02,000\n%s\n\n"
write("huge-line.srt", cue % ("word " * 1_000_000))
write("huge-line.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "x" * 5_000_000 + "\n")
case("huge subtitle lines", "a SubRip cue of one 5 MB line; a WebVTT cue of 5 MB without a space",
     ["check", GOOD, "--subtitles", "{huge-line.srt}"], 0, [], {GOOD: {"codes": ["subtitle.line-length"]}},
     "read in linear time; the line is reported as too long")
case("huge WebVTT line", "a WebVTT cue of 5 MB without a space",
     ["check", GOOD, "--subtitles", "{huge-line.vtt}"], 0, [], {GOOD: {"codes": ["subtitle.line-length"]}},
     "read in linear time; the line is reported as too long")
write("invalid-utf8.srt", b"1\n00:00:01,000 --> 00:00:02,000\nna\xefve caf\xe9 \xc3\x28 \xff\xfe\n\n")
case("invalid UTF-8", "a SubRip file with bytes that are not UTF-8",
     ["cues", "{invalid-utf8.srt}"], 0, [], {}, stdout=["(detected), 1 cue(s), 0 parse error(s)"],
     gets="read as the Windows code page its bytes fit, and `cues` says which was assumed")
write("past-10000-hours.srt", cue % "A cue that reads." + "2\n99999999999999999:00:00,000 --> 99999999999999999:00:01,000\nLate\n")
case("times past 10 000 hours", "a SubRip cue at hour 99999999999999999 (its tick count overflowed and trapped)",
     ["check", GOOD, "--subtitles", "{past-10000-hours.srt}"], 0, [],
     {GOOD: {"codes": ["subtitle.parse-error"], "message": "cannot read the times"}},
     "`subtitle.parse-error` for that cue (times past 10 000 hours are not read); the other cues checked")
write("nested.ttml", '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="1s" end="2s">'
      + "<span>" * 100_000 + "deep" + "</span>" * 100_000 + "</p></div></body></tt>")
case("deeply nested TTML", "TTML with 100 000 nested spans",
     ["cues", "{nested.ttml}"], 0, [], {}, stdout=["1 cue(s), 0 parse error(s)", "\tdeep"],
     gets="read without recursion: the one cue and its text, no stack overflow")
laughs = '<?xml version="1.0"?>\n<!DOCTYPE tt [\n <!ENTITY lol "lol">\n' + "".join(
    f' <!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">\n' for i in range(1, 10)) + "]>\n"
write("billion-laughs.ttml", laughs + '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="1s" end="2s">&lol9;</p></div></body></tt>')
write("external-entity.ttml", '<?xml version="1.0"?>\n<!DOCTYPE tt [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
      '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="1s" end="2s">&secret;</p></div></body></tt>')
for name in ("billion-laughs.ttml", "external-entity.ttml"):
    case(name.split(".")[0].replace("-", " "), f"TTML declaring {'an entity that expands to a billion' if 'laughs' in name else 'an external entity (file:///etc/passwd)'}",
         ["check", GOOD, "--subtitles", "{%s}" % name], 0, [], {GOOD: {"codes": ["subtitle.parse-error"]}},
         "`subtitle.parse-error`: entity declarations are refused, nothing is expanded or fetched")


# SCC whose time code goes backwards: the caption it takes down never appeared (it gave 0 cues
# and no word); both the time code and the lost caption are parse errors with their lines.
write("backwards.scc", "Scenarist_SCC V1.0\n\n00:00:03:00\t9420 9420 94ae 94ae 9452 9452 c8e5 ecec ef80 942f 942f\n\n"
      "00:00:01:00\t942c 942c\n")
case("SCC time code going backwards", "an SCC file whose second time code is before the first",
     ["check", GOOD, "--subtitles", "{backwards.scc}"], 0, [],
     {GOOD: {"codes": ["subtitle.parse-error"], "message": "the file's time codes go backwards here"}},
     "`subtitle.parse-error` for the time code going backwards and for the caption it takes down before it appears")


def timestamp(ms):
    return "%02d:%02d:%02d,%03d" % (ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000)


write("100000-cues.srt", "".join("%d\n%s --> %s\nCue number %d\n\n" % (i + 1, timestamp(i * 2000), timestamp(i * 2000 + 1500), i + 1)
                                 for i in range(100_000)))
case("100 000 cues", "a SubRip file of 100 000 cues (55 hours) beside a 4 s clip",
     ["check", GOOD, "--subtitles", "{100000-cues.srt}"], 0, [], {GOOD: {"codes": ["subtitle.out-of-bounds"], "message": "99498 more subtitle.out-of-bounds finding(s)"}},
     "every cue read and checked; a report lists 500 findings of one kind per file, the last saying how many more")

# --- Profiles ---
alias = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]\n" for i in range(1, 9))
write("alias-bomb.yaml", alias + "checkers: {black: *a8}\n")
write("deep.json", "[" * 100_000 + "]" * 100_000)
write("deep.yaml", "checkers: " + "{a: " * 20_000 + "}" * 20_000 + "\n")
write("huge.json", '{"name": "' + "x" * (2 << 20) + '"}')
for name, words in (("alias-bomb.yaml", "alias or merge-key bomb"), ("deep.json", "Maximum nesting level"), ("deep.yaml", "Maximum nesting level"),
                    ("huge.json", "a profile may be at most 1048576 bytes (1 MB)")):
    case(f"profile {name}", {"alias-bomb.yaml": "a YAML profile whose aliases expand to 10^9 nodes",
                             "deep.json": "a JSON profile nested 100 000 deep",
                             "deep.yaml": "a YAML profile nested 20 000 deep",
                             "huge.json": "a 2 MB JSON profile"}[name],
         ["check", GOOD, "--profile", "{%s}" % name], 2, [words], {},
         "usage error (exit 2) naming the file; nothing is checked")

# Values of the wrong kind: YAML would make a number of each, so each must be refused by name.
for name, text, words in (("quoted-number.yaml", 'checkers:\n  black: { threshold: "10" }\n', "checkers.black.threshold: '10' is quoted text, not a number"),
                          ("hex-duration.yaml", "checkers:\n  black: { min-duration: 0x10 }\n", "checkers.black.min-duration: '0x10' is not a duration"),
                          ("base60-number.yaml", "checkers:\n  freeze: { noise: 1:30 }\n", "checkers.freeze.noise: '1:30' is not a decimal number"),
                          ("yes-flag.yaml", "checkers:\n  subtitle-timing: { closed-gaps: yes }\n", "closed-gaps: 'yes' is not true or false"),
                          ("empty.yaml", "", "the profile is empty")):
    write(name, text)
    case(f"profile {name}", f"a profile whose value is of the wrong kind: {text.strip() or '0 bytes'}",
         ["check", GOOD, "--profile", "{%s}" % name], 2, [words], {},
         "usage error (exit 2) naming the file and the key; nothing is checked")

# --- Paths ---
for name in ("with space.mp4", "ünïcødé 日本語.mp4", "quote's \"double\".mp4", "take:2.mp4", "concat:good.mp4|good.mp4",
             "new\nline.mp4", "-leading-dash.mp4"):
    with open(path(name), "wb") as f:
        f.write(read("good.mp4"))
case("awkward names", "the good clip named with spaces, unicode, quotes, a colon (FFmpeg's protocol syntax), "
     "`concat:`, a newline, and a leading dash (after --)",
     ["check", "--", "{with space.mp4}", "{ünïcødé 日本語.mp4}", "{quote's \"double\".mp4}", "{take:2.mp4}",
      "{concat:good.mp4|good.mp4}", "{new\nline.mp4}", "{-leading-dash.mp4}"], 0, [],
     {"{%s}" % n: {"same-as": GOOD} for n in ("with space.mp4", "ünïcødé 日本語.mp4", "quote's \"double\".mp4", "take:2.mp4",
                                              "concat:good.mp4|good.mp4", "new\nline.mp4", "-leading-dash.mp4")},
     "each checked as the file it names (never as a URL or protocol), with the same findings")

# --- FIFOs and devices ---
os.mkfifo(path("fifo.mov"))
case("FIFO and devices as media", "a FIFO named .mov, /dev/zero, /dev/null, /dev/urandom",
     ["check", "{fifo.mov}", "/dev/zero", "/dev/null", "/dev/urandom", GOOD], 2, ["not a regular file"],
     {"{fifo.mov}": {"error": "(a FIFO)"}, "/dev/zero": {"error": "(a device)"}, "/dev/null": {"error": "(a device)"},
      "/dev/urandom": {"error": "(a device)"}},
     "verdict `error`: \"not a regular file (a FIFO)\" or \"(a device)\"; never opened, so nothing blocks")
with open(path("sidecar.mp4"), "wb") as f:
    f.write(read("good.mp4"))
os.mkfifo(path("sidecar.srt"))
case("FIFO as a sidecar", "a FIFO named like the clip's sidecar subtitles (sidecar.srt)",
     ["check", "{sidecar.mp4}"], 0, [], {"{sidecar.mp4}": {"codes": ["subtitle.parse-error"]}},
     "the clip checked; `subtitle.parse-error`: \"not a regular file (a FIFO)\"")
for flag, dev in (("--subtitles", "{fifo.mov}"), ("--subtitles", "/dev/zero"), ("--profile", "{fifo.mov}"), ("--profile", "/dev/zero")):
    exit = 0 if flag == "--subtitles" else 2
    case(f"{flag} {dev}", f"{flag} naming a FIFO or a device", ["check", GOOD, flag, dev], exit,
         [] if exit == 0 else ["not a regular file"],
         {GOOD: {"codes": ["subtitle.parse-error"], "message": "not a regular file"}} if exit == 0 else {},
         "refused with \"not a regular file\", never opened: a subtitle as `subtitle.parse-error`, a profile as a usage error")
case("cues on a device", "`greenlight cues /dev/zero`", ["cues", "/dev/zero"], 2, ["not a regular file (a device)"], {},
     "exit 2: \"not a regular file (a device)\"")

with open(path("cases.json"), "w") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
print(f"{len(cases)} cases in {OUT}")
