import GreenlightValues


/// The per-frame and per-block measurements a checker can ask the engine for. The engine
/// computes each one once per frame, and only when an enabled checker asked for it.
public struct FeatureSet: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Luma histogram and the statistics derived from it (min, max, mean, percentiles, share of black pixels).
    public static let lumaHistogram = FeatureSet(rawValue: 1 << 0)
    /// Mean and worst-block absolute luma difference to the previous frame.
    public static let frameDifference = FeatureSet(rawValue: 1 << 1)
    /// A small block-averaged luma picture (32×32-pixel block means).
    public static let thumbnail = FeatureSet(rawValue: 1 << 2)
    /// Per-channel RMS and peak over 1 ms windows of every audio stream.
    public static let audioEnvelope = FeatureSet(rawValue: 1 << 3)
    /// Subtitle cues from the file's subtitle streams and any sidecar.
    public static let subtitles = FeatureSet(rawValue: 1 << 4)
    /// Every decoded sample of every audio stream, at its own rate, as float planar blocks
    /// (for loudness, true peak, speech detection): copied out of the decoder, so only asked for
    /// where a checker reads it.
    public static let audioSamples = FeatureSet(rawValue: 1 << 5)
    /// A small picture (1/``FeatureParameters/proxyDivisor`` of the linear size) in 8-bit
    /// full-range R'G'B', converted by libswscale with the frame's own matrix and range.
    public static let colourProxy = FeatureSet(rawValue: 1 << 6)
    /// With `--reference`: each picture and the reference picture at the same programme time,
    /// as block means (``ReferencePair``).
    public static let reference = FeatureSet(rawValue: 1 << 7)

    /// The features measured by the scan of the luma plane.
    public static let video: FeatureSet = [.lumaHistogram, .frameDifference, .thumbnail]
    /// Everything measured on pictures: a checker that asks for any of it gets every picture's features.
    public static let pictures: FeatureSet = [.lumaHistogram, .frameDifference, .thumbnail, .colourProxy, .reference]
}

/// How code values map to picture levels for one stream: bit depth and range.
public struct LumaSignal: Sendable, Hashable {
    public var bitDepth: Int
    public var range: ColorRange

    public init(bitDepth: Int, range: ColorRange) {
        self.bitDepth = bitDepth
        self.range = range
    }

    public var blackLevel: Int { range.blackLevel(bitDepth: bitDepth) }
    public var whiteLevel: Int { range.whiteLevel(bitDepth: bitDepth) }

    /// A code value as a percentage of the nominal black-to-white range (0 = black, 100 = white).
    public func percent(_ code: Double) -> Double {
        (code - Double(blackLevel)) / Double(whiteLevel - blackLevel) * 100
    }

    /// The highest code value at or below `percent` of the nominal range above black.
    public func code(atPercent percent: Double) -> Int {
        Int((Double(blackLevel) + percent / 100 * Double(whiteLevel - blackLevel)).rounded(.down))
    }
}

/// A histogram of luma code values. Up to 10 bits every code has its own bin; deeper signals
/// share bins (`binShift` low bits dropped).
public struct LumaHistogram: Sendable, Hashable {
    public var counts: [Int32]
    public var binShift: Int
    public var total: Int

    public init(counts: [Int32], binShift: Int, total: Int) {
        self.counts = counts
        self.binShift = binShift
        self.total = total
    }

    /// Samples at or below `code`.
    public func count(atOrBelow code: Int) -> Int {
        guard code >= 0 else { return 0 }
        let last = min(code >> binShift, counts.count - 1)
        var sum = 0
        for i in 0...last { sum += Int(counts[i]) }
        return sum
    }

    /// The code value below which `fraction` of samples lie (bin's lower edge).
    public func percentile(_ fraction: Double) -> Int {
        let target = Int((Double(total) * fraction).rounded(.up))
        var sum = 0
        for (i, c) in counts.enumerated() {
            sum += Int(c)
            if sum >= max(target, 1) { return i << binShift }
        }
        return (counts.count - 1) << binShift
    }
}

/// Luma statistics in code values, derived from the histogram. Percentiles come from the
/// histogram on demand (``LumaHistogram/percentile(_:)``), so only the ones a checker reads are computed.
public struct LumaStats: Sendable, Hashable {
    public var min: Int
    public var max: Int
    public var mean: Double

    public init(min: Int, max: Int, mean: Double) {
        self.min = min
        self.max = max
        self.mean = mean
    }

    /// The statistics of a histogram: lowest and highest occupied bins and the mean code.
    public init(histogram h: LumaHistogram) {
        var minBin = 0, maxBin = h.counts.count - 1
        while minBin < maxBin && h.counts[minBin] == 0 { minBin += 1 }
        while maxBin > minBin && h.counts[maxBin] == 0 { maxBin -= 1 }
        var weighted = 0.0
        for (i, c) in h.counts.enumerated() where c > 0 { weighted += Double(i << h.binShift) * Double(c) }
        self.init(min: minBin << h.binShift, max: maxBin << h.binShift, mean: h.total > 0 ? weighted / Double(h.total) : 0)
    }
}

/// How much a picture changed since the previous one, in percent of the nominal luma range.
public struct FrameDifference: Sendable, Hashable {
    /// Mean absolute difference over the whole picture.
    public var mean: Double
    /// Mean absolute difference of the block (32×32 pixels) that changed most: catches a small
    /// moving object that the whole-picture mean would dilute.
    public var worstBlock: Double
    /// Share (0…100) of the measured pixels whose code value changed at all. A repeated picture
    /// decodes to the very same codes (skipped blocks copy their reference), so it stays near 0
    /// outside key frames; live picture, however still, renews its noise in most pixels.
    public var changedShare: Double = 0

    public init(mean: Double, worstBlock: Double, changedShare: Double = 0) {
        self.mean = mean
        self.worstBlock = worstBlock
        self.changedShare = changedShare
    }
}

/// A small picture of block-averaged luma (one value per 32×32 pixels), for comparing
/// pictures structurally while ignoring noise.
public struct LumaThumbnail: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Block means in percent of the nominal range, row by row.
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Mean absolute difference to `other`, in percent of the nominal range.
    public func difference(to other: LumaThumbnail) -> Double {
        guard other.pixels.count == pixels.count, !pixels.isEmpty else { return 100 }
        var sum: Float = 0
        for i in pixels.indices { sum += abs(pixels[i] - other.pixels[i]) }
        return Double(sum) / Double(pixels.count)
    }
}

/// Whether a picture counts as black: at least `pixelRatio` percent of its pixels at or below
/// `thresholdPercent` of the nominal range above black level.
public struct BlackCriterion: Sendable, Hashable {
    public var thresholdPercent: Double
    public var pixelRatio: Double

    public init(thresholdPercent: Double = 10, pixelRatio: Double = 98) {
        self.thresholdPercent = thresholdPercent
        self.pixelRatio = pixelRatio
    }

    /// The share (0…100) of pixels at or below the threshold.
    public func blackShare(_ histogram: LumaHistogram, signal: LumaSignal) -> Double {
        guard histogram.total > 0 else { return 0 }
        return Double(histogram.count(atOrBelow: signal.code(atPercent: thresholdPercent))) / Double(histogram.total) * 100
    }
}

/// Parameters of the shared features that checkers' options set (the black criterion is
/// shared so that freeze can skip black runs exactly as black defines them).
public struct FeatureParameters: Sendable, Hashable {
    public var black = BlackCriterion()
    /// The colour proxy is the picture's width and height divided by this (at least 1 pixel).
    public var proxyDivisor = 4
    public init() {}
}

/// A small picture in R'G'B' (gamma-encoded, not linear light), 8 bits, full range: rows of
/// `width * 3` bytes, top to bottom.
public struct ProxyPicture: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var rgb: [UInt8]

    public init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// The R', G', B' codes of pixel (x, y).
    public func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (rgb[i], rgb[i + 1], rgb[i + 2])
    }
}

/// Everything measured on one decoded picture.
public struct VideoFeatures: Sendable {
    /// Frame number from the programme's first frame, at the stream's frame rate.
    public var frameNumber: Int64
    /// Presentation time from the programme's first frame.
    public var time: MediaTime
    public var duration: MediaTime
    public var signal: LumaSignal
    public var isKeyFrame: Bool
    public var histogram: LumaHistogram?
    public var stats: LumaStats?
    /// Share (0…100) of pixels at or below the black threshold; with the histogram.
    public var blackShare: Double?
    /// Whether the picture meets the black criterion; with the histogram.
    public var isBlack: Bool
    /// Difference to the previous picture; nil on the first.
    public var difference: FrameDifference?
    public var thumbnail: LumaThumbnail?
    /// What the frame declares about its colour (matrix, primaries, transfer, range, siting, HDR).
    public var colour: PictureColour?
    /// With ``FeatureSet/colourProxy``: the picture, small, in R'G'B'.
    public var proxy: ProxyPicture?
    /// With ``FeatureSet/reference`` and a reference file: this picture and the reference's.
    public var reference: ReferencePair?
    /// How the picture says it was scanned (its interlace and field-order flags).
    public var scan: PictureScan = .progressive
    /// True when pictures are missing before this one (a timestamp gap): a run of black or held
    /// pictures does not continue across it.
    public var followsGap = false

    public init(frameNumber: Int64, time: MediaTime, duration: MediaTime, signal: LumaSignal, isKeyFrame: Bool,
                histogram: LumaHistogram? = nil, stats: LumaStats? = nil, blackShare: Double? = nil, isBlack: Bool = false,
                difference: FrameDifference? = nil, thumbnail: LumaThumbnail? = nil, followsGap: Bool = false) {
        self.frameNumber = frameNumber
        self.time = time
        self.duration = duration
        self.signal = signal
        self.isKeyFrame = isKeyFrame
        self.histogram = histogram
        self.stats = stats
        self.blackShare = blackShare
        self.isBlack = isBlack
        self.difference = difference
        self.thumbnail = thumbnail
        self.followsGap = followsGap
    }

    public var end: MediaTime { time + duration }
}

/// Envelope of a run of decoded sound: for each 1 ms window (the stream's rate / 1000 samples),
/// each channel's mean square and peak magnitude.
///
/// Windows count from the first sample of their *segment*: a run of contiguous samples in one
/// format. A stream starts a new segment when its layout or rate changes mid-stream or its
/// timestamps jump (a gap), so a checker that follows runs across blocks ends them when
/// `segment` changes.
public struct AudioEnvelopeBlock: Sendable {
    public var streamIndex: Int
    public var sampleRate: Int
    public var channelCount: Int
    /// Short channel names ("FL", "LFE") of this segment's layout, nil when it names none.
    public var channelNames: [String]?
    /// Which contiguous run of the stream these windows belong to (0 for the first).
    public var segment: Int
    public var windowSamples: Int
    /// Index of the first window in this block, counting from the segment's first sample.
    public var firstWindow: Int64
    public var windowCount: Int
    /// The time of the segment's first sample, from the programme's first frame.
    public var streamStart: MediaTime
    /// `meanSquare[w * channelCount + c]`.
    public var meanSquare: [Float]
    public var peak: [Float]
    /// Samples in the block's last window: `windowSamples`, or fewer for a stream's final window.
    public var lastWindowSamples: Int

    public init(streamIndex: Int, sampleRate: Int, channelCount: Int, channelNames: [String]?, segment: Int, windowSamples: Int,
                firstWindow: Int64, windowCount: Int, streamStart: MediaTime, meanSquare: [Float], peak: [Float], lastWindowSamples: Int) {
        self.streamIndex = streamIndex
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.channelNames = channelNames
        self.segment = segment
        self.windowSamples = windowSamples
        self.firstWindow = firstWindow
        self.windowCount = windowCount
        self.streamStart = streamStart
        self.meanSquare = meanSquare
        self.peak = peak
        self.lastWindowSamples = lastWindowSamples
    }

    /// Samples in window `w` of this block.
    public func sampleCount(ofWindow w: Int) -> Int { w == windowCount - 1 ? lastWindowSamples : windowSamples }

    /// The time of sample `index` (from the segment's first sample), from the programme's first frame.
    public func time(ofSample index: Int64) -> MediaTime {
        streamStart + MediaTime(value: index, timescale: Int64(sampleRate))
    }
}

/// Decoded sound at full rate: one run of contiguous samples of one stream, float planar
/// (full scale ±1.0), with the layout it was decoded in and the exact time of its first sample.
///
/// Blocks of a stream follow each other in time. A new ``segment`` starts where the layout or
/// rate changes or the timestamps jump (a gap): a checker that filters or integrates across
/// blocks resets there.
public struct AudioSampleBlock: Sendable {
    public var streamIndex: Int
    /// Rate, channel count, layout and channel names of these samples.
    public var format: AudioFormat
    /// Which contiguous run of the stream these samples belong to (0 for the first).
    public var segment: Int
    /// Index of the first sample in its segment.
    public var firstSample: Int64
    /// Time of the segment's first sample, from the programme's first frame.
    public var segmentStart: MediaTime
    /// `channels[c][i]`: sample `i` of channel `c`.
    public var channels: [[Float]]
    /// True on the last block of its segment (before a gap, a format change or the stream's end).
    public var endsSegment: Bool

    public init(streamIndex: Int, format: AudioFormat, segment: Int, firstSample: Int64, segmentStart: MediaTime, channels: [[Float]],
                endsSegment: Bool = false) {
        self.streamIndex = streamIndex
        self.format = format
        self.segment = segment
        self.firstSample = firstSample
        self.segmentStart = segmentStart
        self.channels = channels
        self.endsSegment = endsSegment
    }

    public var sampleCount: Int { channels.first?.count ?? 0 }
    /// The exact time of the first sample, from the programme's first frame.
    public var start: MediaTime { segmentStart + MediaTime(value: firstSample, timescale: Int64(max(format.sampleRate, 1))) }
    /// The exact time just after the last sample.
    public var end: MediaTime {
        segmentStart + MediaTime(value: firstSample + Int64(sampleCount), timescale: Int64(max(format.sampleRate, 1)))
    }
}

/// How the programme ended, handed to checkers when decoding stops.
///
/// When decoding stopped early (`truncated`), the programme's real end is unknown: `videoEnd`
/// is nil and `audioEnds` empty, so nothing that merely reaches the cut is called tail.
public struct ProgrammeEnd: Sendable {
    /// End of the last picture, from the first frame; nil when the file was cut short.
    public var videoEnd: MediaTime?
    /// End of each audio stream's last sample, by stream index; empty when the file was cut short.
    public var audioEnds: [Int: MediaTime]
    /// Whether decoding stopped before the declared end of the file.
    public var truncated: Bool

    public init(videoEnd: MediaTime?, audioEnds: [Int: MediaTime], truncated: Bool) {
        self.videoEnd = videoEnd
        self.audioEnds = audioEnds
        self.truncated = truncated
    }
}
