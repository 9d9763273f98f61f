import GreenlightCore
import GreenlightValues

/// Where shots change, from luma and chroma block means: hard cuts decided three pictures late,
/// and gradual transitions (dissolves, fades) once they have ended.
///
/// A picture's change is the mean absolute difference of its luma thumbnail
/// (``FeatureSet/thumbnail``) plus that of its chroma thumbnail (``ChromaThumbnailAnalyzer``)
/// to the picture before, so a cut between shots of equal brightness but different colour shows.
/// - A hard cut changes far more than the pictures before it did (at least 8 % and four times
///   the median of the last 12 changes: the threshold adapts to the footage's own motion and
///   noise) and does not come back: a flash, which is back within three pictures to what was
///   there before, is not a cut.
/// - A gradual transition is a run of at least four pictures each changing more than usual but
///   less than a cut, whose end differs from the picture before it by as much as a cut would, and
///   whose middle lies on the line between the two (a blend of them): a camera move, whose middle
///   is no blend of its ends, is not one. It is reported on the first picture after it.
///
/// Shared: subtitle-timing's shot-change rule and colour-consistency's shots read it; a checker
/// that reads it must ask for ``FeatureSet/thumbnail`` (the luma scan every picture checker shares).
public final class CutAnalyzer: FrameAnalyzer {
    public static let id = "cut"
    public static let lookahead = 3
    public static func inputs(_ parameters: NoParameters) -> [AnalyzerRequest] { [.picture(ChromaThumbnailAnalyzer.self)] }

    public struct Decision: Sendable, Equatable {
        public var isCut: Bool
        /// The change, in percent of the nominal range (luma plus chroma block means).
        public var change: Double
        /// On the first picture after a gradual transition: where it started and ended (the
        /// presentation times of its first picture and of this one).
        public var transition: Range<MediaTime>?

        public init(isCut: Bool, change: Double, transition: Range<MediaTime>? = nil) {
            self.isCut = isCut
            self.change = change
            self.transition = transition
        }
    }

    /// Luma and chroma block means of one picture, as one vector.
    struct Signature {
        var luma: [Float]
        var chroma: [Float]

        init?(_ frame: FrameRecord) {
            guard let thumb = frame.features.thumbnail else { return nil }
            luma = thumb.pixels
            chroma = frame.value(ChromaThumbnailAnalyzer.self).blocks
        }

        func difference(to other: Signature) -> Double {
            guard luma.count == other.luma.count, chroma.count == other.chroma.count, !luma.isEmpty else { return 100 }
            return Self.mean(luma, other.luma) + Self.mean(chroma, other.chroma)
        }

        static func mean(_ a: [Float], _ b: [Float]) -> Double {
            guard !a.isEmpty else { return 0 }
            var sum: Float = 0
            for i in a.indices { sum += abs(a[i] - b[i]) }
            return Double(sum) / Double(a.count)
        }

        /// How far this signature lies from the straight line between `a` and `b` (as a
        /// difference), and where along it (0 at `a`, 1 at `b`) it lies nearest.
        func offLine(from a: Signature, to b: Signature) -> (distance: Double, position: Double) {
            let x = luma + chroma, p = a.luma + a.chroma, q = b.luma + b.chroma
            var dot = 0.0, norm = 0.0
            for i in x.indices {
                let d = Double(q[i] - p[i])
                dot += Double(x[i] - p[i]) * d
                norm += d * d
            }
            let t = norm > 0 ? dot / norm : 0
            let nl = luma.count
            var offLuma = 0.0, offChroma = 0.0
            for i in x.indices {
                let off = abs(Double(x[i]) - (Double(p[i]) + t * Double(q[i] - p[i])))
                if i < nl { offLuma += off } else { offChroma += off }
            }
            return (offLuma / Double(max(1, nl)) + offChroma / Double(max(1, x.count - nl)), t)
        }
    }

    private var previous: Signature?
    /// The two pictures before `previous`, to recognise the return from a flash.
    private var earlier: [Signature] = []
    private var recent: [Double] = []
    /// A run of pictures changing more than usual but less than a cut: the picture before it,
    /// the usual change when it began, and its pictures.
    private var run: (before: Signature, usual: Double, frames: [(signature: Signature, time: MediaTime)])?
    private static let cutThreshold = 8.0
    private static let longestTransition = 100

    public init(parameters: NoParameters, context: CheckContext) {}

    public func analyze(_ frame: FrameRecord, following: ArraySlice<FrameRecord>) -> Decision {
        guard let signature = Signature(frame) else { return Decision(isCut: false, change: 0) }
        defer {
            if let p = previous { earlier = Array((earlier + [p]).suffix(2)) }
            previous = signature
        }
        guard let before = previous, !frame.features.followsGap else {
            run = nil
            return Decision(isCut: false, change: 0)
        }
        let change = signature.difference(to: before)
        let usual = quantile(recent, 0.5) ?? 0
        recent.append(change)
        if recent.count > 12 { recent.removeFirst() }

        if change >= max(Self.cutThreshold, 4 * usual) {
            run = nil
            // A flash: one of the next three pictures is back near the picture before; or this
            // picture is the return, back near one of the two before the flash.
            let back = following.contains { f in Signature(f).map { $0.difference(to: before) < change * 0.4 } ?? false }
            let returns = earlier.contains { $0.difference(to: signature) < change * 0.4 }
            return Decision(isCut: !back && !returns, change: change)
        }
        return Decision(isCut: false, change: change, transition: gradual(signature, change: change, before: before, usual: usual, time: frame.features.time))
    }

    /// Follows a run of raised change; when it ends, whether it was a gradual transition.
    private func gradual(_ signature: Signature, change: Double, before: Signature, usual: Double, time: MediaTime) -> Range<MediaTime>? {
        if var r = run {
            if change >= max(0.5, 2 * r.usual) && r.frames.count < Self.longestTransition {
                r.frames.append((signature, time))
                run = r
                return nil
            }
            run = nil
            guard r.frames.count >= 4, let last = r.frames.last else { return nil }
            let total = last.signature.difference(to: r.before)
            guard total >= Self.cutThreshold else { return nil }
            let middle = r.frames[r.frames.count / 2].signature.offLine(from: r.before, to: last.signature)
            guard middle.distance < 0.25 * total, (0.15...0.85).contains(middle.position) else { return nil }
            return r.frames[0].time..<time
        }
        if change >= max(0.5, 2 * usual) { run = (before, usual, [(signature, time)]) }
        return nil
    }
}
