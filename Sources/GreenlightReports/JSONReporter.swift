import Foundation
import GreenlightCore
import GreenlightValues

/// The JSON report: `{schemaVersion, tool, profile, verdict, files: [...]}`, keys sorted.
public struct JSONReporter: Reporter {
    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        try Self.encoder.encode(report) + Data("\n".utf8)
    }

    /// Encodes any Greenlight value the way reports do (used by `greenlight probe --json`).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value) + Data("\n".utf8)
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
