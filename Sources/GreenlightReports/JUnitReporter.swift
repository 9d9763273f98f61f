import Foundation
import GreenlightCore
import GreenlightValues

/// JUnit XML for CI: one test suite per file; in it one test case for the file's health
/// (readable to the end, no decoder damage, no timestamp gaps) and one per enabled checker. A
/// checker (or the health case) with an error-severity finding fails; an unreadable file is an
/// error of its health case. Every case names the media file (`file`, which GitLab shows).
/// docs/junit.xsd is the format as Jenkins and GitLab read it; tests validate against it.
public struct JUnitReporter: Reporter {
    public var checkers: [String]
    /// The test case of a file's health: what the engine itself finds (`decode.*`, `audio.*`).
    public static let healthCase = "file health"

    /// - Parameter checkers: the ids of the checkers that ran, so a clean checker still shows as a passed case.
    public init(checkers: [String]) { self.checkers = checkers }

    /// Findings of the health case: those no checker emitted.
    private func isHealth(_ f: Finding) -> Bool { !checkers.contains(f.checker) }

    private func failed(_ file: FileReport) -> [String] {
        var cases = checkers.filter { c in file.findings.contains { $0.checker == c && $0.severity == .error } }
        if file.error == nil, file.findings.contains(where: { isHealth($0) && $0.severity == .error }) { cases.append(Self.healthCase) }
        return cases
    }

    public func render(_ report: RunReport) throws -> Data {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let perFile = checkers.count + 1
        let failures = report.files.reduce(0) { $0 + failed($1).count }
        let errors = report.files.filter { $0.error != nil }.count
        let unchecked = report.incomplete?.unchecked ?? []
        xml += "<testsuites name=\"greenlight\" tests=\"\(report.files.count * perFile + unchecked.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for file in report.files {
            let name = escape(file.path)
            // A checker that could not measure and found nothing at error is skipped, with why:
            // CI shows it as not done rather than passed.
            let notMeasured = file.checkers?.notMeasured ?? [:]
            let skipped = checkers.filter { c in notMeasured[c] != nil && !failed(file).contains(c) }
            xml += "  <testsuite name=\"\(name)\" tests=\"\(perFile)\" failures=\"\(failed(file).count)\" errors=\"\(file.error == nil ? 0 : 1)\"\(skipped.isEmpty ? "" : " skipped=\"\(skipped.count)\"")>\n"
            xml += "    <testcase classname=\"\(name)\" name=\"\(Self.healthCase)\" file=\"\(name)\">\n"
            let health = file.findings.filter(isHealth)
            if let error = file.error {
                xml += "      <error message=\"\(escape(error))\"/>\n"
            } else {
                xml += failure(health)
            }
            xml += systemOut(health) + "    </testcase>\n"
            for c in checkers {
                let found = file.findings.filter { $0.checker == c }
                xml += "    <testcase classname=\"\(name)\" name=\"\(escape(c))\" file=\"\(name)\">\n"
                if skipped.contains(c), let why = notMeasured[c] {
                    xml += "      <skipped message=\"\(escape("not measured: " + why))\"/>\n"
                }
                xml += failure(found) + systemOut(found) + "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        if let incomplete = report.incomplete, !unchecked.isEmpty {
            // The run stopped early: each file it did not check is a skipped case, so CI shows the gap.
            xml += "  <testsuite name=\"not checked\" tests=\"\(unchecked.count)\" failures=\"0\" errors=\"0\" skipped=\"\(unchecked.count)\">\n"
            for path in unchecked {
                let name = escape(path)
                xml += "    <testcase classname=\"\(name)\" name=\"\(Self.healthCase)\" file=\"\(name)\">\n"
                xml += "      <skipped message=\"\(escape(incomplete.reason))\"/>\n    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return Data(xml.utf8)
    }

    private func failure(_ found: [Finding]) -> String {
        let errorsHere = found.filter { $0.severity == .error }
        guard let first = errorsHere.first else { return "" }
        return "      <failure message=\"\(escape(first.message))\" type=\"\(escape(first.code))\">"
            + escape(errorsHere.map { "\($0.startLabel) \($0.message)" }.joined(separator: "\n")) + "</failure>\n"
    }

    private func systemOut(_ found: [Finding]) -> String {
        guard !found.isEmpty else { return "" }
        return "      <system-out>\(escape(found.map { "\($0.severity.rawValue) \($0.startLabel) \($0.message)" }.joined(separator: "\n")))</system-out>\n"
    }
}

/// Escapes text for XML and HTML content and attributes. Control characters, which XML 1.0
/// cannot hold even as references, are written out as `\u{1B}` (line breaks and tabs kept).
func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for ch in s {
        if ch != "\n", ch != "\t", ch != "\r\n", let v = ch.unicodeScalars.first?.value, v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
            out += "\\u{\(String(v, radix: 16, uppercase: true))}"
            continue
        }
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}
