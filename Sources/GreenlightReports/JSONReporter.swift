import Foundation
import GreenlightCore
import GreenlightValues

/// The JSON report: `{schemaVersion, tool, profile, verdict, files: [...]}`, keys sorted.
///
/// Series (the plots' lines) are written at a level of detail proportional to each file's
/// length, four points a second of programme up to the 1024 the HTML report draws; a run of
/// thousands of short clips would otherwise write most of its JSON as plot data. `fullSeries`
/// (`--json-series`) writes every point, and so does a part of a run (a shard or a time range),
/// which `greenlight merge` joins into a whole run's report and plots.
public struct JSONReporter: Reporter {
    public var fullSeries: Bool

    public init(fullSeries: Bool = false) { self.fullSeries = fullSeries }

    /// Points per series for a file of `seconds` when series are not written in full.
    public static func seriesPoints(seconds: Double) -> Int { min(1024, max(2, Int((seconds * 4).rounded(.up)))) }

    public func render(_ report: RunReport) throws -> Data {
        var report = report
        if !fullSeries && report.part == nil {
            for i in report.files.indices where report.files[i].range == nil {
                let seconds = report.files[i].media?.duration ?? report.files[i].series.compactMap { $0.points.last?.time }.max() ?? 0
                // Points rounded as written first, so that a merge of parts (read back from their
                // JSON) reduces to exactly what a single run writes.
                report.files[i].series = report.files[i].series.map { series in
                    var rounded = series
                    rounded.points = series.points.map(\.rounded)
                    return rounded.reduced(to: Self.seriesPoints(seconds: seconds))
                }
            }
        }
        return try Self.encoder.encode(report) + Data("\n".utf8)
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
