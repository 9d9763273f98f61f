import Foundation
import GreenlightCore
import GreenlightValues

/// The light an HDR picture asks of the display, pixel by pixel, as CTA-861.3 defines it for
/// MaxCLL and MaxFALL: each pixel's light level is the largest of its linear R, G and B in
/// cd/m²; the picture's peak is the largest of those, its average their mean over every pixel.
///
/// Every pixel is read (a peak is one pixel): Y′ with the chroma where it sits (the sample at
/// its place, or the mean of the two it lies halfway between as the siting says: left-sited
/// 4:2:0, the default, puts odd columns between two; never an interpolation that could
/// overshoot), through the picture's matrix (BT.2020's when untagged) to R′G′B′. PQ (SMPTE ST 2084) is absolute: the largest of R′, G′, B′ through the
/// EOTF is the pixel's level, since the EOTF rises. HLG (ARIB STD-B67) is relative: read on
/// BT.2100's reference display, 1000 cd/m² with system gamma 1.2 (the OOTF scales each pixel's
/// scene light by its scene luminance to the power 0.2). Levels go into a histogram of 1024
/// bins over the PQ code of the level (each bin under 1 % of light wide from 5 cd/m² up), for
/// the programme's percentiles.
///
/// With BT.2020 primaries, every fourth pixel of every fourth row also tells whether its colour
/// lies outside P3-D65 (the gamut platforms require HDR masters to be graded in): a linear
/// component in P3 below −2 % of the pixel's largest, on pixels of 1 cd/m² or more (noise at
/// black has no colour to speak of).
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

    public init(parameters: NoParameters, context: CheckContext) {
        let m = Colorimetry.rgbToRGB(from: Colorimetry.primaries("bt2020")!, to: Colorimetry.primaries("smpte432")!)
        toP3 = m.map(Float.init)
    }

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
                        kr: Float(k.kr), kb: Float(k.kb), shiftX: shiftX, shiftY: shiftY, siting: colour?.chromaLocation)
        if luma.bytesPerSample == 2 { scan.run(luma, cb, cr, UInt16.self) } else { scan.run(luma, cb, cr, UInt8.self) }
        let pixels = Double(luma.width * luma.height)
        let peak = transfer == "smpte2084" ? Colorimetry.pqNits(Double(scan.peakCode)) : Double(scan.peakLevel)
        return Level(transfer: transfer, peak: peak, average: scan.sum / pixels, histogram: scan.histogram,
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
        var sum = 0.0
        var histogram = [UInt32](repeating: 0, count: LightLevelAnalyzer.bins)
        var peakCode: Float = -1
        var peakLevel: Float = -1
        var peakAt = (x: 0, y: 0)
        var p3Sampled = 0, p3Outside = 0
        /// HLG levels to PQ histogram bins: the level at each bin's lower edge.
        private var binEdges: [Float] = []

        init(table: [Float], hlg: Bool, toP3: [Float], checkP3: Bool, yScale: Float, yOffset: Float, cScale: Float, cOffset: Float,
             kr: Float, kb: Float, shiftX: Int, shiftY: Int, siting: String?) {
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

        mutating func run<S: FixedWidthInteger & UnsignedInteger>(_ luma: PlaneLayout, _ cb: PlaneLayout, _ cr: PlaneLayout, _: S.Type) {
            let rv = 2 * (1 - kr), bu = 2 * (1 - kb), kg = 1 - kr - kb
            let gu = -kb * bu / kg, gv = -kr * rv / kg
            let nbins = Float(LightLevelAnalyzer.bins)
            table.withUnsafeBufferPointer { t in
                for y in 0..<luma.height {
                    let yRow = (luma.baseAddress + y * luma.bytesPerRow).assumingMemoryBound(to: S.self)
                    let cy = min(cb.height - 1, y >> shiftY)
                    // Co-sited vertically (top-left siting): an odd line lies between two chroma lines.
                    let cy2 = betweenRows && y & 1 == 1 ? min(cb.height - 1, cy + 1) : cy
                    let cbRow = (cb.baseAddress + cy * cb.bytesPerRow).assumingMemoryBound(to: S.self)
                    let crRow = (cr.baseAddress + cy * cr.bytesPerRow).assumingMemoryBound(to: S.self)
                    let cbRow2 = (cb.baseAddress + cy2 * cb.bytesPerRow).assumingMemoryBound(to: S.self)
                    let crRow2 = (cr.baseAddress + cy2 * cr.bytesPerRow).assumingMemoryBound(to: S.self)
                    let sampleP3 = checkP3 && y % 4 == 0
                    var rowSum: Float = 0
                    for x in 0..<luma.width {
                        let cx = min(cb.width - 1, x >> shiftX)
                        // Co-sited horizontally (left siting): an odd column lies between two chroma samples.
                        let cx2 = betweenColumns && x & 1 == 1 ? min(cb.width - 1, cx + 1) : cx
                        let yv = (Float(yRow[x]) - yOffset) * yScale
                        let cbSum = Float(cbRow[cx]) + Float(cbRow[cx2]) + Float(cbRow2[cx]) + Float(cbRow2[cx2])
                        let crSum = Float(crRow[cx]) + Float(crRow[cx2]) + Float(crRow2[cx]) + Float(crRow2[cx2])
                        let u = (cbSum * 0.25 - cOffset) * cScale, v = (crSum * 0.25 - cOffset) * cScale
                        let r = yv + rv * v, g = yv + gu * u + gv * v, b = yv + bu * u
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
