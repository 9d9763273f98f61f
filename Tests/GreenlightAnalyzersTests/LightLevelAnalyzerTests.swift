import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues
import Testing

/// The light-level analyzer on a 1080p 10-bit PQ picture made here, against every pixel converted
/// one by one (BT.2020 matrix, limited range, left-sited 4:2:0 chroma: odd columns take the mean
/// of the two chroma samples either side): the peak must be the brute force's exactly, wherever
/// it lies, although the average comes from a grid of pixels.
@Suite struct LightLevelAnalyzerTests {
    static let width = 1920, height = 1080

    /// Planes of mid-tones with noise (a fixed seed), and one bright reddish pixel at `spot`.
    static func planes(spot: (x: Int, y: Int)) -> (y: [UInt16], cb: [UInt16], cr: [UInt16]) {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise(_ range: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(2 * range + 1)) - range
        }
        var y = [UInt16](repeating: 0, count: width * height)
        for row in 0..<height { for x in 0..<width { y[row * width + x] = UInt16(420 + (x + row) % 97 + noise(30)) } }
        var cb = [UInt16](repeating: 0, count: width * height / 4), cr = cb
        for i in cb.indices { cb[i] = UInt16(512 + noise(40)); cr[i] = UInt16(512 + noise(40)) }
        y[spot.y * width + spot.x] = 760
        // Its chroma, and the sample after it (an odd column takes the mean of both), push red up.
        cr[(spot.y / 2) * (width / 2) + spot.x / 2] = 760
        cr[(spot.y / 2) * (width / 2) + spot.x / 2 + 1] = 760
        return (y, cb, cr)
    }

    /// Every pixel's largest R′, G′, B′ (the PQ code of its level), by the definitions.
    static func bruteForce(_ p: (y: [UInt16], cb: [UInt16], cr: [UInt16])) -> (peak: Double, at: (Int, Int), mean: Double) {
        let kr = 0.2627, kb = 0.0593
        var peak = -1.0, at = (0, 0), sum = 0.0
        for row in 0..<height {
            for x in 0..<width {
                let cx = x / 2, cx2 = x % 2 == 1 ? min(width / 2 - 1, cx + 1) : cx
                let c = (row / 2) * (width / 2)
                let u = ((Double(p.cb[c + cx]) + Double(p.cb[c + cx2])) / 2 - 512) / 896
                let v = ((Double(p.cr[c + cx]) + Double(p.cr[c + cx2])) / 2 - 512) / 896
                let yv = (Double(p.y[row * width + x]) - 64) / 876
                let r = yv + 2 * (1 - kr) * v, b = yv + 2 * (1 - kb) * u, g = (yv - kr * r - kb * b) / (1 - kr - kb)
                let m = max(r, g, b)
                sum += Colorimetry.pqNits(m)
                if m > peak { peak = m; at = (x, row) }
            }
        }
        return (Colorimetry.pqNits(peak), at, sum / Double(width * height))
    }

    @Test(arguments: [(1001, 537), (7, 1079), (1919, 2)])
    func thePeakIsEveryPixelsAndTheAverageIsWithinAPercent(spot: (Int, Int)) throws {
        let p = Self.planes(spot: spot)
        let expected = Self.bruteForce(p)
        #expect(expected.at == spot)
        let analyzer = LightLevelAnalyzer(parameters: NoParameters(), context: CheckContext(path: "pq.mov", media: MediaInfo(path: "pq.mov", container: "mov", streams: [])))
        var features = VideoFeatures(frameNumber: 0, time: .zero, duration: MediaTime(value: 1, timescale: 24),
                                     signal: LumaSignal(bitDepth: 10, range: .limited), isKeyFrame: true, isBlack: false)
        features.colour = PictureColour(matrix: "bt2020nc", primaries: "bt2020", transfer: "smpte2084", range: .limited, chromaLocation: "left")
        let level = try p.y.withUnsafeBytes { y in
            try p.cb.withUnsafeBytes { cb in
                try p.cr.withUnsafeBytes { cr in
                    func plane(_ b: UnsafeRawBufferPointer, _ w: Int, _ h: Int) -> PlaneLayout {
                        PlaneLayout(baseAddress: b.baseAddress!, width: w, height: h, bytesPerRow: 2 * w, bytesPerSample: 2, bitDepth: 10)
                    }
                    let picture = DecodedPicture(features: features, planes: [plane(y, Self.width, Self.height), plane(cb, Self.width / 2, Self.height / 2),
                                                                            plane(cr, Self.width / 2, Self.height / 2)])
                    let measured = analyzer.analyze(picture, frame: FrameRecord(features: features, slots: AnalyzerSlots([])))
                    return try #require(measured)
                }
            }
        }
        #expect(abs(level.peak / expected.peak - 1) < 1e-4, "peak \(level.peak) against \(expected.peak)")
        #expect(level.peakAt.x == spot.0 && level.peakAt.y == spot.1)
        #expect(abs(level.average / expected.mean - 1) < 0.01, "average \(level.average) against \(expected.mean)")
    }
}
