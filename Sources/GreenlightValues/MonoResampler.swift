/// Sound of any rate and channel count reduced to mono at a low, fixed rate (8 kHz by default),
/// block by block: the channels averaged, a box filter over one output period (no alias of
/// what lies above the new rate's band that would matter to a correlation of speech), then read
/// at the output times by linear interpolation. Keeps only the last input sample between blocks.
public struct MonoResampler: Sendable {
    public let inputRate: Int
    public let outputRate: Int
    private let width: Int
    private var window: [Float] = []
    private var windowSum: Float = 0
    private var next: Double = 0
    private var consumed: Int64 = 0
    private var previous: Float = 0
    public private(set) var output: [Float] = []
    /// Output kept at most (older samples are not dropped: input past it is ignored).
    public let capacity: Int

    public init(inputRate: Int, outputRate: Int = 8000, capacity: Int = Int.max) {
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.capacity = capacity
        width = max(1, inputRate / outputRate)
    }

    /// Adds the samples of `channels` (each `channels[c][i]`, all of one length).
    public mutating func add(_ channels: [[Float]]) {
        let count = channels.first?.count ?? 0
        guard count > 0 else { return }
        for i in 0..<count {
            var v: Float = 0
            for c in channels { v += c[i] }
            push(v / Float(channels.count))
        }
    }

    /// Adds `count` samples of `channels` (each `channels[c][i]`).
    public mutating func add(_ channels: [UnsafeBufferPointer<Float>], count: Int) {
        guard !channels.isEmpty else { return }
        for i in 0..<count {
            var v: Float = 0
            for c in channels { v += c[i] }
            push(v / Float(channels.count))
        }
    }

    /// One mono input sample: filtered, and the output samples that fall before it interpolated.
    private mutating func push(_ v: Float) {
        let step = Double(inputRate) / Double(outputRate)
        window.append(v); windowSum += v
        if window.count > width { windowSum -= window.removeFirst() }
        let smooth = windowSum / Float(window.count)
        // Output samples falling between the previous input sample and this one.
        while next <= Double(consumed), output.count < capacity {
            let frac = Float(Double(consumed) - next)
            output.append(smooth - (smooth - previous) * frac)
            next += step
        }
        previous = smooth
        consumed += 1
    }
}
