import Foundation

/// Text helpers for subtitle events decoded by libavcodec.
public enum SubtitleText {
    /// The text of an ASS event line as libavcodec emits it
    /// (`ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`), with override
    /// blocks removed and `\N` turned into line breaks.
    public static func plain(fromASSEvent line: String) -> String {
        var fields = 0
        var textStart = line.startIndex
        for i in line.indices where line[i] == "," {
            fields += 1
            if fields == 8 { textStart = line.index(after: i); break }
        }
        var text = fields == 8 ? String(line[textStart...]) : line
        while let open = text.firstIndex(of: "{"), let close = text[open...].firstIndex(of: "}") {
            text.removeSubrange(open...close)
        }
        return text.replacingOccurrences(of: "\\N", with: "\n")
            .replacingOccurrences(of: "\\n", with: "\n")
            .replacingOccurrences(of: "\\h", with: " ")
    }
}
