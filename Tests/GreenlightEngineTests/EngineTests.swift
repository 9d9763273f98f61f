import Foundation
import Testing
import GreenlightMedia
import GreenlightCheckers
import GreenlightValues
@testable import GreenlightCore
@testable import GreenlightEngine

let sampleMedia = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("sample-media").path

/// Turns every subtitle cue it is given into a finding, so the engine's cue path can be checked.
final class CueEcho: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "cue-echo", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: ["cue.seen"], options: [])
    static let features: FeatureSet = [.subtitles]
    let context: CheckContext
    var findings: [Finding] = []
    init(options: Options, context: CheckContext) { self.context = context }
    func consume(cue: SubtitleCue) {
        findings.append(context.finding(checker: "cue-echo", code: "cue.seen", severity: .info, placement: nil,
                                        start: cue.start, end: cue.end, message: cue.text))
    }
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: findings) }
}

@Suite struct EngineTests {
    @Test func subtitleStreamsReachCheckersAsCues() throws {
        let report = Engine(profile: .builtIn([AnyCheckerType(CueEcho.self)])).check(path: "\(sampleMedia)/subtitles.mkv")
        #expect(report.error == nil)
        #expect(report.findings.map(\.message) == ["Hello", "Two\nlines"])
        #expect(report.findings.map(\.startFrame) == [12, 50])  // 0.5 s and 2.0 s at 25 fps
        #expect(report.findings.map(\.endTimecode) == ["00:00:01:12", "00:00:02:20"])
    }

    @Test func cuesWithoutAnEndCloseAtTheNextEvent() {
        var c = CueCollector(origin: MediaTime(value: 10, timescale: 1))
        let a = SubtitleEvent(streamIndex: 2, start: MediaTime(value: 11, timescale: 1), end: nil, text: "A", isBitmap: false)
        let clear = SubtitleEvent(streamIndex: 2, start: MediaTime(value: 13, timescale: 1), end: nil, text: nil, isBitmap: false)
        #expect(c.add(a).isEmpty)
        let closed = c.add(clear)
        #expect(closed.count == 1)
        #expect(closed.first?.start == MediaTime(value: 1, timescale: 1))
        #expect(closed.first?.end == MediaTime(value: 3, timescale: 1))
        #expect(c.finish(end: MediaTime(value: 20, timescale: 1)).isEmpty)
    }
}

/// Records the ProgrammeEnd the engine hands to checkers.
final class EndRecorder: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "end", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: [], options: [])
    static let features: FeatureSet = [.lumaHistogram, .audioEnvelope]
    nonisolated(unsafe) static var last: ProgrammeEnd?
    init(options: Options, context: CheckContext) {}
    func finish(_ end: ProgrammeEnd) -> CheckerResult {
        EndRecorder.last = end
        return CheckerResult(findings: [])
    }
}

@Suite(.serialized) struct ProgrammeEndTests {
    let engine = Engine(profile: .builtIn([AnyCheckerType(EndRecorder.self)]))

    @Test func aCompleteFileHandsCheckersItsEnds() throws {
        _ = engine.check(path: "\(sampleMedia)/silence.mov")
        let end = try #require(EndRecorder.last)
        #expect(!end.truncated)
        #expect(end.videoEnd == MediaTime(value: 14, timescale: 1))
        #expect(end.audioEnds[1] == MediaTime(value: 14, timescale: 1))
    }

    @Test func aTruncatedFileHasNoKnownEnd() throws {
        _ = engine.check(path: "\(sampleMedia)/broken/truncated.mp4")
        let end = try #require(EndRecorder.last)
        #expect(end.truncated)
        #expect(end.videoEnd == nil)  // the last decoded picture is where the damage is, not the tail
        #expect(end.audioEnds.isEmpty)
    }
}

/// Keeps every full-rate sample block the engine hands over.
final class SampleRecorder: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "samples", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: [], options: [])
    static let features: FeatureSet = [.audioSamples]
    nonisolated(unsafe) static var blocks: [AudioSampleBlock] = []
    init(options: Options, context: CheckContext) {}
    func consume(samples: AudioSampleBlock) { SampleRecorder.blocks.append(samples) }
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: []) }
}

@Suite(.serialized) struct FullRateAudioTests {
    @Test func eachChannelOfA51FileHasItsSineLevel() throws {
        SampleRecorder.blocks = []
        let report = Engine(profile: .builtIn([AnyCheckerType(SampleRecorder.self)])).check(path: "\(sampleMedia)/levels-51.flac")
        #expect(report.error == nil)
        let blocks = SampleRecorder.blocks
        let first = try #require(blocks.first)
        #expect(first.format.channelNames == ["FL", "FR", "FC", "LFE", "SL", "SR"])
        #expect(first.format.sampleRate == 48000 && first.start == .zero)
        // Blocks follow each other exactly: each starts where the last ended.
        for (a, b) in zip(blocks, blocks.dropFirst()) { #expect(a.end == b.start) }
        #expect(blocks.reduce(0) { $0 + $1.sampleCount } == 24_000)
        #expect(blocks.last?.end == MediaTime(value: 1, timescale: 2))
        // 500 whole cycles: the peak level is 10·log10(2·mean square).
        let expected = [-20.0, -23, -26, -29, -32, -35]
        for c in 0..<6 {
            var sum = 0.0
            for block in blocks { for x in block.channels[c] { sum += Double(x) * Double(x) } }
            let level = 10 * log10(2 * sum / 24_000)
            #expect(abs(level - expected[c]) <= 0.01, "channel \(c): \(level) dBFS")
        }
    }

    @Test func aLayoutChangeStartsANewSegmentOfSamples() {
        SampleRecorder.blocks = []
        _ = Engine(profile: .builtIn([AnyCheckerType(SampleRecorder.self)])).check(path: "\(sampleMedia)/layout-change.ac3")
        var segments: [(segment: Int, channels: Int, start: MediaTime, samples: Int)] = []
        for b in SampleRecorder.blocks {
            if segments.last?.segment == b.segment { segments[segments.count - 1].samples += b.sampleCount }
            else { segments.append((b.segment, b.format.channelCount, b.start, b.sampleCount)) }
        }
        #expect(segments.map(\.segment) == [0, 1, 2])
        #expect(segments.map(\.channels) == [6, 2, 6])
        #expect(segments.map(\.start) == [.zero, MediaTime(value: 3072, timescale: 1000), MediaTime(value: 6144, timescale: 1000)])
        #expect(segments.map(\.samples) == [147_456, 147_456, 294_912])
    }
}

/// Keeps the colour and proxy of every picture.
final class ColourRecorder: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "colour", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: [], options: [])
    static let features: FeatureSet = [.colourProxy]
    nonisolated(unsafe) static var pictures: [(colour: PictureColour?, proxy: ProxyPicture?)] = []
    init(options: Options, context: CheckContext) {}
    func consume(video: VideoFeatures) { ColourRecorder.pictures.append((video.colour, video.proxy)) }
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: []) }
}

@Suite(.serialized) struct PictureColourTests {
    func record(_ file: String) -> [(colour: PictureColour?, proxy: ProxyPicture?)] {
        ColourRecorder.pictures = []
        let report = Engine(profile: .builtIn([AnyCheckerType(ColourRecorder.self)])).check(path: "\(sampleMedia)/\(file)")
        #expect(report.error == nil, "\(file)")
        return ColourRecorder.pictures
    }

    /// 75% bars, each encoded with its own matrix and range: the proxy reads each with the frame's
    /// own, so all four give back the bars' R'G'B' (reading BT.709 bars as BT.601 would give
    /// yellow a green of 204 and cyan a red of 17, far outside 2 codes).
    @Test(arguments: ["bars-bt709-tv.mkv", "bars-bt709-pc.mkv", "bars-bt601-tv.mkv", "bars-bt601-pc.mkv"])
    func barsComeBackInRGB(file: String) throws {
        let bars: [(Int, Int, Int)] = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0), (191, 0, 191), (191, 0, 0), (0, 0, 191), (0, 0, 0)]
        let pictures = record(file)
        let proxy = try #require(pictures.first?.proxy)
        #expect(proxy.width == 64 && proxy.height == 8)  // a quarter of 256x32
        for (i, bar) in bars.enumerated() {
            let p = proxy.pixel(i * 8 + 4, 4)
            let off = max(abs(Int(p.r) - bar.0), abs(Int(p.g) - bar.1), abs(Int(p.b) - bar.2))
            #expect(off <= 2, "\(file) bar \(i): \(p) vs \(bar)")
        }
        let colour = try #require(pictures.first?.colour)
        #expect(colour.matrix == (file.contains("709") ? "bt709" : "smpte170m"))
        #expect(colour.range == (file.hasSuffix("-pc.mkv") ? .full : .limited))
    }

    @Test func hdr10MetadataReachesCheckers() throws {
        let colour = try #require(record("hdr10.mp4").first?.colour)
        #expect(colour.matrix == "bt2020nc" && colour.primaries == "bt2020" && colour.transfer == "smpte2084")
        #expect(colour.chromaLocation == "left")
        let md = try #require(colour.masteringDisplay)
        #expect(md.red == [0.68, 0.32] && md.green == [0.265, 0.69] && md.blue == [0.15, 0.06])
        #expect(md.whitePoint == [0.3127, 0.329])
        #expect(md.maxLuminance == 1000 && md.minLuminance == 0.0001)
        #expect(colour.contentLight == ContentLightLevel(maxCLL: 1000, maxFALL: 400))
    }
}

@Suite struct ThumbnailTests {
    /// Decodes a JPEG with FFmpeg's own image reader and returns the mean R, G, B.
    func meanColour(_ jpeg: Data) throws -> (Double, Double, Double) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gl-thumb-\(UUID().uuidString).jpg").path
        try jpeg.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let picture = try #require(try MediaFile.picture(path: path, at: .zero, scaler: PictureScaler(width: 48, height: 27, format: .rgb24)))
        var sums = [0.0, 0.0, 0.0]
        for i in 0..<(48 * 27) { for c in 0..<3 { sums[c] += Double(picture.pixels[i * 3 + c]) } }
        return (sums[0] / 1296, sums[1] / 1296, sums[2] / 1296)
    }

    @Test func aThumbnailShowsItsFindingsFirstFrame() throws {
        // black-8bit-limited.mp4: frame 75 alone is black between two colourful test patterns, so
        // a thumbnail one frame off would not be black; the 12-frame run starts at frame 125.
        var engine = Engine(profile: .builtIn([AnyCheckerType(BlackChecker.self)]))
        engine.thumbnails = ThumbnailPolicy(maximumCount: 2, width: 96)
        let report = engine.check(path: "\(sampleMedia)/black-8bit-limited.mp4")
        #expect(report.thumbnails.count == 2)  // bounded: three findings, two kept
        let first = try #require(report.thumbnails.first)
        #expect(report.findings[first.finding].startFrame == 0)
        #expect(first.width == 96 && first.height == 54)
        #expect(first.image.starts(with: [0xFF, 0xD8, 0xFF]))  // a JPEG (SOI marker)
        #expect(first.mediaType == "image/jpeg")
        let single = try #require(report.thumbnails.last)
        #expect(report.findings[single.finding].startFrame == 75)
        let (r, g, b) = try meanColour(single.image)
        #expect(max(r, g, b) < 10, "\(r) \(g) \(b)")
    }

    @Test func aFreezeThumbnailIsTheHeldPicture() throws {
        // freeze.mp4: frames 50-124 hold a colourful picture, frames 150-214 are black.
        var engine = Engine(profile: .builtIn(BuiltInCheckers.all))
        engine.thumbnails = ThumbnailPolicy()
        let report = engine.check(path: "\(sampleMedia)/freeze.mp4")
        let byFrame = Dictionary(uniqueKeysWithValues: report.thumbnails.map { (report.findings[$0.finding].startFrame ?? -1, $0) })
        #expect(byFrame.keys.sorted() == [50, 150])
        let held = try meanColour(try #require(byFrame[50]).image)
        #expect(held.0 + held.1 + held.2 > 150, "\(held)")
        let black = try meanColour(try #require(byFrame[150]).image)
        #expect(max(black.0, black.1, black.2) < 10, "\(black)")
        engine.thumbnails = nil
        #expect(engine.check(path: "\(sampleMedia)/freeze.mp4").thumbnails.isEmpty)
    }
}
