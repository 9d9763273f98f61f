import Foundation
import GreenlightCore
import GreenlightValues

/// The terminal summary: per file its verdict, counts by severity and each finding with its
/// timecode; `verbose` adds each finding's measurements and each checker's summary.
public struct TextReporter: Reporter {
    /// ANSI colour: verdicts and severities (the CLI turns it on for a terminal, off for NO_COLOR).
    public var color: Bool
    public var verbose: Bool

    public init(color: Bool = false, verbose: Bool = false) {
        self.color = color
        self.verbose = verbose
    }

    public func render(_ report: RunReport) throws -> Data { Data(text(report).utf8) }

    public func text(_ report: RunReport) -> String {
        var out = ""
        // Codes line up in one column however long the longest is ("decode.stream-unreadable").
        let codeWidth = max(16, report.files.flatMap(\.findings).map(\.code.count).max() ?? 0)
        for file in report.files {
            out += "\(badge(file.verdict)) \(printable(file.path))"
            if let media = file.media {
                out += "  (\(mediaLine(media)))"
            }
            out += "\n"
            if let error = file.error { out += "  error: \(printable(error))\n" }
            let counts = Severity.allCases.reversed().map { s in "\(file.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
            if file.media != nil { out += "  findings: \(counts.joined(separator: ", "))\n" }
            if let notMeasured = file.checkers?.notMeasured, !notMeasured.isEmpty {
                out += "  not measured: \(notMeasured.keys.sorted().joined(separator: ", ")) (see \(notMeasured.count == 1 ? "its .not-measured finding" : "their .not-measured findings"))\n"
            }
            for f in file.findings {
                let range = "\(f.startLabel)–\(f.endLabel)"
                out += "  \(paint(pad(f.severity.rawValue, 7), f.severity)) \(pad(range, 23)) \(pad(f.code, codeWidth)) \(printable(f.message))\n"
                if verbose, !f.measurements.isEmpty {
                    let numbers = f.measurements.keys.sorted().map { "\($0) \(formatNumber(f.measurements[$0]!))" }
                    out += "  \(String(repeating: " ", count: 33 + codeWidth))\(dim(numbers.joined(separator: ", ")))\n"
                }
            }
            if verbose {
                for checker in file.summaries.keys.sorted() where !file.summaries[checker]!.isEmpty {
                    // Scalars only: lists (windows, shots, series) are for the JSON and HTML reports.
                    let scalars = file.summaries[checker]!.filter { if case .list = $0.value { return false }; if case .record = $0.value { return false }; return true }
                    guard !scalars.isEmpty else { continue }
                    out += "  \(dim("\(checker): " + scalars.keys.sorted().map { "\($0) \(printable(scalars[$0]!.description))" }.joined(separator: ", ")))\n"
                }
            }
        }
        let total = report.files.count
        let byVerdict = [Verdict.pass, .warn, .fail, .error].map { v in "\(report.files.filter { $0.verdict == v }.count) \(v.rawValue)" }
        out += "\n\(total) file\(total == 1 ? "" : "s") checked with profile \(report.profile): \(byVerdict.joined(separator: ", ")). Verdict: \(report.verdict.rawValue.uppercased())\n"
        if let incomplete = report.incomplete {
            out += "\(paint("INCOMPLETE", .error)): \(printable(incomplete.reason)); \(incomplete.unchecked.count) file\(incomplete.unchecked.count == 1 ? "" : "s") not checked:\n"
            out += incomplete.unchecked.prefix(20).map { "  \(printable($0))\n" }.joined()
            if incomplete.unchecked.count > 20 { out += "  … and \(incomplete.unchecked.count - 20) more (see the JSON report)\n" }
        }
        return out
    }

    private func mediaLine(_ m: MediaInfo) -> String {
        var parts: [String] = []
        if let v = m.primaryVideo {
            var s = "\(v.codec) \(v.width ?? 0)x\(v.height ?? 0)"
            if let r = v.numberingRate { s += " @ \(formatNumber(r.doubleValue, decimals: 3))" }
            if let d = v.bitDepth { s += " \(d)-bit" }
            if let range = v.colorRange { s += " \(range == "pc" ? "full" : "limited")" }
            parts.append(s)
        }
        for a in m.audioStreams {
            let n = a.channels ?? 0
            parts.append("\(a.codec) \(a.channelLayout ?? (n == 1 ? "1 channel" : "\(n) channels")) \(a.sampleRate ?? 0) Hz")
        }
        if let d = m.duration { parts.append(formatSeconds(d)) }
        return parts.joined(separator: ", ")
    }

    private func badge(_ v: Verdict) -> String {
        let label = "[\(v.rawValue.uppercased())]"
        guard color else { return pad(label, 7) }
        let code = v == .pass ? "32" : v == .warn ? "33" : "31"
        return "\u{1B}[\(code)m\(pad(label, 7))\u{1B}[0m"
    }

    private func paint(_ text: String, _ s: Severity) -> String {
        guard color else { return text }
        return "\u{1B}[\(s == .error ? "31" : s == .warning ? "33" : "36")m\(text)\u{1B}[0m"
    }

    private func dim(_ text: String) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
