import ArgumentParser
import Foundation
import GreenlightReports
import GreenlightSubtitles
import GreenlightValues

struct Cues: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what greenlight understood of a subtitle file: encoding, cues and parse errors.")

    @Argument(help: "A subtitle file: SubRip (.srt), WebVTT (.vtt), TTML / IMSC / EBU-TT (.ttml, .dfxp, .xml), EBU STL (.stl) or SCC (.scc).") var file: String
    @Flag(help: "Print JSON: {encoding, offsetSeconds, cues: [{number, start, end, text}], errors: [{line, message}]}.") var json = false
    @Option(help: "A video frame rate (25, 24000/1001, 29.97): each cue's in and out frame are shown too.") var fps: String?

    struct Output: Encodable {
        struct Cue: Encodable { var number: Int, start: Double, end: Double, text: String, startFrame: Int64?, endFrame: Int64? }
        var format: String, encoding: String, offsetSeconds: Double, cues: [Cue], errors: [SubtitleParseError]
    }

    func validate() throws {
        if let fps, Rational(parsing: fps).map({ $0.isValid && $0.numerator > 0 }) != true {
            throw ValidationError("--fps: '\(fps)' is not a frame rate (25, 24000/1001, 29.97)")
        }
    }

    func run() throws {
        let rate = fps.flatMap(Rational.init(parsing:))
        let document: SubtitleDocument
        do { document = try SubtitleFile.read(path: file) } catch {
            warn("greenlight: \(error)")
            throw Exit.unreadable
        }
        if json {
            let out = Output(format: document.format, encoding: document.encoding, offsetSeconds: document.offsetSeconds,
                             cues: document.cues.map { .init(number: $0.number, start: $0.start.seconds, end: $0.end.seconds, text: $0.text,
                                                             startFrame: rate.map($0.start.frameIndex), endFrame: rate.map($0.end.frameIndex)) },
                             errors: document.errors)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try e.encode(out) + Data("\n".utf8))
            return
        }
        print("\(printable(file)): \(document.format), \(document.encoding), \(document.cues.count) cue(s), \(document.errors.count) parse error(s)")
        if document.offsetSeconds != 0 { print("  programme offset subtracted: \(formatSeconds(document.offsetSeconds))") }
        for c in document.cues {
            let frames = rate.map { " (frames \(c.start.frameIndex(at: $0))–\(c.end.frameIndex(at: $0)))" } ?? ""
            print("  \(c.number)\t\(formatSeconds(c.start.seconds)) – \(formatSeconds(c.end.seconds))\(frames)\t\(printable(c.text.replacingOccurrences(of: "\n", with: " / ")))")
        }
        for e in document.errors { print("  line \(e.line): \(printable(e.message))") }
    }
}
