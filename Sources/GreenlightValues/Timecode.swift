import Foundation

/// SMPTE timecode at a frame rate: `HH:MM:SS:FF`, or `HH:MM:SS;FF` drop-frame at 29.97 and 59.94.
///
/// A timecode is a frame count from midnight; drop-frame skips frame labels (not frames) 00 and
/// 01 (00–03 at 59.94) at the start of each minute except every tenth, so the label stays close
/// to the wall clock.
///
/// ```swift
/// let start = Timecode(parsing: "00:59:59;29", rate: Rational(30000, 1001))!
/// start.adding(frames: 1).description   // "01:00:00;00"
/// ```
public struct Timecode: Sendable, Hashable, CustomStringConvertible {
    /// Frames since 00:00:00:00.
    public var frameCount: Int64
    /// The frame rate the labels count in.
    public var rate: Rational
    public var dropFrame: Bool

    /// Frames per labelled second: 24 for 23.976, 30 for 29.97.
    public var nominalRate: Int64 { Int64(rate.doubleValue.rounded()) }

    public init(frameCount: Int64, rate: Rational, dropFrame: Bool? = nil) {
        self.frameCount = frameCount
        self.rate = rate
        self.dropFrame = dropFrame ?? Timecode.defaultsToDropFrame(rate)
        if !Timecode.supportsDropFrame(rate) { self.dropFrame = false }
    }

    /// Drop-frame exists only for 29.97 and 59.94.
    public static func supportsDropFrame(_ rate: Rational) -> Bool {
        rate.denominator == 1001 && (rate.numerator == 30000 || rate.numerator == 60000)
    }

    static func defaultsToDropFrame(_ rate: Rational) -> Bool { false }

    /// The frame rates SMPTE timecode is defined for (ST 12-1 and its high-rate extension).
    public static let smpteRates: [Rational] = [
        Rational(24000, 1001), Rational(24, 1), Rational(25, 1), Rational(30000, 1001), Rational(30, 1),
        Rational(48000, 1001), Rational(48, 1), Rational(50, 1), Rational(60000, 1001), Rational(60, 1),
        Rational(100, 1), Rational(120000, 1001), Rational(120, 1),
    ]

    public static func isSMPTERate(_ rate: Rational) -> Bool {
        smpteRates.contains { $0.numerator * rate.denominator == rate.numerator * $0.denominator }
    }

    /// The SMPTE rate within 0.1% of `rate`, if there is one.
    public static func nearestSMPTERate(_ rate: Rational) -> Rational? {
        guard rate.isValid, rate.numerator > 0 else { return nil }
        let r = rate.doubleValue
        return smpteRates.first { abs($0.doubleValue - r) <= $0.doubleValue * 0.001 }
    }

    /// A clock label for a time where no timecode exists: `HH:MM:SS.mmm` (negative with `-`).
    public static func clockLabel(seconds: Double) -> String {
        let negative = seconds < 0
        let ms = Int64((abs(seconds) * 1000).rounded())
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        func pad(_ v: Int64, _ n: Int) -> String { let t = String(v); return String(repeating: "0", count: max(0, n - t.count)) + t }
        return (negative ? "-" : "") + "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(f, 3))"
    }

    /// Parses `HH:MM:SS:FF`; a `;` or `.` before the frames marks drop-frame. Every field is in
    /// SMPTE's range (hours 00–23): a label out of range, such as a file's `timecode` tag of
    /// `999999999999999:00:00:00`, is not a timecode.
    public init?(parsing text: String, rate: Rational) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let separators: Set<Character> = [":", ";", "."]
        let fields = trimmed.split(whereSeparator: { separators.contains($0) }).map(String.init)
        guard fields.count == 4, let h = Int64(fields[0]), let m = Int64(fields[1]),
              let s = Int64(fields[2]), let f = Int64(fields[3]), rate.isValid else { return nil }
        let drop = trimmed.contains(";") || trimmed.contains(".")
        let fps = Int64(rate.doubleValue.rounded())
        guard (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s), (0..<fps).contains(f) else { return nil }
        let isDrop = drop && Timecode.supportsDropFrame(rate)
        var count = ((h * 60 + m) * 60 + s) * fps + f
        if isDrop {
            let dropPerMinute = fps / 15  // 2 at 30, 4 at 60
            let totalMinutes = h * 60 + m
            count -= dropPerMinute * (totalMinutes - totalMinutes / 10)
        }
        self.init(frameCount: count, rate: rate, dropFrame: isDrop)
    }

    public func adding(frames: Int64) -> Timecode {
        Timecode(frameCount: frameCount + frames, rate: rate, dropFrame: dropFrame)
    }

    public var description: String {
        let fps = max(nominalRate, 1)
        var n = frameCount
        let negative = n < 0
        if negative { n = -n }
        if dropFrame {
            let drop = fps / 15
            let perTenMinutes = fps * 600 - drop * 9
            let perMinute = fps * 60 - drop
            let tens = n / perTenMinutes
            let rest = n % perTenMinutes
            n += drop * 9 * tens
            if rest > drop { n += drop * ((rest - drop) / perMinute) }
        }
        let frames = n % fps
        let totalSeconds = n / fps
        let hours = (totalSeconds / 3600) % 24
        let minutes = (totalSeconds / 60) % 60
        let seconds = totalSeconds % 60
        let sep = dropFrame ? ";" : ":"
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return (negative ? "-" : "") + "\(two(hours)):\(two(minutes)):\(two(seconds))\(sep)\(two(frames))"
    }
}
