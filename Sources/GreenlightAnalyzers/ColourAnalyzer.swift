import Foundation
import GreenlightCore
import GreenlightValues

/// One picture's colour as a colourist would describe it, from its planes and the luma
/// histogram (``FeatureSet/lumaHistogram``).
public struct ColourMeasurement: Sendable, Hashable {
    /// Median L*, a*, b* of the mid-tones (L* 20…85).
    public var midTones: Lab
    /// Share (0…1) of the measured pixels that are mid-tones: a black or blown-out picture has
    /// too few for its mid-tone colour to mean anything.
    public var midToneShare: Double
    /// Luma at the 1st and 99th percentile, in percent of the nominal range (black and white level).
    public var blackLevel: Double
    public var whiteLevel: Double
    /// 95th percentile of C*ab over the picture.
    public var chromaP95: Double
    /// The mid-tones' mean chromaticity, near-neutral pixels weighted most (1 / (1 + (C*/10)²)):
    /// its correlated colour temperature is a white-balance estimate; nil when fewer than 5 % of
    /// the mid-tones are near neutral (C* < 12: nothing in the picture to judge white by) or the
    /// colour is too far from white.
    public var x: Double
    public var y: Double
    public var kelvin: Double?
    /// Mean L*a*b* of each of 8×8 blocks, for frame-by-frame comparison (L, a, b per block).
    public var blocks: [Float]

    /// 10⁶ / kelvin: white-balance steps are even in mired, not in kelvin.
    public var mired: Double? { kelvin.map { 1e6 / $0 } }
}

/// How a stream's colour was read: from its own tags, or assumed because they are missing.
public struct ColourReading: Sendable, Hashable {
    public var primaries: String
    public var transfer: String
    /// The properties that were not tagged and were assumed (by resolution), in order.
    public var assumed: [String]

    /// What a picture of `height` lines with `colour` is read as: untagged primaries are BT.709
    /// above 576 lines and BT.601 (SMPTE 170M) at or below; an untagged or unknown transfer is
    /// BT.709's (read with BT.1886).
    public init(colour: PictureColour?, height: Int) {
        var assumed: [String] = []
        if let p = colour?.primaries, Colorimetry.primaries(p) != nil { primaries = p } else {
            primaries = height > 576 ? "bt709" : "smpte170m"
            assumed.append("primaries \(primaries)")
        }
        if let t = colour?.transfer, Colorimetry.eotf(t) != nil { transfer = t } else {
            transfer = "bt709"
            assumed.append("transfer bt709")
        }
        if colour?.matrix == nil { assumed.append("matrix \(height > 576 ? "bt709" : "bt601")") }
        self.assumed = assumed
    }
}

/// Per-picture CIELAB statistics for colour-grade checks: about 4,000 samples of the picture on a
/// regular grid (fewer on pictures under 640×360: every 8th pixel each way), Y'CbCr to R'G'B' by
/// the stream's matrix and range, then through its transfer (EOTF) and primaries to XYZ and L*a*b*
/// (D65). (Read straight from the planes: scaling the whole picture down with libswscale first cost
/// more than everything else here together.)
public final class ColourAnalyzer: PictureAnalyzer {
    public static let id = "colour"
    public static let blockGrid = 8

    private var converter: LabConverter?
    private let histograms = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 400 + 1024 + 1024 + 800)

    public init(parameters: NoParameters, context: CheckContext) {}

    deinit { histograms.deallocate() }


    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> ColourMeasurement? {
        let features = picture.features
        let luma = picture.luma.layout
        guard picture.planeCount >= 3, let cbPlane = picture.withPlane(1, { $0.layout }), let crPlane = picture.withPlane(2, { $0.layout }),
              luma.width > 0, luma.height > 0, cbPlane.width > 0, cbPlane.height > 0 else { return nil }
        let reading = ColourReading(colour: features.colour, height: luma.height)
        if converter?.reading != reading { converter = LabConverter(reading) }
        // Locals, not properties, in the loop below: no exclusivity checks per sample.
        let converter = self.converter!
        // The four histograms (L*, a*, b* of the mid-tones, C* of all) in one reused buffer.
        histograms.update(repeating: 0)
        let lHist = histograms.baseAddress!, aHist = lHist + 400, bHist = aHist + 1024, cHist = bHist + 1024

        // Y'CbCr to R'G'B' with the stream's matrix and range (as the gamut check reads it).
        let signal = features.signal
        let black = Double(signal.blackLevel), white = Double(signal.whiteLevel)
        let depthScale = Double(1 << (luma.bitDepth - 8))
        let chromaMid = 128 * depthScale, chromaScale = 1 / ((signal.range == .full ? 255 : 224) * depthScale)
        let lumaScale = 1 / (white - black)
        let (kr, kb) = Colorimetry.lumaCoefficients(features.colour?.matrix, height: luma.height)
        let sx = max(1, luma.width / cbPlane.width), sy = max(1, luma.height / cbPlane.height)

        // About 4,000 samples, nearest, on a regular grid (about 60 in each of the 64 blocks),
        // but no closer than every 8th pixel each way (a 320×180 picture gives 920: neighbouring
        // pixels tell no more, and the samples cost what decoding such a picture does); the
        // columns' chroma positions and blocks worked out once.
        let step = max(8, Int((Double(luma.width * luma.height) / 4_000).squareRoot().rounded(.up)))
        let grid = Self.blockGrid
        let columns = Array(stride(from: step / 2, to: luma.width, by: step))
        let chromaColumns = columns.map { min(cbPlane.width - 1, $0 / sx) }
        let blockColumns = columns.map { $0 * grid / luma.width }
        var blockSums = [Double](repeating: 0, count: grid * grid * 3), blockCounts = [Int](repeating: 0, count: grid * grid)
        var sumX = 0.0, sumY = 0.0, sumZ = 0.0
        var mid = 0, all = 0, neutral = 0
        for py in stride(from: step / 2, to: luma.height, by: step) {
            let by = py * grid / luma.height
            let cy = min(cbPlane.height - 1, py / sy)
            for (i, px) in columns.enumerated() {
                let cx = chromaColumns[i]
                let yv = (Double(luma.sample(px, py)) - black) * lumaScale
                let pb = (Double(cbPlane.sample(cx, cy)) - chromaMid) * chromaScale
                let pr = (Double(crPlane.sample(cx, cy)) - chromaMid) * chromaScale
                let rgb = Colorimetry.rgb(y: yv, pb: pb, pr: pr, kr: kr, kb: kb)
                let (X, Y, Z) = converter.xyz(rgb.r, rgb.g, rgb.b)
                let lab = converter.lab((X, Y, Z))
                let L = lab.L, a = lab.a, bb = lab.b
                all += 1
                cHist[min(799, Int((a * a + bb * bb).squareRoot() * 4))] &+= 1
                let block = by * grid + blockColumns[i]
                blockSums[block * 3] += L
                blockSums[block * 3 + 1] += a
                blockSums[block * 3 + 2] += bb
                blockCounts[block] += 1
                guard L >= 20, L <= 85 else { continue }
                mid += 1
                lHist[min(399, Int(L * 4))] &+= 1
                aHist[max(0, min(1023, Int((a + 128) * 4)))] &+= 1
                bHist[max(0, min(1023, Int((bb + 128) * 4)))] &+= 1
                // Grey world leaning on the near-neutral pixels, where a white-balance shift shows
                // and the scene's own colours do not.
                let c2 = (a * a + bb * bb) * 0.01
                if c2 < 1.44 { neutral += 1 }
                let weight = 1 / (1 + c2)
                sumX += X * weight; sumY += Y * weight; sumZ += Z * weight
            }
        }
        func median(_ h: UnsafeMutablePointer<Int32>, bins: Int, count: Int, offset: Double) -> Double {
            guard count > 0 else { return 0 }
            var seen = 0
            for (i, c) in UnsafeBufferPointer(start: h, count: bins).enumerated() {
                seen += Int(c)
                if seen * 2 >= count { return (Double(i) + 0.5) / 4 - offset }
            }
            return Double(bins) / 4 - offset
        }
        var chromaP95 = 0.0
        var seen = 0
        for (i, c) in UnsafeBufferPointer(start: cHist, count: 800).enumerated() {
            seen += Int(c)
            if Double(seen) >= 0.95 * Double(all) { chromaP95 = (Double(i) + 0.5) / 4; break }
        }
        let total = sumX + sumY + sumZ
        let x = total > 0 ? sumX / total : 0.3127, y = total > 0 ? sumY / total : 0.3290
        var blocks = [Float](repeating: 0, count: grid * grid * 3)
        for b in 0..<grid * grid where blockCounts[b] > 0 {
            for c in 0..<3 { blocks[b * 3 + c] = Float(blockSums[b * 3 + c] / Double(blockCounts[b])) }
        }
        let levels = features.histogram.map { (signal.percent(Double($0.percentile(0.01))), signal.percent(Double($0.percentile(0.99)))) } ?? (0, 100)
        return ColourMeasurement(
            midTones: Lab(L: median(lHist, bins: 400, count: mid, offset: 0), a: median(aHist, bins: 1024, count: mid, offset: 128),
                             b: median(bHist, bins: 1024, count: mid, offset: 128)),
            midToneShare: all > 0 ? Double(mid) / Double(all) : 0,
            blackLevel: levels.0, whiteLevel: levels.1, chromaP95: chromaP95,
            x: x, y: y, kelvin: neutral * 20 >= max(1, mid) ? Colorimetry.correlatedColourTemperature(x: x, y: y) : nil, blocks: blocks)
    }
}
