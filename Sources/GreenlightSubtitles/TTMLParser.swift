import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GreenlightValues

/// TTML, IMSC 1, DFXP, EBU-TT and EBU-TT-D: timed `<p>` (or timed `<span>`s) in `<body>`/`<div>`.
///
/// Time expressions: clock times (`01:02:03.5`, `01:02:03:12` frames, `…:12.1` sub-frames), offset
/// times (`3.5s`, `500ms`, `2m`, `1h`, `30f`, `1000t`) at `ttp:frameRate` × `ttp:frameRateMultiplier`
/// and `ttp:tickRate`; `begin`/`end`/`dur` on any timed element, relative to the parent's begin;
/// `timeContainer="seq"` children one after another. A document whose first cue starts at or
/// after 10:00:00:00 (or 01:00:00:00) has that programme start subtracted, and says so.
/// DOCTYPEs declaring entities, notations or attribute lists are refused (no entity expansion,
/// no external entities, and none of the declarations FoundationXML dies on).
public enum TTMLParser {
    /// The first DTD declaration anywhere in the document that is refused, with its line.
    /// Entities expand (a billion laughs) or fetch (`SYSTEM "file:///etc/passwd"`); FoundationXML
    /// on Linux reads a null pointer for a notation's missing public ID or an attribute list's
    /// missing default, which kills the process (found by trying each declaration after the
    /// fuzzer found one). TTML needs none of them. The whole document is searched: a DOCTYPE may
    /// follow any amount of comment.
    static func refusedDeclaration(_ data: Data) -> (line: Int, message: String)? {
        let kinds = [("<!ENTITY", "XML entities, which are refused (entity expansion)"),
                     ("<!NOTATION", "an XML notation, which is refused"), ("<!ATTLIST", "an XML attribute list, which is refused")]
        let found = kinds.compactMap { kind in data.range(of: Data(kind.0.utf8)).map { ($0.lowerBound, kind.1) } }
        guard let (at, what) = found.min(by: { $0.0 < $1.0 }) else { return nil }
        let line = data[data.startIndex..<at].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        return (line, "the document declares \(what)")
    }

    public static func parse(_ data: Data, source: String) -> (cues: [SubtitleCue], errors: [SubtitleParseError], offset: Double) {
        if let refused = refusedDeclaration(data) {
            return ([], [SubtitleParseError(line: refused.line, message: refused.message)], 0)
        }
        let delegate = Reader(source: source)
        let parser = XMLParser(data: givingEveryInstructionData(data))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let parsed = parser.parse()
        delegate.settleOpenEnds()
        if let line = delegate.lenientLine {
            delegate.errors.append(SubtitleParseError(line: line, message: "times without a unit or an hours field (\"19.764\", \"3:58.640\") are not TTML; read as seconds and minutes:seconds from here on"))
        }
        if !parsed, delegate.errors.isEmpty {
            let message = parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML"
            delegate.errors.append(SubtitleParseError(line: max(1, parser.lineNumber), message: "XML: \(message)"))
        }
        var cues = delegate.cues.sorted { ($0.start, $0.number) < ($1.start, $1.number) }
        // A programme start at 10:00:00:00 or 01:00:00:00 is subtracted.
        var offset = 0.0
        if let first = cues.first?.start.seconds {
            if first >= 36_000 { offset = 36_000 } else if first >= 3_600 { offset = 3_600 }
        }
        if offset > 0 {
            let o = MediaTime(seconds: offset)
            cues = cues.map { var c = $0; c.start = c.start - o; c.end = c.end - o; return c }
        }
        for i in cues.indices { cues[i].number = i + 1 }
        return (cues, delegate.errors, offset)
    }

    /// `data` with a space after the target of every processing instruction that has no data
    /// (`<?x?>` becomes `<?x ?>`). libxml2 reports such an instruction with a null data pointer,
    /// which FoundationXML on Linux reads as a C string: the process dies (found by the fuzzer).
    /// Instructions mean nothing to TTML; the space changes nothing else.
    static func givingEveryInstructionData(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i + 1 < bytes.count {
            defer { i += 1 }
            guard bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "?") else { continue }
            var j = i + 2
            while j < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "?")].contains(bytes[j]) { j += 1 }
            if j > i + 2, j + 1 < bytes.count, bytes[j] == UInt8(ascii: "?"), bytes[j + 1] == UInt8(ascii: ">") {
                out += bytes[copied..<j]
                out.append(0x20)
                copied = j
            }
        }
        if copied == 0 { return data }
        out += bytes[copied...]
        return Data(out)
    }

    /// Timing parameters from the `<tt>` element.
    struct Rates {
        var frameRate = 30.0
        var multiplier = 1.0
        var subFrameRate = 1.0
        var tickRate: Double?
        var effectiveFrameRate: Double { frameRate * multiplier }
        var ticks: Double { tickRate ?? effectiveFrameRate * subFrameRate }
        /// `ttp:timeBase="clock"` has no frames.
        var clockTimeBase = false

        init() {}

        /// The parameters of a `<tt>` element whose attributes (by local name) `attribute` gives.
        init(_ attribute: (String) -> String?) {
            if let r = attribute("frameRate").flatMap(Double.init), r > 0 { frameRate = r }
            if let m = attribute("frameRateMultiplier") {
                let p = m.split(separator: " ").compactMap { Double($0) }
                if p.count == 2, p[1] > 0 { multiplier = p[0] / p[1] }
            }
            if let s = attribute("subFrameRate").flatMap(Double.init), s > 0 { subFrameRate = s }
            if let t = attribute("tickRate").flatMap(Double.init), t > 0 { tickRate = t }
            clockTimeBase = attribute("timeBase") == "clock"
        }
    }

    /// Seconds of a TTML time expression, or nil when it does not read or is not a time from 0 to
    /// ``SubtitleCue/latestSeconds`` (`99999999999999h`, or frames at a rate of `inf` × 0).
    /// - Parameter lenient: called when the expression is read although TTML does not allow it.
    static func seconds(_ expression: String, _ rates: Rates, lenient: (() -> Void)? = nil) -> Double? {
        guard let s = anySeconds(expression, rates, lenient: lenient), s.isFinite, s >= 0, s <= SubtitleCue.latestSeconds else { return nil }
        return s
    }

    private static func anySeconds(_ expression: String, _ rates: Rates, lenient: (() -> Void)?) -> Double? {
        let e = expression.trimmingCharacters(in: .whitespaces)
        // Lenient where real files are (Apple's iTT writes "19.764" and "3:58.640"): a bare number
        // is seconds, and two clock fields are minutes and seconds.
        if let bare = Double(e), e.allSatisfy({ $0.isNumber || $0 == "." }) { lenient?(); return bare }
        if e.contains(":") {
            var parts = e.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 { parts.insert("0", at: 0); lenient?() }
            guard parts.count == 3 || parts.count == 4, let h = Double(parts[0]), let m = Double(parts[1]),
                  parts[0].allSatisfy(\.isNumber), parts[1].allSatisfy(\.isNumber), m < 60 else { return nil }
            guard let s = Double(parts[2]), s < 61, parts[2].allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
            var total = h * 3600 + m * 60 + s
            if parts.count == 4 {
                let frameParts = parts[3].split(separator: ".").map(String.init)
                guard let f = Double(frameParts.first ?? ""), frameParts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
                let sub = frameParts.count > 1 ? (Double(frameParts[1]) ?? 0) / rates.subFrameRate : 0
                total += (f + sub) / rates.effectiveFrameRate
            }
            return total
        }
        let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1), ("f", 1 / rates.effectiveFrameRate), ("t", 1 / rates.ticks)]
        for (unit, scale) in units where e.hasSuffix(unit) {
            let number = e.dropLast(unit.count)
            // Digits, and digits after a point when there is one ("0.s" is not a time).
            let pieces = number.split(separator: ".", omittingEmptySubsequences: false)
            guard let v = Double(number), (1...2).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
                  !(unit == "f" && rates.clockTimeBase) else { return nil }
            return v * scale
        }
        return nil
    }

    final class Reader: NSObject, XMLParserDelegate {
        struct Node {
            var name: String
            var begin: Double  // absolute
            var end: Double?   // absolute, when known
            var timed: Bool    // this element or an ancestor carries timing
            var timingWritten = false  // … or tried to (a time that did not read is its own error)
            var sequential: Bool
            var nextChildBegin: Double  // for seq containers
        }
        let source: String
        var rates = Rates()
        var stack: [Node] = []
        var cues: [SubtitleCue] = []
        var errors: [SubtitleParseError] = []
        var inBody = false
        /// The `<p>` being read: its timing and text, and timed spans inside it.
        var paragraph: (node: Node, text: String, line: Int, timedSpans: [(Node, String)])?
        var span: (node: Node, text: String)?
        /// Paragraphs with a begin and no end anywhere: (begin, text, line).
        var openEnded: [(Double, String, Int)] = []

        /// Gives open-ended paragraphs the document's last time as their end.
        func settleOpenEnds() {
            let times = cues.map(\.end.seconds) + cues.map(\.start.seconds) + openEnded.map(\.0)
            let documentEnd = times.max() ?? 0
            for (begin, text, line) in openEnded where !text.isEmpty {
                if documentEnd > begin {
                    add(begin: begin, end: documentEnd, text: text, line: line)
                } else {
                    errors.append(SubtitleParseError(line: line, message: "a paragraph with no end, here or on any parent, that begins at the document's last time: it would stay on screen to the end of the programme"))
                }
            }
            openEnded = []
        }
        /// The first line where a time was read leniently (not TTML syntax).
        var lenientLine: Int?

        init(source: String) { self.source = source }

        private func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let name = local(elementName)
            func attribute(_ n: String) -> String? { attributes.first { local($0.key) == n }?.value }
            if name == "tt" {
                // A SMPTE time base is read as media time (discontinuous labels are not followed).
                rates = Rates(attribute)
            }
            if name == "body" { inBody = true }
            let parent = stack.last
            var begin = parent?.begin ?? 0
            if let p = parent, p.sequential { begin = p.nextChildBegin }
            var end = parent?.end
            var timed = parent?.timed ?? false
            if inBody {
                let line = parser.lineNumber
                let note = { if self.lenientLine == nil { self.lenientLine = line } }
                func seconds(_ e: String) -> Double? { TTMLParser.seconds(e, rates, lenient: note) }
                if let b = attribute("begin") {
                    if let s = seconds(b) { begin += s; timed = true } else {
                        errors.append(SubtitleParseError(line: line, message: "cannot read begin=\"\(b.prefix(30))\""))
                    }
                }
                if let e = attribute("end") {
                    if let s = seconds(e) {
                        let base = (parent?.sequential ?? false) ? begin - (seconds(attribute("begin") ?? "0s") ?? 0) : (parent?.begin ?? 0)
                        end = min(end ?? .infinity, base + s)
                        timed = true
                    } else {
                        errors.append(SubtitleParseError(line: line, message: "cannot read end=\"\(e.prefix(30))\""))
                    }
                }
                if let d = attribute("dur") {
                    if let s = seconds(d) { end = min(end ?? .infinity, begin + s); timed = true } else {
                        errors.append(SubtitleParseError(line: line, message: "cannot read dur=\"\(d.prefix(30))\""))
                    }
                }
            }
            var node = Node(name: name, begin: begin, end: end, timed: timed, sequential: attribute("timeContainer") == "seq", nextChildBegin: begin)
            node.timingWritten = (parent?.timingWritten ?? false) || (inBody && (attribute("begin") ?? attribute("end") ?? attribute("dur")) != nil)
            stack.append(node)
            if name == "p" && inBody { paragraph = (node, "", parser.lineNumber, []) }
            if name == "span", paragraph != nil, attribute("begin") != nil || attribute("end") != nil || attribute("dur") != nil {
                span = (node, "")
            }
            if name == "br", paragraph != nil {
                paragraph!.text += "\u{2028}"
                if span != nil { span!.text += "\u{2028}" }
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard paragraph != nil else { return }
            paragraph!.text += string
            if span != nil { span!.text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            let name = local(elementName)
            guard let node = stack.popLast() else { return }
            // In a seq container the next child starts where this one ended.
            if let last = stack.indices.last, stack[last].sequential {
                stack[last].nextChildBegin = node.end ?? node.begin
            }
            if name == "span", let s = span, s.node.begin == node.begin {
                paragraph?.timedSpans.append((s.node, s.text))
                span = nil
            }
            if name == "p", let p = paragraph {
                paragraph = nil
                let text = clean(p.text)
                if p.node.timed, let end = p.node.end, end.isFinite {
                    add(begin: p.node.begin, end: end, text: text, line: p.line)
                } else if !p.timedSpans.isEmpty {
                    for (s, t) in p.timedSpans {
                        if let end = s.end, end.isFinite { add(begin: s.begin, end: end, text: clean(t), line: p.line) } else { openEnded.append((s.begin, clean(t), p.line)) }
                    }
                } else if p.node.timed {
                    // No end here or above: active until the document ends (settled at the end).
                    openEnded.append((p.node.begin, text, p.line))
                } else if !text.isEmpty, !p.node.timingWritten {
                    errors.append(SubtitleParseError(line: p.line, message: "a paragraph with no begin, end or dur, here or on any parent: it has no time to be shown at (\"\(text.replacingOccurrences(of: "\n", with: " / ").prefix(40))\")"))
                }
            }
            if name == "body" { inBody = false }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            let code = (parseError as NSError).code
            let what = code == 201 ? "a namespace prefix is used without being declared" : "not well-formed (XML parser error \(code))"
            errors.append(SubtitleParseError(line: max(1, parser.lineNumber), message: "XML: \(what)"))
        }

        /// Whitespace collapsed (xml:space default); lines only where `<br/>` put them.
        private func clean(_ text: String) -> String {
            text.split(separator: "\u{2028}", omittingEmptySubsequences: false)
                .map { $0.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
                .filter { !$0.isEmpty }.joined(separator: "\n")
        }

        /// A cue, unless nesting and sequences added its times up past ``SubtitleCue/latestSeconds``.
        private func add(begin: Double, end: Double, text: String, line: Int) {
            guard begin <= SubtitleCue.latestSeconds, end <= SubtitleCue.latestSeconds else {
                errors.append(SubtitleParseError(line: line, message: "the paragraph's times add up to more than 10 000 hours"))
                return
            }
            cues.append(SubtitleCue(source: source, number: cues.count + 1, start: MediaTime(seconds: begin), end: MediaTime(seconds: end), text: text))
        }
    }
}
