import Foundation
import GreenlightValues

/// Scenarist SCC: CEA-608 byte pairs (odd parity) at 29.97 fps, a time code per line (`;` before
/// the frames is drop-frame, `:` non-drop, converted exactly). Every pair takes one frame to
/// send, so a command's time is its line's time code plus its place on the line. Only caption
/// channel 1 is read.
///
/// Display time, not transmission time: a pop-on caption (RCL … EOC) appears at its End Of
/// Caption and goes at the next Erase Displayed Memory or the next EOC that replaces it; a
/// roll-up (RU2–RU4) or paint-on (RDC) line appears with its first character and goes when it
/// is erased or rolls out of its window. A file starting at 01:00:00:00 (tape start) or later
/// has the hour subtracted, and says so.
public enum SCCParser {
    static let rate = Rational(30000, 1001)

    public static func parse(_ text: String, source: String) -> (cues: [SubtitleCue], errors: [SubtitleParseError], offset: Double) {
        let lines = NumberedLines(text)
        guard lines.first.hasPrefix("Scenarist_SCC V1.0") else {
            return ([], [SubtitleParseError(line: 1, message: "an SCC file starts with 'Scenarist_SCC V1.0'")], 0)
        }
        var errors: [SubtitleParseError] = []
        var state = Decoder(source: source)
        var previous: (frame: Int64, label: String)?
        lines.forEachLine { number, raw in
            let i = number - 1
            guard i > 0 else { return }
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { return }
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard let tcField = fields.first, let tc = Timecode(parsing: String(tcField), rate: rate) else {
                errors.append(SubtitleParseError(line: i + 1, message: "expected a time code (00:00:01;02) at the start of the line, found '\(line.prefix(20))'"))
                return
            }
            // Each line's pairs are sent from its time code on: one earlier than the pairs before
            // it is a time code going backwards, and what it takes down may never have appeared.
            if let previous, tc.frameCount < previous.frame {
                errors.append(SubtitleParseError(line: i + 1, message: "the time code \(tcField) is before the previous line's last pair (\(previous.label)): the file's time codes go backwards here"))
            }
            state.line = i + 1
            let words = fields.dropFirst()
            if !words.isEmpty {
                previous = (tc.frameCount + Int64(words.count - 1), String(tcField))
            }
            for (k, word) in words.enumerated() {
                guard word.count == 4, let value = UInt16(word, radix: 16) else {
                    errors.append(SubtitleParseError(line: i + 1, message: "'\(word.prefix(8))' is not a 4-digit hex byte pair"))
                    continue
                }
                let frame = tc.frameCount + Int64(k)
                state.feed(UInt8(value >> 8) & 0x7F, UInt8(value & 0xFF) & 0x7F, at: MediaTime(value: frame * 1001, timescale: 30000))
            }
        }
        state.finish()
        errors += state.errors
        errors.sort { $0.line < $1.line }
        var cues = state.cues.sorted { $0.start < $1.start }
        var offset = 0.0
        if let start = cues.first?.start.seconds, start >= 3600 {
            offset = (start / 3600).rounded(.down) * 3600
            let o = MediaTime(seconds: offset)
            cues = cues.map { var c = $0; c.start = c.start - o; c.end = c.end - o; return c }
        }
        for i in cues.indices { cues[i].number = i + 1 }
        return (cues, errors, offset)
    }

    struct Decoder {
        enum Mode { case popOn, rollUp(Int), paintOn }
        let source: String
        var mode = Mode.popOn
        var loading: [String] = [""]          // non-displayed memory (pop-on)
        var shown: (lines: [String], since: MediaTime, line: Int)?  // displayed pop-on caption
        var rolling: [(text: String, since: MediaTime, line: Int)] = []  // displayed roll-up / paint-on rows
        var cues: [SubtitleCue] = []
        /// Captions that cannot be shown (taken down before they appear), by the line that showed them.
        var errors: [SubtitleParseError] = []
        /// The line whose pairs are being fed.
        var line = 0
        var lastControl: (UInt8, UInt8)?
        var ignoreChannel2 = false

        init(source: String) { self.source = source }

        /// A cue for a caption shown from `start` (by the pairs on `line`) until `end`; one taken
        /// down at or before it appears cannot be shown, and is a parse error naming its line.
        mutating func emit(_ text: String, _ start: MediaTime, _ end: MediaTime, line shownOn: Int) {
            let t = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n")
            guard !t.isEmpty else { return }
            if end > start {
                cues.append(SubtitleCue(source: source, number: cues.count + 1, start: start, end: end, text: t))
            } else {
                let quoted = t.replacingOccurrences(of: "\n", with: " / ")
                errors.append(SubtitleParseError(line: shownOn, message: "the caption \"\(quoted.prefix(40))\" appears at \(formatSeconds(start.seconds)) and is taken down at \(formatSeconds(end.seconds)) (line \(line)), \(end == start ? "the same moment" : "before it appears"): it is never shown"))
            }
        }

        mutating func eraseDisplayed(_ t: MediaTime) {
            if let s = shown { emit(s.lines.joined(separator: "\n"), s.since, t, line: s.line) }
            shown = nil
            for r in rolling { emit(r.text, r.since, t, line: r.line) }
            rolling = []
        }

        mutating func write(_ s: String, at t: MediaTime) {
            switch mode {
            case .popOn:
                loading[loading.count - 1] += s
            case .rollUp, .paintOn:
                if rolling.isEmpty { rolling.append(("", t, line)) }
                if rolling[rolling.count - 1].text.isEmpty { rolling[rolling.count - 1].since = t; rolling[rolling.count - 1].line = line }
                rolling[rolling.count - 1].text += s
            }
        }

        /// The time of the last pair read.
        var lastTime = MediaTime.zero

        mutating func feed(_ a: UInt8, _ b: UInt8, at t: MediaTime) {
            lastTime = t
            if a == 0 && b == 0 { return }
            if (0x10...0x1F).contains(a) {
                // Commands are sent twice; the repeat is ignored.
                if let last = lastControl, last == (a, b) { lastControl = nil; return }
                lastControl = (a, b)
                ignoreChannel2 = a >= 0x18
                if ignoreChannel2 { return }
                control(a, b, at: t)
                return
            }
            lastControl = nil
            if ignoreChannel2 { return }
            write(Self.basic(a) + (b >= 0x20 ? Self.basic(b) : ""), at: t)
        }

        mutating func control(_ a: UInt8, _ b: UInt8, at t: MediaTime) {
            switch (a, b) {
            case (0x14, 0x20), (0x15, 0x20): mode = .popOn  // RCL
            case (0x14, 0x25), (0x14, 0x26), (0x14, 0x27):  // RU2-RU4
                mode = .rollUp(Int(b) - 0x23)
            case (0x14, 0x29): mode = .paintOn  // RDC
            case (0x14, 0x2C): eraseDisplayed(t)  // EDM
            case (0x14, 0x2E): loading = [""]  // ENM
            case (0x14, 0x2F):  // EOC: swap memories, the loaded caption shows now
                if let s = shown { emit(s.lines.joined(separator: "\n"), s.since, t, line: s.line) }
                let loaded = loading.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                shown = loaded.isEmpty ? nil : (loaded, t, line)
                loading = [""]
            case (0x14, 0x2D):  // CR: roll up
                if case .rollUp(let rows) = mode {
                    rolling.append(("", t, line))
                    while rolling.count > rows {
                        let gone = rolling.removeFirst()
                        emit(gone.text, gone.since, t, line: gone.line)
                    }
                }
            case (0x14, 0x21):  // backspace
                if case .popOn = mode, !loading[loading.count - 1].isEmpty { loading[loading.count - 1].removeLast() }
            case (0x11, 0x30...0x3F):  // special characters
                write(Self.special[Int(b - 0x30)], at: t)
            case (0x12, 0x20...0x3F), (0x13, 0x20...0x3F):  // extended characters replace the one before
                if case .popOn = mode, !loading[loading.count - 1].isEmpty { loading[loading.count - 1].removeLast() }
                write(Self.extended[Int(a - 0x12) * 32 + Int(b - 0x20)], at: t)
            case (0x11...0x17, 0x40...0x7F), (0x10, 0x40...0x5F):  // preamble address: a new row
                if case .popOn = mode, !loading[loading.count - 1].isEmpty { loading.append("") }
            case (0x11, 0x20...0x2F):  // mid-row style codes occupy a space
                write(" ", at: t)
            default:
                break
            }
        }

        mutating func finish() {
            // Whatever is still on screen at the end has no erase: it ends with the last pair sent.
            let end = max(cues.map(\.end).max() ?? .zero, lastTime)
            var open = rolling.map { ($0.text, $0.since, $0.line) }
            if let s = shown { open.insert((s.lines.joined(separator: "\n"), s.since, s.line), at: 0) }
            for (text, since, shownOn) in open {
                if end > since { emit(text, since, end, line: shownOn); continue }
                let t = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " / ")
                if !t.isEmpty {
                    errors.append(SubtitleParseError(line: shownOn, message: "the caption \"\(t.prefix(40))\" appears with the file's last pair and is never taken down: it has no time on screen"))
                }
            }
            shown = nil
            rolling = []
        }

        static func basic(_ c: UInt8) -> String {
            switch c {
            case 0x2A: return "á"
            case 0x5C: return "é"
            case 0x5E: return "í"
            case 0x5F: return "ó"
            case 0x60: return "ú"
            case 0x7B: return "ç"
            case 0x7C: return "÷"
            case 0x7D: return "Ñ"
            case 0x7E: return "ñ"
            case 0x7F: return "■"
            case 0x20...0x7E: return String(UnicodeScalar(c))
            default: return ""
            }
        }

        static let special = ["®", "°", "½", "¿", "™", "¢", "£", "♪", "à", " ", "è", "â", "ê", "î", "ô", "û"]
        static let extended = [
            "Á", "É", "Ó", "Ú", "Ü", "ü", "‘", "¡", "*", "'", "—", "©", "℠", "•", "“", "”",
            "À", "Â", "Ç", "È", "Ê", "Ë", "ë", "Î", "Ï", "ï", "Ô", "Ù", "ù", "Û", "«", "»",
            "Ã", "ã", "Í", "Ì", "ì", "Ò", "ò", "Õ", "õ", "{", "}", "\\", "^", "_", "|", "~",
            "Ä", "ä", "Ö", "ö", "ß", "¥", "¤", "¦", "Å", "å", "Ø", "ø", "┌", "┐", "└", "┘",
        ]
    }
}
