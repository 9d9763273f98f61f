import GreenlightCore
import GreenlightValues

/// What a picture's luma says about visual glitches: a block grid stronger than the texture
/// around it (macroblocking), and combing (field motion on alternate lines) with the field
/// order it implies.
///
/// The picture is read in pairs of block rows (16 lines, an edge between them) spaced evenly
/// down it, about 24 pairs whatever the size (every fifth at 1080p): a starved encode or field
/// motion covers far more than the lines between.
///
/// **Blocks.** Codecs cut the picture into 8 × 8 blocks from its top-left corner. Along two lines
/// of each block row, the step across each vertical block edge is set against the changes inside
/// the blocks either side; down every other column, likewise for the horizontal edge between the
/// pair's two block rows. Two measures per
/// direction: the grid's strength (mean |step| on block edges over the mean inside blocks: about
/// 1 for a clean picture, whatever its detail) and the share of the edge segments (8 samples long)
/// that are flat inside (under 2 codes of 8 bits on average) yet step by 1.5 codes or more, over
/// twice the change inside: a block a viewer sees. Both directions must agree: a grid has two.
///
/// **Combing.** On an eighth of the columns, a line that stands out from both its neighbours (by
/// more than 8 codes, the same way) while agreeing with the lines two above and below (its own
/// field) and with the next sample along the line doing the same, on two lines running the other
/// way round (a comb's teeth, not a lone thin line or noise), where the picture moved since the
/// previous one, is combed: the two fields were taken at different
/// moments. The measure is the combed share of the samples that moved and stand out from a
/// neighbour line at all: nine real progressive clips stay under 0.6 %; the same footage woven
/// into fields reaches 5-70 % on most pictures, even a slowly moving flower.
///
/// **Field order.** On a combed picture, each field is set against the previous picture's other
/// field (interpolated to its lines): the field that comes first in time is nearer the previous
/// picture's last field. Positive evidence: top field first.
public final class GlitchAnalyzer: PictureAnalyzer {
    public static let id = "glitch"
    public static var readsPreviousPicture: Bool { true }

    public struct Glitch: Sendable, Hashable {
        /// Block-edge strength (mean |step| on edges over mean inside blocks), across vertical edges and across horizontal ones.
        public var gridAcross: Double
        public var gridDown: Double
        /// Share (0…100) of flat edge segments with a visible step, each way.
        public var visibleAcross: Double
        public var visibleDown: Double
        /// Share (0…100) of the samples that moved and have vertical contrast that are combed
        /// (0 under 8 combed samples).
        public var combed: Double
        /// Mean difference of the bottom field to the previous picture's top field, less that of
        /// the top field to the previous bottom field (8-bit codes): positive when the content is
        /// top field first. Nil on the first picture or when it is not combed.
        public var fieldOrder: Double?

        /// The grid's strength and visible share, the weaker direction of the two.
        public var grid: Double { min(gridAcross, gridDown) }
        public var visible: Double { min(visibleAcross, visibleDown) }
    }

    /// A picture is combed from this share of its moving, contrasted samples combed.
    public static let combedShare = 3.0
    /// Fewer combed samples than this say nothing.
    static let fewest = 8
    /// About this many pairs of block rows are read.
    static let pairs = 24

    private var steps: [Int32] = [], inside: [Int32] = [], above: [Int32] = [], lastZig: [Int32] = []
    private var read = 0
    private var lastBlocks: Glitch?

    public init(parameters: NoParameters, context: CheckContext) {}

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Glitch? {
        let luma = picture.luma.layout
        guard luma.width >= 32, luma.height >= 32 else { return nil }
        let scale = 1 << max(0, luma.bitDepth - 8)
        let wide = luma.bytesPerSample == 2
        // Blocks on every other picture (a stretch counts from 8), the one between carrying the
        // last reading; combing on every picture (a cadence is read picture by picture).
        read += 1
        if read % 2 == 1 || lastBlocks == nil {
            lastBlocks = wide ? measureBlocks(luma, UInt16.self, scale: scale) : measureBlocks(luma, UInt8.self, scale: scale)
        }
        var g = lastBlocks!
        // With the previous picture (same raster): combing where it moved, and the field order.
        let withPrevious = picture.withPreviousLuma { previous -> (Double, Double?)? in
            let q = previous.layout
            guard q.width == luma.width, q.height == luma.height, q.bytesPerSample == luma.bytesPerSample else { return nil }
            let combed = wide ? comb(luma, q, UInt16.self, scale: scale) : comb(luma, q, UInt8.self, scale: scale)
            guard combed >= Self.combedShare else { return (combed, nil) }
            return (combed, (wide ? fieldOrder(luma, q, UInt16.self) : fieldOrder(luma, q, UInt8.self)) / Double(scale))
        } ?? nil
        if let (combed, order) = withPrevious {
            g.combed = combed
            g.fieldOrder = order
        } else {
            // No previous picture (the first, or a new raster): no motion to tell combing from
            // fine horizontal detail, so the picture is not judged (read on its lines alone it
            // gave 2-4 % on a woven clip, either side of the line as the columns fell).
            g.combed = 0
        }
        return g
    }

    /// The first block row of each pair read.
    @inline(__always)
    private func pairRows(_ blocksY: Int) -> StrideTo<Int> {
        stride(from: 0, to: blocksY - 1, by: max(2, blocksY / Self.pairs))
    }

    @inline(__always)
    private static func row<S>(_ p: PlaneLayout, _ y: Int, _: S.Type) -> UnsafePointer<S> {
        (p.baseAddress + y * p.bytesPerRow).assumingMemoryBound(to: S.self)
    }

    private func measureBlocks<S: FixedWidthInteger & UnsignedInteger>(_ p: PlaneLayout, _: S.Type, scale: Int) -> Glitch {
        let blocksX = p.width / 8, blocksY = p.height / 8
        // Flat: under 2 codes (8-bit) of change inside, on average; visible: a step of 1.5 codes
        // or more, over twice that. Compared in sums: a segment's 7 inside changes per line.
        let flatLimit = Double(2 * scale), stepFloor = 1.5 * Double(scale)
        if steps.count < blocksX { steps = [Int32](repeating: 0, count: blocksX); inside = steps; above = steps }
        var edgeSum = 0, edgeCount = 0, insideSum = 0, insideCount = 0, flat = 0, visible = 0
        var downEdge = 0, downEdgeCount = 0, downInside = 0, downInsideCount = 0, downFlat = 0, downVisible = 0
        let width = blocksX * 8
        steps.withUnsafeMutableBufferPointer { steps in
            inside.withUnsafeMutableBufferPointer { inside in
              above.withUnsafeMutableBufferPointer { above in
                for k in pairRows(blocksY) {
                    // Across vertical edges: lines 2 and 5 of each block row of the pair.
                    for band in k...(k + 1) {
                        for c in 0..<blocksX { steps[c] = 0; inside[c] = 0 }
                        for y in [band * 8 + 2, band * 8 + 5] {
                            let r = Self.row(p, y, S.self)
                            for c in 0..<blocksX {
                                let base = c &* 8
                                var t: Int32 = 0
                                for x in (base + 1)...(base + 7) { t &+= Int32(truncatingIfNeeded: abs(Int(r[x]) &- Int(r[x - 1]))) }
                                inside[c] &+= t
                                insideSum &+= Int(t)
                                if c < blocksX - 1 {
                                    let d = Int32(truncatingIfNeeded: Int(r[base + 8]) &- Int(r[base + 7]))
                                    steps[c] &+= d
                                    edgeSum &+= Int(abs(d))
                                }
                            }
                            insideCount &+= 7 * blocksX
                            edgeCount &+= blocksX - 1
                        }
                        for c in 0..<(blocksX - 1) {
                            let mean = Double(max(inside[c], inside[c + 1])) / 14  // 7 changes × 2 lines
                            guard mean < flatLimit else { continue }
                            flat += 1
                            let step = Double(abs(steps[c])) / 2
                            if step >= stepFloor && step > 2 * mean { visible += 1 }
                        }
                    }
                    // Down across the edge between the pair's block rows, every other column.
                    for c in 0..<blocksX { steps[c] = 0; inside[c] = 0; above[c] = 0 }
                    for y in (k * 8 + 1)..<(k * 8 + 16) {
                        let r = Self.row(p, y, S.self), u = Self.row(p, y - 1, S.self)
                        if y == k * 8 + 8 {
                            for c in 0..<blocksX {
                                let x = c &* 8
                                var s: Int32 = 0, a: Int32 = 0
                                for dx in stride(from: 1, to: 8, by: 2) {
                                    let d = Int32(truncatingIfNeeded: Int(r[x + dx]) &- Int(u[x + dx]))
                                    s &+= d; a &+= abs(d)
                                }
                                steps[c] = s
                                downEdge &+= Int(a)
                            }
                            downEdgeCount &+= 4 * blocksX
                        } else {
                            let target = y < k * 8 + 8 ? above : inside
                            var t = 0
                            for c in 0..<blocksX {
                                let x = c &* 8
                                var a: Int32 = 0
                                for dx in stride(from: 1, to: 8, by: 2) { a &+= Int32(truncatingIfNeeded: abs(Int(r[x + dx]) &- Int(u[x + dx]))) }
                                target[c] &+= a
                                t &+= Int(a)
                            }
                            downInside &+= t
                            downInsideCount &+= 4 * blocksX
                        }
                    }
                    for c in 0..<blocksX {
                        let mean = Double(max(above[c], inside[c])) / 28  // 7 changes × 4 columns
                        guard mean < flatLimit else { continue }
                        downFlat += 1
                        let step = Double(abs(steps[c])) / 4
                        if step >= stepFloor && step > 2 * mean { downVisible += 1 }
                    }
                }
              }
            }
        }
        func grid(_ edge: Int, _ edges: Int, _ inner: Int, _ inners: Int) -> Double {
            guard edges > 0, inners > 0 else { return 0 }
            return (Double(edge) / Double(edges)) / max(Double(scale), Double(inner) / Double(inners))
        }
        return Glitch(gridAcross: grid(edgeSum, edgeCount, insideSum, insideCount), gridDown: grid(downEdge, downEdgeCount, downInside, downInsideCount),
                      visibleAcross: flat > 0 ? Double(visible) / Double(flat) * 100 : 0,
                      visibleDown: downFlat > 0 ? Double(downVisible) / Double(downFlat) * 100 : 0, combed: 0, fieldOrder: nil)
    }

    /// Combing over the pairs' lines against the previous picture (see the type's notes). Groups of
    /// eight columns every 64 are read, eight at a time in vector lanes (16-bit lanes for 8-bit
    /// pictures, 32-bit for deeper ones), each with the column after it for its tooth's run along
    /// the line: the even columns of the group's first 16, an eighth of the columns.
    private func comb<S: FixedWidthInteger & UnsignedInteger>(_ p: PlaneLayout, _ previous: PlaneLayout, _: S.Type, scale: Int) -> Double {
        let span = 16
        guard p.width >= span else { return 0 }
        let groups = (p.width - span) / 64 + 1
        if lastZig.count < groups * 8 { lastZig = [Int32](repeating: 0, count: groups * 8) }
        let threshold = Int32(8 * scale)
        var combed = SIMD8<Int32>(), movingEdges = SIMD8<Int32>()
        lastZig.withUnsafeMutableBufferPointer { lastZig in
            let zigs = UnsafeMutableRawPointer(lastZig.baseAddress!)
            for k in pairRows(p.height / 8) {
                for i in 0..<(groups * 8) { lastZig[i] = 0 }
                for y in max(2, k * 8)..<min(p.height - 2, k * 8 + 16) {
                    func line(_ y: Int, in plane: PlaneLayout = p) -> UnsafeRawPointer { plane.baseAddress + y * plane.bytesPerRow }
                    let r = line(y), u1 = line(y - 1), d1 = line(y + 1), u2 = line(y - 2), d2 = line(y + 2)
                    let earlier = line(y, in: previous)
                    for g in 0..<groups {
                        let x = g &* 64 &* MemoryLayout<S>.size
                        let (c, m, zig) = Self.combGroup(S.self, r + x, u1 + x, d1 + x, u2 + x, d2 + x, earlier + x,
                                                         last: zigs.loadUnaligned(fromByteOffset: g &* 32, as: SIMD8<Int32>.self),
                                                         threshold: threshold)
                        combed &+= c
                        movingEdges &+= m
                        zigs.storeBytes(of: zig, toByteOffset: g &* 32, as: SIMD8<Int32>.self)
                    }
                }
            }
        }
        let combedCount = Int(combed.wrappedSum()), moving = Int(movingEdges.wrappedSum())
        // Too few combed samples to tell (a small object, noise): not combed.
        return combedCount >= Self.fewest && moving > 0 ? Double(combedCount) / Double(moving) * 100 : 0
    }

    /// The comb test on one group: the group's sampled columns at each pointer (the line, the
    /// lines one and two above and below, the previous picture's line) in vector lanes, with
    /// the sample after each on the line and the lines beside it. Returns the combed samples
    /// and the moving edges, one or zero per lane, and each column's tooth now (1 up, -1 down,
    /// 0 none) for the next line. Tests are lane masks made by arithmetic (-1 true, 0 false: the
    /// sign of a difference), so that every step is a vector instruction (Swift's SIMDMask
    /// operations compile to a loop per lane).
    @inline(__always)
    private static func combGroup<S: FixedWidthInteger & UnsignedInteger>(
        _: S.Type, _ r: UnsafeRawPointer, _ u1: UnsafeRawPointer, _ d1: UnsafeRawPointer, _ u2: UnsafeRawPointer,
        _ d2: UnsafeRawPointer, _ earlier: UnsafeRawPointer, last: SIMD8<Int32>, threshold t: Int32
    ) -> (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) {
        if S.self == UInt8.self {
            // 8-bit: the even and odd bytes of 16 in 16-bit words (an eighth of a 64-column
            // group's columns, each with the one after it), twice as many lanes a vector.
            typealias W = SIMD8<UInt16>
            @inline(__always) func lanes(_ p: UnsafeRawPointer) -> (SIMD8<Int16>, SIMD8<Int16>) {
                let w = p.loadUnaligned(as: W.self)
                return (unsafeBitCast(w & 0x00FF, to: SIMD8<Int16>.self), unsafeBitCast(w &>> 8, to: SIMD8<Int16>.self))
            }
            let (c, m, z) = combTest(lanes(r), lanes(u1), lanes(d1), lanes(u2).0, lanes(d2).0, lanes(earlier).0,
                                     last: SIMD8<Int16>(truncatingIfNeeded: last), threshold: Int16(t))
            return (SIMD8<Int32>(truncatingIfNeeded: c), SIMD8<Int32>(truncatingIfNeeded: m), SIMD8<Int32>(truncatingIfNeeded: z))
        }
        // Deeper: each 32-bit word holds a sampled column in its low half and the one after it.
        @inline(__always) func lanes(_ p: UnsafeRawPointer) -> (SIMD8<Int32>, SIMD8<Int32>) {
            let w = p.loadUnaligned(as: SIMD8<UInt32>.self)
            return (unsafeBitCast(w & 0xFFFF, to: SIMD8<Int32>.self), unsafeBitCast(w &>> 16, to: SIMD8<Int32>.self))
        }
        return combTest(lanes(r), lanes(u1), lanes(d1), lanes(u2).0, lanes(d2).0, lanes(earlier).0, last: last, threshold: t)
    }

    @inline(__always)
    private static func combTest<V: SIMD>(_ line: (V, V), _ lineAbove: (V, V), _ lineBelow: (V, V), _ above2: V, _ below2: V, _ before: V,
                                          last: V, threshold t: V.Scalar) -> (V, V, V)
        where V.Scalar: FixedWidthInteger & SignedInteger {
        let shift = V.Scalar(V.Scalar.bitWidth - 1)
        @inline(__always) func above(_ x: V, _ limit: V.Scalar) -> V { (V(repeating: limit) &- x) &>> shift }
        @inline(__always) func below(_ x: V, _ limit: V.Scalar) -> V { (x &- V(repeating: limit)) &>> shift }
        @inline(__always) func magnitude(_ x: V) -> V { let sign = x &>> shift; return (x ^ sign) &- sign }
        let v = line.0, a = v &- lineAbove.0, b = v &- lineBelow.0
        // Moved since the previous picture by more than the threshold too.
        let moving = above(magnitude(before &- v), t)
        let aUp = above(a, t), aDown = below(a, 0 - t), bUp = above(b, t), bDown = below(b, 0 - t)
        let movingEdge = moving & (aUp | aDown | bUp | bDown)
        // Standing out from both neighbours the same way, against its own field (|2v − u2 − d2|
        // under half of |2v − u1 − d1|), the next sample along the line zigging the same way.
        let own = magnitude(v &+ v &- above2 &- below2), other = magnitude(a &+ b)
        let quiet = (own &+ own &- other) &>> shift
        let vn = line.1, an = (vn &- lineAbove.1) &* 2, bn = (vn &- lineBelow.1) &* 2
        let up = aUp & bUp & above(an, t) & above(bn, t) & quiet
        let down = aDown & bDown & below(an, 0 - t) & below(bn, 0 - t) & quiet
        // The last tooth ran the other way: -1 then up, 1 then down.
        let turned = ((up & (last &>> shift)) | (down & ((V() &- last) &>> shift))) & moving
        let one = V(repeating: 1)
        return (turned & one, movingEdge & one, (up & one) | down)
    }

    /// Mean |bottom field − previous top field| less mean |top field − previous bottom field|
    /// over the pairs' lines, every fourth column, the previous picture's other field
    /// interpolated to each line.
    private func fieldOrder<S: FixedWidthInteger & UnsignedInteger>(_ p: PlaneLayout, _ q: PlaneLayout, _: S.Type) -> Double {
        var topToBottom = 0, bottomToTop = 0, tops = 0, bottoms = 0
        for k in pairRows(p.height / 8) {
            for y in max(1, k * 8)..<min(p.height - 1, k * 8 + 16) {
                let r = Self.row(p, y, S.self), u = Self.row(q, y - 1, S.self), d = Self.row(q, y + 1, S.self)
                var s = 0, n = 0, x = 0
                while x < p.width {
                    s &+= abs(2 &* Int(r[x]) &- Int(u[x]) &- Int(d[x]))
                    n &+= 2
                    x &+= 4
                }
                if y & 1 == 0 { topToBottom &+= s; tops &+= n } else { bottomToTop &+= s; bottoms &+= n }
            }
        }
        return Double(bottomToTop) / Double(max(1, bottoms)) - Double(topToBottom) / Double(max(1, tops))
    }
}
