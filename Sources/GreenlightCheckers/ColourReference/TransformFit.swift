import Foundation
import GreenlightCore
import GreenlightValues

/// Running sums for least-squares fits of `outputs` values from `inputs` values plus a constant:
/// the normal equations, kept as sums so that any number of blocks of any number of pictures
/// costs the same memory.
struct NormalSums {
    let inputs: Int
    let outputs: Int
    /// Σ x xᵀ over [inputs…, 1].
    private(set) var xx: [[Double]]
    /// Σ x yᵀ: (inputs + 1) × outputs.
    private(set) var xy: [[Double]]
    /// Σ y² per output.
    private(set) var yy: [Double]
    private(set) var count = 0

    init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
        xx = [[Double]](repeating: [Double](repeating: 0, count: inputs + 1), count: inputs + 1)
        xy = [[Double]](repeating: [Double](repeating: 0, count: outputs), count: inputs + 1)
        yy = [Double](repeating: 0, count: outputs)
    }

    mutating func add(_ x: [Double], _ y: [Double]) {
        let v = x + [1]
        for i in 0...inputs {
            for j in 0...inputs { xx[i][j] += v[i] * v[j] }
            for o in 0..<outputs { xy[i][o] += v[i] * y[o] }
        }
        for o in 0..<outputs { yy[o] += y[o] * y[o] }
        count += 1
    }

    /// The fit of output `o` from the inputs in `using` (indices; the constant is always used):
    /// coefficients in the order of `using`, then the constant, and the residual sum of squares.
    func fit(output o: Int, using: [Int]) -> (coefficients: [Double], residual: Double)? {
        let idx = using + [inputs]
        let a = idx.map { i in idx.map { j in xx[i][j] } }
        let b = idx.map { xy[$0][o] }
        guard let c = solveLinear(a, b) else { return nil }
        var residual = yy[o]
        for (m, i) in idx.enumerated() {
            residual -= 2 * c[m] * xy[i][o]
            for (n, j) in idx.enumerated() { residual += c[m] * c[n] * xx[i][j] }
        }
        return (c, max(0, residual))
    }

    /// Σ (y_o − x_i)²: what is left with no transform at all.
    func unchanged(output o: Int, input i: Int) -> Double {
        max(0, yy[o] - 2 * xy[i][o] + xx[i][i])
    }

    /// Σ (y_o − c·[x, 1])²: what is left after a given transform (coefficients for every input, then the constant).
    func residual(output o: Int, coefficients c: [Double]) -> Double {
        var r = yy[o]
        for i in 0...inputs {
            r -= 2 * c[i] * xy[i][o]
            for j in 0...inputs { r += c[i] * c[j] * xx[i][j] }
        }
        return max(0, r)
    }
}

/// The global mistakes that are one fixed transform of 8-bit Y'CbCr codes: each, applied to the
/// reference, either explains the picture or it does not, with no fitting to flatter it.
enum FixedMistake: CaseIterable {
    case rangeExpanded, rangeSqueezed, matrix709As601, matrix601As709

    var name: String {
        switch self {
        case .rangeExpanded, .rangeSqueezed: return "range"
        case .matrix709As601, .matrix601As709: return "matrix"
        }
    }

    var explanation: String {
        switch self {
        case .rangeExpanded: return "range mix-up: limited-range video expanded as if it were full"
        case .rangeSqueezed: return "range mix-up: full-range video squeezed into limited range"
        case .matrix709As601: return "matrix error: BT.709 Y'CbCr re-encoded with BT.601 coefficients (or read as BT.601)"
        case .matrix601As709: return "matrix error: BT.601 Y'CbCr re-encoded with BT.709 coefficients (or read as BT.709)"
        }
    }

    /// Per output (Y', Cb, Cr): coefficients on the reference's Y', Cb, Cr, then the constant.
    var rows: [[Double]] {
        switch self {
        case .rangeExpanded:
            let (y, c) = (255.0 / 219, 255.0 / 224)
            return [[y, 0, 0, -16 * y], [0, c, 0, 128 - 128 * c], [0, 0, c, 128 - 128 * c]]
        case .rangeSqueezed:
            let (y, c) = (219.0 / 255, 224.0 / 255)
            return [[y, 0, 0, 16], [0, c, 0, 128 - 128 * c], [0, 0, c, 128 - 128 * c]]
        case .matrix709As601: return Self.matrix(from: (0.2126, 0.0722), to: (0.299, 0.114))
        case .matrix601As709: return Self.matrix(from: (0.299, 0.114), to: (0.2126, 0.0722))
        }
    }

    /// Codes encoded with luma coefficients `from` (Kr, Kb), decoded to R'G'B' and encoded again with `to`.
    private static func matrix(from a: (Double, Double), to b: (Double, Double)) -> [[Double]] {
        func encode(_ k: (Double, Double)) -> [[Double]] {  // R'G'B' → (y, pb, pr), normalised
            let (kr, kb) = k, kg = 1 - kr - kb
            return [[kr, kg, kb], [-kr / (2 * (1 - kb)), -kg / (2 * (1 - kb)), 0.5], [0.5, -kg / (2 * (1 - kr)), -kb / (2 * (1 - kr))]]
        }
        let m = multiply(encode(b), invert3(encode(a)))
        // In codes: scale 219 (Y') and 224 (Cb, Cr) on both sides, offsets 16 and 128.
        let scale = [219.0, 224, 224], offset = [16.0, 128, 128]
        return (0..<3).map { o in
            var row = (0..<3).map { i in m[o][i] * scale[o] / scale[i] }
            row.append(offset[o] - (0..<3).reduce(0) { $0 + row[$1] * offset[$1] })
            return row
        }
    }

    private static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
    }

    private static func invert3(_ m: [[Double]]) -> [[Double]] {
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        func c(_ r: Int, _ k: Int) -> Double {
            let rows = (0..<3).filter { $0 != r }, cols = (0..<3).filter { $0 != k }
            let minor = m[rows[0]][cols[0]] * m[rows[1]][cols[1]] - m[rows[0]][cols[1]] * m[rows[1]][cols[0]]
            return ((r + k) % 2 == 0 ? 1 : -1) * minor
        }
        return (0..<3).map { i in (0..<3).map { j in c(j, i) / det } }
    }
}

/// What a mismatch against the reference most looks like, from global fits over its pictures'
/// blocks. Each cause leaves its own signature:
/// - range mix-up: Y' = 255/219 · Y'ref − 18.6 codes (or the inverse), chroma scaled 255/224;
/// - matrix (BT.601/BT.709 swap): Y' depends on the reference's Cb and Cr, and no per-channel
///   R'G'B' gain explains the change;
/// - white balance: per-channel R'G'B' gains explain it;
/// - saturation: Cb/Cr scaled; hue: Cb/Cr rotated; lift: Y' offset only.
struct MismatchFit {
    var codes = NormalSums(inputs: 3, outputs: 3)
    var rgb = NormalSums(inputs: 3, outputs: 3)
    /// Σ z' conj(z) and Σ |z|² of the chroma (Cb, Cr about 128) as complex numbers.
    var chromaCross = (re: 0.0, im: 0.0)
    var chromaPower = 0.0

    mutating func add(main: BlockColour, reference: BlockColour) {
        for b in 0..<(main.codes.count / 3) {
            let m = (0..<3).map { Double(main.codes[b * 3 + $0]) }, r = (0..<3).map { Double(reference.codes[b * 3 + $0]) }
            codes.add(r, m)
            rgb.add((0..<3).map { Double(reference.rgb[b * 3 + $0]) }, (0..<3).map { Double(main.rgb[b * 3 + $0]) })
            let z = (r[1] - 128, r[2] - 128), w = (m[1] - 128, m[2] - 128)
            chromaCross.re += w.0 * z.0 + w.1 * z.1
            chromaCross.im += w.1 * z.0 - w.0 * z.1
            chromaPower += z.0 * z.0 + z.1 * z.1
        }
    }

    struct Cause {
        var name: String
        var explanation: String
        var measurements: [String: Double]
    }

    var cause: Cause {
        var m: [String: Double] = [:]
        guard let y = codes.fit(output: 0, using: [0, 1, 2]) else { return Cause(name: "unknown", explanation: "too little picture to fit", measurements: m) }
        let (slope, fromCb, fromCr, offset) = (y.coefficients[0], y.coefficients[1], y.coefficients[2], y.coefficients[3])
        m["y_slope"] = slope
        m["y_offset_codes"] = offset
        m["y_from_chroma"] = max(abs(fromCb), abs(fromCr))
        let k = chromaPower > 0 ? (chromaCross.re * chromaCross.re + chromaCross.im * chromaCross.im).squareRoot() / chromaPower : 1
        let angle = atan2(chromaCross.im, chromaCross.re) * 180 / .pi
        m["chroma_scale"] = k
        m["chroma_rotation_degrees"] = angle
        // Every cause as its own model, applied to the reference: the fixed mistakes (range,
        // matrix: nothing fitted), then white balance (R'G'B' gains), saturation (chroma scaled),
        // hue (chroma rotated and scaled), lift (Y' offset) and gain (Y' slope and offset), each
        // fitted. The one that leaves least of the difference unexplained wins when it leaves a
        // quarter or less and half the runner-up's; a simpler model within 2 points of a richer
        // one is preferred (a rotation of 0° is a saturation change). The report gives what the
        // winner leaves and the runner-up's, so a reader sees how sure it is.
        var none = 0.0
        for o in 0..<3 { none += codes.unchanged(output: o, input: o) }
        if none > 0 {
            var models: [(name: String, explanation: String, share: Double, parameters: Int)] = FixedMistake.allCases.map { mistake in
                (mistake.name, mistake.explanation, (0..<3).reduce(0.0) { $0 + codes.residual(output: $1, coefficients: mistake.rows[$1]) } / none, 0)
            }
            let keepY: [Double] = [1, 0, 0, 0]
            func share(_ rows: [[Double]]) -> Double { (0..<3).reduce(0.0) { $0 + codes.residual(output: $1, coefficients: rows[$1]) } / none }
            // Saturation: chroma about 128 scaled by the projection of the change on the reference's chroma.
            let kSat = chromaPower > 0 ? chromaCross.re / chromaPower : 1
            models.append(("saturation", "saturation \(kSat > 1 ? "raised" : "lowered") (chroma × \(formatNumber(kSat, decimals: 2)))",
                           share([keepY, [0, kSat, 0, 128 * (1 - kSat)], [0, 0, kSat, 128 * (1 - kSat)]]), 1))
            // Hue: chroma rotated by `angle` and scaled by k.
            let c = k * cos(angle * .pi / 180), sn = k * sin(angle * .pi / 180)
            models.append(("hue", "hue rotated \(formatNumber(angle, decimals: 1))°",
                           share([keepY, [0, c, -sn, 128 * (1 - c + sn)], [0, sn, c, 128 * (1 - sn - c)]]), 2))
            // Lift: Y' moved by its mean change; gain: Y' fitted as slope and offset.
            let n = Double(max(codes.count, 1))
            let lift = (codes.xy[3][0] - codes.xx[0][3]) / n
            models.append(("lift", "lift: Y' offset \(formatNumber(lift, decimals: 1)) codes",
                           share([[1, 0, 0, lift], [0, 1, 0, 0], [0, 0, 1, 0]]), 1))
            if let g = codes.fit(output: 0, using: [0]) {
                models.append(("gain", "luma gain × \(formatNumber(g.coefficients[0], decimals: 3)) (exposure or contrast)",
                               share([[g.coefficients[0], 0, 0, g.coefficients[1]], [0, 1, 0, 0], [0, 0, 1, 0]]), 2))
            }
            // White balance: per-channel R'G'B' gains, judged in R'G'B' (what it leaves of the R'G'B' change).
            var diagonal = 0.0, rgbNone = 0.0, gains: [Double] = []
            for ch in 0..<3 {
                if let d = rgb.fit(output: ch, using: [ch]) { diagonal += d.residual; gains.append(d.coefficients[0]) }
                rgbNone += rgb.unchanged(output: ch, input: ch)
            }
            if rgbNone > 0, gains.count == 3 {
                models.append(("white-balance", "white balance: R'G'B' gains \(gains.map { formatNumber($0, decimals: 3) }.joined(separator: ", "))",
                               diagonal / rgbNone, 3))
            }
            models.sort { $0.share < $1.share }
            var best = models[0]
            // A simpler model nearly as good is the better explanation: within 2 points, or both
            // leaving 5 % or less. A fixed mistake, which fits nothing, wins when it explains three
            // quarters and is within 15 points of the best fit (per-channel gains absorb a range
            // expansion, clipped where the expansion runs past the codes, as equal gains).
            if let simpler = models.filter({ $0.parameters < best.parameters && ($0.share <= best.share + 0.02 || $0.share <= 0.05) })
                .min(by: { ($0.parameters, $0.share) < ($1.parameters, $1.share) }) {
                best = simpler
            }
            if best.parameters > 0, let fixed = models.first(where: { $0.parameters == 0 }), fixed.share <= 0.25, fixed.share <= best.share + 0.15 {
                best = fixed
            }
            // The runner-up among models no richer than the winner (a richer one always fits as
            // well: hue with its free scale explains a saturation change too).
            let chosen = best
            let runnerUp = models.first { $0.name != chosen.name && $0.parameters <= chosen.parameters }
            m["model_residual_share"] = best.share
            if let runnerUp { m["runner_up_residual_share"] = runnerUp.share }
            if best.share <= 0.25, runnerUp.map({ best.share < 0.5 * $0.share }) ?? true {
                let against = runnerUp.map { ", against \(formatNumber($0.share * 100, decimals: 0)) % for \($0.name == "white-balance" ? "white balance" : $0.name == "matrix" || $0.name == "range" ? "a \($0.name) error" : $0.name)" } ?? ""
                return Cause(name: best.name, explanation: "\(best.explanation) (it leaves \(formatNumber(best.share * 100, decimals: 0)) % of the difference unexplained\(against))",
                             measurements: m)
            }
        }
        let pureLuma = max(abs(fromCb), abs(fromCr)) < 0.03
        if pureLuma && abs(slope - 255.0 / 219) < 0.04 && abs(offset + 18.6) < 4 {
            return Cause(name: "range", explanation: "range mix-up: limited-range video expanded as if it were full (Y' slope \(formatNumber(slope, decimals: 3)), offset \(formatNumber(offset, decimals: 1)) codes, chroma × \(formatNumber(k, decimals: 3)))", measurements: m)
        }
        if pureLuma && abs(slope - 219.0 / 255) < 0.04 && abs(offset - 16) < 4 {
            return Cause(name: "range", explanation: "range mix-up: full-range video squeezed into limited range (Y' slope \(formatNumber(slope, decimals: 3)), offset \(formatNumber(offset, decimals: 1)) codes)", measurements: m)
        }
        if !pureLuma {
            // Per-channel R'G'B' gains against a full 3×3: white balance, or a matrix.
            var diagonal = 0.0, full = 0.0, none = 0.0, gains: [Double] = []
            for c in 0..<3 {
                if let d = rgb.fit(output: c, using: [c]) { diagonal += d.residual; gains.append(d.coefficients[0]) }
                if let f = rgb.fit(output: c, using: [0, 1, 2]) { full += f.residual }
                none += rgb.unchanged(output: c, input: c)
            }
            m["rgb_diagonal_residual_share"] = none > 0 ? diagonal / none : 0
            m["rgb_full_residual_share"] = none > 0 ? full / none : 0
            if none > 0 && diagonal <= 0.25 * none, gains.count == 3 {
                return Cause(name: "white-balance", explanation: "white balance: R'G'B' gains \(gains.map { formatNumber($0, decimals: 3) }.joined(separator: ", "))", measurements: m)
            }
            return Cause(name: "matrix", explanation: "matrix error (BT.601/BT.709 or similar): Y' takes \(formatNumber(fromCb, decimals: 3)) × Cb and \(formatNumber(fromCr, decimals: 3)) × Cr of the reference, which no per-channel gain explains", measurements: m)
        }
        if abs(k - 1) >= 0.05 && abs(angle) < 3 {
            return Cause(name: "saturation", explanation: "saturation \(k > 1 ? "raised" : "lowered") (chroma × \(formatNumber(k, decimals: 2)))", measurements: m)
        }
        if abs(angle) >= 3 {
            return Cause(name: "hue", explanation: "hue rotated \(formatNumber(angle, decimals: 1))°", measurements: m)
        }
        if abs(slope - 1) < 0.03 && abs(offset) >= 2 {
            return Cause(name: "lift", explanation: "lift: Y' offset \(formatNumber(offset, decimals: 1)) codes", measurements: m)
        }
        if abs(slope - 1) >= 0.03 {
            return Cause(name: "gain", explanation: "luma gain × \(formatNumber(slope, decimals: 3)) (exposure or contrast)", measurements: m)
        }
        return Cause(name: "other", explanation: "a change no single global transform explains (a local grade, or different pictures)", measurements: m)
    }
}
