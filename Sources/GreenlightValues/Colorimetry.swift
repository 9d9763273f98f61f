import Foundation

/// A colour in CIE 1976 L*a*b* (D65 white), L* 0…100.
public struct Lab: Sendable, Hashable, Codable {
    public var L: Double
    public var a: Double
    public var b: Double

    public init(L: Double, a: Double, b: Double) {
        self.L = L
        self.a = a
        self.b = b
    }

    /// Chroma C*ab.
    public var chroma: Double { (a * a + b * b).squareRoot() }

    /// CIE XYZ (Y = 1 for the reference white) to L*a*b* relative to `white`.
    public init(xyz: (x: Double, y: Double, z: Double), white: (x: Double, y: Double, z: Double) = Colorimetry.d65) {
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        let fx = f(xyz.x / white.x), fy = f(xyz.y / white.y), fz = f(xyz.z / white.z)
        self.init(L: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// The colour as sRGB `#rrggbb` for a screen (D65, out-of-gamut channels clipped): how a
    /// report shows a measured colour.
    public var sRGBHex: String {
        func finv(_ t: Double) -> Double { t > 6.0 / 29 ? t * t * t : 3 * (6.0 / 29) * (6.0 / 29) * (t - 4.0 / 29) }
        let fy = (L + 16) / 116
        let w = Colorimetry.d65
        let x = w.x * finv(fy + a / 500), y = w.y * finv(fy), z = w.z * finv(fy - b / 200)
        // XYZ to linear BT.709/sRGB: the inverse of the primaries' matrix at this D65 white.
        let linear = [3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
                      0.0556434 * x - 0.2040259 * y + 1.0572252 * z]
        return "#" + linear.map { v -> String in
            let c = min(1, max(0, v))
            let e = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
            let code = Int((e * 255).rounded())
            return (code < 16 ? "0" : "") + String(code, radix: 16)
        }.joined()
    }

    /// CIEDE2000 colour difference (CIE 142-2001; kL = kC = kH = 1), as Sharma, Wu and Dalal
    /// (2005) state it, including its mean-hue rule at |Δh'| = 180°.
    public func deltaE00(_ other: Lab) -> Double {
        let rad = Double.pi / 180
        let c1 = chroma, c2 = other.chroma
        let cMean = (c1 + c2) / 2
        let c7 = pow(cMean, 7)
        let g = 0.5 * (1 - (c7 / (c7 + pow(25.0, 7))).squareRoot())
        let a1 = (1 + g) * a, a2 = (1 + g) * other.a
        let cp1 = (a1 * a1 + b * b).squareRoot(), cp2 = (a2 * a2 + other.b * other.b).squareRoot()
        func hue(_ b: Double, _ a: Double) -> Double {
            if a == 0 && b == 0 { return 0 }
            let h = atan2(b, a) / rad
            return h < 0 ? h + 360 : h
        }
        let h1 = hue(b, a1), h2 = hue(other.b, a2)
        let dL = other.L - L, dC = cp2 - cp1
        var dh = 0.0
        if cp1 * cp2 != 0 {
            dh = h2 - h1
            if dh > 180 { dh -= 360 } else if dh < -180 { dh += 360 }
        }
        let dH = 2 * (cp1 * cp2).squareRoot() * sin(dh / 2 * rad)
        let lMean = (L + other.L) / 2, cpMean = (cp1 + cp2) / 2
        var hMean = h1 + h2
        if cp1 * cp2 != 0 {
            if abs(h1 - h2) <= 180 { hMean /= 2 } else if h1 + h2 < 360 { hMean = (hMean + 360) / 2 } else { hMean = (hMean - 360) / 2 }
        }
        let t = 1 - 0.17 * cos((hMean - 30) * rad) + 0.24 * cos(2 * hMean * rad)
            + 0.32 * cos((3 * hMean + 6) * rad) - 0.20 * cos((4 * hMean - 63) * rad)
        let dTheta = 30 * exp(-pow((hMean - 275) / 25, 2))
        let cp7 = pow(cpMean, 7)
        let rc = 2 * (cp7 / (cp7 + pow(25.0, 7))).squareRoot()
        let l50 = (lMean - 50) * (lMean - 50)
        let sl = 1 + 0.015 * l50 / (20 + l50).squareRoot()
        let sc = 1 + 0.045 * cpMean
        let sh = 1 + 0.015 * cpMean * t
        let rt = -sin(2 * dTheta * rad) * rc
        let l = dL / sl, c = dC / sc, h = dH / sh
        return (l * l + c * c + h * h + rt * c * h).squareRoot()
    }
}

/// Conversions from a video signal's R'G'B' to CIE XYZ: transfer functions and primaries by
/// FFmpeg's names, white balance as correlated colour temperature.
public enum Colorimetry {
    /// The D65 white point, XYZ with Y = 1.
    public static let d65 = (x: 0.95047, y: 1.0, z: 1.08883)

    /// How a stream's R'G'B' code (0…1) becomes display light (0…1 of reference white), by
    /// FFmpeg's transfer names. SDR television transfers are read with BT.1886's EOTF (γ 2.4,
    /// what a grading display shows); PQ maps 203 cd/m² (BT.2408's reference white) to 1; HLG is
    /// read at 1000 cd/m² with its system gamma 1.2, 75 % signal at reference white.
    /// - Returns: nil for a transfer this does not know (the caller assumes by resolution).
    public static func eotf(_ name: String?) -> (@Sendable (Double) -> Double)? {
        switch name {
        case "bt709", "smpte170m", "bt470bg", "bt2020-10", "bt2020-12", "smpte240m", "gamma22", "gamma28", nil:
            let gamma = name == "gamma22" ? 2.2 : name == "gamma28" ? 2.8 : 2.4
            return { v in pow(max(0, v), gamma) }
        case "iec61966-2-1":
            return { v in v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        case "linear":
            return { v in v }
        case "smpte2084":
            return { v in
                let m1 = 0.1593017578125, m2 = 78.84375, c1 = 0.8359375, c2 = 18.8515625, c3 = 18.6875
                let p = pow(max(0, v), 1 / m2)
                return 10000 * pow(max(0, p - c1) / (c2 - c3 * p), 1 / m1) / 203
            }
        case "arib-std-b67":
            return { v in
                let a = 0.17883277, b = 0.28466892, c = 0.55991073
                func scene(_ e: Double) -> Double { e <= 0.5 ? e * e / 3 : (exp((e - c) / a) + b) / 12 }
                // Grey display light with the OOTF at 1000 cd/m² (γ 1.2), reference white at 75 %.
                return pow(scene(v), 1.2) / pow(scene(0.75), 1.2)
            }
        default:
            return nil
        }
    }

    /// SMPTE ST 2084 (PQ): display light in cd/m² of a code value 0…1.
    public static func pqNits(_ v: Double) -> Double {
        let m1 = 0.1593017578125, m2 = 78.84375, c1 = 0.8359375, c2 = 18.8515625, c3 = 18.6875
        let p = pow(min(1, max(0, v)), 1 / m2)
        return 10000 * pow(max(0, p - c1) / (c2 - c3 * p), 1 / m1)
    }

    /// The PQ code value 0…1 of display light `nits` (ST 2084's inverse EOTF).
    public static func pqCode(_ nits: Double) -> Double {
        let m1 = 0.1593017578125, m2 = 78.84375, c1 = 0.8359375, c2 = 18.8515625, c3 = 18.6875
        let y = pow(min(1, max(0, nits / 10000)), m1)
        return pow((c1 + c2 * y) / (1 + c3 * y), m2)
    }

    /// ARIB STD-B67 (HLG): scene light 0…1 of a code value 0…1 (the inverse OETF).
    public static func hlgScene(_ e: Double) -> Double {
        let a = 0.17883277, b = 0.28466892, c = 0.55991073
        let v = min(1, max(0, e))
        return v <= 0.5 ? v * v / 3 : (exp((v - c) / a) + b) / 12
    }

    /// The row-major 3×3 matrix taking linear RGB in primaries `from` to linear RGB in `to`.
    public static func rgbToRGB(from: [(Double, Double)], to: [(Double, Double)]) -> [Double] {
        let a = rgbToXYZ(from), b = rgbToXYZ(to)
        // b⁻¹ column by column: solve b · c = e_i.
        let columns = (0..<3).map { i in solve3(b, (0..<3).map { $0 == i ? 1 : 0 }) }
        let inverse = (0..<9).map { columns[$0 % 3][$0 / 3] }
        return (0..<9).map { k in
            let r = k / 3, c = k % 3
            return (0..<3).reduce(0) { $0 + inverse[r * 3 + $1] * a[$1 * 3 + c] }
        }
    }

    /// CIE 1931 xy of red, green, blue and white for FFmpeg's primaries names.
    public static func primaries(_ name: String?) -> [(Double, Double)]? {
        switch name {
        case "bt709", nil: return [(0.64, 0.33), (0.30, 0.60), (0.15, 0.06), (0.3127, 0.3290)]
        case "bt470bg": return [(0.64, 0.33), (0.29, 0.60), (0.15, 0.06), (0.3127, 0.3290)]
        case "smpte170m", "smpte240m": return [(0.630, 0.340), (0.310, 0.595), (0.155, 0.070), (0.3127, 0.3290)]
        case "bt2020": return [(0.708, 0.292), (0.170, 0.797), (0.131, 0.046), (0.3127, 0.3290)]
        case "smpte432": return [(0.680, 0.320), (0.265, 0.690), (0.150, 0.060), (0.3127, 0.3290)]
        case "smpte431": return [(0.680, 0.320), (0.265, 0.690), (0.150, 0.060), (0.314, 0.351)]
        default: return nil
        }
    }

    /// Kr and Kb of the Y'CbCr matrix FFmpeg names `matrix`; an untagged or unknown one is
    /// BT.709's above 576 lines and BT.601's at or below.
    public static func lumaCoefficients(_ matrix: String?, height: Int) -> (kr: Double, kb: Double) {
        switch matrix {
        case "bt709": return (0.2126, 0.0722)
        case "bt470bg", "smpte170m": return (0.299, 0.114)
        case "bt2020nc", "bt2020c": return (0.2627, 0.0593)
        case "smpte240m": return (0.212, 0.087)
        case "fcc": return (0.30, 0.11)
        default: return height > 576 ? (0.2126, 0.0722) : (0.299, 0.114)
        }
    }

    /// R', G', B' (1 = nominal white) of a normalised Y' (0…1) and Pb, Pr (−0.5…0.5) through the
    /// matrix with luma coefficients `kr`, `kb`.
    @inlinable @inline(__always)
    public static func rgb(y: Double, pb: Double, pr: Double, kr: Double, kb: Double) -> (r: Double, g: Double, b: Double) {
        let r = y + 2 * (1 - kr) * pr, b = y + 2 * (1 - kb) * pb
        return (r, (y - kr * r - kb * b) / (1 - kr - kb), b)
    }

    /// The 3×3 matrix (row-major) taking linear RGB in `primaries` to XYZ, white at Y = 1.
    public static func rgbToXYZ(_ primaries: [(Double, Double)]) -> [Double] {
        func xyz(_ p: (Double, Double)) -> [Double] { [p.0 / p.1, 1, (1 - p.0 - p.1) / p.1] }
        let r = xyz(primaries[0]), g = xyz(primaries[1]), b = xyz(primaries[2]), w = xyz(primaries[3])
        let m = [r[0], g[0], b[0], r[1], g[1], b[1], r[2], g[2], b[2]]
        let s = solve3(m, w)
        return [m[0] * s[0], m[1] * s[1], m[2] * s[2], m[3] * s[0], m[4] * s[1], m[5] * s[2], m[6] * s[0], m[7] * s[1], m[8] * s[2]]
    }

    /// Solves the row-major 3×3 system `m · x = v` (Cramer's rule); zeros when singular.
    public static func solve3(_ m: [Double], _ v: [Double]) -> [Double] {
        func det(_ a: [Double]) -> Double {
            a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
        }
        let d = det(m)
        guard abs(d) > 1e-12 else { return [0, 0, 0] }
        return (0..<3).map { col in
            var c = m
            for row in 0..<3 { c[row * 3 + col] = v[row] }
            return det(c) / d
        }
    }

    /// Correlated colour temperature in kelvin of a chromaticity (McCamy's cubic, good to a few
    /// kelvin from 2000 K to 12 500 K near the Planckian locus); nil for a colour too far from white.
    public static func correlatedColourTemperature(x: Double, y: Double) -> Double? {
        guard y > 0.1 else { return nil }
        let n = (x - 0.3320) / (0.1858 - y)
        let cct = ((449 * n + 3525) * n + 6823.3) * n + 5520.33
        return (1000...25000).contains(cct) ? cct : nil
    }
}
