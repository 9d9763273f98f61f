import GreenlightCore
import GreenlightValues

/// A picture's chroma as 16×9 block means of Cb and Cr, in percent of the nominal chroma
/// excursion away from neutral (0 = grey): what the luma thumbnail does not see, so that a cut
/// between two shots of equal brightness but different colour still shows.
///
/// About 8 rows of each block are read, every sample of them: block means need no more. A picture without chroma
/// planes (grey) gives zeros.
public final class ChromaThumbnailAnalyzer: PictureAnalyzer {
    public static let id = "chroma-thumbnail"
    public static let columns = 16
    public static let rows = 9

    public struct Output: Sendable, Hashable {
        /// Cb block means, then Cr block means, row by row.
        public var blocks: [Float]

        /// Mean absolute difference to `other`, in percent of the chroma excursion.
        public func difference(to other: Output) -> Double {
            guard blocks.count == other.blocks.count, !blocks.isEmpty else { return 0 }
            var sum: Float = 0
            for i in blocks.indices { sum += abs(blocks[i] - other.blocks[i]) }
            return Double(sum) / Double(blocks.count)
        }
    }

    public init(parameters: NoParameters, context: CheckContext) {}

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Output {
        let range = picture.features.signal.range
        var blocks: [Float] = []
        blocks.reserveCapacity(2 * Self.columns * Self.rows)
        for plane in 1...2 {
            let means = picture.withPlane(plane) { p -> [Float] in Self.blockMeans(p.layout, range: range) }
            blocks += means ?? [Float](repeating: 0, count: Self.columns * Self.rows)
        }
        return Output(blocks: blocks)
    }

    /// Block means from about 8 evenly spaced rows of each block, every sample of them (summed
    /// in loops the optimiser vectorises: faster than a sparse grid of single samples).
    static func blockMeans(_ p: PlaneLayout, range: ColorRange) -> [Float] {
        let cols = columns, rows = rows
        guard p.width >= cols, p.height >= rows else { return [Float](repeating: 0, count: cols * rows) }
        let stepY = max(1, p.height / (rows * 8))
        // The columns of each block column: sample x falls in block column x * cols / width.
        let spans = (0..<cols).map { c in ((c * p.width + cols - 1) / cols)..<(((c + 1) * p.width + cols - 1) / cols) }
        var sums = [Int](repeating: 0, count: cols * rows)
        var counts = [Int](repeating: 0, count: cols * rows)
        for y in stride(from: 0, to: p.height, by: stepY) {
            let base = (y * rows / p.height) * cols
            for (c, span) in spans.enumerated() {
                var t: UInt32 = 0
                if p.bytesPerSample == 1 {
                    let row = p.row8(y)
                    for x in span { t &+= UInt32(row[x]) }
                } else {
                    let row = p.row16(y)
                    for x in span { t &+= UInt32(row[x]) }
                }
                sums[base + c] &+= Int(t); counts[base + c] &+= span.count
            }
        }
        let scale = Double(1 << (p.bitDepth - 8))
        let mid = 128 * scale, excursion = (range == .full ? 255 : 224) * scale
        return (0..<cols * rows).map { i in
            counts[i] > 0 ? Float((Double(sums[i]) / Double(counts[i]) - mid) / excursion * 100) : 0
        }
    }
}
