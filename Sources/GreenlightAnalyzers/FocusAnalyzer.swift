import GreenlightCore
import GreenlightValues

/// How sharp a picture is, as numbers a focus checker compares within a shot.
///
/// - `edges`: across every strong edge (a change of 20 codes or more, 8-bit, over four samples),
///   the largest single step among the four over the whole change: about 0.7 for a sharp edge in
///   real footage, lower as blur spreads the edge. It reads edges only, so a shot that pans from
///   foliage to sky keeps its value while the amount of detail changes.
/// - `fine`: the mean change between neighbouring samples (8-bit codes): the amount of detail,
///   which blur lowers too (and content, and exposure).
///
/// Every sixteenth row is read across, and every sixteenth column down on every other line
/// (1080p: 67 rows, 120 columns).
public final class FocusAnalyzer: PictureAnalyzer {
    public static let id = "focus"

    public struct Sharpness: Sendable, Hashable {
        /// Largest step over the whole change across strong edges (0…1).
        public var edges: Double
        /// How many strong edges were read.
        public var edgeCount: Int
        /// Mean |difference| of neighbouring samples, across and down, in 8-bit codes.
        public var fine: Double
    }

    public init(parameters: NoParameters, context: CheckContext) {}

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Sharpness? {
        let p = picture.luma.layout
        guard p.width >= 16, p.height >= 16 else { return nil }
        let scale = 1 << max(0, p.bitDepth - 8)
        var t = Tally()
        if p.bytesPerSample == 1 { t.read(p, UInt8.self, strong: 20 * scale) } else { t.read(p, UInt16.self, strong: 20 * scale) }
        return Sharpness(edges: t.spans > 0 ? Double(t.steps) / Double(t.spans) : 0, edgeCount: t.edges,
                         fine: Double(t.near) / Double(max(1, t.nearCount)) / Double(scale))
    }

    struct Tally {
        var near = 0, nearCount = 0, steps = 0, spans = 0, edges = 0

        /// One line of samples `v(0)…v(n-1)`.
        @inline(__always)
        mutating func line(_ n: Int, strong: Int, _ v: (Int) -> Int) {
            guard n > 4 else { return }
            var d0 = abs(v(1) - v(0)), d1 = abs(v(2) - v(1)), d2 = abs(v(3) - v(2))
            var i = 0
            while i + 4 < n {
                let d3 = abs(v(i + 4) &- v(i + 3))
                near &+= d0
                let span = abs(v(i + 4) &- v(i))
                if span >= strong {
                    steps &+= max(max(d0, d1), max(d2, d3))
                    spans &+= span
                    edges &+= 1
                }
                d0 = d1; d1 = d2; d2 = d3
                i &+= 1
            }
            nearCount &+= i
        }

        mutating func read<S: FixedWidthInteger & UnsignedInteger>(_ p: PlaneLayout, _: S.Type, strong: Int) {
            for y in stride(from: 8, to: p.height, by: 16) {
                let r = (p.baseAddress + y * p.bytesPerRow).assumingMemoryBound(to: S.self)
                line(p.width, strong: strong) { Int(r[$0]) }
            }
            let rows = (p.height + 1) / 2
            for x in stride(from: 8, to: p.width, by: 16) {
                line(rows, strong: strong) { Int((p.baseAddress + 2 * $0 * p.bytesPerRow).assumingMemoryBound(to: S.self)[x]) }
            }
        }
    }
}
