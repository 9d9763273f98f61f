import Foundation
import Testing
import GreenlightCore
@testable import GreenlightReports
import GreenlightValues

/// Every format rendered from one fixed run and compared byte for byte with the files in
/// Golden/. After a deliberate change, `GREENLIGHT_UPDATE_GOLDEN=1 swift test --filter GoldenTests`
/// rewrites them; the diff is then reviewed like code.
@Suite struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Two files at 29.97 drop-frame and 25 fps, with series, and an unreadable one.
    static var run: RunReport {
        var a = markerFile(rate: Rational(30000, 1001), start: "00:59:59;00", frames: [30, 17_982, 3])
        a.series = [
            Series(id: "black.luma", checker: "black", title: "Picture level (mean luma)", unit: "% luma",
                   points: (0..<8).map { Series.Point(time: Double($0) * 15, value: $0 == 2 ? 1 : 45, low: $0 == 2 ? 0 : 40, high: 50) },
                   guides: [Series.Guide(value: 10, label: "black threshold")], shade: ["black"], lower: 0, upper: 100),
            Series(id: "colour-consistency.shots", checker: "colour-consistency", title: "Shots", unit: "ΔE00",
                   swatches: [Series.Swatch(start: 0, end: 60, colour: "#806040", label: "Shot 1", value: 0.4),
                              Series.Swatch(start: 60, end: 120, colour: "#a05030", label: "Shot 2", value: 4.2)]),
        ]
        let b = markerFile(rate: Rational(25, 1), start: "10:00:00:00", frames: [125])
        return RunReport(profile: "delivery", files: [a, b, .unreadable("/media/empty.mov", "Cannot open the file: the file is empty (0 bytes) (open).")])
    }

    func compare(_ name: String, _ text: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GREENLIGHT_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden, "\(name) differs from its golden file")
    }

    @Test func json() throws { try compare("run.json", String(decoding: try JSONReporter().render(Self.run), as: UTF8.self)) }
    @Test func junit() throws {
        try compare("run.xml", String(decoding: try JUnitReporter(checkers: ["black", "freeze"]).render(Self.run), as: UTF8.self))
    }
    @Test func html() throws {
        try compare("run.html", String(decoding: try HTMLReporter(checkers: ["black", "freeze", "colour-consistency"]).render(Self.run), as: UTF8.self))
    }
    @Test func text() throws { try compare("run.txt", TextReporter(color: false).text(Self.run)) }
    @Test func markers() throws {
        for format in MarkersReporter.Format.allCases {
            try compare("markers.\(format == .avid ? "avid.txt" : format.fileExtension)", MarkersReporter(format: format).render(Self.run.files[0]))
        }
    }
}
