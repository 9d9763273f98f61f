import Foundation
import GreenlightCore
import GreenlightValues
import Testing

/// Runs the ffmpeg CLI in `dir` (quiet, overwriting): test media with a known defect.
func ffmpeg(_ args: [String], in dir: URL) throws {
    let r = try execute("/usr/bin/env", ["ffmpeg", "-nostdin", "-v", "error", "-y"] + args, in: dir)
    try #require(r.status == 0, "ffmpeg \(args): \(r.stderr)")
}

/// Messages that must read as sense: each case is a file made with the ffmpeg CLI whose defect
/// is known by how it was made.
@Suite(.serialized) struct MessageTests {

    func findings(_ file: String, in dir: URL) throws -> [Finding] {
        let json = dir.appendingPathComponent("\(file).json").path
        _ = try greenlight(["check", file, "--json", json, "--quiet"], in: dir)
        let run = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        return try #require(run.files.first).findings
    }

    @Test func damagedFilesReadAsSense() throws {
        guard have("ffmpeg") else {
            print("skipped: the damaged files are made with the ffmpeg CLI (make test installs it)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        // Pictures 50 and 51 black, and 51 given 50's timestamp: one black picture, said once.
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=4,drawbox=w=iw:h=ih:color=black:t=fill:enable='between(n,50,51)',format=yuv420p",
                    "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "25", "black.mkv"], in: dir)
        try ffmpeg(["-i", "black.mkv", "-c", "copy", "-bsf:v", "setts=pts=if(eq(N\\,51)\\,PREV_INPTS\\,PTS):dts=if(eq(N\\,51)\\,PREV_INDTS\\,DTS)",
                    "repeated.mkv"], in: dir)
        let black = try findings("repeated.mkv", in: dir).filter { $0.code == "black.segment" }
        #expect(black.map(\.message) == ["Black for 1 frame (0.04 s) mid-programme at 00:00:02:00"])

        // One AAC frame (1024 samples) missing inside one picture's time: said in ms and samples.
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=6", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-ac", "1", "clean.mp4"], in: dir)
        try ffmpeg(["-i", "clean.mp4", "-c", "copy", "-bsf:a", "setts=ts=if(gte(N\\,99)\\,TS+1024\\,TS)", "one-gap.mp4"], in: dir)
        let one = try findings("one-gap.mp4", in: dir).filter { $0.code == "decode.gap" }
        #expect(one.count == 1)
        #expect(one.first?.message == "Sound missing: audio stream #1's timestamps jump 21.3 ms (1024 samples at 48000 Hz) at 00:00:02:02 (2.091 s).")

        // Ten frames missing, one every fourth: one finding with the count, not ten lines.
        try ffmpeg(["-i", "clean.mp4", "-c", "copy", "-bsf:a", "setts=ts=TS+1024*min(floor(max(N-100\\,0)/4)\\,10)", "ten-gaps.mp4"], in: dir)
        let ten = try findings("ten-gaps.mp4", in: dir).filter { $0.code == "decode.gap" }
        #expect(ten.count == 1)
        #expect(ten.first?.message.hasPrefix("Sound missing in 10 places from 00:00:02:04 to 00:00:03:04 in audio stream #1: 213.3 ms (10240 samples at 48000 Hz) in all, the longest 21.3 ms") == true)
        #expect(ten.first?.measurements["gaps"] == 10)
    }

    /// A 2 s dropout made by muting a 5 kHz tone decodes from AAC 64 kb/s as 1.993 s (the codec
    /// rings into it): still a 2 s silence, to within one AAC frame (1024 samples, 23.2 ms at 44.1 kHz).
    @Test func durationsAreComparedToWithinTheStreamsGranularity() throws {
        guard have("ffmpeg") else {
            print("skipped: the dropout is made with the ffmpeg CLI (make test installs it)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=5000:sample_rate=44100:duration=6", "-af", "volume=enable='between(t,2,4)':volume=0",
                    "-c:a", "aac", "-b:a", "64k", "dropout.m4a"], in: dir)
        let silence = try findings("dropout.m4a", in: dir).filter { $0.code == "silence.segment" }
        #expect(silence.count == 1)
        let seconds = try #require(silence.first?.measurements["seconds"])
        #expect(seconds < 2 && seconds > 2 - 1024.0 / 44100, "measured \(seconds) s")
        #expect(silence.first.map { $0.start > 1.99 && $0.start < 2.05 } == true)  // the tone rings on into the dropout
    }

    @Test func usageWordsSayWhatIsWrong() throws {
        for args in [["check", "--jobs", "-1", "x.mp4"], ["check", "--jobs=-1", "x.mp4"], ["check", "--jobs", "0", "x.mp4"]] {
            let r = try greenlight(args)
            #expect(r.status == 2)
            #expect(r.stderr.contains("--jobs must be at least 1"), "\(args): \(r.stderr)")
        }
        // SIGTERM is signal 15: 143, as the help says (Ctrl-C is 130).
        let help = try greenlight(["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("128 + the signal (130 for Ctrl-C, 143 for SIGTERM)"))
    }
}
