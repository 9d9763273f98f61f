import Foundation
import GreenlightCore
import GreenlightValues

/// Regular striped patterns, as the photosensitivity guidance defines them (ITU-R BT.1702,
/// Ofcom): clearly discernible light-dark pairs of stripes, how many, over how much of the
/// screen, how bright, and whether they stand still.
///
/// Stripes in any orientation cross either rows or columns, so both are read: 32 evenly spaced
/// rows (for stripes standing up or leaning) and 32 columns (for stripes lying down), every
/// sample of each, as display light (the picture's transfer: BT.1886 at 200 cd/m² for SDR, PQ,
/// HLG at 1000 cd/m²; Y′ alone: stripes that matter are light against dark). Along a line the
/// light's turning points are found with a 20 cd/m² hysteresis (a light-dark step a viewer sees,
/// the flash threshold); a run of light stripes whose spacing stays within ±25 % of the run's
/// mean spacing is a regular pattern on that line, its pairs the number of light stripes. A picture's pattern
/// is the orientation whose runs of more than five pairs cover more of the screen (each run
/// standing for its line's share). It stands still when its light stripes are where they were
/// on the previous picture read (within a sample). Every other picture is read, the one between
/// carrying the last reading: a pattern matters from half a second on.
public final class PatternAnalyzer: PictureAnalyzer {
    public static let id = "pattern"
    static let lines = 32
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
    private var read = 0
    private var last: Pattern?
    /// The lines' display light, and turning points, reused picture to picture.
    private var rowLight: [Float] = [], columnLight: [Float] = []
    private var peakBuffer: [(at: Int, value: Float)] = [], troughBuffer: [(at: Int, value: Float)] = []

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
        // Every other picture is read (a pattern counts from half a second): the one between
        // carries the last reading.
        read += 1
        if read % 2 == 0 { return last }
        let t = light(for: picture.features.signal, transfer: picture.features.colour?.transfer)
        var best: Pattern?
        var peaksNow: [String: [[Int]]] = [:]
        let n = Self.lines, w = luma.width, h = luma.height
        // Every line's display light, read row by row (the columns too: one pass down the picture).
        if rowLight.count < n * w { rowLight = [Float](repeating: 0, count: n * w) }
        if columnLight.count < n * h { columnLight = [Float](repeating: 0, count: n * h) }
        let columnsAt = (0..<n).map { (2 * $0 + 1) * w / (2 * n) }
        t.withUnsafeBufferPointer { t in
            rowLight.withUnsafeMutableBufferPointer { rows in
                columnLight.withUnsafeMutableBufferPointer { columns in
                    let top = t.count - 1
                    func read<S: FixedWidthInteger>(_: S.Type) {
                        for l in 0..<n {
                            let r = (luma.baseAddress + ((2 * l + 1) * h / (2 * n)) * luma.bytesPerRow).assumingMemoryBound(to: S.self)
                            for x in 0..<w { rows[l &* w &+ x] = t[min(top, Int(r[x]))] }
                        }
                        for y in 0..<h {
                            let r = (luma.baseAddress + y * luma.bytesPerRow).assumingMemoryBound(to: S.self)
                            for (l, x) in columnsAt.enumerated() { columns[l &* h &+ y] = t[min(top, Int(r[x]))] }
                        }
                    }
                    if luma.bytesPerSample == 1 { read(UInt8.self) } else { read(UInt16.self) }
                }
            }
        }
        for orientation in ["vertical", "horizontal"] {
            let alongRows = orientation == "vertical"
            let length = alongRows ? w : h
            var runs: [Run] = [], peaksPerLine: [[Int]] = []
            var lineShare = 0.0
            for l in 0..<n {
                let found = (alongRows ? rowLight : columnLight).withUnsafeBufferPointer {
                    Self.runs(UnsafeBufferPointer(rebasing: $0[(l * length)..<((l + 1) * length)]), peaks: &peakBuffer, troughs: &troughBuffer)
                }
                peaksPerLine.append(found.flatMap(\.peaks))
                for r in found where r.pairs > 5 {
                    runs.append(r)
                    lineShare += Double(r.end - r.start) / Double(length)
                }
            }
            peaksNow[orientation] = peaksPerLine
            guard !runs.isEmpty else { continue }
            let area = lineShare / Double(n)
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
        last = best
        return best
    }

    /// Runs of regular light stripes along one line of display light.
    static func runs(_ p: UnsafeBufferPointer<Float>, peaks: inout [(at: Int, value: Float)], troughs: inout [(at: Int, value: Float)]) -> [Run] {
        // Turning points with hysteresis: a maximum is confirmed when the light falls `swing`
        // below it, a minimum when it rises `swing` above.
        peaks.removeAll(keepingCapacity: true)
        troughs.removeAll(keepingCapacity: true)
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
        guard peaks.count >= 7 else { return [] }
        // Runs of peaks whose spacing stays within ±25 % of the run's mean so far; only runs of
        // more than five pairs (six light stripes) matter.
        var out: [Run] = []
        var i = 0
        while i < peaks.count - 1 {
            var j = i + 1
            var total = Float(peaks[j].at - peaks[i].at), count: Float = 1
            while j + 1 < peaks.count {
                let d = Float(peaks[j + 1].at - peaks[j].at), m = total / count
                guard abs(d - m) <= regularity * m else { break }
                total += d; count += 1
                j += 1
            }
            if j - i >= 5 {
                let periods = (i..<j).map { Float(peaks[$0 + 1].at - peaks[$0].at) }.sorted()
                let period = periods[periods.count / 2]
                // N light stripes are N pairs; the run spans half a period either side of them.
                let half = Int(period / 2)
                let start = max(0, peaks[i].at - half), end = min(p.count, peaks[j].at + half)
                let inside = troughs.filter { $0.at > peaks[i].at && $0.at < peaks[j].at }.map(\.value).sorted()
                let lights = peaks[i...j].map(\.value).sorted()
                out.append(Run(start: start, end: end, pairs: j - i + 1, period: period,
                               light: lights[lights.count / 2], dark: inside.isEmpty ? 0 : inside[inside.count / 2],
                               peaks: peaks[i...j].map(\.at)))
            }
            i = j
        }
        return out
    }
}
