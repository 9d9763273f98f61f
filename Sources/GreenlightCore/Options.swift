import Foundation
import GreenlightValues

/// A duration option as people write it: `12f` (frames), `2s`, `500ms`, or a bare number of seconds.
public enum DurationValue: Sendable, Hashable, CustomStringConvertible {
    case frames(Int64)
    case seconds(Double)

    /// Parses the text; nil when it is not a duration at all (bounds are checked by
    /// ``validated()``, so that the error can name them).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        func number(_ s: Substring) -> Double? {
            // Only plain decimal numbers: Double("inf"), "nan" and hex floats are not durations.
            guard !s.isEmpty, s.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "-" || $0 == "+" }),
                  let v = Double(s), v.isFinite, v >= 0 else { return nil }
            return v
        }
        if t.hasSuffix("ms"), let v = number(t.dropLast(2)) { self = .seconds(v / 1000) }
        else if t.hasSuffix("f") {
            guard let v = Int64(t.dropLast()), v >= 0 else { return nil }
            self = .frames(v)
        }
        else if t.hasSuffix("s"), let v = number(t.dropLast()) { self = .seconds(v) }
        else if let v = number(t[...]) { self = .seconds(v) }
        else { return nil }
    }

    /// The longest duration an option may hold: a day, in seconds or in frames at 120 fps.
    public static let maximumSeconds = 86_400.0
    public static let maximumFrames: Int64 = 86_400 * 120
    /// The allowed range as people read it.
    public static let allowedRange = "1f…\(maximumFrames)f, or more than 0 s up to 86400 s (24 h)"

    /// Whether the duration is positive and at most a day (frames at most a day at 120 fps).
    public var isInRange: Bool {
        switch self {
        case .frames(let n): return n >= 1 && n <= Self.maximumFrames
        case .seconds(let s): return s.isFinite && s > 0 && s <= Self.maximumSeconds
        }
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

/// An option's value as a profile file wrote it, beside what the YAML constructor made of it.
public struct ScalarLiteral: Sendable, Hashable {
    public var text: String
    /// Written in single or double quotes: text, whatever it spells.
    public var quoted: Bool

    public init(text: String, quoted: Bool) {
        self.text = text
        self.quoted = quoted
    }

    /// A plain decimal number (`10`, `-5`, `0.15`, `1e3`): not hexadecimal, octal, base 60 or `.inf`.
    var isDecimal: Bool {
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
        let exponent = rest.dropFirst(mantissa.count)
        let digits = mantissa.filter { $0 != "." }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), mantissa.filter({ $0 == "." }).count <= 1 else { return false }
        guard !exponent.isEmpty else { return true }
        var e = exponent.dropFirst()
        if e.first == "-" || e.first == "+" { e = e.dropFirst() }
        return !e.isEmpty && e.allSatisfy { $0.isASCII && $0.isNumber }
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
    /// - Parameter literal: the value as the profile wrote it, when known: a number must be
    ///   written as a plain decimal (not `"10"`, `0x10`, `0o17` or `1:30`), a flag as `true` or `false`.
    public mutating func set(_ name: String, raw: Any, literal: ScalarLiteral? = nil, specs: [OptionSpec], checker: String, source: String) throws {
        guard let spec = specs.first(where: { $0.name == name }) else {
            let known = specs.map(\.name).joined(separator: ", ")
            throw ProfileError(source: source, key: "checkers.\(checker).\(name)",
                               message: "unknown option '\(name)' for checker '\(checker)' (known: \(known.isEmpty ? "none" : known))")
        }
        let bad = ProfileError(source: source, key: "checkers.\(checker).\(name)",
                               message: "'\(literal?.text ?? "\(raw)")' is not \(spec.defaultValue.kindName)")
        let key = "checkers.\(checker).\(name)"
        let value: OptionValue
        switch spec.defaultValue {
        case .number:
            let n: Double
            let range = spec.range.map { " \(formatNumber($0.lowerBound))…\(formatNumber($0.upperBound)) \(spec.unit)" } ?? ""
            let allowed = "allowed:\(range.isEmpty ? " any finite number" : range)"
            if let literal, literal.quoted {
                throw ProfileError(source: source, key: key, message: "'\(literal.text)' is quoted text, not a number (\(allowed)); write it without quotes")
            }
            if let d = raw as? Double { n = d }
            else if let i = raw as? Int { n = Double(i) }
            else { throw bad }
            if let literal, n.isFinite, !literal.isDecimal {
                throw ProfileError(source: source, key: key, message: "'\(literal.text)' is not a decimal number (YAML reads it as \(raw); \(allowed)); write the number in decimal")
            }
            guard n.isFinite else {
                throw ProfileError(source: source, key: key, message: "'\(raw)' is not a finite number (\(allowed))")
            }
            if let r = spec.range, !r.contains(n) {
                throw ProfileError(source: source, key: key, message: "\(formatNumber(n)) is outside the allowed range\(range)")
            }
            value = .number(n)
        case .duration:
            let d: DurationValue
            if let literal, !literal.quoted, !literal.isDecimal, raw is Int || (raw as? Double)?.isFinite == true {
                throw ProfileError(source: source, key: key,
                                   message: "'\(literal.text)' is not a duration such as 12f, 2s, 500ms or a decimal number of seconds (YAML reads it as \(raw))")
            }
            if let n = raw as? Double { d = .seconds(n) }
            else if let n = raw as? Int { d = .seconds(Double(n)) }
            else if let s = raw as? String, let parsed = DurationValue(parsing: s) { d = parsed }
            else {
                throw ProfileError(source: source, key: key,
                                   message: "'\(raw)' is not a duration such as 12f, 2s or 500ms (allowed: \(DurationValue.allowedRange))")
            }
            guard d.isInRange else {
                throw ProfileError(source: source, key: key, message: "'\(raw)' is outside the allowed range \(DurationValue.allowedRange)")
            }
            value = .duration(d)
        case .flag:
            guard let b = raw as? Bool, literal.map({ !$0.quoted && ["true", "false"].contains($0.text) }) ?? true else { throw bad }
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
