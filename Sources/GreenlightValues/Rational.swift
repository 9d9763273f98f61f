/// An exact ratio such as a frame rate (`30000/1001`) or a time base (`1/90000`).
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    public var numerator: Int64
    public var denominator: Int64

    public init(_ numerator: Int64, _ denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `nil` when the denominator or numerator is zero (FFmpeg's "unknown").
    public var isValid: Bool { numerator != 0 && denominator != 0 }

    public var doubleValue: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    /// "25", "30000/1001".
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Rational(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a ratio: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Parses "25", "30000/1001" or "29.97" (decimal NTSC rates map to their exact ratios).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let n = Int64(parts[0]), let d = Int64(parts[1]), d != 0 {
            self.init(n, d)
        } else if parts.count == 1, let n = Int64(parts[0]) {
            self.init(n, 1)
        } else if parts.count == 1, let value = Double(parts[0]), value > 0 {
            for base in [24.0, 30.0, 48.0, 60.0, 120.0] where abs(value - base * 1000 / 1001) < 0.006 {
                self.init(Int64(base) * 1000, 1001)
                return
            }
            self.init(Int64((value * 1000).rounded()), 1000)
        } else {
            return nil
        }
    }
}
