import GreenlightCore
import GreenlightValues

/// The colour description, read from each place it lives and checked against itself and
/// against the pictures: missing tags, a container that says one thing and the bitstream
/// another, tags that change mid-stream or differ between video streams, a range tag the
/// pictures contradict. HDR metadata is the `hdr` checker's.
public final class ColourMetadataChecker: Checker {
    public static let description = CheckerDescription(
        id: "colour-metadata", title: "Colour metadata",
        catches: "Missing colour tags; container (MP4/MOV colr) and bitstream disagreeing; tags changing mid-stream, differing between streams or between files of one run from the same source; a range tag the pictures contradict.",
        why: "A player, a transcoder or a broadcaster's chain trusts the tags: a wrong matrix or range shifts every colour and crushes or lifts the blacks, and FFmpeg shows only one of two disagreeing tags.",
        defaultSeverity: .warning,
        codes: ["colour.metadata-missing", "colour.metadata-conflict", "colour.metadata-change", "colour.range-mismatch", "colour.metadata-run"],
        options: [])
    public static let features: FeatureSet = [.lumaHistogram]
    /// Its findings are about the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    private let context: CheckContext
    private var first: (time: MediaTime, colour: PictureColour)?
    private var changes: [(time: MediaTime, from: PictureColour, to: PictureColour)] = []
    private var last: PictureColour?
    /// Luma over the programme, in 8-bit codes: samples outside EBU R103's tolerance (below 5,
    /// above 246), samples outside 16-235 at all, and all samples.
    private var outsideTolerance = 0, belowTolerance = 0, aboveTolerance = 0
    private var below = 0, above = 0, total = 0
    /// Pictures whose 1st percentile reaches down to 20, and whose 99th up to 230 (8-bit codes).
    private var reachesDark = 0, reachesBright = 0, pictures = 0
    private var end: MediaTime?

    public init(options: Options, context: CheckContext) {
        self.context = context
    }

    public func consume(video: VideoFeatures) {
        end = video.time + video.duration
        if let c = video.colour {
            if first == nil { first = (video.time, c) }
            if let l = last, !Self.sameTags(l, c) { changes.append((video.time, l, c)) }
            last = c
        }
        guard let h = video.histogram else { return }
        let shift = video.signal.bitDepth - 8
        func code(_ c8: Int) -> Int { c8 << max(0, shift) }
        below += h.count(atOrBelow: code(16) - 1)
        above += h.total - h.count(atOrBelow: code(235) + (1 << max(0, shift)) - 1)
        let low = h.count(atOrBelow: code(5) - 1), high = h.total - h.count(atOrBelow: code(246) + (1 << max(0, shift)) - 1)
        belowTolerance += low
        aboveTolerance += high
        outsideTolerance += low + high
        total += h.total
        pictures += 1
        if h.percentile(0.01) <= code(20) { reachesDark += 1 }
        if h.percentile(0.99) >= code(230) { reachesBright += 1 }
    }

    static func sameTags(_ a: PictureColour, _ b: PictureColour) -> Bool {
        a.matrix == b.matrix && a.primaries == b.primaries && a.transfer == b.transfer && a.range == b.range
    }

    /// A finding about the whole file (no position: no frame numbers, so no thumbnail), or, with
    /// `at`, about the moment something changes.
    private func finding(_ code: String, _ severity: Severity, _ message: String, at: MediaTime? = nil, measurements: [String: Double] = [:], stream: Int? = nil) -> Finding {
        let stop = end ?? .zero
        guard let at else {
            return Finding(checker: Self.description.id, code: code, severity: severity, placement: .whole, start: 0, end: stop.seconds,
                           startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil, message: message,
                           measurements: measurements, stream: stream)
        }
        return context.finding(checker: Self.description.id, code: code, severity: severity,
                               placement: placement(start: at, end: stop, programmeEnd: end),
                               start: at, end: max(at, stop), message: message, measurements: measurements, stream: stream)
    }

    public func finish(_ programmeEnd: ProgrammeEnd) -> CheckerResult {
        var findings: [Finding] = []
        let videos = context.media.streams.filter { $0.type == .video && !($0.disposition ?? []).contains("attached_pic") }
        guard let video = context.video else { return CheckerResult(findings: []) }
        let frame = first?.colour

        // Missing: what neither the stream nor its pictures state.
        let missing = [("matrix", frame?.matrix ?? video.colorMatrix), ("primaries", frame?.primaries ?? video.colorPrimaries),
                       ("transfer", frame?.transfer ?? video.colorTransfer)].filter { $0.1 == nil }.map(\.0)
        if !missing.isEmpty {
            let assumed = (video.height ?? 0) > 576 ? "BT.709" : "BT.601"
            findings.append(finding("colour.metadata-missing", .info,
                                    "No colour \(missing.joined(separator: ", ")) tagged: players will guess (by resolution, \(assumed))",
                                    stream: video.index))
        }

        // Container against bitstream: the colr box, read apart from FFmpeg, against what the
        // decoded pictures declare (the bitstream's own tags where it has them).
        if let colr = video.containerColour, let frame {
            var differ: [String] = []
            for (name, boxValue, picture) in [("matrix", colr.matrix, frame.matrix), ("primaries", colr.primaries, frame.primaries),
                                              ("transfer", colr.transfer, frame.transfer)] where boxValue != nil && picture != nil && boxValue != picture {
                differ.append("\(name) \(boxValue!) in the container, \(picture!) in the bitstream")
            }
            if let r = colr.range, (r == "pc") != (frame.range == .full) {
                differ.append("range \(r == "pc" ? "full" : "limited") in the container, \(frame.range == .full ? "full" : "limited") in the bitstream")
            }
            if !differ.isEmpty {
                findings.append(finding("colour.metadata-conflict", .warning,
                                        "Container (\(colr.source)) and bitstream disagree: \(differ.joined(separator: "; ")). FFmpeg, and many players, show only one of them",
                                        stream: video.index))
            }
        }

        // Streams of one file that disagree.
        let described = videos.map { [$0.colorMatrix, $0.colorPrimaries, $0.colorTransfer, $0.colorRange] }
        if Set(described.map { $0.map { $0 ?? "-" }.joined(separator: "/") }).count > 1 {
            let list = zip(videos, described).map { "stream \($0.index): \($1.map { $0 ?? "unspecified" }.joined(separator: "/"))" }
            findings.append(finding("colour.metadata-conflict", .warning, "Video streams are tagged differently (matrix/primaries/transfer/range): \(list.joined(separator: "; "))"))
        }

        // Tags that change mid-stream.
        for c in changes.prefix(5) {
            findings.append(finding("colour.metadata-change", .warning,
                                    "The colour tags change mid-stream at \(context.label(c.time)): \(Self.describe(c.from)) → \(Self.describe(c.to))", at: c.time))
        }

        // The range the pictures use against the range tagged.
        if total > 0, let frame {
            // Noise and overshoot put limited-range video a little outside 16-235; R103 allows
            // 5-246. Full-range video tagged limited fills 0-4 and 247-255 as well: both ends
            // (black blanking columns or specular glints alone are a level fault, for gamut).
            let outside = Double(outsideTolerance) / Double(total) * 100
            let bothEnds = Double(belowTolerance) / Double(total) >= 0.002 && Double(aboveTolerance) / Double(total) >= 0.002
            if frame.range == .limited && outside >= 1 && bothEnds {
                findings.append(finding("colour.range-mismatch", .warning,
                                        "Tagged limited range, but \(formatNumber(outside, decimals: 1)) % of the luma lies outside even R103's 5-246: at both ends: likely full-range video tagged limited",
                                        measurements: ["outside_percent": outside]))
            }
            // Full-range pictures use the codes outside 16-235 somewhere; limited ones tagged
            // full do not (a codec's overshoot, or the sub-black steps of a PLUGE, aside: under
            // 0.5 % of the luma), though they reach both ends of it.
            if frame.range == .full && Double(below + above) <= 0.005 * Double(total)
                && reachesDark * 100 >= pictures && reachesBright * 100 >= pictures && reachesDark > 0 && reachesBright > 0 {
                findings.append(finding("colour.range-mismatch", .warning,
                                        "Tagged full range, but only \(formatNumber(Double(below + above) / Double(total) * 100, decimals: 2)) % of the luma leaves 16-235 while the pictures reach both ends of it: likely limited-range video tagged full",
                                        measurements: ["outside_percent": Double(below + above) / Double(total) * 100]))
            }
        }

        return CheckerResult(findings: findings)
    }

    static func describe(_ c: PictureColour) -> String {
        [c.matrix ?? "unspecified", c.primaries ?? "unspecified", c.transfer ?? "unspecified", c.range == .full ? "full" : "limited"].joined(separator: "/")
    }
}
