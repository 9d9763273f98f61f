import Foundation
import GreenlightCore
import GreenlightValues
import Plot

/// The HTML report: one self-contained page per run (inline CSS, SVG and pictures; nothing
/// fetched). It opens on the run's verdict and, for a run of several files, a summary table
/// linking to each file; per file a verdict banner, the media facts, a timeline with one lane per
/// checker, the checkers' series as plots, and a findings table (sortable by a small inline
/// script, filterable by severity with CSS alone) with a thumbnail of each visual finding's first
/// frame. A print stylesheet makes "Print to PDF" a clean delivery report.
///
/// The page is a tree of Plot nodes. Every piece of text and every attribute value goes through
/// ``HTMLNode``, which escapes it: Plot itself leaves attribute values as they are and keeps
/// anything that looks like an entity in text, so neither is handed to it unescaped.
public struct HTMLReporter: Reporter {
    /// The ids of the checkers that ran, in the profile's order: each gets a lane even when it found nothing.
    public var checkers: [String]
    /// Runs of more files than this open with each file folded (its details load when opened).
    public var foldAbove: Int

    public init(checkers: [String] = [], foldAbove: Int = 100) {
        self.checkers = checkers
        self.foldAbove = foldAbove
    }

    public func render(_ report: RunReport) throws -> Data {
        let folded = report.files.count > foldAbove
        // Points per plot: a run of hundreds of files stays small and quick to open.
        let points = report.files.count <= 10 ? 600 : report.files.count <= 60 ? 200 : 60
        var body: [HTMLNode] = [runBanner(report)]
        if report.files.count > 1 { body.append(summaryTable(report)) }
        for (i, file) in report.files.enumerated() {
            body.append(FileSection(file: file, number: i + 1, checkers: checkers, points: points).render(folded: folded))
        }
        body.append(.element("script", children: [.raw(Self.script)]))
        let page = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                // Nothing from outside: no fetches, no frames, pictures only as data.
                .selfClosedElement(named: "meta", attributes: [
                    .attribute(named: "http-equiv", value: "Content-Security-Policy"),
                    .attribute(named: "content", value: "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"),
                ]),
                .element(named: "title", text: "Greenlight QC report"),
                .style(Self.css)
            ),
            .body(.group(body.map(\.node)))
        )
        return Data((page.render() + "\n").utf8)
    }

    private func runBanner(_ report: RunReport) -> HTMLNode {
        let byVerdict = [Verdict.pass, .warn, .fail, .error].compactMap { v -> String? in
            let n = report.files.filter { $0.verdict == v }.count
            return n == 0 ? nil : "\(n) \(v.rawValue)"
        }
        return .element("header", ["class": "run v-\(report.verdict.rawValue)"], children: [
            .element("h1", children: [.text("Greenlight QC report "), badge(report.verdict)]),
            .element("p", text: "\(report.files.count) file\(report.files.count == 1 ? "" : "s") (\(byVerdict.joined(separator: ", "))) · profile \(report.profile) · \(report.tool.name) \(report.tool.version)"),
        ] + (report.incomplete.map { incomplete in
            [.element("p", ["class": "err"], text: "Incomplete: \(incomplete.reason); not checked: \(incomplete.unchecked.joined(separator: ", "))")]
        } ?? []))
    }

    private func summaryTable(_ report: RunReport) -> HTMLNode {
        let head = HTMLNode.element("thead", children: [.element("tr", children: [
            sortHeader("#", number: true), sortHeader("Verdict", number: true), sortHeader("File"), sortHeader("Duration", number: true),
            sortHeader("Errors", number: true), sortHeader("Warnings", number: true), sortHeader("Info", number: true),
            sortHeader("Worst finding"),
        ])])
        let rows = report.files.enumerated().map { i, file -> HTMLNode in
            let count = { (s: Severity) in file.findings.filter { $0.severity == s }.count }
            let worst = file.findings.enumerated().max { a, b in (a.element.severity, b.offset) < (b.element.severity, a.offset) }?.element
            let worstText = file.error ?? worst.map { "\($0.startLabel) \($0.code): \($0.message)" } ?? "—"
            return .element("tr", ["data-i": "\(i)"], children: [
                .element("td", ["data-v": "\(i)"], text: "\(i + 1)"),
                .element("td", ["data-v": "\(rank(file.verdict))"], children: [badge(file.verdict)]),
                .element("td", children: [.element("a", ["href": "#file-\(i + 1)"], text: file.path)]),
                .element("td", ["data-v": file.media?.duration.map { "\($0)" } ?? "-1"], text: file.media?.duration.map(formatSeconds) ?? "—"),
                .element("td", text: "\(count(.error))"), .element("td", text: "\(count(.warning))"), .element("td", text: "\(count(.info))"),
                .element("td", ["class": "msg"], text: worstText),
            ])
        }
        return .element("section", ["id": "summary"], children: [
            .element("h2", text: "Files"),
            .element("table", ["class": "sortable summary"], children: [head, .element("tbody", children: rows)]),
        ])
    }

    // Inline, so the page needs nothing else. Screen first, then print. The timeline, the plots
    // and the swatches share one time axis: 150 px of labels on the left, 120 px on the right.
    static let css = """
    :root{--error:#c62828;--warning:#e65100;--info:#1565c0;--pass:#2e7d32;--fail:#c62828;--warn:#e65100;--err:#6a1b9a;--line:#ddd}
    *{box-sizing:border-box}
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1.5em 2em;max-width:78em;color:#222;background:#fff}
    h1{font-size:1.5em;margin:0 0 .2em} h2{font-size:1.15em;margin:0;word-break:break-all} h3{font-size:1em;margin:1.2em 0 .4em}
    header.run{padding:1em 1.2em;border-radius:6px;border-left:8px solid;background:#f6f6f6;margin-bottom:1.5em}
    .v-pass{border-color:var(--pass)}.v-warn{border-color:var(--warn)}.v-fail{border-color:var(--fail)}.v-error{border-color:var(--err)}
    .badge{display:inline-block;padding:.05em .55em;border-radius:.3em;color:#fff;font-weight:650;font-size:.9em;letter-spacing:.03em;vertical-align:.1em}
    .badge.pass{background:var(--pass)}.badge.warn{background:var(--warn)}.badge.fail{background:var(--fail)}.badge.error{background:var(--err)}
    .badge.s-error{background:var(--error)}.badge.s-warning{background:var(--warning)}.badge.s-info{background:var(--info)}
    table{border-collapse:collapse;width:100%;margin:.4em 0} td,th{padding:.3em .6em;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th button{font:inherit;font-weight:650;border:0;background:none;padding:0;cursor:pointer;color:inherit}
    th[aria-sort=ascending] button::after{content:" ▲"} th[aria-sort=descending] button::after{content:" ▼"}
    td.msg{max-width:40em} td.num{font-variant-numeric:tabular-nums;white-space:nowrap} code{font-size:.92em}
    section.file{margin-top:2.2em;padding-top:1em;border-top:2px solid #999}
    details>summary{cursor:pointer;list-style:none} details>summary::-webkit-details-marker{display:none}
    details>summary h2::before{content:"▸ ";color:#888} details[open]>summary h2::before{content:"▾ "}
    .banner{margin:.6em 0;padding:.5em .8em;border-radius:4px;border-left:6px solid;background:#f6f6f6}
    .banner .err{color:var(--err);font-weight:600}
    .banner .not-measured{color:var(--warn);font-weight:600}
    dl.media{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.6em 0} dl.media dt{color:#555} dl.media dd{margin:0}
    .timeline{margin:.8em 0 1em;max-width:100%}
    .lane{display:flex;align-items:center;height:20px;padding-right:120px} .lane-name{width:150px;flex:none;font-size:.85em;color:#444;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
    .track{position:relative;flex:1;height:14px;background:#eee;border-radius:2px}
    .track a{position:absolute;top:0;height:14px;min-width:3px;opacity:.85}
    .track a.s-error{background:var(--error)}.track a.s-warning{background:var(--warning)}.track a.s-info{background:var(--info)}
    .axis{position:relative;margin:0 120px 0 150px;height:1.4em;font-size:.75em;color:#666}
    .axis span{position:absolute;top:.2em;transform:translateX(-50%);white-space:nowrap} .axis span:first-child{transform:none}
    figure.plot{margin:.8em 0 1.2em} figure.plot figcaption{font-weight:600;font-size:.9em;margin-bottom:.2em}
    .chart{position:relative;display:flex} .yaxis{position:relative;width:150px;flex:none;font-size:.75em;color:#666}
    .yaxis span{position:absolute;right:.4em;transform:translateY(-50%)}
    .chart svg{flex:1;height:130px;background:#fafafa;border:1px solid var(--line)}
    .guides{position:relative;width:120px;flex:none;font-size:.75em;color:#555} .guides span{position:absolute;left:.4em;right:0;transform:translateY(-50%);line-height:1.15}
    svg .line{fill:none;stroke:#263238;stroke-width:1.3} svg .band{fill:#90a4ae;opacity:.45;stroke:none}
    svg .guide{stroke:#7b1fa2;stroke-width:1;stroke-dasharray:5 4}
    svg .sh-error{fill:var(--error);opacity:.22} svg .sh-warning{fill:var(--warning);opacity:.22} svg .sh-info{fill:var(--info);opacity:.15}
    .swatches{position:relative;height:46px;margin:0 120px 0 150px;background:#eee;border:1px solid var(--line)}
    .swatches div{position:absolute;top:0;bottom:0;border-right:1px solid #fff;overflow:hidden;font-size:.72em;color:#fff;text-shadow:0 0 2px #000;padding:2px 3px}
    .filters{font-size:.9em;margin:.5em 0} .filters label{margin-right:1em}
    .file:has(.f-info:not(:checked)) tr.s-info,.file:has(.f-warning:not(:checked)) tr.s-warning,.file:has(.f-error:not(:checked)) tr.s-error{display:none}
    img.thumb{display:block;max-width:192px;height:auto;border:1px solid var(--line)}
    @media print{
      body{max-width:none;padding:0;font-size:10.5pt} *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
      .filters,th button::after{display:none} th button{cursor:auto}
      section.file{break-before:page;border-top:0} tr,figure,.timeline,img{break-inside:avoid}
      a{color:inherit;text-decoration:none} details>summary h2::before{content:""}
    }
    """

    // Sorts tables by a column (its cells' data-v, else their text), opens folded files before
    // printing, and notes on the page that it ran, how many pictures decoded and when it had
    // loaded (what the headless-browser test and make bench read). The page works without it: only sorting needs it.
    static let script = """
    (function(){
      function key(td){var v=td.getAttribute('data-v');return v===null?td.textContent:v;}
      document.querySelectorAll('table.sortable').forEach(function(t){
        var heads=t.tHead?t.tHead.rows[0].cells:[];
        Array.prototype.forEach.call(heads,function(th,col){
          var b=th.querySelector('button');if(!b)return;
          b.addEventListener('click',function(){
            var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
            var dir=th.getAttribute('aria-sort')==='ascending'?-1:1,num=th.getAttribute('data-type')==='number';
            Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
            th.setAttribute('aria-sort',dir===1?'ascending':'descending');
            rows.sort(function(a,b){
              var x=key(a.cells[col]),y=key(b.cells[col]),c=num?parseFloat(x)-parseFloat(y):x.localeCompare(y);
              if(!c)c=parseFloat(a.getAttribute('data-i'))-parseFloat(b.getAttribute('data-i'));
              return c*dir;});
            rows.forEach(function(r){body.appendChild(r);});
          });
        });
      });
      window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
      document.documentElement.setAttribute('data-ready','1');
      window.addEventListener('load',function(){
        var all=document.querySelectorAll('img'),shown=0;
        all.forEach(function(i){if(i.complete&&i.naturalWidth>0)shown++;});
        document.documentElement.setAttribute('data-pictures',shown+'/'+all.length);
        document.documentElement.setAttribute('data-load-ms',String(Math.round(performance.now())));
      });
    })();
    """
}

/// One file's part of the page.
struct FileSection {
    var file: FileReport
    var number: Int
    var checkers: [String]
    var points: Int

    private var anchor: String { "file-\(number)" }
    /// The programme's length the timeline and plots span.
    private var span: Double {
        var end = file.media?.duration ?? 0
        for f in file.findings { end = max(end, f.end) }
        for s in file.series {
            end = max(end, (s.points.last?.time ?? 0), s.swatches.last?.end ?? 0)
        }
        return max(end, 1e-3)
    }

    func render(folded: Bool) -> HTMLNode {
        let title = HTMLNode.element("h2", children: [badge(file.verdict), .text(" " + file.path)])
        var parts: [HTMLNode] = [banner()]
        if let media = file.media { parts.append(mediaFacts(media)) }
        if file.media != nil { parts.append(timeline()) }
        // A series with nothing in it (the picture level of a file with no pictures) is not drawn.
        parts += file.series.filter { !$0.points.isEmpty || !$0.swatches.isEmpty }.map(plot)
        parts.append(findingsTable())
        if folded {
            return .element("section", ["class": "file", "id": anchor], children: [
                .element("details", children: [.element("summary", children: [title])] + parts),
            ])
        }
        return .element("section", ["class": "file", "id": anchor], children: [title] + parts)
    }

    private func banner() -> HTMLNode {
        let counts = [Severity.error, .warning, .info].map { s in
            let n = file.findings.filter { $0.severity == s }.count
            return "\(n) \(s == .info ? "info" : s.rawValue + (n == 1 ? "" : "s"))"
        }
        var children: [HTMLNode] = [badge(file.verdict), .text(" " + counts.joined(separator: ", "))]
        if let error = file.error { children += [.element("br"), .element("span", ["class": "err"], text: error)] }
        if let notMeasured = file.checkers?.notMeasured, !notMeasured.isEmpty {
            // Beside the verdict: a pass says nothing about a check that could not measure.
            children += [.element("br"), .element("span", ["class": "not-measured"],
                                                    text: "Not measured: " + notMeasured.keys.sorted().map { "\($0) (\(notMeasured[$0]!))" }.joined(separator: "; "))]
        }
        return .element("div", ["class": "banner v-\(file.verdict.rawValue)"], children: children)
    }

    private func mediaFacts(_ m: MediaInfo) -> HTMLNode {
        var rows: [(String, String)] = [("Container", m.containerLongName ?? m.container)]
        if let d = m.duration { rows.append(("Duration", formatSeconds(d) + (m.durationIsEstimate == true ? " (estimated)" : ""))) }
        if let tc = m.startTimecode { rows.append(("Start timecode", tc)) }
        for s in m.streams {
            var parts = [s.codec]
            switch s.type {
            case .video:
                if let w = s.width, let h = s.height { parts.append("\(w)×\(h)") }
                if let r = s.numberingRate { parts.append("\(formatNumber(r.doubleValue, decimals: 3)) fps") }
                if let f = s.fieldOrder, f != "progressive", f != "unknown" { parts.append("interlaced (\(f))") }
                if let p = s.pixelFormat { parts.append(p) }
                if let b = s.bitDepth { parts.append("\(b)-bit") }
                let colour = [s.colorPrimaries, s.colorTransfer, s.colorMatrix].compactMap { $0 }
                if !colour.isEmpty { parts.append(colour.joined(separator: "/")) }
                if let r = s.colorRange { parts.append(r == "pc" ? "full range" : "limited range") }
                rows.append(("Video \(s.index)", parts.joined(separator: ", ")))
            case .audio:
                if let l = s.channelLayout { parts.append(l) } else if let c = s.channels { parts.append("\(c) channels") }
                if let r = s.sampleRate { parts.append("\(r) Hz") }
                if let l = s.language { parts.append(l) }
                rows.append(("Audio \(s.index)", parts.joined(separator: ", ")))
            case .subtitle:
                if let l = s.language { parts.append(l) }
                rows.append(("Subtitles \(s.index)", parts.joined(separator: ", ")))
            default:
                continue
            }
        }
        return .element("dl", ["class": "media"], children: rows.flatMap { [HTMLNode.element("dt", text: $0.0), .element("dd", text: $0.1)] })
    }

    /// One lane per checker that ran (and one for the file's own health when it has findings),
    /// each finding a mark linked to its row in the table.
    private func timeline() -> HTMLNode {
        var lanes = checkers
        for f in file.findings where !lanes.contains(f.checker) { lanes.append(f.checker) }
        let total = span
        let rows = lanes.map { lane -> HTMLNode in
            let marks = file.findings.enumerated().filter { $0.element.checker == lane }.map { i, f -> HTMLNode in
                let left = clampPercent(f.start / total * 100), width = max(0, min(100 - left, (f.end - f.start) / total * 100))
                return .element("a", ["class": "s-\(f.severity.rawValue)", "href": "#\(anchor)-f\(i + 1)",
                                      "style": "left:\(percent(left));width:\(percent(width))",
                                      "title": "\(f.startLabel) \(f.code): \(f.message)"])
            }
            let name = lane == FileHealth.checker ? "file health" : lane
            return .element("div", ["class": "lane"], children: [
                .element("span", ["class": "lane-name", "title": name], text: name),
                .element("div", ["class": "track"], children: marks),
            ])
        }
        return .element("div", ["class": "timeline"], children: [.element("h3", text: "Timeline")] + rows + [axis(total)])
    }

    /// Time labels under the timeline: the file's timecode when it has one, else clock time.
    private func axis(_ total: Double) -> HTMLNode {
        let steps: [Double] = [0.04, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]
        let step = steps.first { total / $0 <= 8 } ?? 14400
        var ticks: [HTMLNode] = []
        var t = 0.0
        while t <= total + 1e-9 {
            ticks.append(.element("span", ["style": "left:\(percent(t / total * 100))"], text: label(at: t)))
            t += step
        }
        return .element("div", ["class": "axis"], children: ticks)
    }

    private func label(at seconds: Double) -> String {
        if let video = file.media?.primaryVideo, let rate = video.timecodeRate {
            let start = file.media?.startTimecode.flatMap { Timecode(parsing: $0, rate: rate) } ?? Timecode(frameCount: 0, rate: rate, dropFrame: false)
            return start.adding(frames: Int64((seconds * rate.doubleValue).rounded(.down))).description
        }
        return Timecode.clockLabel(seconds: seconds)
    }

    private func plot(_ series: Series) -> HTMLNode {
        let caption = HTMLNode.element("figcaption", text: series.title + (series.unit.isEmpty || !series.swatches.isEmpty ? "" : " (\(series.unit))"))
        if !series.swatches.isEmpty {
            let total = span
            let cells = LinePlot.merge(series.swatches, to: points * 2 / 3).map { s -> HTMLNode in
                let left = clampPercent(s.start / total * 100), width = max(0, min(100 - left, (s.end - s.start) / total * 100))
                let colour = s.colour.range(of: "^#[0-9a-fA-F]{6}$", options: .regularExpression) != nil ? s.colour : "#888888"
                return .element("div", ["style": "left:\(percent(left));width:\(percent(width));background:\(colour)", "title": s.label],
                                text: s.value.map { "ΔE \(formatNumber($0, decimals: 1))" } ?? "")
            }
            return .element("figure", ["class": "plot", "data-series": series.id], children: [caption, .element("div", ["class": "swatches"], children: cells)])
        }
        return .element("figure", ["class": "plot", "data-series": series.id], children: [caption, LinePlot(series: series, findings: file.findings, span: span, points: points).render()])
    }

    private func findingsTable() -> HTMLNode {
        guard !file.findings.isEmpty else {
            return .element("p", text: file.error == nil ? "No findings." : "No findings before decoding stopped.")
        }
        let pictures = Dictionary(file.thumbnails.map { ($0.finding, $0) }, uniquingKeysWith: { a, _ in a })
        let filters = HTMLNode.element("div", ["class": "filters"], children: [.text("Show: ")] + [Severity.error, .warning, .info].map { s in
            .element("label", children: [.element("input", ["type": "checkbox", "class": "f-\(s.rawValue)", "checked": "checked"]),
                                         .text(" \(s == .info ? "info" : s.rawValue + "s") (\(file.findings.filter { $0.severity == s }.count))")])
        })
        var heads = [sortHeader("Severity", number: true), sortHeader("Start", number: true), sortHeader("End", number: true),
                     sortHeader("Frames", number: true), sortHeader("Checker"), sortHeader("Code"), sortHeader("Finding")]
        if !pictures.isEmpty { heads.append(.element("th", text: "Picture")) }
        let rows = file.findings.enumerated().map { i, f -> HTMLNode in
            // People count frames inclusively: a single black frame 75 reads "75", not "75–76".
            let frames: String
            if let s = f.startFrame, let e = f.endFrame, e - 1 > s { frames = "\(s)–\(e - 1)" } else { frames = f.startFrame.map(String.init) ?? "" }
            var cells: [HTMLNode] = [
                .element("td", ["data-v": "\(rank(f.severity))"], children: [.element("span", ["class": "badge s-\(f.severity.rawValue)"], text: f.severity.rawValue)]),
                .element("td", ["class": "num", "data-v": "\(f.start)"], text: f.startLabel),
                .element("td", ["class": "num", "data-v": "\(f.end)"], text: f.endLabel),
                .element("td", ["class": "num", "data-v": "\(f.startFrame ?? -1)"], text: frames),
                .element("td", text: f.checker == FileHealth.checker ? "file health" : f.checker),
                .element("td", children: [.element("code", text: f.code)]),
                .element("td", ["class": "msg"], text: f.message),
            ]
            if !pictures.isEmpty {
                if let t = pictures[i] {
                    cells.append(.element("td", children: [.element("img", ["class": "thumb", "width": "\(t.width)", "height": "\(t.height)",
                                                                            "alt": (f.measurements["worstFrame"] != nil ? "worst picture, frame \(Int64(f.measurements["worstFrame"]!))" : "first frame at \(f.startLabel)")
                                                                                + (f.code.hasPrefix("exposure.") ? " in false colour: clipped red, crushed blue" : ""), "decoding": "async",
                                                                            "src": "data:\(t.mediaType == "image/png" ? "image/png" : "image/jpeg");base64," + t.image.base64EncodedString()])]))
                } else {
                    cells.append(.element("td"))
                }
            }
            return .element("tr", ["id": "\(anchor)-f\(i + 1)", "class": "s-\(f.severity.rawValue)", "data-i": "\(i)"], children: cells)
        }
        return .element("div", children: [
            .element("h3", text: "Findings"), filters,
            .element("table", ["class": "sortable findings"], children: [.element("thead", children: [.element("tr", children: heads)]),
                                                                         .element("tbody", children: rows)]),
        ])
    }
}

/// A line with its low-high band, its guides and the shaded findings, as inline SVG in a
/// 1000 × 200 box stretched to the page's width; axis and guide labels are HTML beside it.
struct LinePlot {
    var series: Series
    var findings: [Finding]
    var span: Double
    var points: Int

    static let width = 1000.0, height = 200.0

    func render() -> HTMLNode {
        let pts = Self.resample(series.points, to: points)
        var low = series.lower ?? (pts.map(\.low).min() ?? 0), high = series.upper ?? (pts.map(\.high).max() ?? 1)
        if series.lower == nil { low = min(low, series.guides.map(\.value).min() ?? low) }
        if series.upper == nil { high = max(high, series.guides.map(\.value).max() ?? high) }
        if series.lower == nil || series.upper == nil {
            let pad = max((high - low) * 0.08, 1e-6)
            if series.lower == nil { low -= pad }
            if series.upper == nil { high += pad }
        }
        let range = max(high - low, 1e-9)
        func x(_ t: Double) -> Int { Int((min(max(t / span, 0), 1) * Self.width).rounded()) }
        func y(_ v: Double) -> Int { Int(((1 - (min(max(v, low), high) - low) / range) * Self.height).rounded()) }
        var shapes: [HTMLNode] = []
        // A finding over (nearly) all of the file shades nothing worth seeing: it is in the table.
        for f in findings where series.shade.contains(f.checker) && (series.stream == nil || f.stream == nil || f.stream == series.stream)
            && (f.end - f.start) < 0.9 * span {
            let x0 = x(f.start), x1 = max(x(f.end), x0 + 2)
            shapes.append(.element("rect", ["class": "sh-\(f.severity.rawValue)", "x": "\(x0)", "y": "0", "width": "\(x1 - x0)", "height": "\(Int(Self.height))"],
                                   children: [.element("title", text: "\(f.startLabel) \(f.code): \(f.message)")]))
        }
        // Runs of points without a gap wider than three spans become one band and one line each.
        let step = pts.count > 1 ? (pts.last!.time - pts.first!.time) / Double(pts.count - 1) : 1
        var runs: [[Series.Point]] = []
        for p in pts {
            if let last = runs.last?.last, p.time - last.time <= 3 * max(step, 1e-9) { runs[runs.count - 1].append(p) } else { runs.append([p]) }
        }
        var band = "", line = ""
        for run in runs {
            let upper = run.map { "\(x($0.time)) \(y($0.high))" }, lower = run.reversed().map { "\(x($0.time)) \(y($0.low))" }
            band += "M" + (upper + lower).joined(separator: "L") + "Z"
            line += "M" + run.map { "\(x($0.time)) \(y($0.value))" }.joined(separator: "L")
        }
        if !band.isEmpty { shapes.append(.element("path", ["class": "band", "d": band])) }
        if !line.isEmpty { shapes.append(.element("path", ["class": "line", "d": line, "vector-effect": "non-scaling-stroke"])) }
        let guides = series.guides.filter { $0.value >= low && $0.value <= high }
        for g in guides {
            shapes.append(.element("line", ["class": "guide", "x1": "0", "x2": "\(Int(Self.width))", "y1": "\(y(g.value))", "y2": "\(y(g.value))",
                                            "vector-effect": "non-scaling-stroke"]))
        }
        let svg = HTMLNode.element("svg", ["viewBox": "0 0 \(Int(Self.width)) \(Int(Self.height))", "preserveAspectRatio": "none",
                                           "role": "img", "aria-label": series.title], children: shapes)
        func at(_ v: Double) -> String { percent((1 - (v - low) / range) * 100) }
        let yLabels = [high, low].map { HTMLNode.element("span", ["style": "top:\(at($0))"], text: formatNumber($0, decimals: 1)) }
        let guideLabels = guides.map { g in
            HTMLNode.element("span", ["style": "top:\(at(g.value))"], text: "\(g.label) \(formatNumber(g.value, decimals: 1))")
        }
        return .element("div", ["class": "chart"], children: [.element("div", ["class": "yaxis"], children: yLabels), svg,
                                                               .element("div", ["class": "guides"], children: guideLabels)])
    }

    /// At most `count` swatches: neighbours merged into the colour that covers most of their
    /// time, labelled with the range they stand for and the largest value among them.
    static func merge(_ swatches: [Series.Swatch], to count: Int) -> [Series.Swatch] {
        guard swatches.count > count, count > 0 else { return swatches }
        let group = (swatches.count + count - 1) / count
        return stride(from: 0, to: swatches.count, by: group).map { i in
            let slice = swatches[i..<min(swatches.count, i + group)]
            let main = slice.max { ($0.end - $0.start) < ($1.end - $1.start) }!
            let first = slice.first!.label.split(separator: ",").first ?? "", last = slice.last!.label.split(separator: ",").first ?? ""
            return Series.Swatch(start: slice.first!.start, end: slice.last!.end, colour: main.colour,
                                 label: slice.count == 1 ? main.label : "\(first) to \(last) (the most common colour shown)",
                                 value: slice.compactMap(\.value).max())
        }
    }

    /// At most `count` points, neighbours merged (mean of means, lowest low, highest high).
    static func resample(_ points: [Series.Point], to count: Int) -> [Series.Point] {
        guard points.count > count, count > 0 else { return points }
        let group = (points.count + count - 1) / count
        return stride(from: 0, to: points.count, by: group).map { i in
            let slice = points[i..<min(points.count, i + group)]
            return Series.Point(time: slice.first!.time, value: slice.map(\.value).reduce(0, +) / Double(slice.count),
                                low: slice.map(\.low).min()!, high: slice.map(\.high).max()!)
        }
    }
}

/// An HTML node whose text and attribute values are always escaped (see ``HTMLReporter``; the
/// service's dashboard builds its pages from it too).
public struct HTMLNode {
    public let node: Node<HTML.BodyContext>

    public static func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], children: [HTMLNode] = []) -> HTMLNode {
        let attrs = attributes.map { Node<HTML.BodyContext>.attribute(named: $0.key, value: escape($0.value), ignoreIfValueIsEmpty: false) }
        let empty: Set<String> = ["br", "img", "input", "path", "line", "rect"]
        if empty.contains(name) && children.isEmpty {
            return HTMLNode(node: .selfClosedElement(named: name, attributes: attributes.map { .attribute(named: $0.key, value: escape($0.value)) }))
        }
        return HTMLNode(node: .element(named: name, nodes: attrs + children.map(\.node)))
    }

    public static func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) -> HTMLNode {
        element(name, attributes, children: [.text(text)])
    }

    public static func text(_ text: String) -> HTMLNode { HTMLNode(node: .raw(escape(text))) }

    /// Markup the reporter wrote itself (its script), never anything from media or subtitles.
    public static func raw(_ markup: String) -> HTMLNode { HTMLNode(node: .raw(markup)) }
}

private func badge(_ v: Verdict) -> HTMLNode {
    .element("span", ["class": "badge \(v.rawValue)"], text: v.rawValue.uppercased())
}

private func sortHeader(_ title: String, number: Bool = false) -> HTMLNode {
    .element("th", number ? ["data-type": "number"] : [:], children: [.element("button", ["type": "button"], text: title)])
}

private func rank(_ v: Verdict) -> Int { [Verdict.pass: 0, .warn: 1, .fail: 2, .error: 3][v]! }
private func rank(_ s: Severity) -> Int { s == .error ? 2 : s == .warning ? 1 : 0 }
private func clampPercent(_ v: Double) -> Double { v.isFinite ? min(100, max(0, v)) : 0 }
private func percent(_ v: Double) -> String { formatNumber(clampPercent(v), decimals: 2) + "%" }
