import GreenlightCore
import GreenlightValues

/// What one scan of a picture's luma plane measured: only the parts asked for are set.
public struct LumaScan: Sendable {
    public var histogram: LumaHistogram?
    public var stats: LumaStats?
    /// Share (0…100) of pixels at or below the black threshold; with the histogram.
    public var blackShare: Double?
    /// Whether the picture meets the black criterion; with the histogram.
    public var isBlack = false
    /// Difference to the previous picture; nil on the first, or after a change of size or depth.
    public var difference: FrameDifference?
    public var thumbnail: LumaThumbnail?
}

/// The luma statistics, block thumbnail and frame differences in one pass over the luma plane:
/// the engine's built-in picture analyzer (its output fills ``VideoFeatures``), and one any
/// checker can ask for with parameters of its own.
///
/// The thumbnail is the picture's 32×32-pixel block means (60×34 at 1080p), the same blocks the
/// difference is measured on.
///
/// Pictures larger than 1280×720 are measured on about 270 of their lines, taken in pairs (at
/// 1080p lines 0, 1, 8, 9, 16, 17…; at 2160p 0, 1, 16, 17…), and their histogram on every
/// fourth or eighth pixel of those lines: about 130,000 histogram samples and 8 of every 32
/// lines of each block at 1080p and 2160p alike. The regular grid leaves statistics, the black
/// share and block means unchanged in practice, and the block differences still see every
/// pixel of the lines read (a change shorter than 7 lines can fall between them). Because the
/// lines come in pairs, an interlaced picture is measured on both its fields.
public final class LumaScanAnalyzer: PictureAnalyzer {
    public static let id = "luma-scan"
    public static let readsPreviousPicture = true

    public struct Parameters: Hashable, Sendable {
        /// Which of ``FeatureSet/lumaHistogram``, ``FeatureSet/thumbnail`` and ``FeatureSet/frameDifference`` to measure.
        public var parts: FeatureSet
        public var black: BlackCriterion
        public init(parts: FeatureSet, black: BlackCriterion = BlackCriterion()) {
            self.parts = parts.intersection(.video)
            self.black = black
        }
    }

    let parts: FeatureSet
    let black: BlackCriterion
    private var layout: Layout?
    private var histogram: UnsafeMutableBufferPointer<Int32>
    private var thumbSums: UnsafeMutableBufferPointer<Int64> = .allocate(capacity: 0)
    private var blockSums: UnsafeMutableBufferPointer<Int64> = .allocate(capacity: 0)
    private static let binCount = 1024

    /// Geometry of the sampling grid, recomputed when the picture size or depth changes.
    private struct Layout {
        /// Lines: pairs out of every `2 × step`; histogram: every `step`-th pixel of them.
        var width: Int, height: Int, bitDepth: Int, step: Int
        var blockColumns: Int, blockRows: Int
        /// Pixels summed into each 32×32 block (whole rows, of the lines read).
        var blockCounts: [Int32]
        /// Histogram samples per picture.
        var samples: Int
        /// Pixels summed per picture (for the mean difference).
        var pixels: Int
    }

    public init(parameters: Parameters, context: CheckContext) {
        parts = parameters.parts
        black = parameters.black
        histogram = .allocate(capacity: 2 * Self.binCount)
    }

    deinit {
        histogram.deallocate()
        thumbSums.deallocate()
        blockSums.deallocate()
    }

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> LumaScan {
        var result = LumaScan()
        guard !parts.isEmpty else { return result }
        let luma = picture.luma.layout
        let signal = picture.features.signal
        let layout = prepareLayout(luma)
        let previous = parts.contains(.frameDifference) ? picture.withPreviousLuma { $0.layout } : nil
        let prev = previous.flatMap { $0.width == luma.width && $0.height == luma.height && $0.bitDepth == luma.bitDepth ? $0 : nil }
        histogram.update(repeating: 0)
        thumbSums.update(repeating: 0)
        blockSums.update(repeating: 0)

        let (diffTotal, changedTotal): (Int64, Int64)
        if luma.bytesPerSample == 1 {
            (diffTotal, changedTotal) = scan(UInt8.self, luma, prev, layout)
        } else {
            (diffTotal, changedTotal) = scan(UInt16.self, luma, prev, layout)
        }
        for i in 0..<Self.binCount { histogram[i] &+= histogram[Self.binCount + i] }
        let range = Double(signal.whiteLevel - signal.blackLevel)

        if parts.contains(.lumaHistogram) {
            let shift = max(0, luma.bitDepth - 10)
            let bins = min(Self.binCount, 1 << (luma.bitDepth - shift))
            let h = LumaHistogram(counts: Array(histogram[0..<bins]), binShift: shift, total: layout.samples)
            result.histogram = h
            result.stats = LumaStats(histogram: h)
            let share = black.blackShare(h, signal: signal)
            result.blackShare = share
            result.isBlack = share >= black.pixelRatio
        }
        if parts.contains(.thumbnail) {
            var pixels = [Float](repeating: 0, count: layout.blockCounts.count)
            let blackLevel = Double(signal.blackLevel)
            for i in pixels.indices where layout.blockCounts[i] > 0 {
                pixels[i] = Float((Double(thumbSums[i]) / Double(layout.blockCounts[i]) - blackLevel) / range * 100)
            }
            result.thumbnail = LumaThumbnail(width: layout.blockColumns, height: layout.blockRows, pixels: pixels)
        }
        if prev != nil {
            var worst = 0.0
            for i in 0..<layout.blockCounts.count where layout.blockCounts[i] > 0 {
                worst = max(worst, Double(blockSums[i]) / Double(layout.blockCounts[i]))
            }
            result.difference = FrameDifference(mean: Double(diffTotal) / Double(layout.pixels) / range * 100,
                                                worstBlock: worst / range * 100,
                                                changedShare: Double(changedTotal) / Double(layout.pixels) * 100)
        }
        return result
    }

    /// The single pass, row by sampled row: first the luma sums (the thumbnail) and absolute
    /// differences to the previous picture (the block differences) over the whole row, 32 pixels
    /// at a time in vectorisable loops, which also brings the row into cache; then the histogram
    /// from every `step`-th pixel of it. Returns the total difference.
    @inline(__always)
    private func scan<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ luma: PlaneLayout, _ prev: PlaneLayout?, _ layout: Layout) -> (Int64, Int64) {
        let step = layout.step
        let width = luma.width, height = luma.height
        let shift = max(0, luma.bitDepth - 10)
        let maxBin = UInt32(Self.binCount - 1)
        let hist = histogram.baseAddress!
        let hist2 = hist + Self.binCount
        let sums = thumbSums.baseAddress!
        let diffs = blockSums.baseAddress!
        let wantHist = parts.contains(.lumaHistogram)
        let wantSums = parts.contains(.thumbnail)
        let blockColumns = layout.blockColumns
        let fullSpans = width / 32
        var diffTotal: Int64 = 0, changedTotal: Int64 = 0
        var y = 0
        while y < height {
            let rowBytes = luma.baseAddress + y * luma.bytesPerRow
            let row = rowBytes.assumingMemoryBound(to: T.self)
            let blockRow = (y >> 5) * blockColumns
            if wantSums || prev != nil {
                let prevBytes = prev.map { $0.baseAddress + y * $0.bytesPerRow }
                let prevTyped = prevBytes.map { UnsafePointer($0.assumingMemoryBound(to: T.self)) }
                let rowTyped = UnsafePointer(row)
                for span in 0..<fullSpans {
                    let (sum, diff, changed) = T.self == UInt8.self
                        ? Self.span8(UnsafeRawPointer(rowTyped + span * 32).assumingMemoryBound(to: UInt8.self),
                                     prevTyped.map { UnsafeRawPointer($0 + span * 32).assumingMemoryBound(to: UInt8.self) })
                        : luma.bitDepth <= 12 ? Self.span16(UnsafeRawPointer(rowTyped + span * 32), prevTyped.map { UnsafeRawPointer($0 + span * 32) })
                        : Self.span(rowTyped + span * 32, prevTyped.map { $0 + span * 32 })
                    sums[blockRow + span] &+= Int64(sum)
                    diffs[blockRow + span] &+= Int64(diff)
                    diffTotal &+= Int64(diff)
                    changedTotal &+= Int64(changed)
                }
                if fullSpans * 32 < width {
                    let prevRow = prevTyped
                    var sum: Int64 = 0, diff: Int64 = 0
                    for x in (fullSpans * 32)..<width {
                        let v = Int64(row[x])
                        sum &+= v
                        if let prevRow {
                            let p = Int64(prevRow[x])
                            diff &+= v > p ? v &- p : p &- v
                            changedTotal &+= v != p ? 1 : 0
                        }
                    }
                    sums[blockRow + fullSpans] &+= sum
                    diffs[blockRow + fullSpans] &+= diff
                    diffTotal &+= diff
                }
            }
            if wantHist {
                // Two histograms alternate so runs of one value do not serialise the increments.
                // 8-bit codes index the histogram directly; deeper ones drop `shift` bits (masking
                // shift: no over-shift check per pixel) and clamp.
                var x = 0
                if T.bitWidth == 8 {
                    while x &+ step < width {
                        hist[Int(row[x])] &+= 1
                        hist2[Int(row[x &+ step])] &+= 1
                        x &+= step &* 2
                    }
                    if x < width { hist[Int(row[x])] &+= 1 }
                } else if shift == 0 {
                    // Up to 10 bits: no shift, only the clamp against stray high bits.
                    while x &+ step < width {
                        hist[Int(min(UInt32(truncatingIfNeeded: row[x]), maxBin))] &+= 1
                        hist2[Int(min(UInt32(truncatingIfNeeded: row[x &+ step]), maxBin))] &+= 1
                        x &+= step &* 2
                    }
                    if x < width { hist[Int(min(UInt32(truncatingIfNeeded: row[x]), maxBin))] &+= 1 }
                } else {
                    let s32 = UInt32(shift)
                    while x &+ step < width {
                        hist[Int(min(UInt32(truncatingIfNeeded: row[x]) &>> s32, maxBin))] &+= 1
                        hist2[Int(min(UInt32(truncatingIfNeeded: row[x &+ step]) &>> s32, maxBin))] &+= 1
                        x &+= step &* 2
                    }
                    if x < width { hist[Int(min(UInt32(truncatingIfNeeded: row[x]) &>> s32, maxBin))] &+= 1 }
                }
            }
            y &+= Self.nextRowStep(y, step)
        }
        return (diffTotal, changedTotal)
    }

    /// Sum of 32 contiguous samples, of their absolute differences to `previous`, and how many of
    /// them differ at all. Written as plain fixed-length loops with wrapping arithmetic, which the
    /// optimiser vectorises (16-bit samples; 8-bit ones take ``span8(_:_:)``).
    @inline(__always)
    private static func span<T: FixedWidthInteger & UnsignedInteger>(_ p: UnsafePointer<T>, _ previous: UnsafePointer<T>?) -> (UInt32, UInt32, UInt32) {
        var sum: UInt32 = 0
        for i in 0..<32 { sum &+= UInt32(truncatingIfNeeded: p[i]) }
        guard let previous else { return (sum, 0, 0) }
        var diff: UInt32 = 0, changed: UInt32 = 0
        for i in 0..<32 {
            let a = Int32(truncatingIfNeeded: p[i]), b = Int32(truncatingIfNeeded: previous[i])
            let d = a &- b
            let magnitude = UInt32(truncatingIfNeeded: d < 0 ? 0 &- d : d)
            diff &+= magnitude
            changed &+= magnitude != 0 ? 1 : 0
        }
        return (sum, diff, changed)
    }

    /// ``span(_:_:)`` for 8-bit samples, in 16-byte vectors: the absolute difference as two
    /// saturating subtractions and the changed count as a byte minimum, kept in 8-bit lanes;
    /// sums add the even and odd bytes as 16-bit lanes (32 × 255 fits), so nothing is widened
    /// lane by lane (Swift's generic widening conversion is not inlined).
    @inline(__always)
    private static func span8(_ p: UnsafePointer<UInt8>, _ previous: UnsafePointer<UInt8>?) -> (UInt32, UInt32, UInt32) {
        let raw = UnsafeRawPointer(p)
        let a0 = raw.loadUnaligned(as: SIMD16<UInt8>.self), a1 = raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
        let sum = total(pairSums(a0) &+ pairSums(a1))
        guard let previous else { return (sum, 0, 0) }
        let rawPrevious = UnsafeRawPointer(previous)
        let b0 = rawPrevious.loadUnaligned(as: SIMD16<UInt8>.self), b1 = rawPrevious.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
        let low0 = pointwiseMin(a0, b0), low1 = pointwiseMin(a1, b1)
        let d0 = (a0 &- low0) | (b0 &- low0), d1 = (a1 &- low1) | (b1 &- low1)
        let diff = total(pairSums(d0) &+ pairSums(d1))
        let one = SIMD16<UInt8>(repeating: 1)
        let changed = total(pairSums(pointwiseMin(d0, one) &+ pointwiseMin(d1, one)))
        return (sum, diff, changed)
    }

    /// ``span(_:_:)`` for samples of up to 12 bits, in 16-bit vectors of eight: four vectors
    /// add up within a lane (4 × 4095 fits), differences are signed 16-bit lanes, their
    /// magnitude and whether they are nonzero made from the sign by arithmetic (the compiler did
    /// not vectorise the generic loop for 16-bit samples: a third of a 2160p ProRes check's own time).
    @inline(__always)
    private static func span16(_ p: UnsafeRawPointer, _ previous: UnsafeRawPointer?) -> (UInt32, UInt32, UInt32) {
        typealias V = SIMD8<UInt16>
        var sum = V(), diff = V(), changed = V()
        for k in 0..<4 {
            let a = p.loadUnaligned(fromByteOffset: 16 &* k, as: V.self)
            sum &+= a
            guard let previous else { continue }
            let d = unsafeBitCast(a, to: SIMD8<Int16>.self) &- unsafeBitCast(previous.loadUnaligned(fromByteOffset: 16 &* k, as: V.self), to: SIMD8<Int16>.self)
            let sign = d &>> 15
            diff &+= unsafeBitCast((d ^ sign) &- sign, to: V.self)
            // Nonzero: d or -d is negative.
            changed &+= unsafeBitCast(((d | (0 &- d)) &>> 15) & 1, to: V.self)
        }
        // Lane by lane: the lanes' total can pass 16 bits.
        func wide(_ v: V) -> UInt32 { var t: UInt32 = 0; for i in 0..<8 { t &+= UInt32(v[i]) }; return t }
        return (wide(sum), wide(diff), total(changed))
    }

    /// Each pair of neighbouring bytes added, as eight 16-bit lanes.
    @inline(__always)
    private static func pairSums(_ v: SIMD16<UInt8>) -> SIMD8<UInt16> {
        let words = unsafeBitCast(v, to: SIMD8<UInt16>.self)
        return (words & 0x00FF) &+ (words &>> 8)
    }

    /// The lanes' sum, halving the vector.
    @inline(__always)
    private static func total(_ v: SIMD8<UInt16>) -> UInt32 {
        let v4 = v.lowHalf &+ v.highHalf
        let v2 = v4.lowHalf &+ v4.highHalf
        return UInt32(v2[0] &+ v2[1])
    }

    private func prepareLayout(_ luma: PlaneLayout) -> Layout {
        if let l = layout, l.width == luma.width, l.height == luma.height, l.bitDepth == luma.bitDepth { return l }
        let w = luma.width, h = luma.height
        let step = w * h > 2560 * 1440 ? 8 : w * h > 1280 * 720 ? 4 : 1
        let bc = (w + 31) / 32, br = (h + 31) / 32
        var blockCounts = [Int32](repeating: 0, count: bc * br)
        var samples = 0, pixels = 0
        var y = 0
        while y < h {
            defer { y += Self.nextRowStep(y, step) }
            samples += (w + step - 1) / step
            pixels += w
            for b in 0..<bc { blockCounts[(y >> 5) * bc + b] += Int32(min(32, w - b * 32)) }
        }
        thumbSums.deallocate()
        blockSums.deallocate()
        thumbSums = .allocate(capacity: bc * br)
        blockSums = .allocate(capacity: bc * br)
        let l = Layout(width: w, height: h, bitDepth: luma.bitDepth, step: step, blockColumns: bc, blockRows: br,
                       blockCounts: blockCounts, samples: samples, pixels: pixels)
        layout = l
        return l
    }

    /// Rows sampled: all of them at step 1; otherwise two of every `2 × step` (step 4: 0, 1, 8,
    /// 9…), so each field of an interlaced picture gives its share of lines.
    @inline(__always)
    static func nextRowStep(_ y: Int, _ step: Int) -> Int {
        y & 1 == 0 ? 1 : 2 &* step &- 1
    }

}
