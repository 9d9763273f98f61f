import GreenlightCore
import GreenlightValues

/// How much of a picture lies outside the legal range (EBU R103): the share of the picture whose
/// Y', and whose R', G' or B', falls outside the bounds after a small low-pass filter, and
/// whether the picture is colour bars.
///
/// The filter is the mean over footprints of 8×8 luma samples, aligned to the picture's 8×8
/// grid, and the chroma samples that cover them. A block codec's ringing on a sharp edge is
/// the quantisation of its transform's AC terms, which average to zero over an aligned block,
/// so it does not count, while an area that is out of range does. (Measured on testsrc2 at
/// 160×90, H.264 CRF 23: 4×4 footprints found 1–3 % of the picture up to 114 % at saturated
/// edges; the same pattern coded losslessly has none.) R'G'B' comes from each footprint's mean Y'CbCr through the stream's own matrix; with
/// none tagged, through BT.709's and BT.601's, and only what is outside with both counts. Rows
/// of footprints are read evenly spaced, at least 24 of them (every fifth at 1080p): an area
/// of 1 % of the picture spans several of them.
public final class GamutAnalyzer: PictureAnalyzer {
    public static let id = "gamut"

    public struct Parameters: Hashable, Sendable {
        /// Legal range in percent of nominal black (0) to white (100): R103's −5…105 by default.
        public var low: Double
        public var high: Double
        public init(low: Double = -5, high: Double = 105) {
            self.low = low
            self.high = high
        }
    }

    public struct Measurement: Sendable, Hashable {
        /// Share (0…100) of the measured footprints with Y' outside the range.
        public var lumaOutside: Double
        /// Share (0…100) of the measured footprints with R', G' or B' outside the range.
        public var rgbOutside: Double
        /// The lowest and highest Y' footprint values seen, and the extremes of the R'G'B'
    /// footprints found outside (0…0 when none), in percent.
        public var lumaExtremes: ClosedRange<Double>
        public var rgbExtremes: ClosedRange<Double>
        /// Whether the picture looks like colour bars: vertical stripes of flat colour, several
        /// of them saturated, across its upper half.
        public var isBars: Bool
    }

    private let low: Double
    private let high: Double
    /// Column sums of the rows under one row of footprints, reused picture to picture.
    private var columns: UnsafeMutableRawBufferPointer = .allocate(byteCount: 0, alignment: 16)

    public init(parameters: Parameters, context: CheckContext) {
        low = parameters.low
        high = parameters.high
    }

    deinit { columns.deallocate() }

    /// The column-sum buffer, `width` sums of type `A`.
    private func columnSums<A: FixedWidthInteger>(_ width: Int, _: A.Type) -> UnsafeMutableBufferPointer<A> {
        if columns.count < width * MemoryLayout<A>.stride {
            columns.deallocate()
            columns = .allocate(byteCount: width * MemoryLayout<A>.stride, alignment: 16)
        }
        return UnsafeMutableBufferPointer(start: columns.baseAddress!.assumingMemoryBound(to: A.self), count: width)
    }

    /// Sums `rows` of plane `p` (samples of type `S`) column by column into `columns`, then each
    /// run of `width` columns into `sums`.
    @inline(__always)
    private static func footprintSums<S: FixedWidthInteger & UnsignedInteger, A: FixedWidthInteger & UnsignedInteger>(
        _ p: PlaneLayout, rows: Range<Int>, width: Int, _: S.Type, columns: UnsafeMutableBufferPointer<A>, into sums: inout [Int]
    ) {
        columns.update(repeating: 0)
        for y in rows {
            let row = (p.baseAddress + y * p.bytesPerRow).assumingMemoryBound(to: S.self)
            for x in 0..<columns.count { columns[x] &+= A(truncatingIfNeeded: row[x]) }
        }
        for bx in sums.indices {
            var t = 0
            let x0 = bx * width
            for x in x0..<min(columns.count, x0 + width) { t &+= Int(columns[x]) }
            sums[bx] = t
        }
    }

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Measurement? {
        let features = picture.features
        let luma = picture.luma.layout
        guard picture.planeCount >= 3,
              let cb = picture.withPlane(1, { $0.layout }), let cr = picture.withPlane(2, { $0.layout }),
              luma.width >= 8, luma.height >= 8, cb.width > 0, cb.height > 0 else { return nil }
        let signal = features.signal
        let depthScale = Double(1 << (luma.bitDepth - 8))
        let black = Double(signal.blackLevel), white = Double(signal.whiteLevel)
        let chromaMid = 128 * depthScale, chromaRange = (signal.range == .full ? 255 : 224) * depthScale
        // An untagged matrix is read both ways, and a colour counts as outside only if it is
        // outside both: a file cannot be faulted on an assumption about it.
        let tagged = Colorimetry.lumaCoefficients(features.colour?.matrix, height: luma.height)
        let untagged = features.colour?.matrix == nil || features.colour?.matrix == "unknown"
        let first = untagged ? Colorimetry.lumaCoefficients("bt709", height: 0) : tagged
        let second = untagged ? Colorimetry.lumaCoefficients("smpte170m", height: 0) : nil
        // Chroma subsampling: how many luma samples one chroma sample covers, each way.
        let sx = max(1, luma.width / cb.width), sy = max(1, luma.height / cb.height)
        let footW = 8, footH = 8
        let cols = luma.width / footW, rows = luma.height / footH
        var lumaOut = 0, rgbOut = 0, measured = 0
        var yMin = Double.infinity, yMax = -Double.infinity, cMin = Double.infinity, cMax = -Double.infinity
        // Chroma samples under one footprint (4:2:0: 4×4, 4:2:2: 4×8, 4:4:4: 8×8).
        let cw = max(1, footW / sx), ch = max(1, footH / sy)
        var lumaSums = [Int](repeating: 0, count: cols), cbSums = [Int](repeating: 0, count: cols), crSums = [Int](repeating: 0, count: cols)
        /// Adds `count` rows from `top` of plane `p` into per-footprint sums, `width` samples a
        /// footprint: the rows are added column by column first (a loop the optimiser vectorises,
        /// in 16-bit lanes up to 12-bit samples: 8 rows of 4095 fit), then each footprint's columns.
        func sumRows(_ p: PlaneLayout, top: Int, count: Int, width: Int, into sums: inout [Int]) {
            let rows = top..<min(p.height, top + count)
            switch (p.bytesPerSample, p.bitDepth <= 12) {
            case (1, _): Self.footprintSums(p, rows: rows, width: width, UInt8.self, columns: columnSums(p.width, UInt16.self), into: &sums)
            case (_, true): Self.footprintSums(p, rows: rows, width: width, UInt16.self, columns: columnSums(p.width, UInt16.self), into: &sums)
            default: Self.footprintSums(p, rows: rows, width: width, UInt16.self, columns: columnSums(p.width, UInt32.self), into: &sums)
            }
        }
        // Sums to normalised Y′ and Pb, Pr by one multiply-add each (no division per footprint).
        let lumaScale = 1 / (Double(footW * footH) * (white - black)), lumaOffset = -black / (white - black)
        let chromaScale = 1 / (Double(cw * ch) * chromaRange), chromaOffset = -chromaMid / chromaRange
        for by in stride(from: 0, to: rows, by: max(1, rows / 24)) {
            sumRows(luma, top: by * footH, count: footH, width: footW, into: &lumaSums)
            sumRows(cb, top: by * ch, count: ch, width: cw, into: &cbSums)
            sumRows(cr, top: by * ch, count: ch, width: cw, into: &crSums)
            for bx in 0..<cols {
                let yv = Double(lumaSums[bx]) * lumaScale + lumaOffset
                let pb = Double(cbSums[bx]) * chromaScale + chromaOffset
                let pr = Double(crSums[bx]) * chromaScale + chromaOffset
                // The extremes said are those of the last reading that was outside (the second
                // is read only when the first is outside: inside by either is inside).
                var (r, g, b) = Colorimetry.rgb(y: yv, pb: pb, pr: pr, kr: first.kr, kb: first.kb)
                var lo = min(r, g, b) * 100, hi = max(r, g, b) * 100
                var outside = lo < low || hi > high
                if outside, let second {
                    (r, g, b) = Colorimetry.rgb(y: yv, pb: pb, pr: pr, kr: second.kr, kb: second.kb)
                    let l = min(r, g, b) * 100, h = max(r, g, b) * 100
                    if l >= low && h <= high { outside = false } else { (lo, hi) = (l, h) }
                }
                let yp = yv * 100
                measured += 1
                yMin = min(yMin, yp); yMax = max(yMax, yp)
                if yp < low || yp > high { lumaOut += 1 }
                if outside {
                    cMin = min(cMin, lo); cMax = max(cMax, hi)
                    rgbOut += 1
                }
            }
        }
        guard measured > 0 else { return nil }
        return Measurement(lumaOutside: Double(lumaOut) / Double(measured) * 100, rgbOutside: Double(rgbOut) / Double(measured) * 100,
                      lumaExtremes: yMin...yMax, rgbExtremes: rgbOut > 0 ? cMin...cMax : 0...0, isBars: Self.looksLikeBars(luma, cb, cr, sx: sx, sy: sy, chromaMid: chromaMid, chromaRange: chromaRange))
    }

    /// Colour bars: across the upper half of the picture, 24 columns each flat from top to
    /// middle, forming at least six stripes, at least four of them strongly coloured.
    static func looksLikeBars(_ luma: PlaneLayout, _ cb: PlaneLayout, _ cr: PlaneLayout, sx: Int, sy: Int, chromaMid: Double, chromaRange: Double) -> Bool {
        let columns = 24
        let lines = (0..<6).map { luma.height * (1 + $0) / 14 }
        var stripes: [(y: Double, cb: Double, cr: Double)] = []
        func value(_ p: PlaneLayout, _ x: Int, _ y: Int) -> Double { Double(p.sample(x, y)) }
        for c in 0..<columns {
            let x = (c * luma.width + luma.width / 2) / columns
            let ys = lines.map { value(luma, x, $0) }
            let cbs = lines.map { value(cb, min(cb.width - 1, x / sx), min(cb.height - 1, $0 / sy)) }
            let crs = lines.map { value(cr, min(cr.width - 1, x / sx), min(cr.height - 1, $0 / sy)) }
            let tolerance = 3 * Double(1 << (luma.bitDepth - 8))
            for v in [ys, cbs, crs] where (v.max()! - v.min()!) > tolerance { return false }
            let here = (ys[0], cbs[0], crs[0])
            if let last = stripes.last, abs(last.y - here.0) <= tolerance, abs(last.cb - here.1) <= tolerance, abs(last.cr - here.2) <= tolerance { continue }
            stripes.append(here)
        }
        let coloured = stripes.filter { max(abs($0.cb - chromaMid), abs($0.cr - chromaMid)) / chromaRange > 0.2 }
        return stripes.count >= 6 && coloured.count >= 4
    }
}
