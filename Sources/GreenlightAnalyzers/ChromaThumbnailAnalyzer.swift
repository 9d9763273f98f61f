import GreenlightCore
import GreenlightValues

/// A picture's chroma as 16×9 block means of Cb and Cr, in percent of the nominal chroma
/// excursion away from neutral (0 = grey): what the luma thumbnail does not see, so that a cut
/// between two shots of equal brightness but different colour still shows.
///
/// Every second line and every second sample of the chroma planes is read: block means need no
/// more. A picture without chroma planes (grey) gives zeros.
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

    private var sums = [Int64](repeating: 0, count: columns * rows)
    private var counts = [Int32](repeating: 0, count: columns * rows)

    public init(parameters: NoParameters, context: CheckContext) {}

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Output {
        let range = picture.features.signal.range
        var blocks: [Float] = []
        blocks.reserveCapacity(2 * Self.columns * Self.rows)
        for plane in 1...2 {
            let means = picture.withPlane(plane) { p -> [Float] in blockMeans(p.layout, range: range) }
            blocks += means ?? [Float](repeating: 0, count: Self.columns * Self.rows)
        }
        return Output(blocks: blocks)
    }

    private func blockMeans(_ p: PlaneLayout, range: ColorRange) -> [Float] {
        let cols = Self.columns, rows = Self.rows
        for i in sums.indices { sums[i] = 0; counts[i] = 0 }
        guard p.width >= cols, p.height >= rows else { return [Float](repeating: 0, count: cols * rows) }
        var columnBlock = [Int](repeating: 0, count: p.width)
        for x in 0..<p.width { columnBlock[x] = x * cols / p.width }
        for y in stride(from: 0, to: p.height, by: 2) {
            let base = (y * rows / p.height) * cols
            if p.bytesPerSample == 1 {
                let row = p.row8(y)
                for x in stride(from: 0, to: p.width, by: 2) { sums[base + columnBlock[x]] += Int64(row[x]); counts[base + columnBlock[x]] += 1 }
            } else {
                let row = p.row16(y)
                for x in stride(from: 0, to: p.width, by: 2) { sums[base + columnBlock[x]] += Int64(row[x]); counts[base + columnBlock[x]] += 1 }
            }
        }
        let scale = Double(1 << (p.bitDepth - 8))
        let mid = 128 * scale, excursion = (range == .full ? 255 : 224) * scale
        return (0..<cols * rows).map { i in
            counts[i] > 0 ? Float((Double(sums[i]) / Double(counts[i]) - mid) / excursion * 100) : 0
        }
    }
}
