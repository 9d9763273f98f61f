internal import CFFmpeg
import Foundation

/// The power spectrum of a Hann-windowed frame of samples, through libavutil's `av_tx` FFT.
/// One instance per thread: it keeps its own buffers.
public final class PowerSpectrum {
    public let size: Int
    private var context: OpaquePointer?
    private let transform: av_tx_fn
    private var input: [AVComplexFloat]
    private var output: [AVComplexFloat]
    private let window: [Float]

    /// nil when `av_tx` cannot make a transform of `size` (a power of two from 16 up is always fine).
    public init?(size: Int) {
        guard size >= 16 else { return nil }
        var ctx: OpaquePointer?
        var fn: av_tx_fn?
        var scale: Float = 1
        // Swift arrays are only 16-byte aligned; the AVX code paths need 32 unless told otherwise.
        guard av_tx_init(&ctx, &fn, AV_TX_FLOAT_FFT, 0, Int32(size), &scale, UInt64(AV_TX_UNALIGNED.rawValue)) == 0, let fn else { return nil }
        self.size = size
        context = ctx
        transform = fn
        input = Array(repeating: AVComplexFloat(re: 0, im: 0), count: size)
        output = input
        window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
    }

    deinit { av_tx_uninit(&context) }

    /// `power[k]` = |X[k]|² for k in 0…size/2 of the first `size` samples (zeros past the end).
    public func power(_ samples: UnsafeBufferPointer<Float>, into power: inout [Float]) {
        let n = min(samples.count, size)
        for i in 0..<size { input[i] = AVComplexFloat(re: i < n ? samples[i] * window[i] : 0, im: 0) }
        input.withUnsafeMutableBytes { i in
            output.withUnsafeMutableBytes { o in
                transform(context, o.baseAddress, i.baseAddress, MemoryLayout<AVComplexFloat>.stride)
            }
        }
        if power.count != size / 2 + 1 { power = Array(repeating: 0, count: size / 2 + 1) }
        for k in 0...(size / 2) { power[k] = output[k].re * output[k].re + output[k].im * output[k].im }
    }
}
