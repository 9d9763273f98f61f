import Foundation
import GreenlightValues

/// Reads a subtitle file into cues: the text encoding first (BOM, valid UTF-8, else a detected
/// Windows code page), then the format by its extension or its first line.
public enum SubtitleFile {
    public enum ReadError: Error, CustomStringConvertible {
        case unreadable(String, String)
        case unsupported(String, String)
        public var description: String {
            switch self {
            case .unreadable(let path, let why): return "cannot read the subtitle file \(path): \(why)"
            case .unsupported(let path, let what):
                return "\(path): \(what); it is none of the formats read (a WEBVTT header, SubRip's numbered cues with '-->', a TTML <tt> root, the SCC header 'Scenarist_SCC V1.0', an EBU STL GSI block)"
            }
        }
    }

    /// The extensions sidecars are looked for with (`.xml` only when named); any file named with
    /// `--subtitles` is read by what it holds, whatever its extension.
    public static let recognised = ["srt", "vtt", "webvtt", "ttml", "ttml2", "dfxp", "xml", "scc", "stl"]

    /// The formats read, recognised by their content.
    enum Format { case webVTT, subRip, ttml, scc, stl }

    /// An EBU STL file: a GSI block whose disk format code (byte 3) is STL25.01 or STL30.01.
    static func isSTL(_ data: Data) -> Bool {
        guard data.count >= 1024, let dfc = String(data: data.subdata(in: 3..<11), encoding: .ascii) else { return false }
        return dfc.hasPrefix("STL") && dfc.hasSuffix(".01")
    }

    /// The format a text says it holds in its first characters: the SCC header, a WEBVTT header,
    /// or an XML document whose root is TTML's `<tt>`.
    static func format(of text: String) -> Format? {
        let head = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if head.hasPrefix("Scenarist_SCC") { return .scc }
        if head.hasPrefix("WEBVTT") { return .webVTT }
        if head.hasPrefix("<") {
            // The root element: the first tag that is not a declaration, instruction or comment.
            var rest = head[...]
            while let open = rest.firstIndex(of: "<") {
                let tag = rest[open...]
                if tag.hasPrefix("<?") || tag.hasPrefix("<!") {
                    guard let close = tag.firstIndex(of: ">") else { return nil }
                    rest = tag[tag.index(after: close)...]
                    continue
                }
                let name = tag.dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
                return name == "tt" || name.hasSuffix(":tt") ? .ttml : nil
            }
            return nil
        }
        return nil
    }

    /// SubRip by its first cue (a number, then a timing line with `-->`): weaker than a header,
    /// so asked only when neither the content nor the extension names a format.
    static func looksLikeSubRip(_ text: String) -> Bool {
        let lines = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.split(whereSeparator: \.isNewline).prefix(2)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.count == 2 && !lines[0].isEmpty && lines[0].allSatisfy(\.isNumber) && lines[1].contains("-->")
    }

    /// Subtitle files are text (or STL's small blocks): a real one is well under a megabyte, a
    /// feature's worth of cues a few. Anything larger is refused before it is read.
    public static let maximumBytes = 64 << 20

    /// At most this many cues are read from one file: a day of continuous captioning is about
    /// 30 000, a feature 1 500. Counted before parsing (timing lines, `<p>` elements, STL text
    /// blocks, SCC lines), so a file made to exhaust memory (a million cues in 30 MB) is refused
    /// in a fraction of a second instead of taking gigabytes and minutes of a shared service.
    public static let maximumCues = 200_000

    /// How many cues the file can hold at most, counted without parsing it.
    static func cueBound(_ kind: Format, text: String, data: Data) -> Int {
        func count(_ needle: String) -> Int {
            let n = Array(needle.utf8)
            var found = 0, matched = 0
            for byte in text.utf8 {
                if byte == n[matched] {
                    matched += 1
                    if matched == n.count { found += 1; matched = 0 }
                } else {
                    matched = byte == n[0] ? 1 : 0
                }
            }
            return found
        }
        switch kind {
        case .subRip, .webVTT: return count("-->")
        case .ttml: return count("<p") + count(":p ") + count(":p>")
        case .scc: return text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        case .stl: return max(0, data.count - 1024) / 128
        }
    }

    public static func read(path: String) throws -> SubtitleDocument {
        let data: Data
        do {
            data = try InputFile.contents(path, limit: maximumBytes, kind: "a subtitle file")
        } catch {
            throw ReadError.unreadable(path, error.description)
        }
        return try read(data, name: (path as NSString).lastPathComponent)
    }

    public static func read(_ data: Data, name: String) throws -> SubtitleDocument {
        let ext = (name as NSString).pathExtension.lowercased()
        // STL is binary: its text is only decoded when it is not STL.
        let stl = isSTL(data)
        let (text, encoding) = stl ? ("", "") : TextDecoding.decode(data)
        // What the file holds decides; the extension only where the content says nothing (a
        // damaged file is read as what its name says, and its errors say where it fails).
        let byName: [String: Format] = ["srt": .subRip, "vtt": .webVTT, "webvtt": .webVTT, "ttml": .ttml, "ttml2": .ttml, "dfxp": .ttml,
                                        "xml": .ttml, "scc": .scc, "stl": .stl]
        guard let kind = stl ? .stl : format(of: text) ?? byName[ext] ?? (looksLikeSubRip(text) ? .subRip : nil) else {
            throw ReadError.unsupported(name, "the content is not a subtitle format greenlight knows, nor does the extension '.\(ext)' say one")
        }
        let bound = cueBound(kind, text: text, data: data)
        guard bound <= maximumCues else {
            throw ReadError.unreadable(name, "it holds up to \(bound) cues, over the \(maximumCues) greenlight reads from one file (a day of continuous captioning is about 30 000): refused unread; split it")
        }
        switch kind {
        case .subRip, .webVTT:
            let isVTT = kind == .webVTT
            let (cues, errors) = isVTT ? WebVTTParser.parse(text, source: name) : SRTParser.parse(text, source: name)
            return SubtitleDocument(source: name, format: isVTT ? "WebVTT" : "SubRip", encoding: encoding, cues: cues, errors: errors)
        case .ttml:
            // The XML parser gets clean UTF-8 only: text decoded as above (invalid bytes replaced,
            // NULs dropped), its XML declaration (which may name another encoding) removed.
            // FoundationXML traps on some malformed byte sequences; this keeps any input from
            // crashing the run.
            var xml = text.replacingOccurrences(of: "\u{0}", with: "")
            if xml.hasPrefix("<?xml"), let close = xml.range(of: "?>") { xml = String(xml[close.upperBound...]) }
            let (cues, errors, offset) = TTMLParser.parse(Data(xml.utf8), source: name)
            return SubtitleDocument(source: name, format: "TTML", encoding: "XML (\(encoding))", offsetSeconds: offset, cues: cues, errors: errors)
        case .scc:
            let (cues, errors, offset) = SCCParser.parse(text, source: name)
            return SubtitleDocument(source: name, format: "SCC (CEA-608)", encoding: encoding, offsetSeconds: offset, cues: cues, errors: errors)
        case .stl:
            let (cues, errors, offset, encoding) = STLParser.parse(data, source: name)
            return SubtitleDocument(source: name, format: "EBU STL", encoding: encoding, offsetSeconds: offset, cues: cues, errors: errors)
        }
    }
}

/// Bytes to text, saying what was assumed.
public enum TextDecoding {
    public static func decode(_ data: Data) -> (String, String) {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            return (String(decoding: data.dropFirst(3), as: UTF8.self), "UTF-8 with BOM")
        }
        if data.starts(with: [0xFF, 0xFE]), let s = String(data: data.dropFirst(2), encoding: .utf16LittleEndian) {
            return (s, "UTF-16LE with BOM")
        }
        if data.starts(with: [0xFE, 0xFF]), let s = String(data: data.dropFirst(2), encoding: .utf16BigEndian) {
            return (s, "UTF-16BE with BOM")
        }
        // Validated in one pass, without a copy of the bytes (a 60 MB file is one 60 MB string).
        if let s = String(validating: data, as: UTF8.self) { return (s, "UTF-8") }
        // Not UTF-8: the Windows code page whose letters the high bytes most look like.
        let candidates: [(String.Encoding, String, Set<Character>)] = [
            (.windowsCP1251, "Windows-1251", Set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")),
            (.windowsCP1250, "Windows-1250", Set("čćžšđČĆŽŠĐřěůŘĚŮłŁńŃśŚźŹżŻąĄęĘőŐűŰ")),
            (.windowsCP1252, "Windows-1252", Set("éèàçêôûîïœâëùÉÈÀÇÊÔÛÎÏŒÂËÙñÑáíóúÁÍÓÚüÜöÖäÄß¿¡")),
        ]
        var best: (String, String, Int)?
        for (encoding, name, letters) in candidates {
            guard let s = String(data: data, encoding: encoding) else { continue }
            // A Cyrillic word is all high bytes; an accented Latin letter sits among ASCII ones
            // (É in French text is Й in Windows-1251, but "ЙVЙNEMENTS" is not a word).
            let chars = Array(s)
            var score = 0
            for (i, c) in chars.enumerated() where letters.contains(c) {
                let neighbours = [i > 0 ? chars[i - 1] : " ", i + 1 < chars.count ? chars[i + 1] : " "]
                let cyrillic = name == "Windows-1251"
                if neighbours.contains(where: { cyrillic ? letters.contains($0) : ($0.isASCII && $0.isLetter) }) { score += 1 }
            }
            if best == nil || score > best!.2 { best = (s, name, score) }
        }
        if let best { return (best.0, "\(best.1) (detected)") }
        return (String(decoding: data, as: UTF8.self), "UTF-8 (invalid bytes replaced)")
    }
}
