import GreenlightMedia
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Builds each picture's ``VideoFeatures``: its time, duration and number, its colour
/// description, the colour proxy (libswscale) when asked for, and what the built-in
/// ``LumaScanAnalyzer`` measures on its luma plane against the previous picture, which is kept
/// by reference while something reads it.
final class VideoFeatureExtractor {
    let features: FeatureSet
    let parameters: FeatureParameters
    let frameRate: Rational?
    let origin: MediaTime

    /// The last picture's colour description and its signature: rebuilt only when it changes.
    private var lastColour: (signature: UInt64, colour: PictureColour)?
    /// Makes the colour proxy, rebuilt when the picture size changes.
    private var proxyScaler: PictureScaler?
    /// Pictures whose pixels were scanned so far.
    private(set) var scannedFrames = 0
    /// The previous picture, while the scan or an analyzer reads differences.
    private var previous: RetainedVideoFrame?
    /// Whether anything reads the previous picture.
    private let keepsPrevious: Bool
    private let scanner: LumaScanAnalyzer
    private let noAnalyzers = AnalyzerSlots([])

    init(features: FeatureSet, parameters: FeatureParameters, frameRate: Rational?, origin: MediaTime,
         analyzersReadPreviousPicture: Bool = false, context: CheckContext) {
        self.features = features
        self.parameters = parameters
        self.frameRate = frameRate
        self.origin = origin
        keepsPrevious = features.contains(.frameDifference) || analyzersReadPreviousPicture
        scanner = LumaScanAnalyzer(parameters: .init(parts: features, black: parameters.black), context: context)
    }

    /// A picture's time from the programme's first frame and its duration (declared, else one
    /// frame at the numbering rate, else 1/25 s).
    static func timing(of frame: borrowing VideoFrame, origin: MediaTime, frameRate: Rational?) -> (time: MediaTime, duration: MediaTime) {
        let duration = frame.duration ?? frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) } ?? MediaTime(value: 1, timescale: 25)
        return (frame.time - origin, duration)
    }

    func extract(_ frame: borrowing VideoFrame, reference: RetainedVideoFrame? = nil) -> VideoFeatures {
        let signal = LumaSignal(bitDepth: frame.luma.bitDepth, range: frame.colorRange)
        let (time, duration) = Self.timing(of: frame, origin: origin, frameRate: frameRate)
        let ordinal = frame.ordinal
        let number = frameRate.map { time.frameIndex(at: $0) } ?? ordinal
        var result = VideoFeatures(frameNumber: number, time: time, duration: duration, signal: signal,
                                   isKeyFrame: frame.isKeyFrame, isBlack: false)
        result.scan = frame.scan
        let signature = frame.colourSignature
        if lastColour?.signature != signature { lastColour = (signature, frame.colour) }
        result.colour = lastColour?.colour
        if features.contains(.colourProxy) { result.proxy = proxy(frame) }
        if features.contains(.reference), let reference {
            let main = BlockColour.measure(planes: planes(frame), signal: signal, colour: result.colour)
            let other = reference.withFrame { r in
                BlockColour.measure(planes: planes(r), signal: LumaSignal(bitDepth: r.luma.bitDepth, range: r.colorRange), colour: r.colour)
            }
            if let main, let other { result.reference = ReferencePair(main: main, reference: other) }
        }
        guard !features.intersection(FeatureSet.video).isEmpty else { return result }
        scannedFrames += 1

        let scan = scanner.analyze(picture(frame, result), frame: FrameRecord(features: result, slots: noAnalyzers))
        result.histogram = scan.histogram
        result.stats = scan.stats
        result.blackShare = scan.blackShare
        result.isBlack = scan.isBlack
        result.difference = scan.difference
        result.thumbnail = scan.thumbnail
        return result
    }

    /// Keeps `frame` (already retained) as the previous picture, when something reads it.
    func advance(to frame: RetainedVideoFrame) {
        if keepsPrevious { previous = frame }
    }

    /// The picture as analyzers see it: its planes in place, the previous picture's luma, its features.
    func picture(_ frame: borrowing VideoFrame, _ features: VideoFeatures) -> DecodedPicture {
        DecodedPicture(features: features, planes: planes(frame), previousLuma: previous?.withFrame { $0.luma })
    }

    private func planes(_ frame: borrowing VideoFrame) -> [PlaneLayout] {
        var planes: [PlaneLayout] = []
        for i in 0..<frame.planeCount {
            guard let p = frame.plane(i) else { break }
            planes.append(p)
        }
        return planes
    }

    /// The frame at 1/`proxyDivisor` of its size in R'G'B', or nil when libswscale cannot convert it.
    private func proxy(_ frame: borrowing VideoFrame) -> ProxyPicture? {
        let divisor = max(1, parameters.proxyDivisor)
        let w = max(1, frame.width / divisor), h = max(1, frame.height / divisor)
        if proxyScaler?.width != w || proxyScaler?.height != h { proxyScaler = PictureScaler(width: w, height: h, format: .rgb24) }
        guard let picture = try? proxyScaler?.scale(frame) else { return nil }
        return ProxyPicture(width: picture.width, height: picture.height, rgb: picture.pixels)
    }
}
