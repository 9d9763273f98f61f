import Foundation
import Testing
import GreenlightValues

/// CIEDE2000 and the colorimetry behind colour-consistency, against published values.
struct ColorimetryTests {
    /// Sharma, Wu and Dalal (2005), "The CIEDE2000 colour-difference formula: implementation
    /// notes, supplementary test data, and mathematical observations", Table 1: all 34 pairs.
    static let sharma: [((Double, Double, Double), (Double, Double, Double), Double)] = [
        ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
        ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
        ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
        ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
        ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
        ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
        ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
        ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
        ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
        ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
        ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
        ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
        ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
        ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
        ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
        ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
        ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
        ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
        ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
        ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
        ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
        ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
        ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
        ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
        ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
        ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
        ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
        ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
        ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ]

    @Test func ciede2000MatchesSharmasTable() {
        #expect(Self.sharma.count == 34)
        for (i, (p, q, expected)) in Self.sharma.enumerated() {
            let a = Lab(L: p.0, a: p.1, b: p.2), b = Lab(L: q.0, a: q.1, b: q.2)
            #expect(abs(a.deltaE00(b) - expected) < 0.0001, "pair \(i + 1): \(a.deltaE00(b)) vs \(expected)")
            #expect(abs(a.deltaE00(b) - b.deltaE00(a)) < 1e-9, "pair \(i + 1) is not symmetric")
        }
        #expect(Lab(L: 40, a: 12, b: -7).deltaE00(Lab(L: 40, a: 12, b: -7)) == 0)
    }

    @Test func bt709PrimariesGiveKnownLab() {
        let m = Colorimetry.rgbToXYZ(Colorimetry.primaries("bt709")!)
        // The published sRGB/BT.709 matrix's first row.
        #expect(abs(m[0] - 0.4124) < 0.0002 && abs(m[1] - 0.3576) < 0.0002 && abs(m[2] - 0.1805) < 0.0002)
        let red = Lab(xyz: (m[0], m[3], m[6]))
        #expect(abs(red.L - 53.24) < 0.05 && abs(red.a - 80.09) < 0.1 && abs(red.b - 67.20) < 0.1)
        let white = Lab(xyz: (m[0] + m[1] + m[2], m[3] + m[4] + m[5], m[6] + m[7] + m[8]))
        #expect(abs(white.L - 100) < 0.01 && abs(white.a) < 0.05 && abs(white.b) < 0.05)
    }

    @Test func correlatedColourTemperatureOfStandardIlluminants() {
        // D65 is 6504 K, illuminant A 2856 K (CIE 15).
        #expect(abs(Colorimetry.correlatedColourTemperature(x: 0.3127, y: 0.3290)! - 6504) < 15)
        #expect(abs(Colorimetry.correlatedColourTemperature(x: 0.44757, y: 0.40745)! - 2856) < 10)
        #expect(Colorimetry.correlatedColourTemperature(x: 0.15, y: 0.06) == nil)
    }

    @Test func transfersReachReferenceWhite() {
        #expect(abs(Colorimetry.eotf("bt709")!(1) - 1) < 1e-12)
        #expect(abs(Colorimetry.eotf("iec61966-2-1")!(0.5) - 0.21404) < 1e-4)
        // PQ 0.58069 is 203 cd/m² (BT.2408), HLG 75 % is reference white by construction.
        #expect(abs(Colorimetry.eotf("smpte2084")!(0.58069) - 1) < 0.01)
        #expect(abs(Colorimetry.eotf("arib-std-b67")!(0.75) - 1) < 1e-9)
        #expect(Colorimetry.eotf("log100") == nil)
    }
}

/// Frame numbers of times a container rounded to its time base.
struct FrameIndexRoundingTests {
    @Test func millisecondTimestampsNumberTheirOwnFrame() {
        // WebM stores 551/24 s = 22.9583 s as 22.958 s: still frame 551, not 550.
        #expect(MediaTime(value: 22958, timescale: 1000).frameIndex(at: Rational(24, 1)) == 551)
        #expect(MediaTime(value: 22957, timescale: 1000).frameIndex(at: Rational(24, 1)) == 550)
        // 29.97 fps in milliseconds: frame 1000 starts at 33.3667 s, rounded to 33.367; 33.366
        // is more than half a tick early, so still frame 999.
        #expect(MediaTime(value: 33367, timescale: 1000).frameIndex(at: Rational(30000, 1001)) == 1000)
        #expect(MediaTime(value: 33366, timescale: 1000).frameIndex(at: Rational(30000, 1001)) == 999)
        // A whole-second time base is no rounded frame time: 50 s at 24.613 fps is inside frame 1230.
        #expect(MediaTime(value: 50, timescale: 1).frameIndex(at: Rational(24613, 1000)) == 1230)
    }
}
