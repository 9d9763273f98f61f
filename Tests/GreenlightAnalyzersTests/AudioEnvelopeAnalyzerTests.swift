import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues
import Testing

@Suite struct AudioEnvelopeAnalyzerTests {
    let context = CheckContext(path: "test", media: MediaInfo(path: "test", container: "none", streams: []))
    let format = AudioFormat(sampleRate: 48_000, channelCount: 2, layout: "stereo", channelNames: ["FL", "FR"], sampleFormat: "fltp")

    /// A block of `count` samples: a 1 kHz sine of amplitude 0.5 on the left, silence on the right.
    func block(first: Int64, count: Int, ends: Bool) -> AudioSampleBlock {
        let left = (0..<count).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double(first + Int64($0)) / 48_000)) }
        return AudioSampleBlock(streamIndex: 1, format: format, segment: 0, firstSample: first, segmentStart: .zero,
                                channels: [left, [Float](repeating: 0, count: count)], endsSegment: ends)
    }

    /// Windows run across blocks of any size; the tail window comes with the block that ends the segment.
    @Test(arguments: [1, 10])
    func windowsFollowTheSegmentNotTheBlocks(milliseconds: Int) {
        let analyzer = AudioEnvelopeAnalyzer(parameters: .init(milliseconds: milliseconds), context: context)
        var envelopes: [AudioEnvelopeBlock] = []
        var first: Int64 = 0
        for (i, count) in [1024, 1024, 700, 3000].enumerated() {
            envelopes += analyzer.analyze(block(first: first, count: count, ends: i == 3))
            first += Int64(count)
        }
        let window = 48 * milliseconds
        #expect(envelopes.allSatisfy { $0.windowSamples == window })
        let windows = envelopes.reduce(0) { $0 + $1.windowCount }
        #expect(windows == (5748 + window - 1) / window)  // every window, the short last one included
        #expect(envelopes.last?.lastWindowSamples == 5748 % window)
        // Whole windows hold whole periods of the 1 kHz tone (48 samples): mean square 0.5²/2 = 0.125.
        let full = envelopes.dropLast()
        for e in full {
            for w in 0..<e.windowCount {
                #expect(abs(e.meanSquare[w * 2] - 0.125) < 1e-4)
                #expect(abs(e.peak[w * 2] - 0.5) < 0.01)
                #expect(e.meanSquare[w * 2 + 1] == 0)
            }
        }
        // Windows are numbered from the segment's first sample, block after block.
        var next: Int64 = 0
        for e in envelopes {
            #expect(e.firstWindow == next)
            next += Int64(e.windowCount)
        }
    }
}
