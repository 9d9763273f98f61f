/// The format a run of decoded audio shares: rate, channels and their layout. A stream may change
/// it mid-stream (an AC-3 5.1 programme cut to a stereo ad break).
public struct AudioFormat: Sendable, Hashable {
    public var sampleRate: Int
    public var channelCount: Int
    /// FFmpeg's description of the layout ("5.1(side)", "stereo"), nil when the order is unnamed.
    public var layout: String?
    /// Short channel names ("FL", "FR", "LFE"), nil when the layout does not name them.
    public var channelNames: [String]?
    /// The decoder's sample format ("fltp", "s16"): a change needs a new resampler too.
    public var sampleFormat: String

    public init(sampleRate: Int, channelCount: Int, layout: String?, channelNames: [String]?, sampleFormat: String) {
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.layout = layout
        self.channelNames = channelNames
        self.sampleFormat = sampleFormat
    }

    /// "5.1(side), 48000 Hz" / "2 channels, 44100 Hz".
    public var description: String {
        "\(layout ?? (channelCount == 1 ? "1 channel" : "\(channelCount) channels")), \(sampleRate) Hz"
    }
}
