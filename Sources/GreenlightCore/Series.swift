import GreenlightValues

/// A quantity a checker followed over the programme, for reports to plot: a line (with each
/// point's low and high, so that one black frame still shows however many seconds a point
/// covers) or swatches (coloured spans, such as shots). Reporters draw any series the same way
/// and never know which checker made it.
public struct Series: Sendable, Hashable, Codable {
    /// One point of a line: the mean, lowest and highest value over the span it covers.
    public struct Point: Sendable, Hashable, Codable {
        /// Seconds from the programme's first frame, of the span's start.
        public var time: Double
        public var value: Double
        public var low: Double
        public var high: Double

        public init(time: Double, value: Double, low: Double? = nil, high: Double? = nil) {
            self.time = time
            self.value = value
            self.low = low ?? value
            self.high = high ?? value
        }

        enum CodingKeys: String, CodingKey { case time, value, low, high }

        /// To three decimals, as the JSON report writes it.
        public var rounded: Point {
            func r(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
            return Point(time: r(time), value: r(value), low: r(low), high: r(high))
        }

        // Three decimals, as summaries are written: a plot needs no more, and a long file's JSON stays small.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            let p = rounded
            try c.encode(p.time, forKey: .time)
            try c.encode(p.value, forKey: .value)
            try c.encode(p.low, forKey: .low)
            try c.encode(p.high, forKey: .high)
        }
    }

    /// A span drawn in one colour (a shot, in its colour), with what it stands for.
    public struct Swatch: Sendable, Hashable, Codable {
        public var start: Double
        public var end: Double
        /// `#rrggbb`.
        public var colour: String
        public var label: String
        /// The number the swatch is judged by (a shot's ΔE from its set-up), if any.
        public var value: Double?

        public init(start: Double, end: Double, colour: String, label: String, value: Double? = nil) {
            self.start = start
            self.end = end
            self.colour = colour
            self.label = label
            self.value = value
        }
    }

    /// A level a line is read against: a target, a threshold, a tolerance.
    public struct Guide: Sendable, Hashable, Codable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// Unique within a file: the checker's id, a dot and a name (`black.luma`).
    public var id: String
    public var checker: String
    public var title: String
    /// The values' unit as people write it ("% luma", "LUFS", "ms").
    public var unit: String
    public var stream: Int?
    public var points: [Point]
    public var swatches: [Swatch]
    public var guides: [Guide]
    /// Checkers whose findings are shaded behind the line (black and freeze behind the picture level).
    public var shade: [String]
    /// The axis the values are drawn on, when it is fixed (0-100 for a percentage).
    public var lower: Double?
    public var upper: Double?

    public init(id: String, checker: String, title: String, unit: String, stream: Int? = nil, points: [Point] = [],
                swatches: [Swatch] = [], guides: [Guide] = [], shade: [String] = [], lower: Double? = nil, upper: Double? = nil) {
        self.id = id
        self.checker = checker
        self.title = title
        self.unit = unit
        self.stream = stream
        self.points = points
        self.swatches = swatches
        self.guides = guides
        self.shade = shade
        self.lower = lower
        self.upper = upper
    }
}

extension Series {
    /// This series with `next`'s points and swatches after its own (the next time range's), kept
    /// to 1024 points by averaging neighbours.
    public func followed(by next: Series) -> Series {
        var out = self
        out.points += next.points
        out.swatches += next.swatches
        return out.reduced(to: 1024)
    }

    /// At most `limit` points (at least 2), neighbours merged in pairs: each keeps its span's
    /// lowest and highest value, so a one-frame dip still shows.
    public func reduced(to limit: Int) -> Series {
        var out = self
        while out.points.count > max(2, limit) {
            out.points = stride(from: 0, to: out.points.count, by: 2).map { i in
                guard i + 1 < out.points.count else { return out.points[i] }
                let a = out.points[i], b = out.points[i + 1]
                return Point(time: a.time, value: (a.value + b.value) / 2, low: min(a.low, b.low), high: max(a.high, b.high))
            }
        }
        return out
    }

    /// Only what lies in `[start, end)` seconds (a time range's own share).
    public func clipped(from start: Double, to end: Double?) -> Series {
        var out = self
        func inside(_ t: Double) -> Bool { t >= start && (end.map { t < $0 } ?? true) }
        out.points = points.filter { inside($0.time) }
        out.swatches = swatches.filter { inside($0.start) }
        return out
    }
}

/// Gathers a line's values at any rate into at most `capacity` points of equal span, so memory
/// stays flat however long the file: when the spans run out, neighbours merge and each span
/// doubles. Values must come in time order.
public struct SeriesBuilder: Sendable {
    private struct Bucket: Sendable {
        var sum = 0.0
        var count = 0
        var low = Double.infinity
        var high = -Double.infinity

        mutating func add(_ value: Double) {
            sum += value
            count += 1
            low = min(low, value)
            high = max(high, value)
        }

        mutating func merge(_ other: Bucket) {
            sum += other.sum
            count += other.count
            low = min(low, other.low)
            high = max(high, other.high)
        }
    }

    public let capacity: Int
    /// Seconds each point covers.
    public private(set) var span: Double
    private var buckets: [Bucket] = []

    /// - Parameters:
    ///   - span: the seconds a point covers at first (a frame duration, a window).
    ///   - capacity: the most points kept (even, at least 2).
    public init(span: Double, capacity: Int = 1024) {
        self.span = span > 0 ? span : 0.04
        self.capacity = max(2, capacity + capacity % 2)
    }

    /// Adds a value measured at `time` seconds from the programme's start (earlier times count as 0).
    public mutating func add(_ value: Double, at time: Double) {
        guard value.isFinite else { return }
        var index = Int((max(0, time) / span + 1e-9).rounded(.down))
        while index >= capacity {
            // Halve the resolution: pairs merge, each point now covers twice the time.
            var merged: [Bucket] = []
            merged.reserveCapacity(capacity)
            var i = 0
            while i < buckets.count {
                var b = buckets[i]
                if i + 1 < buckets.count { b.merge(buckets[i + 1]) }
                merged.append(b)
                i += 2
            }
            buckets = merged
            span *= 2
            index = Int((max(0, time) / span + 1e-9).rounded(.down))
        }
        if buckets.count <= index { buckets += Array(repeating: Bucket(), count: index + 1 - buckets.count) }
        buckets[index].add(value)
    }

    /// The points, in time order; spans with no value are left out (a gap in the line).
    public var points: [Series.Point] {
        buckets.indices.compactMap { i in
            let b = buckets[i]
            guard b.count > 0 else { return nil }
            return Series.Point(time: Double(i) * span, value: b.sum / Double(b.count), low: b.low, high: b.high)
        }
    }
}
