import Foundation
import Testing
import GreenlightValues
@testable import GreenlightCore

/// Regressions from the hardening issue that sit below the CLI: profile bounds, YAML bombs,
/// file health whatever the checkers, frame numbering and timecode labels.
@Suite struct ProfileBoundsTests {
    let registry = [AnyCheckerType(ProbeChecker.self)]

    /// Values that once passed validation and then crashed (a Double turned into Int64) or were
    /// accepted though meaningless: each is refused naming the key, the file and the range.
    @Test(arguments: [".inf", "1e308", "\"infs\"", "9223372036854775807f", "0", "\"0f\"", "-1", ".nan", "\"1e400s\""])
    func durationsOutsideTheRangeAreRefused(value: String) {
        do {
            _ = try Profile.parse("checkers:\n  probe:\n    span: \(value)\n", source: "bounds.yaml", registry: registry)
            Issue.record("\(value) was accepted")
        } catch let error as ProfileError {
            #expect(error.source == "bounds.yaml")
            #expect(error.key == "checkers.probe.span")
            #expect(error.message.contains("1f…10368000f, or more than 0 s up to 86400 s"), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [".inf", "-.inf", ".nan", "\"inf\"", "\"nan\"", "1e308", "101"])
    func numbersMustBeFiniteAndInRange(value: String) {
        do {
            _ = try Profile.parse("checkers:\n  probe:\n    limit: \(value)\n", source: "n.yaml", registry: registry)
            Issue.record("\(value) was accepted")
        } catch let error as ProfileError {
            #expect(error.key == "checkers.probe.limit")
            #expect(error.message.contains("0…100 %"), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func durationsInsideTheRangeStillParse() throws {
        for (text, expected) in [("12f", DurationValue.frames(12)), ("500ms", .seconds(0.5)), ("86400", .seconds(86400)), ("1e-3s", .seconds(0.001))] {
            let p = try Profile.parse("checkers: { probe: { span: \"\(text)\" } }", source: "ok.yaml", registry: registry)
            #expect(p.checkers[0].options.duration("span") == expected)
        }
    }

    @Test func aliasBombIsRefusedBeforeExpanding() throws {
        // Nine levels of nine aliases: 9^9 nodes once expanded.
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]") }
        lines.append("checkers: *a9")
        let started = Date()
        #expect { try Profile.parse(lines.joined(separator: "\n"), source: "bomb.yaml", registry: registry) } throws: { error in
            (error as? ProfileError)?.message.contains("more than 10000 YAML nodes") == true
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func mergeKeyBombIsRefusedBeforeExpanding() throws {
        var lines = ["m0: &m0 {k0: 1, k1: 1, k2: 1, k3: 1}"]
        for i in 1...24 { lines.append("m\(i): &m\(i) {<<: [*m\(i - 1), *m\(i - 1)], z\(i): 1}") }
        lines.append("checkers: *m24")
        #expect { try Profile.parse(lines.joined(separator: "\n"), source: "merge.yaml", registry: registry) } throws: { error in
            (error as? ProfileError)?.message.contains("more than 10000 YAML nodes") == true
        }
    }

    @Test func oversizedProfileIsRefusedUnread() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gl-big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(("# " + String(repeating: "x", count: 1 << 20) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect { try Profile.load(path: path, registry: registry) } throws: { error in
            (error as? ProfileError)?.message.contains("at most 1048576 bytes") == true
        }
    }
}

@Suite struct TimecodeLabelTests {
    func video(rate: Rational?, average: Rational?) -> MediaInfo {
        var v = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: Rational(1, 90000))
        v.frameRate = rate
        v.averageFrameRate = average
        return MediaInfo(path: "x.mov", container: "mov", startTimecode: "01:00:00;00", streams: [v])
    }

    @Test func aMissingFrameDoesNotLoseDropFrame() {
        // 119 frames over 4.004 s: the average rate is 4250/143, the base rate still 29.97.
        let context = CheckContext(path: "x.mov", media: video(rate: Rational(30000, 1001), average: Rational(4250, 143)))
        #expect(context.frameRate == Rational(30000, 1001))
        #expect(context.label(MediaTime.frameStart(60, rate: Rational(30000, 1001))) == "01:00:02;00")
        // Even with no base rate, an average within 0.1% of 29.97 (a long file missing a frame)
        // numbers frames at 29.97.
        let averageOnly = CheckContext(path: "x.mov", media: video(rate: nil, average: Rational(2996, 100)))
        #expect(averageOnly.timecode(at: MediaTime.frameStart(1800, rate: Rational(30000, 1001))) == "01:01:00;02")  // minute 1 drops ;00 and ;01
    }

    @Test func aRateWithoutSMPTETimecodeIsLabelledWithClockTime() {
        let context = CheckContext(path: "x.mp4", media: video(rate: Rational(24613, 1000), average: Rational(24613, 1000)))
        #expect(context.startTimecode == nil)
        #expect(context.timecode(at: MediaTime(value: 50, timescale: 1)) == nil)
        #expect(context.label(MediaTime(value: 50, timescale: 1)) == "00:00:50.000")
        #expect(context.frame(at: MediaTime(value: 50, timescale: 1)) == 1230)  // frames still counted
        let f = context.finding(checker: "black", code: "black.segment", severity: .warning, placement: .programme,
                                start: MediaTime(value: 50, timescale: 1), end: MediaTime(value: 51, timescale: 1), message: "")
        #expect(f.startTimecode == nil && f.endTimecode == nil)
    }

    @Test func smpteRates() {
        #expect(Timecode.isSMPTERate(Rational(24000, 1001)) && Timecode.isSMPTERate(Rational(50, 1)) && Timecode.isSMPTERate(Rational(120000, 1001)))
        #expect(!Timecode.isSMPTERate(Rational(24613, 1000)) && !Timecode.isSMPTERate(Rational(15, 1)))
        #expect(Timecode.nearestSMPTERate(Rational(2997, 100)) == Rational(30000, 1001))
        #expect(Timecode.nearestSMPTERate(Rational(24613, 1000)) == nil)
        #expect(Timecode.clockLabel(seconds: 3725.5) == "01:02:05.500")
    }
}

@Suite struct PackageManifestTests {
    /// The code uses `SendableMetatype` (Swift 6.2): the manifest must not promise older tools,
    /// or an older toolchain starts the build and fails deep inside it instead of saying why.
    @Test func declaresTheToolsTheCodeNeeds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let first = try #require(manifest.split(separator: "\n").first)
        let version = try #require(first.split(separator: ":").last).trimmingCharacters(in: .whitespaces)
        let parts = version.split(separator: ".").compactMap { Int($0) }
        #expect(parts.count >= 2 && (parts[0], parts[1]) >= (6, 2), "\(first)")
        let checker = try String(contentsOf: root.appendingPathComponent("Sources/GreenlightCore/Checker.swift"), encoding: .utf8)
        #expect(checker.contains("SendableMetatype"))
    }
}
