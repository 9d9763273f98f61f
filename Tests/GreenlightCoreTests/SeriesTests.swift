import Foundation
import Testing
@testable import GreenlightCore
import GreenlightValues

@Suite struct SeriesBuilderTests {
    @Test func keepsEveryValueWhileThereIsRoom() {
        var b = SeriesBuilder(span: 0.04, capacity: 100)
        for i in 0..<50 { b.add(Double(i), at: Double(i) * 0.04) }
        let p = b.points
        #expect(p.count == 50)
        #expect(p[10].value == 10)
        #expect(abs(p[10].time - 0.4) < 1e-9)
    }

    @Test func mergesNeighboursAndKeepsTheExtremes() {
        // Two hours at 25 fps into 1024 points: each covers a power-of-two number of frames, and
        // the single black frame (value 0) among mid-grey ones survives as its point's low.
        var b = SeriesBuilder(span: 0.04, capacity: 1024)
        let frames = 2 * 3600 * 25
        for i in 0..<frames { b.add(i == 100_000 ? 0 : 50, at: Double(i) * 0.04) }
        let p = b.points
        #expect(p.count <= 1024)
        #expect(p.count > 512)
        #expect(b.span == 0.04 * 256)
        let withBlack = p.filter { $0.low == 0 }
        #expect(withBlack.count == 1)
        #expect(withBlack[0].high == 50)
        #expect(withBlack[0].time <= 4000 && withBlack[0].time + b.span > 4000)
        #expect(abs(withBlack[0].value - (50 * 255 / 256)) < 1e-9)
    }

    @Test func leavesGapsWhereNothingWasMeasured() {
        var b = SeriesBuilder(span: 1, capacity: 16)
        b.add(1, at: 0)
        b.add(2, at: 5)
        #expect(b.points.map(\.time) == [0, 5])
    }

    @Test func srgbOfLabColours() {
        #expect(Lab(L: 100, a: 0, b: 0).sRGBHex == "#ffffff")
        #expect(Lab(L: 0, a: 0, b: 0).sRGBHex == "#000000")
        // Mid grey: L* 53.39 is sRGB 128 (0.5 encoded is 0.2140 linear, L* 53.39).
        #expect(Lab(L: 53.39, a: 0, b: 0).sRGBHex == "#808080")
        // sRGB red (255, 0, 0) is L* 53.24 a* 80.09 b* 67.20.
        #expect(Lab(L: 53.24, a: 80.09, b: 67.20).sRGBHex == "#ff0000")
    }
}
