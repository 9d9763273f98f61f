import Foundation
import GreenlightValues

/// Lines of a decoded subtitle file, numbered from 1, whatever the line ends (CRLF, CR, LF),
/// walked in place: each line is a slice of the text, and only the block being read is held,
/// so a file of a million cues costs its text and its cues, not an array of every line.
struct NumberedLines {
    let text: String
    init(_ text: String) { self.text = text }

    /// Each line and its number, in order (a text ending in a line break has an empty last line).
    func forEachLine(_ body: (Int, Substring) throws -> Void) rethrows {
        let utf8 = text.utf8
        var start = utf8.startIndex, i = utf8.startIndex, number = 1
        while i < utf8.endIndex {
            let byte = utf8[i]
            guard byte == 10 || byte == 13 else {
                utf8.formIndex(after: &i)
                continue
            }
            try body(number, text[start..<i])
            number += 1
            utf8.formIndex(after: &i)
            if byte == 13, i < utf8.endIndex, utf8[i] == 10 { utf8.formIndex(after: &i) }
            start = i
        }
        try body(number, text[start..<utf8.endIndex])
    }

    /// The first line.
    var first: Substring {
        let end = text.utf8.firstIndex { $0 == 10 || $0 == 13 } ?? text.endIndex
        return text[..<end]
    }

    /// Each block of non-blank lines: its first line's number and its lines.
    func forEachBlock(_ body: (Int, [Substring]) throws -> Void) rethrows {
        var current: [Substring] = []
        var start = 0
        try forEachLine { number, line in
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { try body(start, current); current.removeAll(keepingCapacity: true) }
            } else {
                if current.isEmpty { start = number }
                current.append(line)
            }
        }
        if !current.isEmpty { try body(start, current) }
    }
}

/// A block split where a cue's text holds another cue's timing line: a cue missing the blank
/// line before it is read as a cue, not swallowed into the previous cue's text. WebVTT as the
/// W3C parser does (cue text ends at any line containing "-->"); SubRip at a line that reads as
/// a timing (real files drop blank lines too), the number on the line before going with it.
func splitAtTimingLines(_ first: Int, _ block: [Substring], strictVTT: Bool) -> [(Int, [Substring])] {
    func isTiming(_ line: Substring) -> Bool {
        guard let arrow = line.range(of: "-->") else { return false }
        if strictVTT { return true }  // the W3C parser ends cue text at any line containing "-->"
        let endField = line[arrow.upperBound...].trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
        return parseClock(line[..<arrow.lowerBound], strictVTT: strictVTT) != nil && parseClock(endField, strictVTT: strictVTT) != nil
    }
    guard let timing = block.firstIndex(where: { $0.contains("-->") }) else { return [(first, block)] }
    var out: [(Int, [Substring])] = []
    var start = 0
    var i = timing + 1
    while i < block.count {
        if isTiming(block[i]) {
            let numbered = !strictVTT && i - 1 > start + 1 && block[i - 1].trimmingCharacters(in: .whitespaces).allSatisfy(\.isNumber)
            let cut = numbered ? i - 1 : i
            out.append((first + start, Array(block[start..<cut])))
            start = cut
        }
        i += 1
    }
    out.append((first + start, Array(block[start...])))
    return out
}

/// Markup a viewer does not see: tags (`<i>`, `<font …>`, `<v Bob>`), ASS overrides (`{\an8}`),
/// and the common character references.
func visibleText(_ raw: String) -> String {
    var out = ""
    var inTag = false, inBrace = false
    for ch in raw {
        switch ch {
        case "<" where !inBrace: inTag = true
        case ">" where inTag: inTag = false
        case "{" where !inTag: inBrace = true
        case "}" where inBrace: inBrace = false
        default: if !inTag && !inBrace { out.append(ch) }
        }
    }
    for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", "\u{00A0}"), ("&lrm;", "\u{200E}"), ("&rlm;", "\u{200F}"), ("&amp;", "&")] {
        out = out.replacingOccurrences(of: entity, with: value)
    }
    return out
}

/// Reads `[[hh:]mm:]ss[,.]fff`; `strictVTT` asks for WebVTT's form (mm:ss.fff or hh:mm:ss.fff,
/// three digits after the point). Hours past ``SubtitleCue/latestSeconds`` do not read.
func parseClock(_ s: Substring, strictVTT: Bool) -> MediaTime? {
    let text = s.trimmingCharacters(in: .whitespaces)
    let sep: Character = strictVTT ? "." : (text.contains(",") ? "," : ".")
    let parts = text.split(separator: sep, omittingEmptySubsequences: false)
    guard parts.count == 2, let fraction = Int64(parts[1]), parts[1].allSatisfy(\.isNumber),
          strictVTT ? parts[1].count == 3 : (1...3).contains(parts[1].count) else { return nil }
    let fields = parts[0].split(separator: ":", omittingEmptySubsequences: false)
    guard (2...3).contains(fields.count), fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
    let numbers = fields.compactMap { Int64($0) }
    guard numbers.count == fields.count else { return nil }
    let (h, m, sec) = numbers.count == 3 ? (numbers[0], numbers[1], numbers[2]) : (0, numbers[0], numbers[1])
    guard m < 60, sec < 60, Double(h) * 3600 < SubtitleCue.latestSeconds else { return nil }
    if strictVTT {
        guard fields.last!.count == 2, fields[fields.count - 2].count == 2, numbers.count == 2 || fields[0].count >= 2 else { return nil }
    }
    let millis = fraction * [100, 10, 1][parts[1].count - 1]
    return MediaTime(value: ((h * 60 + m) * 60 + sec) * 1000 + millis, timescale: 1000)
}

/// SubRip (.srt): numbered blocks, `00:01:02,500 --> 00:01:04,000`, then the text.
public enum SRTParser {
    public static func parse(_ text: String, source: String) -> ([SubtitleCue], [SubtitleParseError]) {
        var cues: [SubtitleCue] = []
        var errors: [SubtitleParseError] = []
        NumberedLines(text).forEachBlock { whole, lines in
            for (first, block) in splitAtTimingLines(whole, lines, strictVTT: false) {
                var index = 0
                if !block[0].contains("-->") {
                    guard block[0].trimmingCharacters(in: .whitespaces).allSatisfy(\.isNumber), block.count > 1 else {
                        errors.append(SubtitleParseError(line: first, message: "expected a cue number or a timing line, found '\(block[0].prefix(40))'"))
                        continue
                    }
                    index = 1
                }
                let timingLine = first + index
                let timing = block[index]
                guard let arrow = timing.range(of: "-->") else {
                    errors.append(SubtitleParseError(line: timingLine, message: "expected a timing line ('00:00:01,000 --> 00:00:02,000'), found '\(timing.prefix(40))'"))
                    continue
                }
                let endField = timing[arrow.upperBound...].trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? ""
                guard let start = parseClock(timing[..<arrow.lowerBound], strictVTT: false), let end = parseClock(endField, strictVTT: false) else {
                    errors.append(SubtitleParseError(line: timingLine, message: "cannot read the times in '\(timing.prefix(60))'"))
                    continue
                }
                let body = block[(index + 1)...].map { visibleText(String($0)) }.joined(separator: "\n")
                cues.append(SubtitleCue(source: source, number: cues.count + 1, start: start, end: end, text: body))
            }
        }
        return (cues, errors)
    }
}

/// WebVTT (.vtt): a `WEBVTT` header, then cues (`[id]`, `mm:ss.fff --> mm:ss.fff [settings]`,
/// text); NOTE, STYLE and REGION blocks are skipped.
public enum WebVTTParser {
    public static func parse(_ text: String, source: String) -> ([SubtitleCue], [SubtitleParseError]) {
        let lines = NumberedLines(text)
        let head = lines.first
        guard head.hasPrefix("WEBVTT"), head.count == 6 || [" ", "\t"].contains(head[head.index(head.startIndex, offsetBy: 6)]) else {
            return ([], [SubtitleParseError(line: 1, message: "a WebVTT file starts with 'WEBVTT'")])
        }
        var cues: [SubtitleCue] = []
        var errors: [SubtitleParseError] = []
        var n = -1
        lines.forEachBlock { blockStart, whole in
            n += 1
            var cueBlocks: [(Int, [Substring])]
            if n == 0 {
                // The header block, up to a line with "-->": the first cue, when no blank line came before it.
                guard let t = whole.dropFirst().firstIndex(where: { $0.contains("-->") }) else { return }
                cueBlocks = splitAtTimingLines(blockStart + t, Array(whole[t...]), strictVTT: true)
            } else {
                let kind = whole[0].split(separator: " ").first.map(String.init) ?? ""
                if ["NOTE", "STYLE", "REGION"].contains(kind) || whole[0] == "NOTE" { return }
                cueBlocks = splitAtTimingLines(blockStart, whole, strictVTT: true)
            }
            for (first, block) in cueBlocks {
                var index = 0
                if !block[0].contains("-->") { index = 1 }
                guard index < block.count, let arrow = block[index].range(of: "-->") else {
                    let at = min(index, block.count - 1)
                    errors.append(SubtitleParseError(line: first + at, message: "expected a cue timing line ('00:01.000 --> 00:02.000'), found '\(block[at].prefix(40))'"))
                    continue
                }
                let timing = block[index]
                // The end timestamp is as long as its syntax; what follows is the settings, with or
                // without a space before them (the W3C parser: "00:01.000line:40%" is a cue).
                let endField = Substring(timing[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
                    .prefix { $0.isASCII && ($0.isNumber || $0 == ":" || $0 == ".") })
                guard let start = parseClock(timing[..<arrow.lowerBound], strictVTT: true), let end = parseClock(endField, strictVTT: true) else {
                    errors.append(SubtitleParseError(line: first + index, message: "cannot read the times in '\(timing.prefix(60))'"))
                    continue
                }
                let body = block[(index + 1)...].map { visibleText(String($0)) }.joined(separator: "\n")
                cues.append(SubtitleCue(source: source, number: cues.count + 1, start: start, end: end, text: body))
            }
        }
        return (cues, errors)
    }
}
