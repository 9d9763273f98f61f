import GreenlightCore
import GreenlightValues

extension ColourMetadataChecker {
    /// Files of one run that should be tagged alike but are not: dailies from one camera (same
    /// codec, raster and frame rate) whose colour tags (matrix/primaries/transfer/range) differ.
    /// Each file whose tags differ from the most common ones of its group gets a
    /// `colour.metadata-run` finding, and its verdict is worked out again.
    public static func crossCheck(_ reports: [FileReport], profile: Profile) -> [FileReport] {
        guard profile.checkers.contains(where: { $0.type.description.id == description.id }) else { return reports }
        func source(_ v: StreamInfo) -> String {
            "\(v.codec) \(v.width ?? 0)x\(v.height ?? 0) @ \(v.numberingRate.map { formatNumber($0.doubleValue) } ?? "?")"
        }
        func tags(_ v: StreamInfo) -> String {
            [v.colorMatrix, v.colorPrimaries, v.colorTransfer, v.colorRange].map { $0 ?? "unspecified" }.joined(separator: "/")
        }
        var groups: [String: [Int]] = [:]
        for (i, r) in reports.enumerated() where r.error == nil {
            if let v = r.media?.primaryVideo { groups[source(v), default: []].append(i) }
        }
        var out = reports
        for (key, members) in groups where members.count >= 2 {
            let counted = Dictionary(grouping: members) { tags(reports[$0].media!.primaryVideo!) }
            guard counted.count > 1 else { continue }
            let usual = counted.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!
            for (t, files) in counted where t != usual.key {
                for i in files {
                    let end = reports[i].media?.duration ?? 0
                    var finding = Finding(checker: description.id, code: "colour.metadata-run", severity: .warning, placement: .whole,
                                          start: 0, end: end, startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil,
                                          message: "Tagged \(t) (matrix/primaries/transfer/range), while \(usual.value.count) other file\(usual.value.count == 1 ? "" : "s") of this run from the same source (\(key)) \(usual.value.count == 1 ? "is" : "are") tagged \(usual.key)")
                    finding.severity = profile.severity(for: finding)
                    out[i].findings.append(finding)
                    out[i].verdict = max(out[i].verdict, Verdict(findings: out[i].findings))
                }
            }
        }
        return out
    }
}
