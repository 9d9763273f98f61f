import GreenlightCore
import GreenlightValues

/// Isolated pixels that stand out from everything around them, once a second: the candidates a
/// sensor checker follows to find stuck (always bright) and dead (always dark) photosites.
///
/// A pixel (or a 2 × 2 group) is a candidate when its luma is more than 40 codes (8-bit) above
/// all four samples two pixels away (left, right, above, below), or below all four: two away, so
/// a 2 × 2 defect is not hidden by its own other half, while any line or edge has one of the four
/// on it. The whole picture is read, every pixel, on one picture a second (the first, then every
/// `rate` pictures; a clip under 10 s ten times over its length); the others give nil. A picture
/// with more than 1000 candidates is noise, not defects, and gives none. Positions that were
/// candidates before (up to 1000) are read again on every later picture read, standing out or
/// not, so the checker can tell "hidden by a bright sky" from "gone".
public final class SensorAnalyzer: PictureAnalyzer {
    public static let id = "sensor"
    public static let limit = 1000

    public struct Spot: Sendable, Hashable {
        public var x: Int, y: Int
        /// Brighter than all around (stuck), else darker (dead).
        public var bright: Bool
        /// The pixel's own value and the mean of the four samples around, 8-bit codes.
        public var value: Double
        public var around: Double
        /// Which of the four around it is brightest (0 left, 1 right, 2 above, 3 below): it changes
        /// when the picture moves, not when only its brightness does.
        public var brightestAround: Int
    }

    public struct Scan: Sendable {
        /// This picture's outliers.
        public var spots: [Spot]
        /// Every position that was an outlier on an earlier picture read, as it is on this one
        /// (`bright` then says which way it stands out, if at all: compare `value` and `around`).
        public var followed: [Spot]
        /// More candidates than ``SensorAnalyzer/limit``: none kept.
        public var overflowed: Bool
    }

    private let every: Int
    private var count = 0
    /// Positions that were outliers on a picture read (up to ``limit``).
    private var followed = Set<Int>()

    public init(parameters: NoParameters, context: CheckContext) {
        // One picture a second; a clip under 10 s is read 10 times over its length.
        let rate = context.frameRate?.doubleValue ?? 25
        let pictures = context.video?.frameCount.map(Double.init) ?? (context.video?.duration ?? context.media.duration).map { $0 * rate }
        every = max(1, Int(min(rate, (pictures ?? rate * 10) / 10).rounded(.down)))
    }

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Scan? {
        defer { count += 1 }
        guard count % every == 0 else { return nil }
        let p = picture.luma.layout
        guard p.width >= 8, p.height >= 8 else { return nil }
        let scale = 1 << max(0, p.bitDepth - 8)
        var scan = p.bytesPerSample == 1 ? Self.scan(p, UInt8.self, threshold: 40 * scale, scale: scale) : Self.scan(p, UInt16.self, threshold: 40 * scale, scale: scale)
        // Positions seen before are read again whatever they show now: a stuck pixel over a bright
        // sky does not stand out, and the checker must know it was there all the same.
        scan.followed = followed.compactMap { key in
            let x = key & 0xFFFFF, y = key >> 20
            guard x >= 2, y >= 2, x < p.width - 2, y < p.height - 2 else { return nil }
            func at(_ x: Int, _ y: Int) -> Double { Double(p.sample(x, y)) / Double(scale) }
            let ring = [at(x - 2, y), at(x + 2, y), at(x, y - 2), at(x, y + 2)]
            let v = at(x, y), around = ring.reduce(0, +) / 4
            return Spot(x: x, y: y, bright: v > around, value: v, around: around, brightestAround: ring.indices.max { ring[$0] < ring[$1] }!)
        }
        for spot in scan.spots where followed.count < Self.limit { followed.insert(spot.y << 20 | spot.x) }
        return scan
    }

    static func scan<S: FixedWidthInteger & UnsignedInteger>(_ p: PlaneLayout, _: S.Type, threshold: Int, scale: Int) -> Scan {
        var spots: [Spot] = []
        for y in 2..<(p.height - 2) {
            let r = (p.baseAddress + y * p.bytesPerRow).assumingMemoryBound(to: S.self)
            let u = (p.baseAddress + (y - 2) * p.bytesPerRow).assumingMemoryBound(to: S.self)
            let d = (p.baseAddress + (y + 2) * p.bytesPerRow).assumingMemoryBound(to: S.self)
            var x = 2
            while x < p.width - 2 {
                let v = Int(r[x]), l = Int(r[x - 2]), rt = Int(r[x + 2])
                // Most samples fail on their right-hand neighbour: test it first.
                if abs(v &- rt) > threshold && abs(v &- l) > threshold {
                    let a = Int(u[x]), b = Int(d[x])
                    let hi = max(max(l, rt), max(a, b)), lo = min(min(l, rt), min(a, b))
                    let bright = v &- hi > threshold, dark = lo &- v > threshold
                    if bright || dark {
                        if spots.count == limit { return Scan(spots: [], followed: [], overflowed: true) }
                        let ring = [l, rt, a, b]
                        spots.append(Spot(x: x, y: y, bright: bright, value: Double(v) / Double(scale), around: Double(l + rt + a + b) / 4 / Double(scale),
                                          brightestAround: ring.indices.max { ring[$0] < ring[$1] }!))
                    }
                }
                x &+= 1
            }
        }
        return Scan(spots: spots, followed: [], overflowed: false)
    }
}
