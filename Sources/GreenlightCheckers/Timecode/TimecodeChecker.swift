import Foundation
import GreenlightCore
import GreenlightValues

/// Timecode across a day's clips: each camera's clips (its reel or card) set in timecode order,
/// and what a dailies operator would stop for: ranges that overlap (the camera's timecode was
/// reset or not running, or a clip was copied twice), a frame rate or drop-frame counting that
/// changes within a card, and clips whose names break the camera's naming (A001C003…). Gaps
/// between takes are normal and are not findings.
///
/// A file alone says nothing here: the findings come from ``crossCheck(_:profile:)`` over the
/// run's reports (as `colour.metadata-run` does). A camera is the reel of a camera-style name
/// (`A001` of `A001C003_230814_R1AB.mov`, `A001_C003…`); for other names, the folder and the
/// picture format (codec, raster, rate) stand in for it. Each file's summary gives its start
/// and end timecode.
public final class TimecodeChecker: Checker {
    public static let description = CheckerDescription(
        id: "timecode", title: "Timecode across a run",
        catches: "Clips of one camera (reel or card) whose timecode ranges overlap or repeat, frame rates or drop-frame counting that change within a card, and names that break the camera's naming (A001C003…); gaps between takes are not findings.",
        why: "Overlapping timecode breaks every conform and sync tool downstream: it means the camera's clock was reset or not running, or a clip was copied twice.",
        defaultSeverity: .warning,
        codes: ["timecode.overlap", "timecode.rate-change", "timecode.drop-frame", "timecode.name"],
        options: [])
    public static let features: FeatureSet = []
    /// A clip's range is the whole clip: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    /// Dailies only: a run of masters often starts every programme at the same timecode.
    public static var runsByDefault: Bool { false }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    private let context: CheckContext

    public init(options: Options, context: CheckContext) {
        self.context = context
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        guard let clip = Self.range(context.media, path: context.path) else {
            return CheckerResult(findings: [], summary: ["note": .text("no start timecode (no tmcd track or timecode tag): not set against the run")])
        }
        return CheckerResult(findings: [], summary: ["startTimecode": .text(clip.start.description),
                                                      "endTimecode": .text(clip.start.adding(frames: clip.frames).description),
                                                      "camera": .text(clip.camera)])
    }

    /// A clip as the run sees it.
    struct Clip {
        var index: Int
        var name: String
        var camera: String
        /// Clip number within the camera's naming (A001C003: 3), nil for other names.
        var number: Int?
        var start: Timecode
        var frames: Int64
        var rate: Rational

        var first: Int64 { start.frameCount }
        var last: Int64 { start.frameCount + frames }
    }

    /// `A001C003…`, `A001_C003…`: the camera letter and reel, and the clip number.
    static func cameraName(_ file: String) -> (reel: String, clip: Int)? {
        let base = (file as NSString).lastPathComponent
        guard let m = base.firstMatch(of: /^([A-Z])(\d{3})_?C(\d{3})/) else { return nil }
        return ("\(m.1)\(m.2)", Int(m.3)!)
    }

    static func range(_ media: MediaInfo, path: String, index: Int = 0) -> Clip? {
        guard let label = media.startTimecode, let video = media.primaryVideo, let rate = video.timecodeRate,
              let start = Timecode(parsing: label, rate: rate) else { return nil }
        let frames = video.frameCount ?? Int64(((video.duration ?? media.duration ?? 0) * rate.doubleValue).rounded())
        let named = cameraName(path)
        let folder = (path as NSString).deletingLastPathComponent
        let camera = named.map { "reel \($0.reel)" }
            ?? "\(folder.isEmpty ? "." : folder) \(video.codec) \(video.width ?? 0)x\(video.height ?? 0)"
        return Clip(index: index, name: (path as NSString).lastPathComponent, camera: camera, number: named?.clip,
                    start: start, frames: frames, rate: rate)
    }

    /// The run's clips set against each other per camera; findings added to the reports they
    /// concern, verdicts worked out again.
    public static func crossCheck(_ reports: [FileReport], profile: Profile) -> [FileReport] {
        guard profile.checkers.contains(where: { $0.type.description.id == description.id }) else { return reports }
        var clips: [Clip] = []
        for (i, r) in reports.enumerated() where r.error == nil {
            if let media = r.media, let c = range(media, path: r.path, index: i) { clips.append(c) }
        }
        var out = reports
        func add(_ i: Int, _ code: String, _ message: String, _ measurements: [String: Double] = [:]) {
            var f = Finding(checker: description.id, code: code, severity: .warning, placement: .whole, start: 0,
                            end: reports[i].media?.duration ?? 0, startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil,
                            message: message, measurements: measurements)
            f.severity = profile.severity(for: f)
            out[i].findings.append(f)
            out[i].verdict = max(out[i].verdict, Verdict(findings: out[i].findings))
        }
        for (camera, group) in Dictionary(grouping: clips, by: \.camera) where group.count >= 2 {
            // Rate and drop-frame: the card's usual against the odd ones out.
            let rates = Dictionary(grouping: group) { formatNumber($0.rate.doubleValue, decimals: 3) }
            if rates.count > 1 {
                let usual = rates.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!
                for (rate, odd) in rates where rate != usual.key {
                    for c in odd {
                        add(c.index, "timecode.rate-change", "\(c.name) runs at \(rate) fps while \(usual.value.count) other clip(s) of \(camera) run at \(usual.key): the camera's project rate changed within the card.")
                    }
                }
            }
            let counting = Dictionary(grouping: group.filter { Timecode.supportsDropFrame($0.rate) }, by: \.start.dropFrame)
            if counting.count > 1 {
                let usual = counting.max { ($0.value.count, $1.key ? 1 : 0) < ($1.value.count, $0.key ? 1 : 0) }!
                for c in counting[!usual.key] ?? [] {
                    add(c.index, "timecode.drop-frame", "\(c.name) counts timecode \(c.start.dropFrame ? "drop-frame" : "non-drop-frame") (\(c.start)) while \(usual.value.count) other clip(s) of \(camera) count \(usual.key ? "drop-frame" : "non-drop-frame"): their labels drift apart by 3.6 s an hour.")
                }
            }
            // Overlaps, within one rate (frames of different rates do not compare).
            var overlapping = Set<Int>()
            for sameRate in Dictionary(grouping: group, by: { formatNumber($0.rate.doubleValue, decimals: 3) }).values {
                let ordered = sameRate.sorted { ($0.first, $0.name) < ($1.first, $1.name) }
                for (a, i) in zip(ordered, ordered.indices) {
                    for b in ordered[(i + 1)...] where b.first < a.last {
                        let shared = min(a.last, b.last) - b.first
                        overlapping.insert(a.index); overlapping.insert(b.index)
                        let same = a.first == b.first && a.frames == b.frames
                        for (this, other) in [(a, b), (b, a)] {
                            add(this.index, "timecode.overlap",
                                "\(this.name) (\(this.start)–\(this.start.adding(frames: this.frames))) \(same ? "repeats the timecode of" : "overlaps") \(other.name) (\(other.start)–\(other.start.adding(frames: other.frames))) by \(shared) frame(s), both from \(camera): the camera's timecode was reset or not running\(same ? ", or the clip was copied twice" : ""); conform and sync will confuse them.",
                                ["overlapFrames": Double(shared)])
                        }
                    }
                }
            }
            // Names: clip numbers follow recording order, so timecode order (clips already found
            // overlapping are left out: their timecode is what is wrong).
            let named = group.filter { $0.number != nil && !overlapping.contains($0.index) }.sorted { $0.first < $1.first }
            for (earlier, later) in zip(named, named.dropFirst()) where later.number! < earlier.number! {
                add(later.index, "timecode.name", "\(later.name) is clip \(later.number!) of \(camera) but was recorded after clip \(earlier.number!) (\(earlier.name), \(earlier.start)), by timecode: renamed, or the timecode was reset.")
            }
        }
        return out
    }
}
