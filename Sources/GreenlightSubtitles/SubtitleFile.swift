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
            case .unsupported(let path, let what): return "\(path): \(what) subtitles are not read yet (SubRip, WebVTT, TTML, EBU STL and SCC are)"
            }
        }
    }

    /// The extensions read; sidecars are looked for with these (`.xml` only when named).
    public static let recognised = ["srt", "vtt", "ttml", "dfxp", "xml", "scc", "stl"]

    /// Subtitle files are text (or STL's small blocks): a real one is well under a megabyte, a
    /// feature's worth of cues a few. Anything larger is refused before it is read.
    public static let maximumBytes = 64 << 20

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
        let (text, encoding) = TextDecoding.decode(data)
        let isVTT = ext == "vtt" || text.hasPrefix("WEBVTT")
        switch ext {
        case "srt", "vtt", "txt", "":
            let (cues, errors) = isVTT ? WebVTTParser.parse(text, source: name) : SRTParser.parse(text, source: name)
            return SubtitleDocument(source: name, format: isVTT ? "WebVTT" : "SubRip", encoding: encoding, cues: cues, errors: errors)
        case "ttml", "dfxp", "xml":
            // The XML parser gets clean UTF-8 only: text decoded as above (invalid bytes replaced,
            // NULs dropped), its XML declaration (which may name another encoding) removed.
            // FoundationXML traps on some malformed byte sequences; this keeps any input from
            // crashing the run.
            var xml = text.replacingOccurrences(of: "\u{0}", with: "")
            if xml.hasPrefix("<?xml"), let close = xml.range(of: "?>") { xml = String(xml[close.upperBound...]) }
            let (cues, errors, offset) = TTMLParser.parse(Data(xml.utf8), source: name)
            return SubtitleDocument(source: name, format: "TTML", encoding: "XML (\(encoding))", offsetSeconds: offset, cues: cues, errors: errors)
        case "scc":
            let (cues, errors, offset) = SCCParser.parse(text, source: name)
            return SubtitleDocument(source: name, format: "SCC (CEA-608)", encoding: encoding, offsetSeconds: offset, cues: cues, errors: errors)
        case "stl":
            let (cues, errors, offset, encoding) = STLParser.parse(data, source: name)
            return SubtitleDocument(source: name, format: "EBU STL", encoding: encoding, offsetSeconds: offset, cues: cues, errors: errors)
        default: throw ReadError.unsupported(name, "'.\(ext)'")
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
