
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

    public var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    public var duration: MediaTime { end - start }
}
