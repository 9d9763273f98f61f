import Foundation
import GreenlightCore
import GreenlightValues

/// Regular striped patterns, as the photosensitivity guidance defines them (ITU-R BT.1702,
/// Ofcom): clearly discernible light-dark pairs of stripes, how many, over how much of the
/// screen, how bright, and whether they stand still.
///
/// Stripes in any orientation cross either rows or columns, so both are read: 48 evenly spaced
/// rows (for stripes standing up or leaning) and 48 columns (for stripes lying down), every
/// sample of each, as display light (the picture's transfer: BT.1886 at 200 cd/m² for SDR, PQ,
/// HLG at 1000 cd/m²; Y′ alone: stripes that matter are light against dark). Along a line the
/// light's turning points are found with a 20 cd/m² hysteresis (a light-dark step a viewer sees,
/// the flash threshold); a run of light stripes whose spacing stays within ±25 % of the run's
/// median is a regular pattern on that line, its pairs the number of periods. A picture's pattern
/// is the orientation whose runs of more than five pairs cover more of the screen (each run
/// standing for its line's share). It stands still when its light stripes are where they were
/// on the previous picture (within a sample).
public final class PatternAnalyzer: PictureAnalyzer {
    public static let id = "pattern"
    static let lines = 48
    /// A turning point needs the light to move this far back (cd/m²).
    static let swing: Float = 20
    /// Regular: each period within this share of the run's median.
    static let regularity: Float = 0.25

    public struct Pattern: Sendable, Hashable {
        /// Share (0…1) of the screen covered by runs of more than five pairs.
        public var area: Double
        /// Light-dark pairs: the median over those runs.
        public var pairs: Int
        /// The median period, in luma samples.
        public var period: Double
        /// "vertical" (stripes standing, read along rows) or "horizontal".
        public var orientation: String
        /// The lightest stripe's light (cd/m²), median over the runs.
        public var lightest: Double
        /// The darkest stripe's light (cd/m²), median over the runs.
        public var darkest: Double
        /// True when the light stripes are where they were on the previous picture, false when
        /// they moved; nil on a first picture.
        public var stationary: Bool?
    }

    struct Run {
        var start: Int, end: Int, pairs: Int, period: Float, light: Float, dark: Float
        var peaks: [Int]
    }

    /// Display light by code value, for the transfer it was built for.
    private var table: [Float] = []
    private var tableKey = ""
    /// The previous picture's light-stripe positions, per scanned line and orientation.
    private var previousPeaks: [String: [[Int]]] = [:]

    public init(parameters: NoParameters, context: CheckContext) {}

    private func light(for signal: LumaSignal, transfer: String?) -> [Float] {
        let key = "\(signal.bitDepth)/\(signal.range)/\(transfer ?? "")"
        if key == tableKey { return table }
        let codes = 1 << signal.bitDepth
        table = (0..<codes).map { code in
            let v = min(1, max(0, signal.percent(Double(code)) / 100))
            switch transfer {
            case "smpte2084": return Float(Colorimetry.pqNits(v))
            case "arib-std-b67": return Float(1000 * pow(Colorimetry.hlgScene(v), 1.2))
            default: return Float(200 * pow(v, 2.4))
            }
        }
        tableKey = key
        return table
    }

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Pattern? {
        let luma = picture.luma.layout
        guard luma.width >= 32, luma.height >= 32 else { return nil }
        let t = light(for: picture.features.signal, transfer: picture.features.colour?.transfer)
        var best: Pattern?
        var peaksNow: [String: [[Int]]] = [:]
        for orientation in ["vertical", "horizontal"] {
            let alongRows = orientation == "vertical"
            let count = alongRows ? luma.height : luma.width, length = alongRows ? luma.width : luma.height
            var profile = [Float](repeating: 0, count: length)
            var runs: [Run] = [], peaksPerLine: [[Int]] = []
            var lineShare = 0.0
            for l in 0..<Self.lines {
                let at = (2 * l + 1) * count / (2 * Self.lines)
                t.withUnsafeBufferPointer { t in
                    if luma.bytesPerSample == 1 {
                        if alongRows { let r = luma.row8(at); for i in 0..<length { profile[i] = t[Int(r[i])] } }
                        else { for i in 0..<length { profile[i] = t[Int(luma.row8(i)[at])] } }
                    } else {
                        let top = t.count - 1
                        if alongRows { let r = luma.row16(at); for i in 0..<length { profile[i] = t[min(top, Int(r[i]))] } }
                        else { for i in 0..<length { profile[i] = t[min(top, Int(luma.row16(i)[at]))] } }
                    }
                }
                let found = Self.runs(profile)
                peaksPerLine.append(found.flatMap(\.peaks))
                for r in found where r.pairs > 5 {
                    runs.append(r)
                    lineShare += Double(r.end - r.start) / Double(length)
                }
            }
            peaksNow[orientation] = peaksPerLine
            guard !runs.isEmpty else { continue }
            let area = lineShare / Double(Self.lines)
            if area <= best?.area ?? 0 { continue }
            func median<T: Comparable>(_ v: [T]) -> T { v.sorted()[v.count / 2] }
            var stationary: Bool?
            if let before = previousPeaks[orientation], before.count == peaksPerLine.count {
                var matched = 0, total = 0
                for (now, then) in zip(peaksPerLine, before) {
                    for p in now {
                        total += 1
                        if then.contains(where: { abs($0 - p) <= 1 }) { matched += 1 }
                    }
                }
                stationary = total > 0 && matched * 10 >= total * 8
            }
            best = Pattern(area: area, pairs: median(runs.map(\.pairs)), period: Double(median(runs.map(\.period))), orientation: orientation,
                           lightest: Double(median(runs.map(\.light))), darkest: Double(median(runs.map(\.dark))), stationary: stationary)
        }
        previousPeaks = peaksNow
        return best
    }

    /// Runs of regular light stripes along one line of display light.
    static func runs(_ p: [Float]) -> [Run] {
        // Turning points with hysteresis: a maximum is confirmed when the light falls `swing`
        // below it, a minimum when it rises `swing` above.
        var peaks: [(at: Int, value: Float)] = [], troughs: [(at: Int, value: Float)] = []
        guard !p.isEmpty else { return [] }
        var rising: Bool?
        var hi = p[0], hiAt = 0, lo = p[0], loAt = 0
        for i in 1..<p.count {
            let v = p[i]
            if v > hi { hi = v; hiAt = i }
            if v < lo { lo = v; loAt = i }
            if rising != false, v <= hi - swing {
                // The light fell back: the highest point since the last trough was a peak.
                peaks.append((hiAt, hi)); rising = false
                lo = v; loAt = i
            } else if rising != true, v >= lo + swing {
                troughs.append((loAt, lo)); rising = true
                hi = v; hiAt = i
            }
        }
        guard peaks.count >= 3 else { return [] }
        // Runs of peaks whose spacing stays regular.
        var out: [Run] = []
        var i = 0
        while i < peaks.count - 1 {
            var j = i + 1
            var periods: [Float] = [Float(peaks[j].at - peaks[i].at)]
            while j + 1 < peaks.count {
                let d = Float(peaks[j + 1].at - peaks[j].at)
                let m = periods.sorted()[periods.count / 2]
                guard abs(d - m) <= regularity * m else { break }
                periods.append(d)
                j += 1
            }
            if periods.count >= 3 {
                // N light stripes are N pairs; the run spans half a period either side of them.
                let half = Int(periods.sorted()[periods.count / 2] / 2)
                let start = max(0, peaks[i].at - half), end = min(p.count, peaks[j].at + half)
                let inside = troughs.filter { $0.at > peaks[i].at && $0.at < peaks[j].at }.map(\.value).sorted()
                let lights = peaks[i...j].map(\.value).sorted()
                out.append(Run(start: start, end: end, pairs: periods.count + 1, period: periods.sorted()[periods.count / 2],
                               light: lights[lights.count / 2], dark: inside.isEmpty ? 0 : inside[inside.count / 2],
                               peaks: peaks[i...j].map(\.at)))
            }
            i = j
        }
        return out
    }
}
