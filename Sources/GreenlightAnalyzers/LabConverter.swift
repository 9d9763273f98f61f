import Foundation
import GreenlightValues

/// R'G'B' (1 = nominal white) to CIE XYZ and L*a*b* (D65) for one way of reading a stream
/// (``ColourReading``): its EOTF as a 1024-step table, its primaries as a matrix, CIELAB's cube
/// root as an interpolated table (the dearest part of the conversion, per sample).
/// Shared by the colour analyzer (per sample) and colour-reference (per block).
public struct LabConverter: Sendable {
    public let reading: ColourReading
    private let linear: [Double]
    private let matrix: [Double]
    private static let fTable: [Double] = (0...4096).map { i in
        let t = Double(i) / 4096 * 1.25
        return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116
    }
    private let fTable = LabConverter.fTable
    /// Reciprocals of D65's X and Z (multiplying is cheaper than dividing, per sample).
    private static let whiteX = 1 / Colorimetry.d65.x, whiteZ = 1 / Colorimetry.d65.z

    public init(_ reading: ColourReading) {
        self.reading = reading
        let eotf = Colorimetry.eotf(reading.transfer) ?? Colorimetry.eotf("bt709")!
        linear = (0..<1024).map { eotf(Double($0) / 1023) }
        matrix = Colorimetry.rgbToXYZ(Colorimetry.primaries(reading.primaries) ?? Colorimetry.primaries("bt709")!)
    }

    /// Display-linear XYZ (Y = 1 at reference white) of an R'G'B' triple.
    @inline(__always)
    public func xyz(_ r: Double, _ g: Double, _ b: Double) -> (x: Double, y: Double, z: Double) {
        @inline(__always) func lin(_ v: Double) -> Double { linear[max(0, min(1023, Int(v * 1023 + 0.5)))] }
        let r = lin(r), g = lin(g), b = lin(b)
        return (matrix[0] * r + matrix[1] * g + matrix[2] * b, matrix[3] * r + matrix[4] * g + matrix[5] * b,
                matrix[6] * r + matrix[7] * g + matrix[8] * b)
    }

    /// L*a*b* of display-linear XYZ (relative to D65).
    @inline(__always)
    public func lab(_ c: (x: Double, y: Double, z: Double)) -> Lab {
        let fy = f(c.y)
        return Lab(L: 116 * fy - 16, a: 500 * (f(c.x * Self.whiteX) - fy), b: 200 * (fy - f(c.z * Self.whiteZ)))
    }

    @inline(__always)
    private func f(_ t: Double) -> Double {
        let x = max(0, min(1.25, t)) * (4096 / 1.25)
        let i = min(4095, Int(x))
        return fTable[i] + (fTable[i + 1] - fTable[i]) * (x - Double(i))
    }
}
