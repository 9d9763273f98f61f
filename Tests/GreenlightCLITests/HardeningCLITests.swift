import Foundation
import Testing

/// FNV-1a of a file's bytes and its modification time: "not modified" made checkable.
func fingerprint(_ path: String) throws -> String {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    return "\(data.count) \(hash) \(modified?.timeIntervalSince1970 ?? 0)"
}

/// freeze.mp4 with its moov atom's contents replaced by seeded random bytes.
func randomMoovCopy(in dir: URL) throws -> String {
    var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(sampleMedia)/freeze.mp4")))
    let tag = Array("moov".utf8)
    let at = try #require((4..<(data.count - 4)).first { Array(data[$0..<$0 + 4]) == tag })
    let size = Int(data[at - 4]) << 24 | Int(data[at - 3]) << 16 | Int(data[at - 2]) << 8 | Int(data[at - 1])
    var state: UInt64 = 5
    for i in (at + 4)..<(at - 4 + size) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        data[i] = UInt8(truncatingIfNeeded: state >> 33)
    }
    let path = dir.appendingPathComponent("random-moov.mp4").path
    try Data(data).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite(.serialized) struct HardeningCLITests {
    let freeze = "\(sampleMedia)/freeze.mp4"

    @Test func filesWithNothingToDecodeNeitherCrashCheckNorProbe() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let moov = try randomMoovCopy(in: dir)
        let json = dir.appendingPathComponent("r.json").path
        let r = try greenlight(["check", "\(sampleMedia)/broken/no-streams.mp4", moov, freeze, "--json", json])
        #expect(r.status == 2)
        #expect(FileManager.default.fileExists(atPath: json))
        #expect(r.stderr.contains("no-streams.mp4: Cannot open the file: no video, audio or subtitle stream found: the container holds no streams"))
        #expect(r.stdout.contains("[WARN]  \(freeze)"))
        for file in ["broken/tmcd-only.mov", "broken/no-streams.mp4"] {
            let probe = try greenlight(["probe", "\(sampleMedia)/\(file)"])
            #expect(probe.status == 2)
            #expect(probe.stderr.contains("no video, audio or subtitle stream found"))
        }
        #expect(try greenlight(["probe", moov]).status == 2)
    }

    @Test func aCheckMustSelectAChecker() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("none.yaml")
        try "checkers: {}\n".write(to: empty, atomically: true, encoding: .utf8)
        for args in [["--checkers", ""], ["--checkers", ","], ["--checkers", " , "], ["--profile", empty.path]] {
            let r = try greenlight(["check", freeze] + args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stdout.isEmpty, "\(args)")
            #expect(r.stderr.contains("no checker"), "\(args): \(r.stderr)")
        }
        let json = dir.appendingPathComponent("r.json").path
        #expect(try greenlight(["check", freeze, "--checkers", "black,black", "--json", json, "--quiet"]).status == 0)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.components(separatedBy: "\"code\" : \"black.segment\"").count == 2)  // once, not twice
    }

    @Test func anOptionLikeFileNameIsAUsageErrorNotHelp() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: freeze, toPath: dir.appendingPathComponent("-shot.mov").path)
        let r = try greenlight(["check", "-shot.mov"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("'-shot.mov' is not an option of greenlight"))
        #expect(!r.stdout.contains("USAGE"))
        let dashed = try greenlight(["check", "--", "-shot.mov"], in: dir)
        #expect(dashed.status == 0)
        #expect(dashed.stdout.contains("[WARN]  -shot.mov"))
    }

    @Test func reportsNeverOverwriteInputsOrEachOther() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = dir.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: freeze, toPath: clip)
        let profile = dir.appendingPathComponent("p.yaml").path
        try "checkers: { black: {} }\n".write(toFile: profile, atomically: true, encoding: .utf8)
        let before = try [fingerprint(clip), fingerprint(profile)]
        let link = dir.appendingPathComponent("stdout.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/fd/1")
        let refused: [([String], String)] = [
            (["--json", clip], "--json \(clip) is the media file \(clip): refusing to write a report over an input"),
            (["--html", "./clip.mp4"], "is the media file"),
            (["--junit", profile, "--profile", profile], "is the profile \(profile)"),
            (["--json", "a.json", "--html", "./a.json"], "name the same file; each report needs its own path"),
            (["--json", "/dev/null"], "--json /dev/null: a character device is there, not a regular file"),
            (["--json", link], "a FIFO is there, not a regular file"),
        ]
        for (args, message) in refused {
            let r = try greenlight(["check", clip] + args, in: dir)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(try [fingerprint(clip), fingerprint(profile)] == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "/proc/self/fd/1")
    }

    @Test func aReportThatCannotBeWrittenDoesNotStopTheOthers() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blocker = dir.appendingPathComponent("blocker").path
        try "a file, not a folder".write(toFile: blocker, atomically: true, encoding: .utf8)
        let junit = dir.appendingPathComponent("qc.xml").path
        let r = try greenlight(["check", freeze, "--json", "\(blocker)/qc.json", "--junit", junit])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot write the JSON report to \(blocker)/qc.json"))
        #expect(FileManager.default.fileExists(atPath: junit))
        #expect(r.stdout.contains("Verdict: WARN"))  // the summary is still printed
    }

    @Test func mediaWithOneNameGetTwoMarkerFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["a", "b"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(sampleMedia)/black-8bit-limited.mp4", toPath: dir.appendingPathComponent("\(sub)/clip.mp4").path)
        }
        let r = try greenlight(["check", "a/clip.mp4", "b/clip.mp4", "--markers", "m.edl", "--quiet"], in: dir)
        #expect(r.status == 0)
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".edl") }.sorted()
        #expect(written == ["m-a_clip_mp4.edl", "m-b_clip_mp4.edl"])
    }

    @Test func symlinkedFoldersAreFollowedOnceAndFIFOsNamed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let media = dir.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: freeze, toPath: media.appendingPathComponent("one.mp4").path)
        try FileManager.default.createSymbolicLink(atPath: media.appendingPathComponent("loop").path, withDestinationPath: media.path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("linked").path, withDestinationPath: media.path)
        #expect(mkfifo(media.appendingPathComponent("pipe.mov").path, 0o600) == 0)
        let json = dir.appendingPathComponent("r.json").path
        let r = try greenlight(["check", "linked", "--json", json], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("linked/pipe.mov: Cannot open the file: not a regular file (a FIFO)"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let paths = (root["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
        #expect(paths == ["linked/one.mp4", "linked/pipe.mov"])  // the loop is walked once
    }

    @Test func featuresSaysWhyWithoutPictures() throws {
        let r = try greenlight(["features", "\(sampleMedia)/tone-dropout.wav"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("has no picture stream (it holds audio): features are measured on pictures"))
    }

    @Test func lostFramesFailTheDeliveryGate() throws {
        let r = try greenlight(["check", "\(sampleMedia)/lost-cluster.mkv", "--profile", "delivery"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("error   00:00:02:00–00:00:03:00 decode.gap"))
    }

    @Test func clockTimesLabelRatesWithoutTimecode() throws {
        let r = try greenlight(["check", "\(sampleMedia)/rate-24613.mp4"])
        #expect(r.stdout.contains("warning 00:00:03.982–00:00:04.225 black.segment"))
        #expect(r.stdout.contains("Black for 6 frames (0.244 s) mid-programme at 00:00:03.982"))
        let df = try greenlight(["check", "\(sampleMedia)/df-missing-frame.mov"])
        #expect(df.stdout.contains("01:02:02;00–01:02:02;03 black.segment"))
    }

    @Test func aBatchOfEveryBadInputRunsToTheEndAndModifiesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let moov = try randomMoovCopy(in: dir)
        let fifo = dir.appendingPathComponent("fifo.mp4").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let inputs = ["broken/no-streams.mp4", "broken/tmcd-only.mov", "broken/zero-channels.wav", "broken/empty.mp4", "broken/random.mov",
                      "broken/truncated.mp4", "layout-change.ac3", "lost-cluster.mkv", "audio-gap.mkv", "audio-early.mkv",
                      "audio-longer.mp4", "video-longer.mp4", "corrupt-middle.mp4", "df-missing-frame.mov", "rate-24613.mp4",
                      "real-lockedoff.mp4", "nv12.nut", "static-noise.mp4", "silence.mov"].map { "\(sampleMedia)/\($0)" } + [moov]
        let before = try inputs.map(fingerprint)
        let json = dir.appendingPathComponent("batch.json").path
        let r = try greenlight(["check"] + inputs + [fifo, "--profile", "delivery", "--json", json, "--junit",
                                dir.appendingPathComponent("batch.xml").path, "--markers", dir.appendingPathComponent("m.edl").path])
        #expect(r.status == 2)  // unreadable files in the batch
        #expect(try inputs.map(fingerprint) == before)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let files = try #require(root["files"] as? [[String: Any]])
        #expect(files.count == inputs.count + 1)
        let verdicts = Dictionary(uniqueKeysWithValues: files.map { (URL(fileURLWithPath: $0["path"] as! String).lastPathComponent, $0["verdict"] as! String) })
        #expect(verdicts["static-noise.mp4"] == "pass" && verdicts["silence.mov"] == "fail")
        #expect(verdicts["lost-cluster.mkv"] == "fail" && verdicts["corrupt-middle.mp4"] == "fail")
        // Streams that end or start apart are errors at delivery (sync.duration-mismatch, sync.stream-offset).
        #expect(verdicts["audio-longer.mp4"] == "fail" && verdicts["audio-early.mkv"] == "fail" && verdicts["real-lockedoff.mp4"] == "pass")
        for bad in ["no-streams.mp4", "tmcd-only.mov", "zero-channels.wav", "empty.mp4", "random.mov", "truncated.mp4", "random-moov.mp4", "fifo.mp4"] {
            #expect(verdicts[bad] == "error", "\(bad)")
        }
        let xml = try Data(contentsOf: dir.appendingPathComponent("batch.xml"))
        #expect(String(decoding: xml, as: UTF8.self).contains(#"name="file health" file="#))
    }
}
