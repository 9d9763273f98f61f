import Foundation
import Testing
import GreenlightCore
@testable import GreenlightReports
import GreenlightValues

/// A file as a long real check reports it: every series at its full 1024 points, findings in
/// every lane, and thumbnails filling the run's per-file budget.
func busyFile(_ n: Int, files: Int) -> FileReport {
    var media = MediaInfo(path: "reel\(n).mov", container: "mov", duration: 3600, streams: [])
    var video = StreamInfo(index: 0, type: .video, codec: "prores", timeBase: Rational(1, 24000))
    video.averageFrameRate = Rational(24000, 1001)
    video.width = 1920
    video.height = 1080
    var audio = StreamInfo(index: 1, type: .audio, codec: "pcm_s24le", timeBase: Rational(1, 48000))
    audio.channels = 2
    audio.sampleRate = 48000
    media.streams = [video, audio]
    let checkers = ["black", "freeze", "silence", "loudness"]
    let severities: [Severity] = [.info, .warning, .error]
    var findings: [Finding] = []
    for i in 0..<12 {
        let start = Double(i) * 290, frame = Int64(i) * 6950
        findings.append(Finding(checker: checkers[i % 4], code: "x.segment", severity: severities[i % 3], placement: .programme,
                                start: start, end: start + 4, startFrame: frame, endFrame: frame + 96,
                                startTimecode: "01:00:00:00", endTimecode: "01:00:04:00",
                                message: "Something found on reel \(n), a sentence long as findings are."))
    }
    var file = FileReport(path: "/mnt/dailies/day 12/reel\(n).mov", verdict: .fail, error: nil, media: media, findings: findings, summaries: [:])
    file.series = (0..<4).map { s in
        Series(id: "c\(s).line", checker: ["black", "silence", "loudness", "av-sync"][s], title: "Line \(s)", unit: "u",
               points: (0..<1024).map { Series.Point(time: Double($0) * 3.5, value: Double($0 % 97), low: 0, high: 100) },
               guides: [Series.Guide(value: 10, label: "threshold")], shade: ["black"])
    }
    file.series.append(Series(id: "colour.shots", checker: "colour-consistency", title: "Shots", unit: "ΔE00",
                              swatches: (0..<300).map { Series.Swatch(start: Double($0) * 12, end: Double($0 + 1) * 12, colour: "#806040", label: "Shot \($0 + 1)", value: 1.5) }))
    let policy = ThumbnailPolicy.forRun(files: files)
    var bytes = 0, i = 0
    while i < findings.count, i < policy.maximumCount, bytes + 5_000 <= policy.maximumBytes {
        // Noise does not compress: a worst case for its size.
        var png = Data(count: 5_000)
        for j in png.indices { png[j] = UInt8(truncatingIfNeeded: (j &* 2_654_435_761) >> 13) }
        file.thumbnails.append(Thumbnail(finding: i, time: findings[i].start, width: policy.width, height: policy.width * 9 / 16, image: png))
        bytes += png.count
        i += 1
    }
    return file
}

@Suite struct HTMLReporterTests {
    let hostile = "a\"b'c<script>alert(1)</script>&amp;\u{1B}[31m\u{7}"

    @Test func nothingFromMediaOrSubtitlesBecomesMarkup() throws {
        var file = busyFile(1, files: 1)
        file.path = "/media/\(hostile).mov"
        file.error = hostile
        file.findings[0].message = "Cue 3 \(hostile)"
        file.findings[1].code = hostile
        file.series[0].title = hostile
        file.series[0].guides[0].label = hostile
        file.series[4].swatches[0].label = hostile
        file.series[4].swatches[1].colour = "red;background:url(http://x/)"
        let html = String(decoding: try HTMLReporter(checkers: [hostile]).render(RunReport(profile: hostile, files: [file, file])), as: UTF8.self)
        #expect(html.components(separatedBy: "<script").count == 2)  // the page's own script only
        #expect(!html.contains("alert(1)</"))
        #expect(!html.contains("\u{1B}") && !html.contains("\u{7}"))
        #expect(html.contains("a&quot;b&#39;c&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;\\u{1B}[31m\\u{7}"))
        #expect(!html.contains("url(http"))  // a colour that is not #rrggbb is drawn grey
        #expect(html.contains("background:#888888"))
    }

    @Test func everyCheckerHasALaneAndEverySeriesAPlot() throws {
        let file = busyFile(1, files: 1)
        let html = String(decoding: try HTMLReporter(checkers: ["black", "freeze", "gamut"]).render(RunReport(profile: "default", files: [file])), as: UTF8.self)
        for lane in ["black", "freeze", "gamut", "silence", "loudness"] {
            #expect(html.contains(#"<span class="lane-name" title="\#(lane)">\#(lane)</span>"#))
        }
        for id in ["c0.line", "c1.line", "c2.line", "c3.line", "colour.shots"] { #expect(html.contains(#"data-series="\#(id)""#)) }
        // A finding's mark links to its row: 2nd finding at 290 s of 3600 s.
        #expect(html.contains(##"href="#file-1-f2" style="left:8.06%;width:0.11%""##))
        #expect(html.contains(#"<tr id="file-1-f2" class="s-warning" data-i="1">"#))
        #expect(html.components(separatedBy: "<img class=\"thumb\"").count - 1 == file.thumbnails.count)
        // One file: no summary table, the file open.
        #expect(!html.contains(#"id="summary""#) && !html.contains("<details>"))
    }

    @Test func aRunOfThreeHundredFilesStaysUnderTenMegabytes() throws {
        let files = (0..<300).map { busyFile($0, files: 300) }
        #expect(files[0].thumbnails.count == 1)  // as many as the run's per-file budget holds
        #expect(files[0].thumbnails.reduce(0) { $0 + $1.image.count } <= ThumbnailPolicy.forRun(files: 300).maximumBytes)
        let data = try HTMLReporter().render(RunReport(profile: "default", files: files))
        #expect(data.count < 10_000_000, "the page is \(data.count) bytes")
        if let dump = ProcessInfo.processInfo.environment["GREENLIGHT_DUMP_HTML"] { try data.write(to: URL(fileURLWithPath: dump)) }
        let html = String(decoding: data, as: UTF8.self)
        // Opens on the summary, one row per file, each file folded.
        #expect(html.contains(#"<section id="summary">"#))
        #expect(html.components(separatedBy: ##"<a href="#file-"##).count - 1 == 300)
        #expect(html.components(separatedBy: "<details>").count - 1 == 300)
    }

    @Test func anEmptySeriesIsNotDrawn() throws {
        var file = busyFile(1, files: 1)
        file.series.append(Series(id: "black.luma", checker: "black", title: "Picture level", unit: "%"))  // an audio-only file's
        let html = String(decoding: try HTMLReporter().render(RunReport(profile: "default", files: [file])), as: UTF8.self)
        #expect(!html.contains(#"data-series="black.luma""#))
        #expect(html.contains(#"data-series="c0.line""#))
    }

    @Test func resamplingKeepsTheExtremes() {
        let points = (0..<1000).map { Series.Point(time: Double($0), value: $0 == 517 ? -5 : 1) }
        let fewer = LinePlot.resample(points, to: 90)
        #expect(fewer.count == 84)  // groups of 12
        #expect(fewer.filter { $0.low == -5 }.count == 1)
        #expect(fewer.first!.time == 0 && fewer[1].time == 12)
    }
}
