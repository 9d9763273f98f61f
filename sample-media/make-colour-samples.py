#!/usr/bin/env python3
"""Makes the colour clips (colour-*.mp4) with known shots, grades and transitions; make-samples.sh runs it.

A "set-up" is a synthetic scene standing in for one camera position: a still gradient set with
coloured props (boxes) and a little temporal noise, at 960x540. Its shots are 640x360 crops of it
at different framings, each panning slowly (a pixel a frame), so shots of one set-up share a
layout and a cut between them still moves every prop. Grades are FFmpeg filters enabled on exact frames.
"""
import subprocess

FF = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-nostdin"]
X264 = ["-c:v", "libx264", "-preset", "medium", "-crf", "20", "-g", "50", "-threads", "1", "-pix_fmt", "yuv420p",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv"]
RATE = 25

SETUPS = {
    # A warm interior: brown and teal walls, a lamp, a blue chair, a green plant.
    "X": ("gradients=s=960x540:r=25:c0=0x7a5a40:c1=0x305868:c2=0x9a9070:c3=0x504838:nb_colors=4:seed=11:speed=0.00001",
          ["drawbox=x=100:y=80:w=160:h=260:color=0xd8c8a0:t=fill", "drawbox=x=420:y=300:w=220:h=150:color=0x3050a0:t=fill",
           "drawbox=x=700:y=120:w=120:h=300:color=0x407838:t=fill", "drawbox=x=300:y=60:w=60:h=60:color=0xf0f0e8:t=fill"]),
    # An exterior: sky blue to grass green, a red car, a grey wall.
    "Y": ("gradients=s=960x540:r=25:c0=0x80a8d8:c1=0x5a8040:c2=0x607890:c3=0x386030:nb_colors=4:seed=5:speed=0.00001",
          ["drawbox=x=500:y=320:w=260:h=110:color=0xb02828:t=fill", "drawbox=x=60:y=200:w=300:h=200:color=0x909090:t=fill",
           "drawbox=x=820:y=40:w=80:h=80:color=0xf8f0c0:t=fill"]),
}


def scene(setup, crops, extra=""):
    """The set-up's canvas with a moving prop, cropped per frame: crops is [(first frame, x, y)]."""
    source, props = SETUPS[setup]

    def pick(axis):
        # Each shot drifts one pixel a frame to the right (a slow pan), so no shot is a still.
        drift = "+(n-{})" if axis == 1 else ""
        expr = str(crops[0][axis]) + drift.format(crops[0][0])
        for c in crops[1:]:
            expr = f"if(gte(n,{c[0]}),{c[axis]}{drift.format(c[0])},{expr})"
        return expr
    chain = ",".join(props + ["drawbox=x=40:y=250:w=70:h=70:color=0xe0a030:t=fill",
                              "noise=alls=3:allf=t", f"crop=640:360:x='{pick(1)}':y='{pick(2)}'"])
    return f"{source},{chain}" + (f",{extra}" if extra else "")


def segment(path, graph, frames):
    """An intermediate segment, lossless."""
    subprocess.run([*FF, "-f", "lavfi", "-i", graph, "-frames:v", str(frames), "-c:v", "ffv1", "-pix_fmt", "yuv420p", path], check=True)


def encode(name, sources, frames, graph=None):
    """Encodes one lavfi graph, or joins intermediate segments with `graph` (a filter_complex)."""
    args = [*FF]
    if graph is None:
        args += ["-f", "lavfi", "-i", sources]
    else:
        for s in sources:
            args += ["-i", s]
        args += ["-filter_complex", graph, "-map", "[v]"]
    subprocess.run(args + ["-frames:v", str(frames), "-an", *X264, name], check=True)


def tmp(name):
    return f"/tmp/greenlight-colour-{name}.mkv"


FIVE = [(0, 60, 60), (50, 180, 100), (100, 40, 80), (150, 170, 40), (200, 70, 110)]
WARM = "colortemperature=temperature=4500:mix=1:enable='between(n,100,149)'"
encode("colour-shots-warm.mp4", scene("X", FIVE, WARM), 250)
encode("colour-shots-matched.mp4", scene("X", FIVE), 250)

# One shot of X whose grade steps cooler at frame 75, then an ordinary cut to Y at frame 150.
JUMP = "colorbalance=rs=-0.2:bs=0.2:rm=-0.15:bm=0.15:enable='gte(n,75)'"
segment(tmp("jump-x"), scene("X", [(0, 80, 60)], JUMP), 150)
segment(tmp("jump-y"), scene("Y", [(0, 120, 80)]), 100)
encode("colour-grade-jump.mp4", [tmp("jump-x"), tmp("jump-y")], 250, "[0:v][1:v]concat=n=2:v=1[v]")

# Shot changes of every kind, on exact frames (see manifest.json): a hard cut X->Y at 50; a cut
# to the same picture hue-rotated (luma unchanged) at 100; a 1 s dissolve back to X over frames
# 150-174; a one-frame white flash at 200 (not a cut); a fade to black over 225-249.
segment(tmp("cuts-x1"), scene("X", [(0, 40, 40)]), 50)
segment(tmp("cuts-y"), scene("Y", [(0, 120, 80)]), 125)
segment(tmp("cuts-x2"), scene("X", [(0, 200, 100)], "drawbox=x=0:y=0:w=640:h=360:color=white:t=fill:enable='eq(n,50)'"), 100)
encode("colour-cuts.mp4", [tmp("cuts-x1"), tmp("cuts-y"), tmp("cuts-x2")], 250,
       "[1:v]split[y1][y2];[y1]trim=end_frame=50,setpts=PTS-STARTPTS[ya];"
       "[y2]trim=start_frame=50,setpts=PTS-STARTPTS,hue=h=180[yb];"
       "[ya][yb]concat=n=2:v=1,settb=1/25[ys];[2:v]settb=1/25[x2];"
       "[ys][x2]xfade=transition=fade:duration=1:offset=4[yx];"
       "[0:v]settb=1/25[x1];[x1][yx]concat=n=2:v=1,fade=t=out:start_frame=225:nb_frames=25[v]")

# Legal range: 2 s of SMPTE HD bars at the head, then set-up X (legal), with a super-white box
# (Y' code 250, 107 %) over 120x80 pixels (4.2 % of the picture) on frames 100-149 and a box of
# out-of-gamut colour (Y' 50 %, Cb and Cr at 240: R' about 130 %, G' below 0) of the same size on
# frames 200-249. Written with geq straight into the Y'CbCr planes, after the concat, so N counts
# from the first frame.
segment(tmp("gamut-bars"), "smptehdbars=s=640x360:r=25", 50)
segment(tmp("gamut-x"), scene("X", [(0, 60, 60)]), 200)
box = "between(X,100,219)*between(Y,100,179)"
cbox = "between(X,50,109)*between(Y,50,89)"
encode("gamut-excursions.mp4", [tmp("gamut-bars"), tmp("gamut-x")], 250,
       "[0:v][1:v]concat=n=2:v=1,format=yuv420p,"
       f"geq=lum='if(between(N,100,149)*{box},250,if(between(N,200,249)*{box},126,lum(X,Y)))'"
       f":cb='if(between(N,200,249)*{cbox},240,cb(X,Y))':cr='if(between(N,200,249)*{cbox},240,cr(X,Y))'[v]")

# Colour tags. The bitstream's VUI is rewritten with h264_metadata (no re-encode); the MP4 colr
# box is written from the -color_* options, so the two can be made to disagree.
def retag(source, name, vui, container):
    subprocess.run([*FF, "-i", source, "-c", "copy", "-bsf:v", f"h264_metadata={vui}", *container, name], check=True)


# Container says BT.709, the bitstream BT.601 (matrix, primaries and transfer).
retag("colour-shots-matched.mp4", "colour-tags-conflict.mp4", "matrix_coefficients=6:colour_primaries=6:transfer_characteristics=6",
      ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"])
# Limited-range pictures that reach both ends of 16-235 (bars, then set-up X) tagged full range
# in both places.
encode(tmp("legal") + ".mp4", [tmp("gamut-bars"), tmp("gamut-x")], 250, "[0:v][1:v]concat=n=2:v=1[v]")
retag(tmp("legal") + ".mp4", "colour-range-full-tag.mp4", "video_full_range_flag=1",
      ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "pc"])

# Against a reference: a master (set-up Y, panning, 6 s), a plain re-encode of it at another
# raster, a copy whose Y'CbCr was computed with BT.601's matrix but is tagged BT.709 (the
# classic transcode error), and a copy with saturation raised by 40 % on frames 50-99 only.
def derive(name, vf, extra=None):
    subprocess.run([*FF, "-i", "colour-ref-master.mp4", "-vf", vf, "-an", *X264, *(extra or []), name], check=True)


encode("colour-ref-master.mp4", scene("Y", [(0, 120, 80)]), 150)
derive("colour-ref-reencode.mp4", "scale=960:540", ["-crf", "26"])
derive("colour-ref-matrix.mp4", "colorspace=ispace=bt709:itrc=bt709:iprimaries=bt709:irange=tv:space=bt470bg:trc=bt709:primaries=bt709:range=tv")
derive("colour-ref-saturation.mp4", "eq=saturation=1.4:enable='between(n,50,99)'")
