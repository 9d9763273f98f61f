
/// One subtitle as checkers see it, whether it came from a stream inside the media file or
/// from a sidecar file: when it is on screen and what it says.
public struct SubtitleCue: Sendable, Hashable, Codable {
    /// Where the cue came from: "stream 2" or a sidecar's file name.
    public var source: String
    /// Position in its source, from 1.
    public var number: Int
    public var start: MediaTime
    /// End of display, exclusive.
    public var end: MediaTime
    /// Plain text; lines separated by "\n". Empty for bitmap subtitles.
    public var text: String
    public var isBitmap: Bool

    public init(source: String, number: Int, start: MediaTime, end: MediaTime, text: String, isBitmap: Bool = false) {
        self.source = source
        self.number = number
        self.start = start
        self.end = end
        self.text = text
        self.isBitmap = isBitmap
    }

    /// The latest time a subtitle file may give: 10 000 hours. A later time is a damaged or
    /// hostile file (no programme runs that long), and its arithmetic in ticks could overflow,
    /// so parsers refuse it as an unreadable time.
    public static let latestSeconds: Double = 36_000_000

    public var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    public var duration: MediaTime { end - start }
}

/// A line of a subtitle file the parser could not read, and why.
public struct SubtitleParseError: Sendable, Hashable, Codable {
    /// 1-based line in the file (after decoding the text).
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// A subtitle file as read: its cues, what could not be read, and what was assumed.
public struct SubtitleDocument: Sendable, Hashable {
    /// The file's name, as findings name it.
    public var source: String
    /// "SubRip", "WebVTT".
    public var format: String
    /// The text encoding assumed ("UTF-8", "UTF-16LE with BOM", "Windows-1251 (detected)").
    public var encoding: String
    /// A programme offset subtracted from every time (seconds), e.g. a 10:00:00:00 start.
    public var offsetSeconds: Double
    public var cues: [SubtitleCue]
    public var errors: [SubtitleParseError]

    public init(source: String, format: String, encoding: String, offsetSeconds: Double = 0, cues: [SubtitleCue], errors: [SubtitleParseError]) {
        self.source = source
        self.format = format
        self.encoding = encoding
        self.offsetSeconds = offsetSeconds
        self.cues = cues
        self.errors = errors
    }
}
