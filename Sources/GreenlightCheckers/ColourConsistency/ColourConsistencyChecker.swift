import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Shots that do not match their set-up, and grades that jump inside a shot.
///
/// Shots come from the shared cut detector (hard cuts; dissolves and fades are left out of the
/// shots on either side). Each shot's colour is the median over its pictures of the mid-tones'
/// median L*a*b*, a grey-world white balance (kelvin, mired), the black and white levels and the
/// 95th percentile of chroma. Shots of one set-up are found by their grade-blind layout (ranked
/// luma thumbnails); a shot is compared with the median of the others of its set-up, or, when it
/// has none, checked for an A-B-A pattern with its neighbours.
public final class ColourConsistencyChecker: Checker {
    public static let description = CheckerDescription(
        id: "colour-consistency", title: "Colour-grade consistency",
        catches: "A shot graded differently from the other shots of its set-up (colour, white balance, black level), and a colour step inside a shot.",
        why: "A shot that does not match the shots around it, or a grade that jumps mid-shot, is a classic rejection after the grade.",
        defaultSeverity: .warning,
        codes: ["colour.shot-outlier", "colour.grade-jump"],
        options: optionSpecs)
    public static let features: FeatureSet = [.thumbnail, .lumaHistogram]
    /// Its findings are about the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] {
        [.frame(CutAnalyzer.self), .picture(ColourAnalyzer.self)]
    }

    private let options: Options
    private let context: CheckContext
    private var shots: [ShotColour] = []
    /// The shot being read: where it started, its recent measured pictures (for grade jumps),
    /// its pictures' colour (decimated past `keep`, for the shot's medians), and the sums of its
    /// luma thumbnails and colour blocks. Memory is bounded however long the shot.
    private final class Shot {
        let start: MediaTime
        var frames: [FrameColour] = []
        /// Pictures before `frames` were already searched for grade jumps; steps at indices
        /// below `searchedUpTo` in `frames` were searched too.
        var searchedUpTo = 0
        var colours: [(time: MediaTime, colour: ColourSummary)] = []
        var colourStride = 1, colourSeen = 0
        var thumbSum: [Double] = [], thumbCount = 0, width = 0, height = 0
        var blockSum: [Double] = [], blockCount = 0
        init(start: MediaTime) { self.start = start }
    }
    /// Pictures of colour kept per shot, at most (about 1 KB each).
    static let keep = 2048
    private var current: Shot?
    private var transitions: [Range<MediaTime>] = []
    private var jumps: [Finding] = []
    private var reading: ColourReading?
    private var lastEnd: MediaTime?

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        let cut = frame.value(CutAnalyzer.self)
        if let t = cut.transition {
            transitions.append(t)
            if let c = current {
                // The transition's pictures belong to neither shot: take them out again.
                for f in c.frames where f.time >= t.lowerBound && f.blocks.count == c.blockSum.count {
                    for i in f.blocks.indices { c.blockSum[i] -= Double(f.blocks[i]) }
                    c.blockCount -= 1
                }
                c.frames.removeAll { $0.time >= t.lowerBound }
                c.colours.removeAll { $0.time >= t.lowerBound }
                closeShot(at: t.lowerBound)
            }
        } else if cut.isCut {
            closeShot(at: f.time)
        }
        if current == nil { current = Shot(start: f.time) }
        guard let c = current else { return }
        lastEnd = f.time + f.duration
        if reading == nil { reading = ColourReading(colour: f.colour, height: context.video?.height ?? 0) }
        if let thumb = f.thumbnail {
            if c.thumbCount == 0 || c.width != thumb.width || c.height != thumb.height {
                c.thumbSum = [Double](repeating: 0, count: thumb.pixels.count)
                c.thumbCount = 0
                c.width = thumb.width
                c.height = thumb.height
            }
            for i in thumb.pixels.indices { c.thumbSum[i] += Double(thumb.pixels[i]) }
            c.thumbCount += 1
        }
        guard let m = frame.value(ColourAnalyzer.self), m.midToneShare >= 0.05 else { return }
        let picture = FrameColour(m, time: f.time)
        c.frames.append(picture)
        if c.blockSum.count != picture.blocks.count { c.blockSum = [Double](repeating: 0, count: picture.blocks.count); c.blockCount = 0 }
        for i in picture.blocks.indices { c.blockSum[i] += Double(picture.blocks[i]) }
        c.blockCount += 1
        c.colourSeen += 1
        if c.colourSeen % c.colourStride == 0 { c.colours.append((f.time, picture.colour)) }
        if c.colours.count >= Self.keep {
            c.colours = stride(from: 0, to: c.colours.count, by: 2).map { c.colours[$0] }
            c.colourStride *= 2
        }
        if c.frames.count >= Self.keep {
            // A long shot: search what is complete, keep the last pictures to go on from.
            let n = jumpWindow
            jumps += gradeJumps(c.frames, from: c.searchedUpTo, shotEnd: c.frames[c.frames.count - n].time)
            c.frames.removeFirst(c.frames.count - 2 * n)
            c.searchedUpTo = n + 1
        }
    }

    private func closeShot(at end: MediaTime) {
        guard let c = current else { return }
        current = nil
        guard !c.colours.isEmpty, end > c.start else { return }
        let mean = c.thumbSum.map { $0 / Double(max(1, c.thumbCount)) }
        shots.append(ShotColour(start: c.start, end: end, colour: ColourSummary.median(c.colours.map(\.colour)),
                                structure: StructureSignature(meanThumbnail: mean, width: c.width, height: c.height,
                                                              meanBlocks: c.blockSum.map { $0 / Double(max(1, c.blockCount)) })))
        jumps += gradeJumps(c.frames, from: c.searchedUpTo, shotEnd: end)
    }

    /// Pictures either side of a grade jump (the jump-duration option, in frames).
    private var jumpWindow: Int {
        let rate = context.frameRate ?? Rational(25, 1)
        return max(2, Int((options.jumpDuration.time(frameRate: rate).seconds * rate.doubleValue).rounded()))
    }

    /// Sustained steps of colour inside one shot. The measure is the median, over the picture's
    /// 8×8 blocks, of each block's ΔE00 between the medians of the `n` pictures before a point
    /// and the `n` after it: a grade moves every part of the picture, while something moving or
    /// changing colour in one part leaves the median block untouched. The step must also happen
    /// within a few pictures (not a slow drift) and keep the picture's layout (not a change of
    /// picture).
    /// - Parameters:
    ///   - from: steps before this index were searched already (the pictures kept from a long
    ///     shot's previous search).
    ///   - shotEnd: where the last jump's range ends: the shot's end, or, for a long shot searched
    ///     in parts, where this part's search stopped.
    func gradeJumps(_ frames: [FrameColour], from: Int = 0, shotEnd: MediaTime) -> [Finding] {
        let n = jumpWindow
        guard frames.count >= 2 * n, let width = frames.first?.blocks.count, width > 0,
              frames.allSatisfy({ $0.blocks.count == width }) else { return [] }
        func blocks(_ r: Range<Int>) -> [Double] {
            (0..<width).map { i in quantile(frames[r].map { Double($0.blocks[i]) }, 0.5) ?? 0 }
        }
        func step(_ a: [Double], _ b: [Double]) -> Double {
            let d = stride(from: 0, to: width, by: 3).map {
                Lab(L: a[$0], a: a[$0 + 1], b: a[$0 + 2]).deltaE00(Lab(L: b[$0], a: b[$0 + 1], b: b[$0 + 2]))
            }
            return quantile(d, 0.5) ?? 0
        }
        func layout(_ v: [Double]) -> [Double] { stride(from: 0, to: v.count, by: 3).map { v[$0] } }
        let near = min(3, n / 2)
        func at(_ j: Int) -> (long: Double, near: Double, before: [Double], after: [Double]) {
            let before = blocks(j - n..<j), after = blocks(j..<j + n)
            return (step(before, after), step(blocks(j - near..<j), blocks(j..<j + near)), before, after)
        }
        // A cheap first look: the whole picture's mean L*a*b* over the same windows (prefix
        // sums), so the block medians are computed only near a change.
        var prefix = [(Double, Double, Double)](repeating: (0, 0, 0), count: frames.count + 1)
        for (k, f) in frames.enumerated() {
            var m = (0.0, 0.0, 0.0)
            for b in stride(from: 0, to: width, by: 3) { m.0 += Double(f.blocks[b]); m.1 += Double(f.blocks[b + 1]); m.2 += Double(f.blocks[b + 2]) }
            let c = Double(width / 3)
            prefix[k + 1] = (prefix[k].0 + m.0 / c, prefix[k].1 + m.1 / c, prefix[k].2 + m.2 / c)
        }
        func mean(_ r: Range<Int>) -> Lab {
            let c = Double(r.count), a = prefix[r.lowerBound], b = prefix[r.upperBound]
            return Lab(L: (b.0 - a.0) / c, a: (b.1 - a.1) / c, b: (b.2 - a.2) / c)
        }
        var steps: [(index: Int, deltaE: Double)] = []
        var i = max(n, from)
        while i <= frames.count - n {
            guard mean(i - n..<i).deltaE00(mean(i..<i + n)) >= options.jumpDeltaE / 2 else { i += 1; continue }
            let first = at(i)
            guard first.long >= options.jumpDeltaE else { i += 1; continue }
            // Where exactly: nearby, where both the long windows and the few pictures either side
            // differ most (window medians plateau around a step).
            var best = (index: i, m: first)
            for j in (i + 1)..<min(frames.count - n + 1, i + n) {
                let m = at(j)
                if m.long + m.near > best.m.long + best.m.near { best = (j, m) }
            }
            let sharp = best.m.near >= 0.6 * best.m.long
            let sameLayout = correlation(layout(best.m.before), layout(best.m.after)) >= 0.9
            // The transform is fitted across the step itself (a few pictures each side), where
            // camera and subject have moved least.
            let k = best.index
            let global = ColourConsistencyChecker.isGlobal(from: blocks(k - near..<k), to: blocks(k..<k + near))
            if sharp && sameLayout && best.m.long >= options.jumpDeltaE && global { steps.append((best.index, best.m.long)) }
            i = best.index + n
        }
        return steps.enumerated().map { index, step in
            let next = index + 1 < steps.count ? frames[steps[index + 1].index].time : shotEnd
            let before = ColourSummary.median(frames[step.index - n..<step.index].map(\.colour))
            let after = ColourSummary.median(frames[step.index..<step.index + n].map(\.colour))
            let diff = ColourDifference(after, against: before)
            var m = ["delta_e00": step.deltaE, "black_step_percent": diff.blackStep, "lightness_step": diff.lightness]
            if let dm = diff.deltaMired { m["delta_mired"] = dm }
            return context.finding(
                checker: Self.description.id, code: "colour.grade-jump", severity: .warning, placement: .programme,
                start: frames[step.index].time, end: next,
                message: "The grade jumps inside a shot at \(context.label(frames[step.index].time)): ΔE00 \(formatNumber(step.deltaE, decimals: 1)) over most of the picture, with no cut; likely \(diff.cause)",
                measurements: m)
        }
    }

    /// Whether one colour transform of the whole picture (affine in L*a*b*, fitted to the blocks)
    /// explains the change from `before` to `after` (L, a, b per block): a grade does; the
    /// picture changing, with some blocks going one way and some another, does not.
    static func isGlobal(from before: [Double], to after: [Double]) -> Bool {
        let blocks = before.count / 3
        let rows: [[Double]] = (0..<blocks).map { i -> [Double] in [before[i * 3], before[i * 3 + 1], before[i * 3 + 2], 1.0] }
        var residual = 0.0, change = 0.0
        for c in 0..<3 {
            let targets: [Double] = (0..<blocks).map { after[$0 * 3 + c] }
            guard let coefficients = leastSquares(rows, targets) else { return false }
            for (row, t) in zip(rows, targets) {
                var fit = 0.0
                for (x, w) in zip(row, coefficients) { fit += x * w }
                residual += (t - fit) * (t - fit)
                change += (t - row[c]) * (t - row[c])
            }
        }
        // Measured: a test grade step under a slow pan left 0.1 of the change unexplained;
        // test-pattern content changes (bars moving, regions recoloured) 0.92-0.96.
        return change > 0 && residual <= 0.25 * change
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        if let e = lastEnd { closeShot(at: e) }
        var findings = jumps
        // Set-ups: shots whose layouts match.
        let n = shots.count
        var similar = [[Bool]](repeating: [Bool](repeating: false, count: n), count: n)
        var similarity = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let s = shots[i].structure.similarity(to: shots[j].structure)
                similarity[i][j] = s
                similarity[j][i] = s
                similar[i][j] = s >= options.sameSetUp
                similar[j][i] = similar[i][j]
            }
        }
        var group = Array(0..<n)
        func root(_ i: Int) -> Int { group[i] == i ? i : root(group[i]) }
        for i in 0..<n { for j in 0..<n where similar[i][j] { group[root(i)] = root(j) } }

        // Each shot's ΔE00 from what it was compared with (its set-up, or the shots either side), for the swatches.
        var compared = [(deltaE: Double, with: String)?](repeating: nil, count: n)
        for i in 0..<n {
            // The others of its set-up: every shot linked to it by matching layouts, directly or
            // through another shot (a wide and a close-up may each match a mid shot only).
            let peers = (0..<n).filter { $0 != i && root($0) == root(i) }
            if peers.count >= 2 {
                let ref = ColourSummary.median(peers.map { shots[$0].colour })
                let diff = ColourDifference(shots[i].colour, against: ref)
                compared[i] = (diff.deltaE, "its set-up")
                if exceeds(diff, spread: spread(of: peers, around: ref)) {
                    findings.append(outlier(i, diff, comparedWith: peers, how: "the \(peers.count) other shots of its set-up", severity: .warning))
                }
            } else if peers.isEmpty, i > 0, i + 1 < n {
                // A-B-A: the neighbours match each other in colour, this shot matches neither,
                // and its layout is not unlike theirs (a different set-up would be normal).
                let a = shots[i - 1], c = shots[i + 1]
                let neighbours = ColourDifference(c.colour, against: a.colour)
                let alike = neighbours.deltaE < options.deltaE / 2 && abs(neighbours.deltaMired ?? 0) < options.mired / 2
                    && abs(neighbours.blackStep) < options.blackStep / 2
                let diff = ColourDifference(shots[i].colour, against: ColourSummary.median([a.colour, c.colour]))
                if alike { compared[i] = (diff.deltaE, "the shots either side") }
                if alike, exceeds(diff), min(similarity[i][i - 1], similarity[i][i + 1]) >= 0.5 {
                    findings.append(outlier(i, diff, comparedWith: [i - 1, i + 1], how: "the shots before and after it, which match each other", severity: .info))
                }
            }
        }

        var summary: [String: SummaryValue] = [:]
        let roots = Array(Set((0..<n).map(root))).sorted()
        summary["shots"] = .list(shots.enumerated().map { i, s in
            var r: [String: SummaryValue] = [
                "start": .number(s.start.seconds), "end": .number(s.end.seconds),
                "L": .number(s.colour.midTones.L), "a": .number(s.colour.midTones.a), "b": .number(s.colour.midTones.b),
                "black_level": .number(s.colour.blackLevel), "white_level": .number(s.colour.whiteLevel),
                "chroma_p95": .number(s.colour.chromaP95),
                "set_up": .integer(Int64(roots.firstIndex(of: root(i)) ?? 0)),
            ]
            if let f = context.frame(at: s.start) { r["start_frame"] = .integer(f) }
            if let f = context.frame(at: s.end) { r["end_frame"] = .integer(f) }
            if let m = s.colour.mired { r["kelvin"] = .number((1e6 / m).rounded()); r["mired"] = .number(m) }
            return .record(r)
        })
        summary["transitions"] = .list(transitions.map { .record(["start": .number($0.lowerBound.seconds), "end": .number($0.upperBound.seconds)]) })
        if let reading {
            summary["read_as"] = .text("primaries \(reading.primaries), transfer \(reading.transfer)"
                + (reading.assumed.isEmpty ? "" : "; untagged, assumed by resolution: " + reading.assumed.joined(separator: ", ")))
        }
        let swatches = shots.enumerated().map { i, s in
            let m = s.colour.midTones
            var label = "Shot \(i + 1), set-up \((roots.firstIndex(of: root(i)) ?? 0) + 1): L* \(formatNumber(m.L, decimals: 0)) a* \(formatNumber(m.a, decimals: 1)) b* \(formatNumber(m.b, decimals: 1))"
            if let k = s.colour.mired { label += ", \(formatNumber((1e6 / k / 100).rounded() * 100, decimals: 0)) K" }
            if let e = compared[i] { label += "; ΔE00 \(formatNumber(e.deltaE, decimals: 1)) from \(e.with)" }
            return Series.Swatch(start: s.start.seconds, end: s.end.seconds, colour: m.sRGBHex, label: label, value: compared[i]?.deltaE)
        }
        let series = swatches.isEmpty ? [] : [Series(id: "colour-consistency.shots", checker: Self.description.id,
                                                     title: "Shots (mid-tone colour; ΔE00 from the set-up)", unit: "ΔE00",
                                                     swatches: swatches, shade: [Self.description.id])]
        return CheckerResult(findings: findings.sorted { $0.start < $1.start }, summary: summary, series: series)
    }

    /// A set-up's own spread of each measure: the median absolute deviation of its other shots.
    struct Spread {
        var deltaE = 0.0, chroma = 0.0, mired = 0.0, black = 0.0
    }

    /// Whether a difference passes a threshold, and three times the set-up's own spread of that
    /// measure: a set-up whose shots vary with framing is not held to a tighter tolerance than it
    /// keeps. Colour alone (the mid-tones' ΔE00 at equal lightness) is judged against the
    /// set-up's spread of colour alone: a set-up whose exposure wanders (its ΔE00 spread all
    /// lightness) still shows a cast at `delta-e`.
    private func exceeds(_ d: ColourDifference, spread: Spread = Spread()) -> Bool {
        d.deltaE >= max(options.deltaE, 3 * spread.deltaE) || d.chroma >= max(options.deltaE, 3 * spread.chroma)
            || abs(d.deltaMired ?? 0) >= max(options.mired, 3 * spread.mired)
            || abs(d.blackStep) >= max(options.blackStep, 3 * spread.black)
    }

    /// The median absolute deviation of the `peers`' mid-tones (ΔE00, and colour alone), white
    /// balance and black level from `ref`.
    private func spread(of peers: [Int], around ref: ColourSummary) -> Spread {
        let d = peers.map { ColourDifference(shots[$0].colour, against: ref) }
        let m = d.compactMap { $0.deltaMired.map(abs) }
        return Spread(deltaE: quantile(d.map(\.deltaE), 0.5) ?? 0, chroma: quantile(d.map(\.chroma), 0.5) ?? 0,
                      mired: quantile(m, 0.5) ?? 0, black: quantile(d.map { abs($0.blackStep) }, 0.5) ?? 0)
    }

    private func outlier(_ i: Int, _ d: ColourDifference, comparedWith others: [Int], how: String, severity: Severity) -> Finding {
        let s = shots[i]
        var m: [String: Double] = ["delta_e00": d.deltaE, "chroma_delta_e00": d.chroma, "black_step_percent": d.blackStep, "lightness_step": d.lightness,
                                   "chroma_ratio": d.saturationRatio, "shot": Double(i + 1)]
        if let dm = d.deltaMired { m["delta_mired"] = dm }
        if let h = d.hueDegrees { m["hue_degrees"] = h }
        let list = others.map { "\($0 + 1)" }.joined(separator: ", ")
        return context.finding(
            checker: Self.description.id, code: "colour.shot-outlier", severity: severity,
            placement: placement(start: s.start, end: s.end, programmeEnd: lastEnd),
            start: s.start, end: s.end,
            message: "Shot \(i + 1) (\(context.label(s.start))) does not match \(how) (shots \(list)): ΔE00 \(formatNumber(d.deltaE, decimals: 1))"
                + " (colour alone \(formatNumber(d.chroma, decimals: 1)), ΔL* \(formatNumber(d.lightness, decimals: 1)))"
                + (d.deltaMired.map { ", Δ \(formatNumber($0, decimals: 0)) mired" } ?? "") + "; likely \(d.cause)",
            measurements: m)
    }
}
