import Foundation
import GreenlightValues

/// EBU STL (Tech 3264): a 1024-byte GSI block, then 128-byte TTI blocks. Times are time codes at
/// the disk format's rate (STL25.01: 25 fps, STL30.01: 30), less the start-of-programme time code
/// (TCP), which the document reports as its programme offset. Text is ISO 6937 (Latin, with
/// non-spacing diacritics before their letter) or ISO 8859-5 (Cyrillic), per the GSI's code
/// table; teletext colour and size codes read as the spaces they occupy, 0x8A breaks a line. Comment blocks are
/// skipped, extension blocks joined. Parse errors name the TTI block (counted from 1) as their line.
public enum STLParser {
    public static func parse(_ data: Data, source: String) -> (cues: [SubtitleCue], errors: [SubtitleParseError], offset: Double, encoding: String) {
        let bytes = [UInt8](data)
        guard bytes.count >= 1024 else {
            return ([], [SubtitleParseError(line: 0, message: "an EBU STL file starts with a 1024-byte GSI block; this one has \(bytes.count) bytes")], 0, "unknown")
        }
        func ascii(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        var errors: [SubtitleParseError] = []
        let dfc = ascii(3..<11)
        let rate: Int
        switch dfc {
        case "STL25.01": rate = 25
        case "STL30.01": rate = 30
        default:
            rate = 25
            errors.append(SubtitleParseError(line: 0, message: "unknown disk format code '\(dfc.prefix(8))' (STL25.01 or STL30.01); read at 25 fps"))
        }
        let table = ascii(12..<14)
        let cyrillic = table == "01"
        if !["00", "01", ""].contains(table) {
            errors.append(SubtitleParseError(line: 0, message: "character code table '\(table)' is not read (Latin and Cyrillic are); its letters may be wrong"))
        }
        /// Seconds of an 8-character "HHMMSSFF" time code in the GSI.
        func gsiTime(_ at: Int) -> Double? {
            let t = ascii(at..<(at + 8))
            let d = t.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
            guard d.count == 8, t.count == 8 else { return nil }
            let h = d[0] * 10 + d[1], m = d[2] * 10 + d[3], s = d[4] * 10 + d[5], f = d[6] * 10 + d[7]
            guard m < 60, s < 60, f < rate else { return nil }
            return Double(h * 3600 + m * 60 + s) + Double(f) / Double(rate)
        }
        let programmeStart = gsiTime(256) ?? 0

        var cues: [SubtitleCue] = []
        var pending: (number: Int, start: Double, end: Double, text: String, block: Int)?
        func emit(_ p: (number: Int, start: Double, end: Double, text: String, block: Int)) {
            let lines = p.text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }.filter { !$0.isEmpty }
            cues.append(SubtitleCue(source: source, number: cues.count + 1, start: MediaTime(seconds: p.start - programmeStart),
                                    end: MediaTime(seconds: p.end - programmeStart), text: lines.joined(separator: "\n")))
        }
        // A subtitle whose extension blocks never reach the last one (EBN FF) is kept as it
        // stands, and said: nothing read is dropped in silence.
        func unfinished(_ p: (number: Int, start: Double, end: Double, text: String, block: Int), _ why: String) {
            errors.append(SubtitleParseError(line: p.block, message: "TTI block \(p.block): subtitle \(p.number) has no last extension block (EBN FF) \(why); read as it stands"))
            emit(p)
        }
        var block = 0
        var at = 1024
        while at + 128 <= bytes.count {
            block += 1
            let tti = Array(bytes[at..<(at + 128)])
            at += 128
            let extensionNumber = tti[3]
            let comment = tti[15] == 1
            if extensionNumber == 0xFE { continue }  // user data
            func time(_ o: Int) -> Double? {
                let h = Int(tti[o]), m = Int(tti[o + 1]), s = Int(tti[o + 2]), f = Int(tti[o + 3])
                guard m < 60, s < 60, f < rate else { return nil }
                return Double(h * 3600 + m * 60 + s) + Double(f) / Double(rate)
            }
            guard let tin = time(5), let tout = time(9) else {
                errors.append(SubtitleParseError(line: block, message: "TTI block \(block): a time code that does not read (minutes or seconds over 59, or frames over \(rate - 1))"))
                continue
            }
            let subtitleNumber = Int(tti[1]) | Int(tti[2]) << 8
            let text = decodeText(Array(tti[16..<128]), cyrillic: cyrillic)
            if comment { continue }
            if var p = pending, p.number == subtitleNumber {
                p.text += text
                pending = p
            } else {
                if let p = pending { unfinished(p, "before subtitle \(subtitleNumber) starts in block \(block)") }
                pending = (subtitleNumber, tin, tout, text, block)
            }
            if extensionNumber == 0xFF, let p = pending {
                emit(p)
                pending = nil
            }
        }
        if let p = pending { unfinished(p, "before the file ends") }
        if at < bytes.count {
            errors.append(SubtitleParseError(line: block + 1, message: "\(bytes.count - at) bytes after the last whole TTI block"))
        }
        return (cues, errors, programmeStart, cyrillic ? "ISO 8859-5 (STL code table 01)" : "ISO 6937 (STL code table 00)")
    }

    /// The text field: teletext control codes dropped, 0x8A a line break, 0x8F filler.
    static func decodeText(_ field: [UInt8], cyrillic: Bool) -> String {
        var out = String.UnicodeScalarView()
        var accent: UInt32?
        for b in field {
            switch b {
            case 0x8F: continue
            case 0x8A: out.append("\n")
            case 0x00...0x1F: out.append(" ")  // teletext colour and size codes take a character cell
            case 0x7F...0x9F: continue  // italics, underline, boxing switches
            case 0x20...0x7E:
                out.append(Unicode.Scalar(b))
                if let a = accent { out.append(Unicode.Scalar(a)!); accent = nil }
            default:
                if cyrillic {
                    if let s = cyrillicScalar(b) { out.append(s) }
                } else if (0xC1...0xCF).contains(b) {
                    // ISO 6937 non-spacing diacritics come before their letter.
                    let marks: [UInt8: UInt32] = [0xC1: 0x300, 0xC2: 0x301, 0xC3: 0x302, 0xC4: 0x303, 0xC5: 0x304, 0xC6: 0x306,
                                                  0xC7: 0x307, 0xC8: 0x308, 0xCA: 0x30A, 0xCB: 0x327, 0xCD: 0x30B, 0xCE: 0x328, 0xCF: 0x30C]
                    accent = marks[b]
                } else if let s = latinScalar(b) {
                    out.append(s)
                }
            }
        }
        return String(out).precomposedStringWithCanonicalMapping
    }

    private static func latinScalar(_ b: UInt8) -> Unicode.Scalar? {
        let table: [UInt8: UInt32] = [0xA1: 0xA1, 0xA2: 0xA2, 0xA3: 0xA3, 0xA5: 0xA5, 0xA7: 0xA7, 0xAB: 0xAB, 0xB0: 0xB0, 0xB1: 0xB1,
                                      0xB2: 0xB2, 0xB3: 0xB3, 0xB5: 0xB5, 0xBB: 0xBB, 0xBF: 0xBF, 0xE1: 0xC6, 0xE2: 0x110, 0xE8: 0x141,
                                      0xE9: 0xD8, 0xEA: 0x152, 0xF1: 0xE6, 0xF2: 0x111, 0xF3: 0xF0, 0xF8: 0x142, 0xF9: 0xF8, 0xFA: 0x153,
                                      0xFB: 0xDF, 0xFC: 0xFE, 0xA0: 0xA0]
        return table[b].flatMap(Unicode.Scalar.init)
    }

    private static func cyrillicScalar(_ b: UInt8) -> Unicode.Scalar? {
        switch b {
        case 0xA0: return Unicode.Scalar(0xA0)
        case 0xA1...0xAC: return Unicode.Scalar(UInt32(b) - 0xA0 + 0x400)
        case 0xAE...0xFF where b != 0xF0 && b != 0xFD: return Unicode.Scalar(UInt32(b) - 0xA0 + 0x400)
        default: return nil
        }
    }
}
