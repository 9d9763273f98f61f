/// How much a finding matters to whoever gates the file.
public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Where in the programme a finding sits; profiles can set severities per placement.
public enum Placement: String, Sendable, Hashable, Codable {
    /// Starts with the programme's first frame or sample.
    case head
    /// Ends with the programme's last frame or sample.
    case tail
    /// Covers the programme from its first frame to its last.
    case whole
    /// Anywhere else: inside the programme.
    case programme
}

/// One thing a checker found, located exactly: seconds, frames and timecode.
///
/// `end` is exclusive: a single black frame at 25 fps starting at 3.0 s has `start == 3.0`,
/// `end == 3.04`, `startFrame == 75`, `endFrame == 76`.
public struct Finding: Sendable, Hashable, Codable {
    public var checker: String
    /// A stable code such as `black.segment`; profiles map codes to severities.
    public var code: String
    public var severity: Severity
    public var placement: Placement?
    /// Seconds from the programme's first frame.
    public var start: Double
    /// Seconds, exclusive.
    public var end: Double
    public var startFrame: Int64?
    /// Exclusive.
    public var endFrame: Int64?
    public var startTimecode: String?
    /// The label of the first frame after the finding.
    public var endTimecode: String?
    /// One sentence a person understands.
    public var message: String
    /// Named numbers behind the finding, in the units their names give.
    public var measurements: [String: Double]
    /// The stream the finding is about, when it is about one stream.
    public var stream: Int?
    /// The audio channel the finding is about ("FR", "channel 2", "all channels").
    public var channel: String?

    public init(checker: String, code: String, severity: Severity, placement: Placement?, start: Double, end: Double,
                startFrame: Int64?, endFrame: Int64?, startTimecode: String?, endTimecode: String?, message: String,
                measurements: [String: Double] = [:], stream: Int? = nil, channel: String? = nil) {
        self.checker = checker
        self.code = code
        self.severity = severity
        self.placement = placement
        self.start = start
        self.end = end
        self.startFrame = startFrame
        self.endFrame = endFrame
        self.startTimecode = startTimecode
        self.endTimecode = endTimecode
        self.message = message
        self.measurements = measurements
        self.stream = stream
        self.channel = channel
    }

    public var duration: Double { end - start }
}

/// A value in a checker's summary: the run-level numbers a report shows beside the findings.
public enum SummaryValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Double)
    case integer(Int64)
    case text(String)
    case flag(Bool)
    /// Several values in order (av-sync's windows along the file).
    case list([SummaryValue])
    /// Named values (one window: its time, offset and confidence).
    case record([String: SummaryValue])

    /// The value as a number, whichever way it was written (JSON writes 2.0 as 2, read back as an integer).
    public var number: Double? {
        switch self {
        case .number(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let l = try? c.decode([SummaryValue].self) { self = .list(l) }
        else if let r = try? c.decode([String: SummaryValue].self) { self = .record(r) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d.isFinite ? (d * 1000).rounded() / 1000 : 0)
        case .integer(let i): try c.encode(i)
        case .text(let s): try c.encode(s)
        case .flag(let b): try c.encode(b)
        case .list(let l): try c.encode(l)
        case .record(let r): try c.encode(r)
        }
    }

    public var description: String {
        switch self {
        case .number(let d): return formatNumber(d)
        case .integer(let i): return "\(i)"
        case .text(let s): return s
        case .flag(let b): return b ? "yes" : "no"
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .record(let r): return "{" + r.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// "0.48", "12", "-61.3": up to three decimals, no trailing zeros.
public func formatNumber(_ value: Double, decimals: Int = 3) -> String {
    guard value.isFinite else { return value < 0 ? "-inf" : "inf" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return "\(Int64(rounded))" }
    var text = "\(rounded)"
    if text.contains("e") { return text }
    while text.hasSuffix("0") { text.removeLast() }
    return text
}

/// "0.48 s", "2.5 s", "12 s".
public func formatSeconds(_ seconds: Double) -> String {
    "\(formatNumber(seconds, decimals: seconds < 10 ? 3 : 2)) s"
}

/// `text` with every control character (C0, DEL, C1) written out as `\u{1B}`, so a file name
/// cannot move a terminal's cursor, break an XML report or end an EDL line. Tabs and line
/// breaks are control characters too.
public func printable(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) {
            out += "\\u{\(String(v, radix: 16, uppercase: true))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
