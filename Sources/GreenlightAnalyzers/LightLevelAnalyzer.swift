import Foundation
import GreenlightCore
import GreenlightValues

/// The light an HDR picture asks of the display, pixel by pixel, as CTA-861.3 defines it for MaxCLL
/// and MaxFALL: each pixel's light level is the largest of its linear R, G and B in cd/m²; the
/// picture's peak is the largest of those, its average their mean over every pixel.
///
/// Every pixel is read for the peak (a peak is one pixel; the average and the histogram come from a
/// regular grid of them on pictures of 426×240 and more): Y′ with the chroma where it sits (the
/// sample at its place, or the mean of the two it lies halfway between as the siting says:
/// left-sited 4:2:0, the default, puts odd columns between two; never an interpolation that could
/// overshoot), through the picture's matrix (BT.2020's when untagged) to R′G′B′. PQ (SMPTE ST 2084)
/// is absolute: the largest of R′, G′, B′ through the EOTF is the pixel's level, since the EOTF
/// rises. HLG (ARIB STD-B67) is relative: read on BT.2100's reference display, 1000 cd/m² with
/// system gamma 1.2 (the OOTF scales each pixel's scene light by its scene luminance to the power
/// 0.2). Levels go into a histogram of 1024 bins over the PQ code of the level (each bin under 1 %
/// of light wide from 5 cd/m² up), for the programme's percentiles.
///
/// With BT.2020 primaries, every fourth pixel of every fourth row (or the grid's, when coarser)
/// also tells whether its colour lies outside P3-D65 (the gamut platforms require HDR masters to be
/// graded in): a linear component in P3 below −2 % of the pixel's largest, on pixels of 1 cd/m² or
/// more (noise at black has no colour to speak of).
///
/// SDR pictures (any other transfer) give nil: nothing is read.
public final class LightLevelAnalyzer: PictureAnalyzer {
    public static let id = "light-level"
    public static let bins = 1024

    public struct Level: Sendable {
        /// "smpte2084" or "arib-std-b67".
        public var transfer: String
        /// The brightest pixel's level, cd/m².
        public var peak: Double
        /// The mean of every pixel's level, cd/m².
        public var average: Double
        /// Pixels by the PQ code of their level: bin `i` holds levels whose code is in
        /// [i / 1024, (i + 1) / 1024).
        public var histogram: [UInt32]
        /// Share (0…100) of the sampled pixels of 1 cd/m² or more outside P3-D65; nil when the
        /// primaries are not BT.2020's.
        public var outsideP3: Double?
        /// Where the brightest pixel is, in luma samples.
        public var peakAt: (x: Int, y: Int)
    }

    /// Light level of a 12-bit-quantised R′G′B′ code (PQ) or scene light (HLG), by index.
    private var pqTable: [Float] = []
    private var hlgTable: [Float] = []
    private let toP3: [Float]
    private let histogram = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: LightLevelAnalyzer.bins)

    public init(parameters: NoParameters, context: CheckContext) {
        let m = Colorimetry.rgbToRGB(from: Colorimetry.primaries("bt2020")!, to: Colorimetry.primaries("smpte432")!)
        toP3 = m.map(Float.init)
    }

    deinit { histogram.deallocate() }

    static let steps = 4095

    private func table(for transfer: String) -> [Float] {
        if transfer == "smpte2084" {
            if pqTable.isEmpty { pqTable = (0...Self.steps).map { Float(Colorimetry.pqNits(Double($0) / Double(Self.steps))) } }
            return pqTable
        }
        if hlgTable.isEmpty { hlgTable = (0...Self.steps).map { Float(Colorimetry.hlgScene(Double($0) / Double(Self.steps))) } }
        return hlgTable
    }

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Level? {
        guard let transfer = picture.features.colour?.transfer, transfer == "smpte2084" || transfer == "arib-std-b67",
              picture.planeCount >= 3,
              let cb = picture.withPlane(1, { $0.layout }), let cr = picture.withPlane(2, { $0.layout }) else { return nil }
        let luma = picture.luma.layout
        guard luma.width > 0, luma.height > 0, cb.width > 0, cb.height > 0 else { return nil }
        let colour = picture.features.colour
        let k = colour?.matrix == nil || colour?.matrix == "unknown" ? Colorimetry.lumaCoefficients("bt2020nc", height: 0)
            : Colorimetry.lumaCoefficients(colour?.matrix, height: luma.height)
        let signal = picture.features.signal
        let depth = Float(1 << (luma.bitDepth - 8))
        let black = Float(signal.blackLevel), white = Float(signal.whiteLevel)
        let mid = 128 * depth, excursion = (signal.range == .full ? 255 : 224) * depth
        let shiftX = Self.shift(luma.width, cb.width), shiftY = Self.shift(luma.height, cb.height)
        let checkP3 = colour?.primaries == "bt2020"
        var scan = Scan(table: table(for: transfer), hlg: transfer == "arib-std-b67", toP3: toP3, checkP3: checkP3,
                        yScale: 1 / (white - black), yOffset: black, cScale: 1 / excursion, cOffset: mid,
                        kr: Float(k.kr), kb: Float(k.kb), shiftX: shiftX, shiftY: shiftY, siting: colour?.chromaLocation, histogram: histogram)
        if luma.bytesPerSample == 2 { scan.run(luma, cb, cr, UInt16.self) } else { scan.run(luma, cb, cr, UInt8.self) }
        let peak = transfer == "smpte2084" ? Colorimetry.pqNits(Double(scan.peakCode)) : Double(scan.peakLevel)
        return Level(transfer: transfer, peak: peak, average: scan.sum / Double(max(1, scan.sampled)), histogram: scan.histogram,
                      outsideP3: checkP3 ? (scan.p3Sampled > 0 ? Double(scan.p3Outside) / Double(scan.p3Sampled) * 100 : 0) : nil,
                      peakAt: scan.peakAt)
    }

    static func shift(_ full: Int, _ part: Int) -> Int {
        var s = 0
        while s < 3, (part << s) < full { s += 1 }
        return s
    }

    /// One pass over a picture's pixels; the state of the sums.
    struct Scan {
        let table: [Float]
        let hlg: Bool
        let toP3: [Float]
        let checkP3: Bool
        let yScale: Float, yOffset: Float, cScale: Float, cOffset: Float
        let kr: Float, kb: Float
        let shiftX: Int, shiftY: Int
        /// Chroma sited on even columns (rows): odd ones take the mean of the two around them.
        let betweenColumns: Bool, betweenRows: Bool
        /// The sum of the sampled pixels' levels, and how many there were.
        var sum = 0.0
        var sampled = 0
        /// Sampled pixels by bin, in the analyzer's buffer (cleared by each run).
        let histogramCounts: UnsafeMutableBufferPointer<UInt32>
        var histogram: [UInt32] { Array(histogramCounts) }
        var peakCode: Float = -1
        var peakLevel: Float = -1
        var peakAt = (x: 0, y: 0)
        var p3Sampled = 0, p3Outside = 0
        /// HLG levels to PQ histogram bins: the level at each bin's lower edge.
        private var binEdges: [Float] = []

        init(table: [Float], hlg: Bool, toP3: [Float], checkP3: Bool, yScale: Float, yOffset: Float, cScale: Float, cOffset: Float,
             kr: Float, kb: Float, shiftX: Int, shiftY: Int, siting: String?, histogram: UnsafeMutableBufferPointer<UInt32>) {
            histogramCounts = histogram
            self.table = table; self.hlg = hlg; self.toP3 = toP3; self.checkP3 = checkP3
            self.yScale = yScale; self.yOffset = yOffset; self.cScale = cScale; self.cOffset = cOffset
            self.kr = kr; self.kb = kb; self.shiftX = shiftX; self.shiftY = shiftY
            // Unspecified siting is MPEG-2's and HEVC's default: left.
            betweenColumns = shiftX == 1 && [nil, "left", "topleft", "unknown"].contains(siting)
            betweenRows = shiftY == 1 && siting == "topleft"
            if hlg { binEdges = (0..<LightLevelAnalyzer.bins).map { Float(Colorimetry.pqNits(Double($0) / Double(LightLevelAnalyzer.bins))) } }
        }

        @inline(__always)
        private func index(_ v: Float) -> Int { Int(min(1, max(0, v)) * Float(LightLevelAnalyzer.steps) + 0.5) }

        /// HLG on the 1000 cd/m² reference display: each component's display light.
        @inline(__always)
        private func hlgDisplay(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
            let ys = 0.2627 * r + 0.6780 * g + 0.0593 * b
            let gain: Float = ys > 0 ? 1000 * Float(pow(Double(ys), 0.2)) : 0
            return (r * gain, g * gain, b * gain)
        }

        /// Pb, Pr (−0.5…0.5) at column `x` of the chroma rows given: the sample at its place or
        /// the mean of those it lies between.
        @inline(__always)
        private func chroma<S: FixedWidthInteger & UnsignedInteger>(_ x: Int, _ cbRows: (UnsafePointer<S>, UnsafePointer<S>),
                                                                     _ crRows: (UnsafePointer<S>, UnsafePointer<S>), chromaWidth: Int) -> (Float, Float) {
            let cx = min(chromaWidth - 1, x >> shiftX)
            // Co-sited horizontally (left siting): an odd column lies between two chroma samples.
            let cx2 = betweenColumns && x & 1 == 1 ? min(chromaWidth - 1, cx + 1) : cx
            let cbSum = Float(cbRows.0[cx]) + Float(cbRows.0[cx2]) + Float(cbRows.1[cx]) + Float(cbRows.1[cx2])
            let crSum = Float(crRows.0[cx]) + Float(crRows.0[cx2]) + Float(crRows.1[cx]) + Float(crRows.1[cx2])
            return ((cbSum * 0.25 - cOffset) * cScale, (crSum * 0.25 - cOffset) * cScale)
        }

        /// R′, G′, B′ (0…1 nominal) of the pixel at column `x` of the rows given.
        @inline(__always)
        private func rgb<S: FixedWidthInteger & UnsignedInteger>(_ x: Int, _ yRow: UnsafePointer<S>, _ cbRows: (UnsafePointer<S>, UnsafePointer<S>),
                                                                  _ crRows: (UnsafePointer<S>, UnsafePointer<S>), chromaWidth: Int) -> (Float, Float, Float) {
            let yv = (Float(yRow[x]) - yOffset) * yScale
            let (u, v) = chroma(x, cbRows, crRows, chromaWidth: chromaWidth)
            return (yv + rv * v, yv + gu * u + gv * v, yv + bu * u)
        }

        var rv: Float { 2 * (1 - kr) }
        var bu: Float { 2 * (1 - kb) }
        var gu: Float { -kb * bu / (1 - kr - kb) }
        var gv: Float { -kr * rv / (1 - kr - kb) }

        /// The rows of luma line `y` and of the chroma lines it takes its colour from.
        @inline(__always)
        private func rows<S>(_ y: Int, _ luma: PlaneLayout, _ cb: PlaneLayout, _ cr: PlaneLayout, _: S.Type)
            -> (UnsafePointer<S>, (UnsafePointer<S>, UnsafePointer<S>), (UnsafePointer<S>, UnsafePointer<S>)) {
            let cy = min(cb.height - 1, y >> shiftY)
            // Co-sited vertically (top-left siting): an odd line lies between two chroma lines.
            let cy2 = betweenRows && y & 1 == 1 ? min(cb.height - 1, cy + 1) : cy
            func row(_ p: PlaneLayout, _ y: Int) -> UnsafePointer<S> { UnsafePointer((p.baseAddress + y * p.bytesPerRow).assumingMemoryBound(to: S.self)) }
            return (row(luma, y), (row(cb, cy), row(cb, cy2)), (row(cr, cy), row(cr, cy2)))
        }

        /// The display light of a pixel of largest component `m` can be no more than this.
        @inline(__always)
        private func levelBound(_ m: Float, _ t: UnsafeBufferPointer<Float>) -> Float {
            hlg ? 1000 * Float(pow(Double(t[index(m)]), 1.2)) : t[index(m)]
        }

        /// Measures the picture: the level of the pixels of a regular grid (the average, the
        /// histogram, P3) and the brightest pixel of all of them.
        ///
        /// The average, the histogram and the P3 share are statistics: pictures of 426×240 and more
        /// give them from a regular grid of 25,000 to 100,000 pixels (pairs of pixels every 16 on
        /// pairs of lines every 16 at 1080p, every 32 at 2160p), where converting every pixel cost
        /// three to four times the decoding of a 10-bit HEVC picture. The peak is one pixel, so
        /// every pixel is still read for it, but cheaply: for each 32-column tile of the lines that
        /// share chroma, the largest Y′ and the extreme Cb and Cr bound every R′, G′, B′ in it from
        /// above (the matrix is linear, and interpolated chroma lies between the samples it comes
        /// from); only a tile whose bound reaches the brightest pixel found so far is converted
        /// pixel by pixel.
        mutating func run<S: FixedWidthInteger & UnsignedInteger>(_ luma: PlaneLayout, _ cb: PlaneLayout, _ cr: PlaneLayout, _: S.Type) {
            // Pixels in pairs, columns and lines (0, 1, step, step + 1…): as many odd columns
            // and lines as even ones, since odd ones take interpolated chroma (less noisy, so a
            // lower largest component on average: even ones alone read noisy chroma 6 % high).
            let pixels = luma.width * luma.height
            var step = 2
            while 4 * pixels / ((step * 2) * (step * 2)) >= 25_000 { step *= 2 }
            func paired(_ n: Int) -> [Int] { stride(from: 0, to: n, by: step).flatMap { [$0, $0 + 1] }.filter { $0 < n } }
            let columns = paired(luma.width)
            let nbins = Float(LightLevelAnalyzer.bins)
            let cw = cb.width
            histogramCounts.update(repeating: 0)
            let histogram = histogramCounts
            table.withUnsafeBufferPointer { t in
                for y in paired(luma.height) {
                    let (yRow, cbRows, crRows) = rows(y, luma, cb, cr, S.self)
                    let sampleP3 = checkP3 && y % 4 == 0
                    var rowSum: Float = 0
                    for x in columns {
                        let (r, g, b) = rgb(x, yRow, cbRows, crRows, chromaWidth: cw)
                        let level: Float
                        var lr: Float = 0, lg: Float = 0, lb: Float = 0
                        if !hlg {
                            let m = max(r, max(g, b))
                            level = t[index(m)]
                            if m > peakCode { peakCode = m; peakAt = (x, y) }
                            histogram[min(LightLevelAnalyzer.bins - 1, Int(max(0, min(1, m)) * nbins))] &+= 1
                            if sampleP3 && x % 4 == 0 { lr = t[index(r)]; lg = t[index(g)]; lb = t[index(b)] }
                        } else {
                            (lr, lg, lb) = hlgDisplay(t[index(r)], t[index(g)], t[index(b)])
                            level = max(lr, max(lg, lb))
                            if level > peakLevel { peakLevel = level; peakAt = (x, y) }
                            histogram[bin(level)] &+= 1
                        }
                        rowSum += level
                        if sampleP3 && x % 4 == 0 && level >= 1 {
                            let p0 = toP3[0] * lr + toP3[1] * lg + toP3[2] * lb
                            let p1 = toP3[3] * lr + toP3[4] * lg + toP3[5] * lb
                            let p2 = toP3[6] * lr + toP3[7] * lg + toP3[8] * lb
                            p3Sampled += 1
                            if min(p0, min(p1, p2)) < -0.02 * max(p0, max(p1, p2)) { p3Outside += 1 }
                        }
                    }
                    sum += Double(rowSum)
                    sampled += columns.count
                }
                if step > 2 { findPeak(luma, cb, cr, S.self, t) }
            }
        }

        /// The brightest pixel of every pixel, tile by tile (see ``run(_:_:_:_:)``).
        private mutating func findPeak<S: FixedWidthInteger & UnsignedInteger>(_ luma: PlaneLayout, _ cb: PlaneLayout, _ cr: PlaneLayout, _: S.Type,
                                                                               _ t: UnsafeBufferPointer<Float>) {
            let lines = 1 << shiftY, tile = 32
            let cw = cb.width
            let (rv, gu, gv, bu) = (self.rv, self.gu, self.gv, self.bu)
            var best = hlg ? peakLevel : t[index(peakCode)]
            let chromaTerm = UnsafeMutableBufferPointer<Float>.allocate(capacity: tile)
            defer { chromaTerm.deallocate() }
            for top in stride(from: 0, to: luma.height, by: lines) {
                let bottom = min(luma.height, top + lines)
                let (_, cbRows, crRows) = rows(top, luma, cb, cr, S.self)
                // An odd line may take the chroma line below too (top-left siting).
                let (_, cbBelow, crBelow) = rows(bottom - 1, luma, cb, cr, S.self)
                for x0 in stride(from: 0, to: luma.width, by: tile) {
                    let x1 = min(luma.width, x0 + tile)
                    var yMax: S = 0
                    for y in top..<bottom {
                        let row = UnsafePointer((luma.baseAddress + y * luma.bytesPerRow).assumingMemoryBound(to: S.self))
                        for x in x0..<x1 { yMax = max(yMax, row[x]) }
                    }
                    var uLow = S.max, uHigh: S = 0, vLow = S.max, vHigh: S = 0
                    for x in (x0 >> shiftX)...min(cw - 1, ((x1 - 1) >> shiftX) + 1) {
                        let u0 = cbRows.0[x], u1 = cbBelow.1[x], v0 = crRows.0[x], v1 = crBelow.1[x]
                        uLow = min(uLow, min(u0, u1)); uHigh = max(uHigh, max(u0, u1))
                        vLow = min(vLow, min(v0, v1)); vHigh = max(vHigh, max(v0, v1))
                    }
                    func normalised(_ c: S) -> Float { (Float(c) - cOffset) * cScale }
                    let bound = (Float(yMax) - yOffset) * yScale
                        + max(rv * normalised(vHigh), max(gu * normalised(uLow) + gv * normalised(vLow), bu * normalised(uHigh)))
                    guard levelBound(bound, t) >= best else { continue }
                    if hlg {
                        for y in top..<bottom {
                            let (yRow, cbR, crR) = rows(y, luma, cb, cr, S.self)
                            for x in x0..<x1 {
                                let (r, g, b) = rgb(x, yRow, cbR, crR, chromaWidth: cw)
                                let (lr, lg, lb) = hlgDisplay(t[index(r)], t[index(g)], t[index(b)])
                                let level = max(lr, max(lg, lb))
                                if level > peakLevel { peakLevel = level; peakAt = (x, y); best = level }
                            }
                        }
                        continue
                    }
                    // PQ: max(R′, G′, B′) = Y′ + max(rv·Cr, gu·Cb + gv·Cr, bu·Cb), the chroma term
                    // once per column for the lines that share the chroma.
                    for y in top..<bottom {
                        let (yRow, cbR, crR) = rows(y, luma, cb, cr, S.self)
                        if y == top || betweenRows {
                            for x in x0..<x1 {
                                let (u, v) = chroma(x, cbR, crR, chromaWidth: cw)
                                chromaTerm[x &- x0] = max(rv * v, max(gu * u + gv * v, bu * u))
                            }
                        }
                        var brightest = -Float.infinity, at = x0
                        for x in x0..<x1 {
                            let m = (Float(yRow[x]) - yOffset) * yScale + chromaTerm[x &- x0]
                            if m > brightest { brightest = m; at = x }
                        }
                        if brightest > peakCode { peakCode = brightest; peakAt = (at, y); best = t[index(brightest)] }
                    }
                }
            }
        }

        /// The PQ histogram bin of an HLG level (binary search over the bins' lower edges).
        private func bin(_ level: Float) -> Int {
            var lo = 0, hi = binEdges.count - 1
            while lo < hi {
                let m = (lo + hi + 1) / 2
                if binEdges[m] <= level { lo = m } else { hi = m - 1 }
            }
            return lo
        }
    }
}
