/// An exact media time: `value / timescale` seconds.
///
/// Times stay rational inside Greenlight; seconds, frame numbers and timecode are derived
/// only for reports, so a frame boundary is never lost to floating-point rounding.
///
/// ```swift
/// let t = MediaTime(value: 3003, timescale: 30000)   // one frame at 29.97
/// t.seconds                                          // 0.1001
/// ```
public struct MediaTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var value: Int64
    /// Units per second; always positive.
    public var timescale: Int64

    public init(value: Int64, timescale: Int64) {
        precondition(timescale > 0, "MediaTime timescale must be positive")
        self.value = value
        self.timescale = timescale
    }

    public static let zero = MediaTime(value: 0, timescale: 1)

    /// `value` ticks of a time base such as a stream's `1/90000`.
    public init(_ value: Int64, timeBase: Rational) {
        // value * num / den seconds == (value * num) / den
        self.init(value: value * timeBase.numerator, timescale: timeBase.denominator)
    }

    /// The nearest time in microseconds (for values that only exist as doubles, such as options).
    public init(seconds: Double) {
        self.init(value: Int64((seconds * 1_000_000).rounded()), timescale: 1_000_000)
    }

    public var seconds: Double { Double(value) / Double(timescale) }

    public var description: String { "\(value)/\(timescale)s" }

    /// The same instant expressed in another timescale, rounded to the nearest tick.
    public func converted(to scale: Int64) -> MediaTime {
        if scale == timescale { return self }
        let (high, low) = value.multipliedFullWidth(by: scale)
        let (q, r) = timescale.dividingFullWidth((high, low))
        let rounded = 2 * abs(r) >= timescale ? q + (value.signum() * scale.signum() < 0 ? -1 : 1) : q
        return MediaTime(value: rounded, timescale: scale)
    }

    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool {
        let l = lhs.value.multipliedFullWidth(by: rhs.timescale)
        let r = rhs.value.multipliedFullWidth(by: lhs.timescale)
        return l.high != r.high ? l.high < r.high : l.low < r.low
    }

    public static func == (lhs: MediaTime, rhs: MediaTime) -> Bool {
        lhs.value.multipliedFullWidth(by: rhs.timescale) == rhs.value.multipliedFullWidth(by: lhs.timescale)
    }

    public func hash(into hasher: inout Hasher) {
        let g = gcd(abs(value), timescale)
        hasher.combine(value / g)
        hasher.combine(timescale / g)
    }

    public static func + (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        if lhs.timescale == rhs.timescale { return MediaTime(value: lhs.value + rhs.value, timescale: lhs.timescale) }
        let scale = lcm(lhs.timescale, rhs.timescale)
        return MediaTime(value: lhs.value * (scale / lhs.timescale) + rhs.value * (scale / rhs.timescale), timescale: scale)
    }

    public static func - (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        lhs + MediaTime(value: -rhs.value, timescale: rhs.timescale)
    }

    /// The frame whose interval holds this time at `rate` frames per second (time 0 is frame 0).
    public func frameIndex(at rate: Rational) -> Int64 {
        // floor(value * rate.num / (timescale * rate.den)), except that a time within half a tick
        // of its time base (or 1/1000 frame) before a boundary is the next frame: a container
        // that stores milliseconds (WebM, Matroska) writes frame 551 at 24 fps, 22.9583 s, as
        // 22.958 s, which is 0.99 of a frame after frame 550's start.
        let num = value * rate.numerator
        let den = timescale * rate.denominator
        let q = num / den
        let r = num % den
        let floorQ = (r != 0 && (r < 0) != (den < 0)) ? q - 1 : q
        let remainder = num - floorQ * den
        // Half a tick, where a tick is a small part of a frame (a coarser time base is not a
        // rounded frame time): at most 1/10 frame.
        let halfTick = abs(rate.numerator) / 2
        let slack = max(abs(den) / 1000, halfTick <= abs(den) / 10 ? halfTick : 0)
        return remainder >= abs(den) - slack ? floorQ + 1 : floorQ
    }

    /// The start of frame `index` at `rate`.
    public static func frameStart(_ index: Int64, rate: Rational) -> MediaTime {
        MediaTime(value: index * rate.denominator, timescale: rate.numerator)
    }
}

package func gcd(_ a: Int64, _ b: Int64) -> Int64 {
    var (a, b) = (abs(a), abs(b))
    while b != 0 { (a, b) = (b, a % b) }
    return a == 0 ? 1 : a
}

package func lcm(_ a: Int64, _ b: Int64) -> Int64 { a / gcd(a, b) * b }
