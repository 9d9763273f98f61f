import Foundation
import GreenlightCore

/// JUnit XML for CI: one test suite per file, one test case per enabled checker; a checker with
/// an error-severity finding fails, an unreadable file is an error.
public struct JUnitReporter: Reporter {
    public var checkers: [String]

    /// - Parameter checkers: the ids of the checkers that ran, so a clean checker still shows as a passed case.
    public init(checkers: [String]) { self.checkers = checkers }

    public func render(_ report: RunReport) throws -> Data {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = report.files.reduce(0) { n, f in n + checkers.filter { c in f.findings.contains { $0.checker == c && $0.severity == .error } }.count }
        let errors = report.files.filter { $0.error != nil }.count
        xml += "<testsuites name=\"greenlight\" tests=\"\(report.files.count * max(checkers.count, 1))\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for file in report.files {
            let fileFailures = checkers.filter { c in file.findings.contains { $0.checker == c && $0.severity == .error } }.count
            xml += "  <testsuite name=\"\(escape(file.path))\" tests=\"\(max(checkers.count, 1))\" failures=\"\(fileFailures)\" errors=\"\(file.error == nil ? 0 : 1)\">\n"
            if let error = file.error {
                xml += "    <testcase classname=\"\(escape(file.path))\" name=\"decode\">\n"
                xml += "      <error message=\"\(escape(error))\"/>\n    </testcase>\n"
            }
            for c in checkers {
                let found = file.findings.filter { $0.checker == c }
                xml += "    <testcase classname=\"\(escape(file.path))\" name=\"\(escape(c))\">\n"
                let errorsHere = found.filter { $0.severity == .error }
                if !errorsHere.isEmpty {
                    xml += "      <failure message=\"\(escape(errorsHere[0].message))\" type=\"\(escape(errorsHere[0].code))\">"
                    xml += escape(errorsHere.map { "\($0.startLabel) \($0.message)" }.joined(separator: "\n"))
                    xml += "</failure>\n"
                }
                if !found.isEmpty {
                    xml += "      <system-out>\(escape(found.map { "\($0.severity.rawValue) \($0.startLabel) \($0.message)" }.joined(separator: "\n")))</system-out>\n"
                }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return Data(xml.utf8)
    }
}

/// Escapes text for XML and HTML content and attributes.
func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for ch in s {
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
