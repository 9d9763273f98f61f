/// What `greenlight probe` reports about a file: the container and every stream.
public struct MediaInfo: Sendable, Hashable, Codable {
    public var path: String
    /// libavformat's short name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mxf").
    public var container: String
    public var containerLongName: String?
    /// Seconds, when the container declares it.
    public var duration: Double?
    /// True when `duration` is only estimated from the bit rate (so it cannot show truncation).
    public var durationIsEstimate: Bool?
    /// Bits per second, when known.
    public var bitRate: Int64?
    /// The container's start time in seconds.
    public var startTime: Double?
    /// The programme's first timecode label, from a tmcd track or "timecode" metadata.
    public var startTimecode: String?
    public var streams: [StreamInfo]

    public init(path: String, container: String, containerLongName: String? = nil, duration: Double? = nil,
                bitRate: Int64? = nil, startTime: Double? = nil, startTimecode: String? = nil, streams: [StreamInfo]) {
        self.path = path
        self.container = container
        self.containerLongName = containerLongName
        self.duration = duration
        self.bitRate = bitRate
        self.startTime = startTime
        self.startTimecode = startTimecode
        self.streams = streams
    }

    /// The stream Greenlight measures pictures on: the first video stream that is not cover art.
    public var primaryVideo: StreamInfo? {
        streams.first { $0.type == .video && !($0.disposition?.contains("attached_pic") ?? false) }
    }
    public var audioStreams: [StreamInfo] { streams.filter { $0.type == .audio } }
}

public enum StreamType: String, Sendable, Hashable, Codable {
    case video, audio, subtitle, data, attachment, unknown
}

/// One stream of a container. Fields that do not apply to a stream's type are absent.
public struct StreamInfo: Sendable, Hashable, Codable {
    public var index: Int
    public var type: StreamType
    public var codec: String
    public var codecLongName: String?
    public var profile: String?
    public var timeBase: Rational
    public var startTime: Double?
    public var duration: Double?
    public var bitRate: Int64?
    /// Frames (video) declared by the container, when it declares them.
    public var frameCount: Int64?
    public var language: String?
    public var title: String?
    /// Disposition flags that are set: "default", "forced", "hearing_impaired", …
    public var disposition: [String]?
    public var timecode: String?

    // Video
    public var width: Int?
    public var height: Int?
    public var sampleAspectRatio: Rational?
    public var displayAspectRatio: Rational?
    /// The real base frame rate (`r_frame_rate`).
    public var frameRate: Rational?
    /// The average frame rate over the stream (`avg_frame_rate`).
    public var averageFrameRate: Rational?
    /// progressive, tt (top field first), bb, tb, bt.
    public var fieldOrder: String?
    public var pixelFormat: String?
    public var bitDepth: Int?
    public var colorPrimaries: String?
    public var colorTransfer: String?
    public var colorMatrix: String?
    /// "tv" (limited) or "pc" (full).
    public var colorRange: String?
    /// The colour description the container itself states (the MP4/MOV `colr` box), read
    /// apart from FFmpeg's merged view above; nil where the container states none.
    public var containerColour: DeclaredColour?
    /// HDR metadata the container declares for the stream (frames may carry their own).
    public var masteringDisplay: MasteringDisplay?
    public var contentLight: ContentLightLevel?
    /// The Dolby Vision configuration the container declares, when it declares one.
    public var dolbyVision: DolbyVisionConfiguration?

    // Audio
    public var sampleRate: Int?
    public var channels: Int?
    public var channelLayout: String?
    /// Short names of each channel ("FL", "FR", "LFE"), when the layout names them.
    public var channelNames: [String]?
    public var sampleFormat: String?
    /// Samples per channel declared by the container, when known.
    public var sampleCount: Int64?
    /// Samples per coded audio frame (1024 for AAC, 1152 for MP3, 1536 for AC-3) when the codec
    /// has a fixed one: the stream's time granularity, below which a lossy decode blurs edges.
    public var frameSize: Int?

    public init(index: Int, type: StreamType, codec: String, timeBase: Rational) {
        self.index = index
        self.type = type
        self.codec = codec
        self.timeBase = timeBase
    }

    /// The rate frames are numbered at. A SMPTE rate wins: the base rate (`r_frame_rate`) when it
    /// is one, else the average rate when it is one, else the SMPTE rate within 0.1% of the
    /// average (a 29.97 file missing one frame averages a hair under 29.97 and is still 29.97).
    /// Only when none fits (24.613 fps, variable rate) is the average itself used.
    public var numberingRate: Rational? {
        let average = averageFrameRate.flatMap { $0.isValid && $0.numerator > 0 ? $0 : nil }
        let base = frameRate.flatMap { $0.isValid && $0.numerator > 0 ? $0 : nil }
        if let base, Timecode.isSMPTERate(base) { return base }
        if let average, Timecode.isSMPTERate(average) { return average }
        if let near = (average ?? base).flatMap(Timecode.nearestSMPTERate) { return near }
        return average ?? base
    }

    /// The rate timecode labels count in: the numbering rate when it is a SMPTE rate, else nil
    /// (such a stream is labelled with clock times, never an invented timecode).
    public var timecodeRate: Rational? {
        numberingRate.flatMap { Timecode.isSMPTERate($0) ? $0 : nil }
    }
}
