import GreenlightValues

/// A picture as a 32×18 grid of block means: Y', Cb, Cr in 8-bit codes as stored, and R'G'B'
/// (0…1 of nominal) through the picture's own matrix and range. Two pictures of different
/// rasters compare block for block, each block the same part of the picture.
public struct BlockColour: Sendable {
    public static let columns = 32, rows = 18
    /// Y, Cb, Cr per block, row by row.
    public var codes: [Float]
    /// R', G', B' per block, row by row.
    public var rgb: [Float]
    public var colour: PictureColour?
    public var width: Int
    public var height: Int

    /// Measures a picture's planes (luma, Cb, Cr) on a sparse grid, about 8×8 samples a block;
    /// nil without chroma planes.
    public static func measure(planes: [PlaneLayout], signal: LumaSignal, colour: PictureColour?) -> BlockColour? {
        guard planes.count >= 3 else { return nil }
        let luma = planes[0], cb = planes[1], cr = planes[2]
        guard luma.width >= columns, luma.height >= rows, cb.width > 0, cb.height > 0 else { return nil }
        let blocks = columns * rows
        var sums = [Double](repeating: 0, count: blocks * 3), counts = [Double](repeating: 0, count: blocks)
        let stepX = max(1, luma.width / (columns * 8)), stepY = max(1, luma.height / (rows * 8))
        let sx = max(1, luma.width / cb.width), sy = max(1, luma.height / cb.height)
        let scale = Double(1 << max(0, luma.bitDepth - 8))
        for y in stride(from: stepY / 2, to: luma.height, by: stepY) {
            let row = (y * rows / luma.height) * columns
            let cy = min(cb.height - 1, y / sy)
            for x in stride(from: stepX / 2, to: luma.width, by: stepX) {
                let b = row + x * columns / luma.width
                let cx = min(cb.width - 1, x / sx)
                sums[b * 3] += Double(luma.sample(x, y))
                sums[b * 3 + 1] += Double(cb.sample(cx, cy))
                sums[b * 3 + 2] += Double(cr.sample(cx, cy))
                counts[b] += 1
            }
        }
        let black = Double(signal.blackLevel) / scale, white = Double(signal.whiteLevel) / scale
        let chromaRange = signal.range == .full ? 255.0 : 224.0
        let (kr, kb) = Colorimetry.lumaCoefficients(colour?.matrix, height: luma.height)
        var codes = [Float](repeating: 0, count: blocks * 3), rgb = [Float](repeating: 0, count: blocks * 3)
        for b in 0..<blocks where counts[b] > 0 {
            let y = sums[b * 3] / counts[b] / scale, u = sums[b * 3 + 1] / counts[b] / scale, v = sums[b * 3 + 2] / counts[b] / scale
            codes[b * 3] = Float(y); codes[b * 3 + 1] = Float(u); codes[b * 3 + 2] = Float(v)
            let yn = (y - black) / (white - black), pb = (u - 128) / chromaRange, pr = (v - 128) / chromaRange
            let c = Colorimetry.rgb(y: yn, pb: pb, pr: pr, kr: kr, kb: kb)
            rgb[b * 3] = Float(c.r); rgb[b * 3 + 1] = Float(c.g); rgb[b * 3 + 2] = Float(c.b)
        }
        return BlockColour(codes: codes, rgb: rgb, colour: colour, width: luma.width, height: luma.height)
    }
}

/// A picture and the reference picture shown at the same programme time, as block means.
public struct ReferencePair: Sendable {
    public var main: BlockColour
    public var reference: BlockColour

    public init(main: BlockColour, reference: BlockColour) {
        self.main = main
        self.reference = reference
    }
}
