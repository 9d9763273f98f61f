import GreenlightCore
import GreenlightValues

/// Whether a picture starts a new shot, decided three pictures late: a hard cut changes the
/// block-mean picture (``FeatureSet/thumbnail``) far more than the pictures around it do, and
/// does not come back. A flash, which comes back within three pictures to what was there before,
/// is not a cut; a fade or a dissolve, which changes a little each picture, is not one either.
///
/// Shared: subtitle-timing's shot-change rule reads it; a checker that reads it must ask for
/// ``FeatureSet/thumbnail`` (the luma scan every picture checker shares).
public final class CutAnalyzer: FrameAnalyzer {
    public static let id = "cut"
    public static let lookahead = 3

    public struct Decision: Sendable, Equatable {
        public var isCut: Bool
        /// The change, in percent of the nominal luma range (block means).
        public var change: Double
    }

    private var previous: LumaThumbnail?
    private var recent: [Double] = []

    public init(parameters: NoParameters, context: CheckContext) {}

    public func analyze(_ frame: FrameRecord, following: ArraySlice<FrameRecord>) -> Decision {
        guard let thumb = frame.features.thumbnail else { return Decision(isCut: false, change: 0) }
        defer { previous = thumb }
        guard let before = previous, !frame.features.followsGap else { return Decision(isCut: false, change: 0) }
        let change = thumb.difference(to: before)
        defer {
            recent.append(change)
            if recent.count > 12 { recent.removeFirst() }
        }
        let usual = quantile(recent, 0.5) ?? 0
        guard change >= max(8, 4 * usual) else { return Decision(isCut: false, change: change) }
        // A flash: one of the next three pictures is back near the picture before.
        let back = following.contains { f in f.features.thumbnail.map { $0.difference(to: before) < change * 0.4 } ?? false }
        return Decision(isCut: !back, change: change)
    }
}
