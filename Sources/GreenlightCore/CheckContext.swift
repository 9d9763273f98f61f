import GreenlightValues


/// What a checker knows about the file it checks before decoding starts, and the one way it
/// turns exact times into report positions (seconds, frame numbers and timecode).
public struct CheckContext: Sendable {
    public var path: String
    public var media: MediaInfo
    /// The picture stream, if the file has one.
    public var video: StreamInfo?
    /// The rate frames are numbered at (the video's), if there is video.
    public var frameRate: Rational?
    /// The timecode of the first frame (00:00:00:00 when the file declares none); nil when the
    /// frame rate is not a SMPTE rate, where positions read as clock times instead.
    public var startTimecode: Timecode?
    public var audioStreams: [StreamInfo]
    /// Shared-feature parameters in force (the black criterion).
    public var parameters: FeatureParameters
    /// Sidecar subtitle files read for this media file (their cues also arrive through
    /// `consume(cue:)`; here are their parse errors and the encoding assumed).
    public var subtitles: [SubtitleDocument] = []
    /// The reference file (`--reference`) when one was given and opened.
    public var reference: MediaInfo?
    /// With `--sound`: the production sound matched to this clip by timecode, laid on its time.
    public var productionSound: ProductionSoundMatch?
    /// Power spectra for analyzers that need them (the engine sets it; nil in a context made by hand).
    public var spectrum: SpectrumFactory?
    /// Set when only a time range of the file is checked (`--range`): pictures and sound before
    /// its start arrive too, to warm the checker up; the range owns the findings that start in it.
    public var range: CheckRange?

    public init(path: String, media: MediaInfo, parameters: FeatureParameters = FeatureParameters()) {
        self.path = path
        self.media = media
        self.video = media.primaryVideo
        self.frameRate = video?.numberingRate
        self.audioStreams = media.audioStreams
        self.parameters = parameters
        if let rate = video?.timecodeRate {
            startTimecode = media.startTimecode.flatMap { Timecode(parsing: $0, rate: rate) }
                ?? Timecode(frameCount: 0, rate: rate, dropFrame: false)
        }
    }

    /// The frame number holding `time` (from the first frame), or nil without video.
    public func frame(at time: MediaTime) -> Int64? {
        frameRate.map { time.frameIndex(at: $0) }
    }

    /// The timecode label of the frame holding `time`; nil without video or at a rate that has
    /// no SMPTE timecode.
    public func timecode(at time: MediaTime) -> String? {
        guard let start = startTimecode, let frame = frame(at: time) else { return nil }
        return start.adding(frames: frame).description
    }

    /// How a time reads in a sentence: the timecode at a SMPTE rate, a clock time
    /// (`00:00:50.000`) for other video, seconds for sound alone.
    public func label(_ time: MediaTime) -> String {
        if let tc = timecode(at: time) { return tc }
        return video != nil ? Timecode.clockLabel(seconds: time.seconds) : formatSeconds(time.seconds)
    }

    /// Builds a finding located at `[start, end)`, filling in frames and timecode.
    /// A finding about the whole file, from 0 to its duration, with no frame numbers (so no
    /// thumbnail): a tag, a match, a level over the programme.
    public func wholeFileFinding(checker: String, code: String, severity: Severity = .warning, message: String,
                                 measurements: [String: Double] = [:], stream: Int? = nil) -> Finding {
        Finding(checker: checker, code: code, severity: severity, placement: .whole, start: 0, end: media.duration ?? 0,
                startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil, message: message,
                measurements: measurements, stream: stream)
    }

    public func finding(checker: String, code: String, severity: Severity, placement: Placement?,
                        start: MediaTime, end: MediaTime, message: String, measurements: [String: Double] = [:],
                        stream: Int? = nil, channel: String? = nil) -> Finding {
        Finding(checker: checker, code: code, severity: severity, placement: placement,
                start: start.seconds, end: end.seconds, startFrame: frame(at: start), endFrame: frame(at: end),
                startTimecode: timecode(at: start), endTimecode: timecode(at: end), message: message,
                measurements: measurements, stream: stream, channel: channel)
    }
}

/// A time range of a file checked on its own (`--range`), from the programme's first frame.
public struct CheckRange: Sendable, Hashable {
    public var start: MediaTime
    /// Exclusive; nil: to the file's end.
    public var end: MediaTime?

    public init(start: MediaTime, end: MediaTime?) {
        self.start = start
        self.end = end
    }

    /// Whether a finding starting at `seconds` belongs to this range.
    public func owns(_ seconds: Double) -> Bool {
        seconds >= start.seconds - 1e-6 && (end.map { seconds < $0.seconds - 1e-6 } ?? true)
    }
}

/// Classifies a segment by where it sits: touching the start, the end, both, or neither.
public func placement(start: MediaTime, end: MediaTime, programmeStart: MediaTime = .zero, programmeEnd: MediaTime?) -> Placement {
    let atHead = start <= programmeStart
    let atTail = programmeEnd.map { end >= $0 } ?? false
    switch (atHead, atTail) {
    case (true, true): return .whole
    case (true, false): return .head
    case (false, true): return .tail
    case (false, false): return .programme
    }
}

/// The production sound the engine matched to a clip by timecode (`--sound DIR`), for the
/// sound-sync checker: which file, how far apart their timecodes put them, and its sound over the
/// clip (10 s either side), mono at ``rate``, sample `i` at programme time `start + i / rate` as
/// the timecodes place it.
public struct ProductionSoundMatch: Sendable {
    public static let rate = 8000
    /// The matched file, or nil when none of `candidates` overlaps the clip's timecode.
    public var file: ProductionSound?
    public var candidates: Int
    /// The file's timecode start minus the clip's, in seconds (label time).
    public var timecodeOffset: Double
    public var samples: [Float]
    /// Programme time of `samples[0]`, in seconds (negative: before the clip's first picture).
    public var start: Double
    /// Why the sound could not be read, when it could not.
    public var problem: String?

    public init(file: ProductionSound?, candidates: Int, timecodeOffset: Double = 0, samples: [Float] = [], start: Double = 0, problem: String? = nil) {
        self.file = file
        self.candidates = candidates
        self.timecodeOffset = timecodeOffset
        self.samples = samples
        self.start = start
        self.problem = problem
    }
}
