import GreenlightCore
import GreenlightValues

/// Folds full-rate samples into short envelope windows (per channel, mean square and peak),
/// aligned to the first sample of each segment whatever the decoder's frame size: the engine's
/// built-in sound analyzer (its blocks reach checkers that read ``FeatureSet/audioEnvelope``),
/// and one any checker can ask for with a window of its own.
///
/// One instance follows every stream of a file; a stream's last short window goes out with the
/// block that ends its segment.
public final class AudioEnvelopeAnalyzer: SoundAnalyzer {
    public static let id = "audio-envelope"

    public struct Parameters: Hashable, Sendable {
        /// Window length in milliseconds (rounded to whole samples at each stream's rate).
        public var milliseconds: Int
        public init(milliseconds: Int = 1) { self.milliseconds = max(1, milliseconds) }
    }

    /// Where one stream's current segment stands.
    private struct StreamState {
        var segment: Int
        var segmentStart: MediaTime
        var sampleRate: Int
        var windowSamples: Int
        var windowIndex: Int64 = 0
        var filled = 0
        var partialSquares: [Double]
        var partialPeaks: [Float]
    }

    let milliseconds: Int
    private var streams: [Int: StreamState] = [:]

    public init(parameters: Parameters, context: CheckContext) {
        milliseconds = parameters.milliseconds
    }

    /// Where the windows begun but not yet complete start (the earliest over all streams): sound
    /// from there on has not reached the envelope's readers yet.
    public var heldStart: MediaTime? {
        streams.values.filter { $0.filled > 0 }.map {
            $0.segmentStart + MediaTime(value: $0.windowIndex * Int64($0.windowSamples), timescale: Int64(max($0.sampleRate, 1)))
        }.min()
    }

    /// The windows `block` completes (and, when it ends its segment, the last short one).
    public func analyze(_ block: AudioSampleBlock) -> [AudioEnvelopeBlock] {
        let channels = block.format.channelCount
        var state: StreamState
        if let s = streams[block.streamIndex], s.segment == block.segment {
            state = s
        } else {
            state = StreamState(segment: block.segment, segmentStart: block.segmentStart, sampleRate: block.format.sampleRate, windowSamples: max(1, (block.format.sampleRate * milliseconds + 500) / 1000),
                                partialSquares: Array(repeating: 0, count: channels), partialPeaks: Array(repeating: 0, count: channels))
        }
        var out: [AudioEnvelopeBlock] = []
        let n = block.sampleCount
        let w = state.windowSamples
        let completed = (state.filled + n) / w
        var meanSquare = [Float](repeating: 0, count: completed * channels)
        var peak = [Float](repeating: 0, count: completed * channels)
        for c in 0..<channels {
            block.channels[c].withUnsafeBufferPointer { samples in
                var pos = state.filled
                var acc = state.partialSquares[c]
                var pk = state.partialPeaks[c]
                var window = 0
                for s in 0..<n {
                    let x = samples[s]
                    acc += Double(x * x)
                    pk = max(pk, abs(x))
                    pos += 1
                    if pos == w {
                        meanSquare[window * channels + c] = Float(acc / Double(w))
                        peak[window * channels + c] = pk
                        window += 1
                        pos = 0
                        acc = 0
                        pk = 0
                    }
                }
                state.partialSquares[c] = acc
                state.partialPeaks[c] = pk
            }
        }
        if completed > 0 {
            out.append(envelope(block, state, firstWindow: state.windowIndex, count: completed, meanSquare: meanSquare, peak: peak,
                                lastWindowSamples: w))
        }
        state.windowIndex += Int64(completed)
        state.filled = (state.filled + n) % w
        if block.endsSegment {
            if state.filled > 0 {
                let ms = state.partialSquares.map { Float($0 / Double(state.filled)) }
                out.append(envelope(block, state, firstWindow: state.windowIndex, count: 1, meanSquare: ms, peak: state.partialPeaks,
                                    lastWindowSamples: state.filled))
            }
            streams[block.streamIndex] = nil
        } else {
            streams[block.streamIndex] = state
        }
        return out
    }

    private func envelope(_ block: AudioSampleBlock, _ state: StreamState, firstWindow: Int64, count: Int,
                          meanSquare: [Float], peak: [Float], lastWindowSamples: Int) -> AudioEnvelopeBlock {
        AudioEnvelopeBlock(streamIndex: block.streamIndex, sampleRate: block.format.sampleRate, channelCount: block.format.channelCount,
                           channelNames: block.format.channelNames, segment: block.segment, windowSamples: state.windowSamples,
                           firstWindow: firstWindow, windowCount: count, streamStart: block.segmentStart,
                           meanSquare: meanSquare, peak: peak, lastWindowSamples: lastWindowSamples)
    }
}
