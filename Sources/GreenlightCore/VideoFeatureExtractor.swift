import GreenlightMedia

/// Computes the requested per-frame video features in one pass over the luma plane.
///
/// Pictures larger than 1280×720 are sampled on every second pixel of every second line
/// (a quarter of the pixels, still over 500,000 samples at 1080p): statistics, the black share
/// and differences are unchanged in practice and the pass costs a quarter as much.
final class VideoFeatureExtractor {
    let features: FeatureSet
    let parameters: FeatureParameters
    let frameRate: Rational?
    let origin: MediaTime

    private var previous: RetainedVideoFrame?
    private var layout: Layout?
    private var histogram: UnsafeMutableBufferPointer<Int32>
    private var thumbSums: UnsafeMutableBufferPointer<Int64> = .allocate(capacity: 0)
    private var blockSums: UnsafeMutableBufferPointer<Int64> = .allocate(capacity: 0)
    private static let binCount = 1024

    /// Geometry of the sampling grid, recomputed when the picture size or depth changes.
    private struct Layout {
        var width: Int, height: Int, bitDepth: Int, step: Int
        var thumbWidth: Int, thumbHeight: Int
        var thumbColumn: [Int32]
        var thumbCounts: [Int32]
        var blockColumns: Int, blockRows: Int
        var blockCounts: [Int32]
        var samples: Int
    }

    init(features: FeatureSet, parameters: FeatureParameters, frameRate: Rational?, origin: MediaTime) {
        self.features = features
        self.parameters = parameters
        self.frameRate = frameRate
        self.origin = origin
        histogram = .allocate(capacity: Self.binCount)
    }

    deinit {
        histogram.deallocate()
        thumbSums.deallocate()
        blockSums.deallocate()
    }

    func extract(_ frame: borrowing VideoFrame) -> VideoFeatures {
        let luma = frame.luma
        let signal = LumaSignal(bitDepth: luma.bitDepth, range: frame.colorRange)
        let time = frame.time - origin
        let frameDuration = frame.duration
        let duration = frameDuration ?? frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) } ?? MediaTime(value: 1, timescale: 25)
        let ordinal = frame.ordinal
        let number = frameRate.map { time.frameIndex(at: $0) } ?? ordinal
        var result = VideoFeatures(frameNumber: number, time: time, duration: duration, signal: signal,
                                   isKeyFrame: frame.isKeyFrame, isBlack: false)
        guard !features.intersection(FeatureSet.video).isEmpty else { return result }

        let layout = prepareLayout(luma)
        let wantDiff = features.contains(.frameDifference)
        let prev = wantDiff ? previous.flatMap { $0.luma.width == luma.width && $0.luma.height == luma.height && $0.luma.bitDepth == luma.bitDepth ? $0.luma : nil } : nil
        histogram.update(repeating: 0)
        if features.contains(.thumbnail) { thumbSums.update(repeating: 0) }
        if prev != nil { blockSums.update(repeating: 0) }

        let diffTotal: Int64
        if luma.bytesPerSample == 1 {
            diffTotal = scan(UInt8.self, luma, prev, layout)
        } else {
            diffTotal = scan(UInt16.self, luma, prev, layout)
        }
        let range = Double(signal.whiteLevel - signal.blackLevel)

        if features.contains(.lumaHistogram) {
            let shift = max(0, luma.bitDepth - 10)
            let bins = min(Self.binCount, 1 << (luma.bitDepth - shift))
            let h = LumaHistogram(counts: Array(histogram[0..<bins]), binShift: shift, total: layout.samples)
            result.histogram = h
            result.stats = Self.stats(h)
            let share = parameters.black.blackShare(h, signal: signal)
            result.blackShare = share
            result.isBlack = share >= parameters.black.pixelRatio
        }
        if features.contains(.thumbnail) {
            var pixels = [Float](repeating: 0, count: layout.thumbWidth * layout.thumbHeight)
            let black = Double(signal.blackLevel)
            for i in pixels.indices where layout.thumbCounts[i] > 0 {
                pixels[i] = Float((Double(thumbSums[i]) / Double(layout.thumbCounts[i]) - black) / range * 100)
            }
            result.thumbnail = LumaThumbnail(width: layout.thumbWidth, height: layout.thumbHeight, pixels: pixels)
        }
        if prev != nil {
            var worst = 0.0
            for i in 0..<layout.blockCounts.count where layout.blockCounts[i] > 0 {
                worst = max(worst, Double(blockSums[i]) / Double(layout.blockCounts[i]))
            }
            result.difference = FrameDifference(mean: Double(diffTotal) / Double(layout.samples) / range * 100,
                                                worstBlock: worst / range * 100)
        }
        if wantDiff { previous = frame.retained() }
        return result
    }

    /// The single pass: histogram, thumbnail sums and block differences together.
    @inline(__always)
    private func scan<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ luma: LumaPlane, _ prev: LumaPlane?, _ layout: Layout) -> Int64 {
        let step = layout.step
        let width = luma.width, height = luma.height
        let maxBin = Self.binCount - 1
        let shift = max(0, luma.bitDepth - 10)
        let hist = histogram.baseAddress!
        let thumb = thumbSums.baseAddress!
        let blocks = blockSums.baseAddress!
        let wantHist = features.contains(.lumaHistogram)
        let wantThumb = features.contains(.thumbnail)
        let thumbHeight = layout.thumbHeight
        let blockColumns = layout.blockColumns
        var diffTotal: Int64 = 0
        layout.thumbColumn.withUnsafeBufferPointer { thumbColumn in
            var y = 0
            while y < height {
                let row = (luma.baseAddress + y * luma.bytesPerRow).assumingMemoryBound(to: T.self)
                let thumbRow = (y * thumbHeight / height) * layout.thumbWidth
                if wantHist {
                    var x = 0
                    while x < width {
                        let bin = min(Int(row[x]) >> shift, maxBin)
                        hist[bin] &+= 1
                        x &+= step
                    }
                }
                if wantThumb {
                    var x = 0
                    while x < width {
                        thumb[thumbRow + Int(thumbColumn[x])] &+= Int64(row[x])
                        x &+= step
                    }
                }
                if let prev {
                    let prevRow = (prev.baseAddress + y * prev.bytesPerRow).assumingMemoryBound(to: T.self)
                    let blockRow = (y >> 5) * blockColumns
                    var x = 0
                    while x < width {
                        // Accumulate one 32-pixel block at a time.
                        let blockEnd = min(x + 32, width)
                        var sum: Int64 = 0
                        while x < blockEnd {
                            let a = Int64(row[x]), b = Int64(prevRow[x])
                            sum &+= a > b ? a &- b : b &- a
                            x &+= step
                        }
                        blocks[blockRow + ((x - 1) >> 5)] &+= sum
                        diffTotal &+= sum
                    }
                }
                y &+= step
            }
        }
        return diffTotal
    }

    private func prepareLayout(_ luma: LumaPlane) -> Layout {
        if let l = layout, l.width == luma.width, l.height == luma.height, l.bitDepth == luma.bitDepth { return l }
        let w = luma.width, h = luma.height
        let step = w * h > 1280 * 720 ? 2 : 1
        let tw = min(64, w)
        let th = max(1, Int((Double(h) * Double(tw) / Double(w)).rounded()))
        var thumbColumn = [Int32](repeating: 0, count: w)
        for x in 0..<w { thumbColumn[x] = Int32(x * tw / w) }
        var thumbCounts = [Int32](repeating: 0, count: tw * th)
        let bc = (w + 31) / 32, br = (h + 31) / 32
        var blockCounts = [Int32](repeating: 0, count: bc * br)
        var samples = 0
        for y in stride(from: 0, to: h, by: step) {
            for x in stride(from: 0, to: w, by: step) {
                thumbCounts[(y * th / h) * tw + x * tw / w] += 1
                blockCounts[(y >> 5) * bc + (x >> 5)] += 1
                samples += 1
            }
        }
        thumbSums.deallocate()
        blockSums.deallocate()
        thumbSums = .allocate(capacity: tw * th)
        blockSums = .allocate(capacity: bc * br)
        let l = Layout(width: w, height: h, bitDepth: luma.bitDepth, step: step, thumbWidth: tw, thumbHeight: th,
                       thumbColumn: thumbColumn, thumbCounts: thumbCounts, blockColumns: bc, blockRows: br,
                       blockCounts: blockCounts, samples: samples)
        layout = l
        return l
    }

    static func stats(_ h: LumaHistogram) -> LumaStats {
        var minBin = 0, maxBin = h.counts.count - 1
        while minBin < maxBin && h.counts[minBin] == 0 { minBin += 1 }
        while maxBin > minBin && h.counts[maxBin] == 0 { maxBin -= 1 }
        var weighted = 0.0
        for (i, c) in h.counts.enumerated() where c > 0 { weighted += Double(i << h.binShift) * Double(c) }
        return LumaStats(min: minBin << h.binShift, max: maxBin << h.binShift, mean: h.total > 0 ? weighted / Double(h.total) : 0,
                         p1: h.percentile(0.01), p5: h.percentile(0.05), median: h.percentile(0.5),
                         p95: h.percentile(0.95), p99: h.percentile(0.99))
    }
}
