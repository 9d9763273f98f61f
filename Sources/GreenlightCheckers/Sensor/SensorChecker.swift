import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Stuck and dead photosites: pixels that stay bright (stuck, hot) or dark (dead) while the
/// picture around them changes, with their positions in the coded picture.
///
/// ``SensorAnalyzer`` reads one picture a second (ten over a shorter clip) for isolated outliers,
/// and follows each position once seen. A position that stands out the same way on 80 % or more
/// of the pictures where it could (the picture around it 40 codes or more from its value: a hot
/// pixel over a bright sky cannot; at least five such pictures), while the mean
/// around it moved by 10 codes or more over them, its brightest neighbour changing (the camera or
/// the scene moved: a lamp in a locked-off shot, or one whose exposure changed, is not a defect)
/// and its own value by under 30 % of that and at most 24 codes (a photosite holds its value,
/// give or take the codec's jitter on one pixel; a window or a rivet of the scene rises and falls
/// with the light around it), is a
/// defect; neighbouring positions make one defect (a 2 × 2 cluster is one), and three or more
/// within 32 pixels of each other are a static graphic (a burnt-in timecode, a logo), counted in
/// the summary, not reported. Grain and sparkle are not where they were a second before.
public final class SensorChecker: Checker {
    public static let description = CheckerDescription(
        id: "sensor", title: "Sensor defects",
        catches: "Stuck (always bright) and dead (always dark) pixels, alone or in small clusters, that stay while the picture around them changes; with their positions.",
        why: "A stuck or dead photosite is on every take from that camera until it is remapped: found on the first day's dailies, it is a menu setting; found in the grade, it is days of paint-out.",
        defaultSeverity: .warning,
        codes: ["sensor.stuck-pixel", "sensor.dead-pixel"],
        options: [])
    public static let features: FeatureSet = []
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.picture(SensorAnalyzer.self)] }
    /// A defect is judged over the whole clip: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    /// A check of camera originals: in the dailies profile, not the default.
    public static var runsByDefault: Bool { false }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    static let share = 0.8, fewestScans = 5, aroundMoved = 10.0, ownShare = 0.3, ownMost = 24.0, standsOut = 40.0

    struct Track {
        /// Which way it stood out when first seen, and its value then.
        var bright: Bool, value: Double
        /// Pictures read on which a defect there would stand out (the picture around it 40 codes
        /// or more from its value), and on how many of them it did.
        var telling = 0, hits = 0
        var lowest = Double.infinity, highest = -Double.infinity
        var ownLowest = Double.infinity, ownHighest = -Double.infinity
        /// Which neighbour was brightest, over the pictures read (a bit each).
        var orders: UInt8 = 0

        mutating func add(_ s: SensorAnalyzer.Spot) {
            lowest = min(lowest, s.around); highest = max(highest, s.around)
            ownLowest = min(ownLowest, s.value); ownHighest = max(ownHighest, s.value)
            orders |= 1 << UInt8(s.brightestAround)
            guard abs(s.around - value) >= SensorChecker.standsOut else { return }
            telling += 1
            if bright ? s.value - s.around >= SensorChecker.standsOut : s.around - s.value >= SensorChecker.standsOut { hits += 1 }
        }
    }

    private let context: CheckContext
    private var scans = 0, overflowed = 0
    private var tracks: [Int: Track] = [:]
    private var span = ProgrammeSpan()

    public init(options: Options, context: CheckContext) {
        self.context = context
    }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        span.see(f)
        guard let scan = frame.value(SensorAnalyzer.self) else { return }
        scans += 1
        if scan.overflowed { overflowed += 1; return }
        for s in scan.followed { tracks[s.y << 20 | s.x]?.add(s) }
        // Bounded as the analyzer's list of positions it follows is.
        for s in scan.spots where tracks[s.y << 20 | s.x] == nil && tracks.count < SensorAnalyzer.limit {
            var t = Track(bright: s.bright, value: s.value)
            t.add(s)
            tracks[s.y << 20 | s.x] = t
        }
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        guard context.video != nil else { return CheckerResult(findings: [], summary: ["note": .text("no picture stream")]) }
        let usable = scans - overflowed
        guard usable >= Self.fewestScans else {
            return CheckerResult(findings: [], notMeasured: "\(usable) picture(s) read for defects (\(overflowed) more too noisy), fewer than the \(Self.fewestScans) needed to tell a defect from the picture")
        }
        let defects = tracks.filter {
            let t = $0.value, around = t.highest - t.lowest
            // A photosite holds its value while the picture around it moves; a detail of the scene
            // (a window, a rivet) rises and falls with the light around it.
            return t.telling >= Self.fewestScans && Double(t.hits) >= Self.share * Double(t.telling)
                && around >= Self.aroundMoved && t.orders.nonzeroBitCount >= 2
                && t.ownHighest - t.ownLowest <= min(Self.ownShare * around, Self.ownMost)
        }
        // Neighbouring positions are one defect.
        var left = Set(defects.keys), clusters: [[Int]] = []
        while let seed = left.first {
            var cluster = [seed], queue = [seed]
            left.remove(seed)
            while let k = queue.popLast() {
                let x = k & 0xFFFFF, y = k >> 20
                for dy in -1...1 { for dx in -1...1 {
                    let n = (y + dy) << 20 | (x + dx)
                    if left.remove(n) != nil { cluster.append(n); queue.append(n) }
                } }
            }
            clusters.append(cluster)
        }
        // Three or more defects within 32 pixels of each other are a static graphic (a burnt-in
        // timecode's colons, a logo's dots), not photosites, which fail one by one and apart.
        func centre(_ c: [Int]) -> (Double, Double) {
            (Double(c.map { $0 & 0xFFFFF }.reduce(0, +)) / Double(c.count), Double(c.map { $0 >> 20 }.reduce(0, +)) / Double(c.count))
        }
        let centres = clusters.map(centre)
        let crowded = Set(centres.indices.filter { i in
            centres.indices.filter { j in abs(centres[j].0 - centres[i].0) <= 32 && abs(centres[j].1 - centres[i].1) <= 32 }.count >= 3
        })
        let graphics = crowded.count
        clusters = clusters.enumerated().filter { !crowded.contains($0.offset) }.map(\.element)
        let start = span.first ?? .zero, stop = span.end ?? .zero
        let findings = clusters.map { cluster -> Finding in
            let xs = cluster.map { $0 & 0xFFFFF }, ys = cluster.map { $0 >> 20 }
            let x = xs.min()!, y = ys.min()!, w = xs.max()! - x + 1, h = ys.max()! - y + 1
            let tracksHere = cluster.map { defects[$0]! }
            let bright = tracksHere.filter(\.bright).count * 2 >= tracksHere.count
            let seen = tracksHere.map(\.hits).max()!, telling = tracksHere.map(\.telling).max()!
            return context.finding(
                checker: Self.description.id, code: bright ? "sensor.stuck-pixel" : "sensor.dead-pixel", severity: .warning,
                placement: .whole, start: start, end: stop,
                message: "A \(bright ? "stuck (always bright)" : "dead (always dark)") \(w == 1 && h == 1 ? "pixel" : "\(w) × \(h) cluster") at x \(x), y \(y) of the coded picture, standing out on \(seen) of the \(telling) pictures read where it could (\(usable) read) while the picture around it changed: a sensor defect; remap it in the camera and paint it out of these takes.",
                measurements: ["x": Double(x), "y": Double(y), "width": Double(w), "height": Double(h), "seen": Double(seen), "telling": Double(telling), "read": Double(usable)])
        }.sorted { ($0.measurements["y"]!, $0.measurements["x"]!) < ($1.measurements["y"]!, $1.measurements["x"]!) }
        var summary: [String: SummaryValue] = ["picturesRead": .integer(Int64(usable)), "defects": .integer(Int64(findings.count))]
        if graphics > 0 { summary["staticGraphicSpots"] = .integer(Int64(graphics)) }
        return CheckerResult(findings: findings, summary: summary)
    }
}

extension SensorChecker {
    /// A defect is the camera's, not the clip's: the same position (within a pixel) in two or
    /// more clips of one camera (the timecode checker's camera: reel of the name, else folder
    /// and format) is said on each, with how many clips show it.
    public static func crossCheck(_ reports: [FileReport], profile: Profile) -> [FileReport] {
        guard profile.checkers.contains(where: { $0.type.description.id == description.id }) else { return reports }
        func camera(_ r: FileReport) -> String? {
            guard let video = r.media?.primaryVideo else { return nil }
            if let named = TimecodeChecker.cameraName(r.path) { return "reel \(named.reel)" }
            return "\((r.path as NSString).deletingLastPathComponent) \(video.codec) \(video.width ?? 0)x\(video.height ?? 0)"
        }
        var out = reports
        let groups = Dictionary(grouping: reports.indices.filter { camera(reports[$0]) != nil }) { camera(reports[$0])! }
        for (name, members) in groups where members.count >= 2 {
            for i in members {
                for (k, f) in reports[i].findings.enumerated() where f.checker == description.id {
                    guard let x = f.measurements["x"], let y = f.measurements["y"] else { continue }
                    let others = members.filter { j in
                        j != i && reports[j].findings.contains { $0.checker == description.id && abs(($0.measurements["x"] ?? -9) - x) <= 1 && abs(($0.measurements["y"] ?? -9) - y) <= 1 }
                    }
                    guard !others.isEmpty else { continue }
                    out[i].findings[k].message += " The same defect is in \(others.count) other clip(s) of \(name): it is the camera's sensor."
                    out[i].findings[k].measurements["otherClips"] = Double(others.count)
                }
            }
        }
        return out
    }
}
