import GreenlightMedia

/// Folds one audio stream's decoded samples into 1 ms envelope windows (per-channel mean
/// square and peak), aligned to the stream's first sample whatever the decoder's frame size.
final class AudioEnvelopeBuilder {
    let streamIndex: Int
    let sampleRate: Int
    let channels: Int
    let windowSamples: Int
    private(set) var streamStart: MediaTime?
    private(set) var totalSamples: Int64 = 0
    private var windowIndex: Int64 = 0
    private var filled = 0
    private var partialSquares: [Double]
    private var partialPeaks: [Float]

    init(streamIndex: Int, sampleRate: Int, channels: Int) {
        self.streamIndex = streamIndex
        self.sampleRate = max(sampleRate, 1)
        self.channels = channels
        self.windowSamples = max(1, (sampleRate + 500) / 1000)
        partialSquares = Array(repeating: 0, count: channels)
        partialPeaks = Array(repeating: 0, count: channels)
    }

    /// The end of the last sample seen, from the programme's first frame.
    var end: MediaTime? { streamStart.map { $0 + MediaTime(value: totalSamples, timescale: Int64(sampleRate)) } }

    func add(_ buffer: borrowing AudioBuffer, origin: MediaTime) -> AudioEnvelopeBlock? {
        if streamStart == nil { streamStart = (buffer.time ?? origin) - origin }
        let n = buffer.sampleCount
        let channelCount = min(channels, buffer.channelCount)
        let completed = (filled + n) / windowSamples
        var meanSquare = [Float](repeating: 0, count: completed * channels)
        var peak = [Float](repeating: 0, count: completed * channels)
        let w = windowSamples
        for c in 0..<channelCount {
            let samples = buffer.channel(c)
            var pos = filled
            var acc = partialSquares[c]
            var pk = partialPeaks[c]
            var out = 0
            for s in 0..<n {
                let x = samples[s]
                acc += Double(x * x)
                pk = max(pk, abs(x))
                pos += 1
                if pos == w {
                    meanSquare[out * channels + c] = Float(acc / Double(w))
                    peak[out * channels + c] = pk
                    out += 1
                    pos = 0
                    acc = 0
                    pk = 0
                }
            }
            partialSquares[c] = acc
            partialPeaks[c] = pk
        }
        let first = windowIndex
        windowIndex += Int64(completed)
        filled = (filled + n) % windowSamples
        totalSamples += Int64(n)
        guard completed > 0 else { return nil }
        return AudioEnvelopeBlock(streamIndex: streamIndex, sampleRate: sampleRate, channelCount: channels, windowSamples: w,
                                  firstWindow: first, windowCount: completed, streamStart: streamStart ?? .zero,
                                  meanSquare: meanSquare, peak: peak, lastWindowSamples: w)
    }

    /// The last, short window, if samples are left in it.
    func flush() -> AudioEnvelopeBlock? {
        guard filled > 0 else { return nil }
        let meanSquare = partialSquares.map { Float($0 / Double(filled)) }
        let block = AudioEnvelopeBlock(streamIndex: streamIndex, sampleRate: sampleRate, channelCount: channels, windowSamples: windowSamples,
                                       firstWindow: windowIndex, windowCount: 1, streamStart: streamStart ?? .zero,
                                       meanSquare: meanSquare, peak: partialPeaks, lastWindowSamples: filled)
        windowIndex += 1
        filled = 0
        return block
    }
}
