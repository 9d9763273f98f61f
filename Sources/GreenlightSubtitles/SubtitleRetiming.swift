import Foundation
import GreenlightValues

/// A subtitle file's times moved and stretched, everything else kept as it was written: the
/// corrected copy `greenlight check --write-corrected` writes. SubRip, WebVTT and TTML are
/// rewritten in place (only the time expressions change; text, styling, settings, notes and the
/// file's encoding stay); SCC and EBU STL are not rewritten.
public enum SubtitleRetiming {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The format cannot be rewritten here.
        case unsupported(String)
        /// A TTML time that cannot be moved as asked (relative times across a step, or ticks without a rate).
        case ttml(String)

        public var description: String {
            switch self {
            case .unsupported(let format): return "\(format) files are not rewritten (SubRip, WebVTT and TTML are)"
            case .ttml(let why): return "the TTML cannot be re-timed: \(why)"
            }
        }
    }

    /// Where a time goes: `time − offset`, divided by `factor`; from `stepAt` on (a time in the
    /// file), `time − offsetAfterStep` instead. Times are the file's own (a programme offset such
    /// as a 10:00:00:00 start is part of them: `origin`).
    public struct Correction: Sendable, Equatable {
        public var offset: Double
        public var factor: Double
        public var stepAt: Double?
        public var offsetAfterStep: Double?
        /// The document's programme offset: file time = programme time + origin.
        public var origin: Double

        public init(offset: Double, factor: Double = 1, stepAt: Double? = nil, offsetAfterStep: Double? = nil, origin: Double = 0) {
            (self.offset, self.factor, self.stepAt, self.offsetAfterStep, self.origin) = (offset, factor, stepAt, offsetAfterStep, origin)
        }

        /// A file time, corrected (never before 0).
        public func apply(_ fileTime: Double) -> Double {
            let t = fileTime - origin
            let o = stepAt.map { t >= $0 } == true ? (offsetAfterStep ?? offset) : offset
            return max(0, (t - o) / factor + origin)
        }
    }

    /// `data` (the subtitle file named `name`) with its times corrected, in its own format and encoding.
    public static func retime(_ data: Data, name: String, _ correction: Correction) throws -> Data {
        let document = try SubtitleFile.read(data, name: name)
        var origin = correction
        origin.origin = document.offsetSeconds
        let (text, encoding) = TextDecoding.decode(data)
        let rewritten: String
        switch document.format {
        case "SubRip": rewritten = retimeText(text, origin, separators: [",", "."], hoursRequired: true)
        case "WebVTT": rewritten = retimeText(text, origin, separators: ["."], hoursRequired: false)
        case "TTML": rewritten = try retimeTTML(text, origin)
        default: throw Failure.unsupported(document.format)
        }
        return encode(rewritten, like: encoding, original: data)
    }

    // MARK: SubRip and WebVTT

    /// Rewrites the times on timing lines (those with "-->") and WebVTT's inline timestamps
    /// (`<00:01:02.500>`), keeping each one's layout (hours or not, comma or full stop).
    static func retimeText(_ text: String, _ c: Correction, separators: [Character], hoursRequired: Bool) -> String {
        // Split at line feeds only (by UTF-16 unit: "\r\n" is one Character to Swift): a carriage
        // return stays at the end of its line, untouched.
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { bytes -> String in
            let line = String(decoding: bytes, as: UTF8.self)
            if line.contains("-->") {
                return retimeTimestamps(line[...], c, separators: separators, hoursRequired: hoursRequired, inTags: false)
            }
            if !hoursRequired, line.contains("<") {
                return retimeTimestamps(line[...], c, separators: separators, hoursRequired: false, inTags: true)
            }
            return line
        }.joined(separator: "\n")
    }

    /// Each `[h…:]mm:ss<sep>fff` in `line` (inside `<…>` only when `inTags`), corrected.
    private static func retimeTimestamps(_ line: Substring, _ c: Correction, separators: [Character], hoursRequired: Bool, inTags: Bool) -> String {
        let chars = Array(line)
        var out = ""
        var i = 0
        func digits(_ from: Int) -> Int { var j = from; while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }; return j - from }
        while i < chars.count {
            // A timestamp starts at a digit not preceded by one.
            if chars[i].isASCII, chars[i].isNumber, i == 0 || !(chars[i - 1].isASCII && chars[i - 1].isNumber),
               !inTags || (i > 0 && chars[i - 1] == "<") {
                let a = digits(i)
                var fields: [Int] = [], j = i, separator: Character = "."
                var ok = false
                // h:mm:ss,fff or mm:ss.fff
                var parts: [String] = [String(chars[j..<(j + a)])]
                j += a
                while j < chars.count, chars[j] == ":", digits(j + 1) == 2 { parts.append(String(chars[(j + 1)..<(j + 3)])); j += 3 }
                if (parts.count == 3 || (!hoursRequired && parts.count == 2)), j < chars.count, separators.contains(chars[j]), digits(j + 1) == 3 {
                    separator = chars[j]
                    parts.append(String(chars[(j + 1)..<(j + 4)]))
                    j += 4
                    fields = parts.compactMap { Int($0) }
                    ok = fields.count == parts.count
                }
                if ok {
                    let ms = fields.last!, s = fields[fields.count - 2], m = fields[fields.count - 3]
                    let h = fields.count == 4 ? fields[0] : 0
                    let seconds = Double(h * 3600 + m * 60 + s) + Double(ms) / 1000
                    out += format(c.apply(seconds), separator: separator, hours: fields.count == 4, hourDigits: fields.count == 4 ? parts[0].count : 0)
                    i = j
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    private static func format(_ seconds: Double, separator: Character, hours: Bool, hourDigits: Int) -> String {
        let total = Int((seconds * 1000).rounded())
        let ms = total % 1000, s = total / 1000 % 60, m = total / 60_000 % 60, h = total / 3_600_000
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        let three = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        if hours || h > 0 {
            var hh = "\(h)"
            while hh.count < max(2, hourDigits) { hh = "0" + hh }
            return "\(hh):\(two(m)):\(two(s))\(separator)\(three)"
        }
        return "\(two(m)):\(two(s))\(separator)\(three)"
    }

    // MARK: TTML

    /// Rewrites `begin`, `end` and `dur` attributes. A time on an element inside another timed
    /// element is relative to that one's begin: it is only stretched (a step across relative
    /// times is refused); a `dur` is only stretched.
    static func retimeTTML(_ text: String, _ c: Correction) throws -> String {
        var rates = TTMLParser.Rates()
        if let tt = text.range(of: "<tt") {
            let tag = text[tt.lowerBound..<(text[tt.lowerBound...].firstIndex(of: ">") ?? text.endIndex)]
            rates = TTMLParser.Rates { attributeValue(tag, localName: $0) }
        }
        var out = ""
        var timedDepth: [Bool] = []  // per open element: whether it or an ancestor has a begin
        var i = text.startIndex
        while let open = text[i...].firstIndex(of: "<") {
            out += text[i..<open]
            guard let close = text[open...].firstIndex(of: ">") else { i = open; break }
            var tag = String(text[open...close])
            if tag.hasPrefix("<?") || tag.hasPrefix("<!") {
                // declarations and comments pass as they are
            } else if tag.hasPrefix("</") {
                if !timedDepth.isEmpty { timedDepth.removeLast() }
            } else {
                let insideTimed = timedDepth.last ?? false
                let hasBegin = attributeValue(tag[...], localName: "begin") != nil
                for name in ["begin", "end", "dur"] {
                    guard let value = attributeValue(tag[...], localName: name) else { continue }
                    guard let seconds = TTMLParser.seconds(value, rates) else { continue }
                    let moved: Double
                    if name == "dur" || insideTimed {
                        if insideTimed, c.stepAt != nil, name != "dur" {
                            throw Failure.ttml("times relative to a parent's begin cannot be split at a step")
                        }
                        moved = seconds / c.factor
                    } else {
                        moved = c.apply(seconds)
                    }
                    tag = replaceAttribute(tag, localName: name, with: try expression(moved, like: value, rates))
                }
                if !tag.hasSuffix("/>") { timedDepth.append(insideTimed || hasBegin) }
            }
            out += tag
            i = text.index(after: close)
        }
        out += text[i...]
        return out
    }

    /// The value of attribute `localName` (any or no prefix) in a start tag.
    private static func attributeValue(_ tag: Substring, localName: String) -> String? {
        guard let r = attributeRange(tag, localName: localName) else { return nil }
        return String(tag[r])
    }

    private static func attributeRange(_ tag: Substring, localName: String) -> Range<String.Index>? {
        var search = tag.startIndex
        while let r = tag[search...].range(of: localName) {
            search = r.upperBound
            let before = r.lowerBound > tag.startIndex ? tag[tag.index(before: r.lowerBound)] : " "
            guard before == " " || before == ":" || before == "\n" || before == "\t" else { continue }
            var j = r.upperBound
            while j < tag.endIndex, tag[j] == " " { j = tag.index(after: j) }
            guard j < tag.endIndex, tag[j] == "=" else { continue }
            j = tag.index(after: j)
            while j < tag.endIndex, tag[j] == " " { j = tag.index(after: j) }
            guard j < tag.endIndex, tag[j] == "\"" || tag[j] == "'" else { continue }
            let quote = tag[j]
            let start = tag.index(after: j)
            guard let end = tag[start...].firstIndex(of: quote) else { return nil }
            // A namespace declaration or another attribute ending in the same letters is not it.
            if before == ":" {
                let prefixStart = tag[..<r.lowerBound].lastIndex(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) ?? tag.startIndex
                if tag[prefixStart..<r.lowerBound].contains("xmlns") { continue }
            }
            return start..<end
        }
        return nil
    }

    private static func replaceAttribute(_ tag: String, localName: String, with value: String) -> String {
        guard let r = attributeRange(tag[...], localName: localName) else { return tag }
        var t = tag
        t.replaceSubrange(r, with: value)
        return t
    }

    /// `seconds` written the way `original` was: clock time with a fraction or frames, or an
    /// offset in the same unit.
    private static func expression(_ seconds: Double, like original: String, _ rates: TTMLParser.Rates) throws -> String {
        let e = original.trimmingCharacters(in: .whitespaces)
        if e.contains(":") {
            let parts = e.split(separator: ":")
            let total = seconds
            let h = Int(total / 3600), m = Int(total / 60) % 60
            let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
            if parts.count == 4 {
                let rate = rates.effectiveFrameRate
                var whole = Int(total)
                var frames = Int(((total - Double(whole)) * rate).rounded())
                if Double(frames) >= rate.rounded(.up) { frames = 0; whole += 1 }
                return "\(two(whole / 3600)):\(two(whole / 60 % 60)):\(two(whole % 60)):\(two(frames))"
            }
            let fraction = parts.last.flatMap { $0.split(separator: ".").dropFirst().first.map(\.count) } ?? 0
            let s = total - Double(h * 3600 + m * 60)
            var seconds = String(format: "%0\(fraction > 0 ? fraction + 3 : 2).\(fraction)f", s)
            if fraction == 0 { seconds = two(Int(s.rounded())) }
            return "\(two(h)):\(two(m)):\(seconds)"
        }
        for (unit, scale) in [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)] where e.hasSuffix(unit) {
            // As many decimals as the original had ("2.680s" stays three, "500ms" none), more
            // (up to milliseconds) when the new time needs them.
            let number = e.dropLast(unit.count)
            var decimals = number.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count ?? 0
            let value = seconds / scale
            while decimals < 3, abs((value * pow(10, Double(decimals))).rounded() / pow(10, Double(decimals)) - value) * scale > 0.0005 { decimals += 1 }
            return String(format: "%.\(decimals)f", value) + unit
        }
        if e.hasSuffix("f") { return "\(Int((seconds * rates.effectiveFrameRate).rounded()))f" }
        if e.hasSuffix("t") { return "\(Int((seconds * rates.ticks).rounded()))t" }
        return formatNumber(seconds, decimals: 3)
    }

    // MARK: Encoding

    /// `text` in the encoding the original was read in (its byte-order mark kept).
    private static func encode(_ text: String, like encoding: String, original: Data) -> Data {
        switch encoding {
        case "UTF-8 with BOM": return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        case "UTF-16LE with BOM": return Data([0xFF, 0xFE]) + (text.data(using: .utf16LittleEndian) ?? Data(text.utf8))
        case "UTF-16BE with BOM": return Data([0xFE, 0xFF]) + (text.data(using: .utf16BigEndian) ?? Data(text.utf8))
        case "Windows-1251 (detected)": return text.data(using: .windowsCP1251) ?? Data(text.utf8)
        case "Windows-1250 (detected)": return text.data(using: .windowsCP1250) ?? Data(text.utf8)
        case "Windows-1252 (detected)": return text.data(using: .windowsCP1252) ?? Data(text.utf8)
        default: return Data(text.utf8)
        }
    }
}
