import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues
import Testing

/// The luma scan's vector path for samples of up to 12 bits against its plain loop (taken for
/// deeper samples): the same 1080p pictures, one declared 10-bit and one 13-bit, must give the
/// same thumbnail and the same differences to the picture before, sample for sample.
@Suite struct LumaScanAnalyzerTests {
    static let width = 1920, height = 1080

    /// Codes 0…1023 from a fixed seed; `changed` of every 1000 samples differ from `base`'s.
    static func picture(seed: UInt64, like base: [UInt16]? = nil, changed: Int = 0) -> [UInt16] {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        guard let base else { return (0..<(width * height)).map { _ in UInt16(next() % 1024) } }
        return base.enumerated().map { i, v in next() % 1000 < changed ? UInt16((Int(v) + 1 + next() % 200) % 1024) : v }
    }

    func scan(_ current: [UInt16], _ previous: [UInt16], bitDepth: Int) -> LumaScan {
        let analyzer = LumaScanAnalyzer(parameters: .init(parts: [.thumbnail, .frameDifference]),
                                        context: CheckContext(path: "scan.mov", media: MediaInfo(path: "scan.mov", container: "mov", streams: [])))
        let features = VideoFeatures(frameNumber: 1, time: .zero, duration: MediaTime(value: 1, timescale: 24),
                                     signal: LumaSignal(bitDepth: 10, range: .limited), isKeyFrame: false, isBlack: false)
        return current.withUnsafeBytes { c in
            previous.withUnsafeBytes { p in
                func plane(_ b: UnsafeRawBufferPointer) -> PlaneLayout {
                    PlaneLayout(baseAddress: b.baseAddress!, width: Self.width, height: Self.height, bytesPerRow: 2 * Self.width, bytesPerSample: 2, bitDepth: bitDepth)
                }
                let picture = DecodedPicture(features: features, planes: [plane(c)], previousLuma: plane(p))
                return analyzer.analyze(picture, frame: FrameRecord(features: features, slots: AnalyzerSlots([])))
            }
        }
    }

    @Test(arguments: [0, 3, 500])
    func tenBitVectorsMatchThePlainLoop(changedPerThousand: Int) throws {
        let before = Self.picture(seed: 7)
        let now = changedPerThousand == 0 ? before : Self.picture(seed: 11, like: before, changed: changedPerThousand)
        let vector = scan(now, before, bitDepth: 10), plain = scan(now, before, bitDepth: 13)
        #expect(vector.thumbnail == plain.thumbnail)
        let d = try #require(vector.difference), e = try #require(plain.difference)
        #expect(d == e)
        // A repeated picture changes nothing; otherwise about the share changed (of the lines read).
        #expect(abs(d.changedShare - Double(changedPerThousand) / 10) < 0.5, "\(d.changedShare) %")
    }
}
