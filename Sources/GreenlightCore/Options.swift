import Foundation
import GreenlightMedia

/// A duration option as people write it: `12f` (frames), `2s`, `500ms`, or a bare number of seconds.
public enum DurationValue: Sendable, Hashable, CustomStringConvertible {
    case frames(Int64)
    case seconds(Double)

    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasSuffix("ms"), let v = Double(t.dropLast(2)), v >= 0 { self = .seconds(v / 1000) }
        else if t.hasSuffix("f"), let v = Int64(t.dropLast()), v >= 0 { self = .frames(v) }
        else if t.hasSuffix("s"), let v = Double(t.dropLast()), v >= 0 { self = .seconds(v) }
        else if let v = Double(t), v >= 0 { self = .seconds(v) }
        else { return nil }
    }

    public var description: String {
        switch self {
        case .frames(let n): return "\(n)f"
        case .seconds(let s): return "\(formatNumber(s))s"
        }
    }

    /// The duration as a media time; frames need the frame rate (25 fps when there is none).
    public func time(frameRate: Rational?) -> MediaTime {
        switch self {
        case .seconds(let s): return MediaTime(seconds: s)
        case .frames(let n):
            let rate = frameRate ?? Rational(25, 1)
            return MediaTime(value: n * rate.denominator, timescale: rate.numerator)
        }
    }
}

/// An option's value: the types a profile file can hold.
public enum OptionValue: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    case duration(DurationValue)
    case flag(Bool)
    case text(String)

    public var description: String {
        switch self {
        case .number(let d): return formatNumber(d)
        case .duration(let d): return d.description
        case .flag(let b): return b ? "true" : "false"
        case .text(let s): return s
        }
    }

    var kindName: String {
        switch self {
        case .number: return "a number"
        case .duration: return "a duration such as 12f, 2s or 500ms"
        case .flag: return "true or false"
        case .text: return "text"
        }
    }
}

/// One option a checker accepts, with its default and its unit.
public struct OptionSpec: Sendable, Hashable {
    public var name: String
    public var defaultValue: OptionValue
    public var unit: String
    public var summary: String
    /// Inclusive bounds for numbers.
    public var range: ClosedRange<Double>?

    public init(_ name: String, default defaultValue: OptionValue, unit: String, range: ClosedRange<Double>? = nil, _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.unit = unit
        self.summary = summary
        self.range = range
    }
}

/// The option values a checker runs with: defaults overlaid with a profile's settings, each
/// checked against the checker's ``OptionSpec``s.
public struct OptionValues: Sendable, Hashable {
    public private(set) var values: [String: OptionValue]

    /// The defaults of `specs`.
    public init(defaults specs: [OptionSpec]) {
        values = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.defaultValue) })
    }

    /// Sets `name` from a raw profile value, converting it to the option's kind.
    /// - Throws: ``ProfileError`` naming the key when the option is unknown or the value has the wrong kind.
    public mutating func set(_ name: String, raw: Any, specs: [OptionSpec], checker: String, source: String) throws {
        guard let spec = specs.first(where: { $0.name == name }) else {
            let known = specs.map(\.name).joined(separator: ", ")
            throw ProfileError(source: source, key: "checkers.\(checker).\(name)",
                               message: "unknown option '\(name)' for checker '\(checker)' (known: \(known.isEmpty ? "none" : known))")
        }
        let bad = ProfileError(source: source, key: "checkers.\(checker).\(name)",
                               message: "'\(raw)' is not \(spec.defaultValue.kindName)")
        let value: OptionValue
        switch spec.defaultValue {
        case .number:
            if let n = raw as? Double { value = .number(n) }
            else if let n = raw as? Int { value = .number(Double(n)) }
            else if let s = raw as? String, let n = Double(s) { value = .number(n) }
            else { throw bad }
            if case .number(let n) = value, let r = spec.range, !r.contains(n) {
                throw ProfileError(source: source, key: "checkers.\(checker).\(name)",
                                   message: "\(formatNumber(n)) is outside \(formatNumber(r.lowerBound))…\(formatNumber(r.upperBound)) \(spec.unit)")
            }
        case .duration:
            if let n = raw as? Double, n >= 0 { value = .duration(.seconds(n)) }
            else if let n = raw as? Int, n >= 0 { value = .duration(.seconds(Double(n))) }
            else if let s = raw as? String, let d = DurationValue(parsing: s) { value = .duration(d) }
            else { throw bad }
        case .flag:
            guard let b = raw as? Bool else { throw bad }
            value = .flag(b)
        case .text:
            guard let s = raw as? String else { throw bad }
            value = .text(s)
        }
        values[name] = value
    }

    public func number(_ name: String) -> Double {
        if case .number(let n)? = values[name] { return n }
        preconditionFailure("option \(name) is not a number")
    }

    public func duration(_ name: String) -> DurationValue {
        if case .duration(let d)? = values[name] { return d }
        preconditionFailure("option \(name) is not a duration")
    }

    public func flag(_ name: String) -> Bool {
        if case .flag(let b)? = values[name] { return b }
        preconditionFailure("option \(name) is not a flag")
    }

    public func text(_ name: String) -> String {
        if case .text(let s)? = values[name] { return s }
        preconditionFailure("option \(name) is not text")
    }
}
