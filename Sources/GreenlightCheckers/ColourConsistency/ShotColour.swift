import Foundation
import GreenlightAnalyzers
import GreenlightValues

/// A shot's layout, blind to its grade: the shot's mean luma thumbnail on a 16×9 grid, each
/// cell replaced by its rank, and the ranks of its 8×8 blocks' mean a* and b*. A grade (any
/// rising tone curve, a colour balance, a saturation change) keeps the order of the cells'
/// brightness and of their redness and yellowness, so two shots of one set-up keep the same
/// ranks however differently they were graded, while two set-ups with a similar distribution of
/// light (a bright top, a dark bottom) still differ in where their colours are.
struct StructureSignature {
    static let columns = 16, rows = 9
    /// Ranks 0…1, row by row; nil when the picture is too flat to have a layout.
    let ranks: [Double]?
    /// Ranks of the 8×8 blocks' a* and b*; nil when the picture has too little colour to place.
    var chroma: (a: [Double], b: [Double])?

    init(meanThumbnail pixels: [Double], width: Int, height: Int, meanBlocks: [Double] = []) {
        let blockGrid = ColourAnalyzer.blockGrid
        if meanBlocks.count == blockGrid * blockGrid * 3 {
            let a = stride(from: 1, to: meanBlocks.count, by: 3).map { meanBlocks[$0] }
            let b = stride(from: 2, to: meanBlocks.count, by: 3).map { meanBlocks[$0] }
            func spread(_ v: [Double]) -> Double {
                let m = v.reduce(0, +) / Double(v.count)
                return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
            }
            if max(spread(a), spread(b)) >= 3 { chroma = (Self.rank(a), Self.rank(b)) }
        }
        guard width > 0, height > 0, pixels.count == width * height else { ranks = nil; return }
        // Each cell averages the thumbnail pixels it covers (at least one: small pictures have
        // thumbnails smaller than the grid).
        var grid = [Double](repeating: 0, count: Self.columns * Self.rows)
        for cy in 0..<Self.rows {
            let y0: Int = cy * height / Self.rows
            let y1: Int = max(y0 + 1, (cy + 1) * height / Self.rows)
            for cx in 0..<Self.columns {
                let x0: Int = cx * width / Self.columns
                let x1: Int = max(x0 + 1, (cx + 1) * width / Self.columns)
                var sum = 0.0
                for y in y0..<y1 { for x in x0..<x1 { sum += pixels[y * width + x] } }
                let covered = Double((y1 - y0) * (x1 - x0))
                grid[cy * Self.columns + cx] = sum / covered
            }
        }
        let mean = grid.reduce(0, +) / Double(grid.count)
        let spread = (grid.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(grid.count)).squareRoot()
        guard spread >= 2 else { ranks = nil; return }
        ranks = Self.rank(grid)
    }

    /// Average ranks (ties share theirs), scaled to 0…1.
    static func rank(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            for k in i...j { ranks[order[k]] = Double(i + j) / 2 / Double(max(1, values.count - 1)) }
            i = j + 1
        }
        return ranks
    }

    /// How alike the two layouts are: the best rank correlation of the luma grids with one
    /// shifted by up to one cell each way (a small reframe or camera move). When both have colour
    /// to place and their colours sit in unrelated places (the mean of the a* and b* rank
    /// correlations, likewise shifted, below 0.2), that low value instead: two set-ups lit alike
    /// are told apart by where their colours are. Only an unrelated colour layout counts against
    /// a match, because a grade reorders blocks of similar colour (a warm grade moved a test
    /// shot's colour correlation with its set-up from 0.9 to 0.3–0.5; two set-ups measured 0.03).
    /// 0 when either has no layout.
    func similarity(to other: StructureSignature) -> Double {
        guard let a = ranks, let b = other.ranks else { return 0 }
        let luma = Self.shifted(a, b, columns: Self.columns, rows: Self.rows)
        guard let c1 = chroma, let c2 = other.chroma else { return luma }
        let grid = ColourAnalyzer.blockGrid
        let colour = (Self.shifted(c1.a, c2.a, columns: grid, rows: grid) + Self.shifted(c1.b, c2.b, columns: grid, rows: grid)) / 2
        return colour >= 0.2 ? luma : min(luma, colour)
    }

    /// The best correlation of two grids with one shifted by up to one cell each way.
    static func shifted(_ a: [Double], _ b: [Double], columns: Int, rows: Int) -> Double {
        var best = -1.0
        for dy in -1...1 {
            for dx in -1...1 {
                var xs: [Double] = [], ys: [Double] = []
                for y in max(0, -dy)..<min(rows, rows - dy) {
                    for x in max(0, -dx)..<min(columns, columns - dx) {
                        xs.append(a[y * columns + x])
                        ys.append(b[(y + dy) * columns + x + dx])
                    }
                }
                best = max(best, correlation(xs, ys))
            }
        }
        return best
    }
}

/// Pearson correlation; 0 when either side does not vary.
func correlation(_ xs: [Double], _ ys: [Double]) -> Double {
    let n = Double(xs.count)
    guard n > 1 else { return 0 }
    let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in xs.indices {
        let dx = xs[i] - mx, dy = ys[i] - my
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
    }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
}

/// The colour measures compared between pictures, windows and shots.
struct ColourSummary {
    /// Median L*a*b* of the mid-tones.
    var midTones: Lab
    /// White balance in mired; nil when there is nothing near neutral to judge it by.
    var mired: Double?
    var blackLevel: Double
    var whiteLevel: Double
    var chromaP95: Double

    var kelvin: Double? { mired.map { 1e6 / $0 } }

    /// Per-measure medians; the white balance only when at least half have one.
    static func median(_ all: [ColourSummary]) -> ColourSummary {
        func med(_ k: (ColourSummary) -> Double) -> Double { quantile(all.map(k), 0.5) ?? 0 }
        let mireds = all.compactMap(\.mired)
        return ColourSummary(midTones: Lab(L: med(\.midTones.L), a: med(\.midTones.a), b: med(\.midTones.b)),
                             mired: mireds.count * 2 >= all.count ? quantile(mireds, 0.5) : nil,
                             blackLevel: med(\.blackLevel), whiteLevel: med(\.whiteLevel), chromaP95: med(\.chromaP95))
    }
}

/// What colour-consistency keeps of one picture: its colour, and the mean L*a*b* of 8×8 blocks
/// (to tell a grade, which moves every part of the picture, from a change of picture).
struct FrameColour {
    var time: MediaTime
    var colour: ColourSummary
    var blocks: [Float]

    init(_ m: ColourMeasurement, time: MediaTime) {
        self.time = time
        colour = ColourSummary(midTones: m.midTones, mired: m.mired, blackLevel: m.blackLevel, whiteLevel: m.whiteLevel, chromaP95: m.chromaP95)
        blocks = m.blocks
    }
}

/// A shot: where it lies, its colour (medians over its pictures) and its grade-blind layout.
struct ShotColour {
    var start: MediaTime
    var end: MediaTime
    var colour: ColourSummary
    var structure: StructureSignature
}

/// How one shot's colour differs from what it is compared with, and what that most looks like.
struct ColourDifference {
    var deltaE: Double
    var deltaMired: Double?
    var blackStep: Double
    var lightness: Double
    var saturationRatio: Double
    var hueDegrees: Double?
    /// Shift of the mid-tones' a* and b*.
    var cast: (a: Double, b: Double)
    /// ΔE00 of the mid-tones' colour alone: the shot's a* and b* at the reference's lightness.
    /// An exposure change moves L* only; a cast moves this.
    var chroma: Double

    init(_ shot: ColourSummary, against reference: ColourSummary) {
        deltaE = shot.midTones.deltaE00(reference.midTones)
        var sameLight = shot.midTones
        sameLight.L = reference.midTones.L
        chroma = sameLight.deltaE00(reference.midTones)
        if let m = shot.mired, let r = reference.mired { deltaMired = m - r }
        blackStep = shot.blackLevel - reference.blackLevel
        cast = (shot.midTones.a - reference.midTones.a, shot.midTones.b - reference.midTones.b)
        lightness = shot.midTones.L - reference.midTones.L
        saturationRatio = reference.chromaP95 > 1 ? shot.chromaP95 / reference.chromaP95 : 1
        let c1 = shot.midTones.chroma, c2 = reference.midTones.chroma
        if c1 >= 4 && c2 >= 4 {
            var d = (atan2(shot.midTones.b, shot.midTones.a) - atan2(reference.midTones.b, reference.midTones.a)) * 180 / .pi
            if d > 180 { d -= 360 } else if d < -180 { d += 360 }
            hueDegrees = d
        }
    }

    /// The likeliest cause, in words: the largest of the differences, each measured against
    /// what is just noticeable for it.
    var cause: String {
        let wb = abs(deltaMired ?? 0) / 10
        let exposure = max(abs(lightness) / 3, abs(blackStep) / 2)
        let saturation = abs(log(max(saturationRatio, 0.01))) / log(1.15)
        let hue = abs(hueDegrees ?? 0) / 15
        // With a white balance measured, warm-cool (mostly b*) belongs to it: the cast is what
        // lies across it, green-magenta (a*).
        let tint = (deltaMired != nil ? abs(cast.a) : (cast.a * cast.a + cast.b * cast.b).squareRoot()) / 3
        let best = max(wb, exposure, saturation, hue, tint)
        if best == wb, let m = deltaMired {
            return "white balance (\(m > 0 ? "warmer" : "cooler") by \(formatNumber(abs(m), decimals: 0)) mired)"
        }
        if best == exposure {
            // A lift moves the blacks and leaves the mid-tones nearly where they were; exposure
            // (or gamma) moves the mid-tones, and the darkest parts of a picture with no true
            // black along with them.
            if abs(lightness) < 3, abs(blackStep) / 2 > abs(lightness) / 3 {
                return "lift (black level \(blackStep > 0 ? "raised" : "lowered") by \(formatNumber(abs(blackStep), decimals: 1)) %)"
            }
            return "exposure (mid-tones \(lightness > 0 ? "brighter" : "darker") by \(formatNumber(abs(lightness), decimals: 1)) L*"
                + (abs(blackStep) >= 1 ? ", darkest tones \(blackStep > 0 ? "up" : "down") \(formatNumber(abs(blackStep), decimals: 1)) %)" : ")")
        }
        if best == saturation {
            return "saturation (\(saturationRatio > 1 ? "+" : "")\(formatNumber((saturationRatio - 1) * 100, decimals: 0)) % chroma)"
        }
        if best == hue { return "hue (rotated \(formatNumber(hueDegrees ?? 0, decimals: 0))°)" }
        var towards: [String] = []
        let axes: [(value: Double, plus: String, minus: String)] = [(cast.a, "magenta", "green"), (cast.b, "yellow", "blue")]
        for axis in axes.sorted(by: { abs($0.value) > abs($1.value) }) where abs(axis.value) >= 1 {
            towards.append(axis.value > 0 ? axis.plus : axis.minus)
        }
        let da = formatNumber(cast.a, decimals: 1), db = formatNumber(cast.b, decimals: 1)
        return "a colour cast towards \(towards.isEmpty ? "no one hue" : towards.joined(separator: "-")) (Δa* \(da), Δb* \(db))"
    }
}
