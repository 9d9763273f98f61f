import Foundation
import GreenlightCore
import GreenlightValues

/// One face's mouth in one picture: how open it looks, measured without landmarks.
public struct MouthSample: Sendable, Equatable {
    /// Which face: the same number while the face is followed from one detection to the next.
    public var track: Int
    /// The face's box in the picture's luma samples.
    public var x, y, width, height: Int
    /// Spread (standard deviation, 8-bit code values) of the band around the mouth line: an open
    /// mouth shows a dark cavity and teeth against the lips, a closed one mostly lips.
    public var spread: Float
    /// Share of that band darker than the face's darkest tenth: the open mouth's cavity.
    public var darkShare: Float

    public init(track: Int, x: Int, y: Int, width: Int, height: Int, spread: Float, darkShare: Float) {
        (self.track, self.x, self.y, self.width, self.height, self.spread, self.darkShare) = (track, x, y, width, height, spread, darkShare)
    }
}

/// Finds faces a few times a second and, in every picture, measures each followed face's mouth:
/// the signal the av-sync checker lines up with the speech (lip sync, FaceSync's classical method
/// without a trained network).
///
/// Detection (``FaceDetector``, OpenCV's LBP frontal-face cascade) runs on the luma reduced to at
/// most 320 samples across, every 0.4 s while there are faces (1 s while there is none); once
/// every face has been found three times running, the whole picture is searched only every 2 s
/// and each face in between around where it was. Between detections a face keeps its box, and it
/// is followed through two missed detections. Each picture, the lower face (a quarter to three quarters across, 55 % to 100 % down) is
/// averaged into a 16 × 40 grid read from the full-resolution luma; the darkest row of the grid's
/// smoothed row profile is the mouth line, and the 9 rows around it give ``MouthSample/spread``
/// and ``MouthSample/darkShare``. Following the mouth line row by row keeps the band on the lips
/// when the head nods or the detector's box shifts.
///
/// Cost: one reduced copy of the luma and one detection every 0.4–1 s, plus at most 16 × 40 × 16
/// samples per face per picture. Without a face model installed, every output is empty and
/// ``unavailableReason`` says why.
public final class MouthAnalyzer: PictureAnalyzer {
    public static let id = "mouth"
    /// Seconds between detections while there are faces, and while there is none; seconds between
    /// searches of the whole picture once every face has been found three times running (in
    /// between, each face is looked for around where it was).
    static let detectionInterval = 0.4, emptyInterval = 1.0, fullSearchInterval = 2.0
    /// Width of the picture the detector searches, at most.
    static let searchWidth = 320
    static let gridWidth = 16, gridHeight = 40, band = 4

    private let detector: FaceDetector?
    private var reduced: [UInt8] = []
    private var lastDetection: Double?
    private var tracks: [Track] = []
    private var nextTrack = 0
    private var grid = [Float](repeating: 0, count: gridWidth * gridHeight)

    private struct Track {
        var id: Int
        var box: FaceDetector.Box
        /// The face's darkest tenth (8-bit code value), from the last detection.
        var dark: Float
        var missed = 0
        /// Detections in a row that found it.
        var found = 1
    }

    /// Seconds to the next detection.
    private var interval: Double { tracks.isEmpty ? Self.emptyInterval : Self.detectionInterval }
    private var lastFullSearch: Double?

    /// Why no face can be measured on this machine, or nil when the face model loads.
    public static var unavailableReason: String? { FaceDetector.unavailableReason() }

    public init(parameters: NoParameters, context: CheckContext) {
        detector = FaceDetector.modelPath.flatMap { FaceDetector(modelPath: $0) }
    }

    public func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> [MouthSample] {
        guard let detector else { return [] }
        let time = picture.features.time.seconds
        if lastDetection.map({ time - $0 >= interval - 1e-6 || time < $0 }) ?? true {
            lastDetection = time
            detect(picture.luma, with: detector, at: time)
        }
        var samples: [MouthSample] = []
        for t in tracks {
            guard let (spread, dark) = measureMouth(picture.luma, box: t.box, darkLevel: t.dark) else { continue }
            samples.append(MouthSample(track: t.id, x: t.box.x, y: t.box.y, width: t.box.width, height: t.box.height,
                                       spread: spread, darkShare: dark))
        }
        return samples
    }

    // MARK: Detection and following

    private func detect(_ luma: borrowing PicturePlane, with detector: FaceDetector, at time: Double) {
        let factor = max(1, (luma.width + Self.searchWidth - 1) / Self.searchWidth)
        let w = luma.width / factor, h = luma.height / factor
        guard w >= 32, h >= 32 else { return }
        reduce(luma, factor: factor, width: w, height: h)
        let smallest = max(24, min(w, h) / 10)
        let steady = !tracks.isEmpty && tracks.allSatisfy { $0.found >= 3 }
        var found: [FaceDetector.Box] = []
        if steady, let last = lastFullSearch, time - last < Self.fullSearchInterval, time >= last {
            // Each face around where it was: its box grown by half its size each way, at 0.7 to 1.4 times its size.
            for t in tracks {
                let b = FaceDetector.Box(x: t.box.x / factor, y: t.box.y / factor, width: t.box.width / factor, height: t.box.height / factor)
                let region = FaceDetector.Box(x: b.x - b.width / 2, y: b.y - b.height / 2, width: b.width * 2, height: b.height * 2)
                let near = reduced.withUnsafeBufferPointer { detector.detect($0, width: w, height: h, in: region, minimumSize: max(smallest, b.width * 7 / 10)) }
                found += near.filter { $0.width <= b.width * 14 / 10 }.prefix(1)
            }
        } else {
            lastFullSearch = time
            found = reduced.withUnsafeBufferPointer { detector.detect($0, width: w, height: h, minimumSize: smallest) }
        }
        var matched = Set<Int>()
        for f in found.prefix(4) {
            let box = FaceDetector.Box(x: f.x * factor, y: f.y * factor, width: f.width * factor, height: f.height * factor)
            let dark = darkestTenth(f, width: w)
            // The same face: its centre within half a face of the old one, and about its size.
            let same = tracks.indices.first { i in
                let o = tracks[i].box
                let dx = Double((o.x + o.width / 2) - (box.x + box.width / 2)), dy = Double((o.y + o.height / 2) - (box.y + box.height / 2))
                let ratio = Double(box.width) / Double(max(o.width, 1))
                return !matched.contains(tracks[i].id) && (dx * dx + dy * dy).squareRoot() < 0.5 * Double(max(o.width, box.width)) && ratio > 0.6 && ratio < 1.6
            }
            if let i = same {
                tracks[i].box = box
                tracks[i].dark = dark
                tracks[i].missed = 0
                tracks[i].found += 1
                matched.insert(tracks[i].id)
            } else {
                tracks.append(Track(id: nextTrack, box: box, dark: dark))
                matched.insert(nextTrack)
                nextTrack += 1
            }
        }
        for i in tracks.indices where !matched.contains(tracks[i].id) {
            tracks[i].missed += 1
            tracks[i].found = 0
        }
        // A face missed three times in a row (1.2 s) has left; a miss or two is the detector's.
        tracks.removeAll { $0.missed >= 3 }
    }

    /// The luma averaged over `factor` × `factor` blocks (from at most 3 × 3 samples spread over
    /// each), as 8-bit values, into `reduced`.
    private func reduce(_ luma: borrowing PicturePlane, factor: Int, width: Int, height: Int) {
        if reduced.count != width * height { reduced = [UInt8](repeating: 0, count: width * height) }
        let shift = max(0, luma.bitDepth - 8)
        let taps = min(factor, 3)
        let offsets = (0..<taps).map { ($0 * 2 + 1) * factor / (2 * taps) }
        let area = taps * taps
        var sums = [Int](repeating: 0, count: width)
        for y in 0..<height {
            for i in sums.indices { sums[i] = 0 }
            for dy in offsets {
                let row = y * factor + dy
                if luma.bytesPerSample == 1 {
                    let r = luma.row8(row)
                    for x in 0..<width {
                        var s = 0
                        for dx in offsets { s += Int(r[x * factor + dx]) }
                        sums[x] += s
                    }
                } else {
                    let r = luma.row16(row)
                    for x in 0..<width {
                        var s = 0
                        for dx in offsets { s += Int(r[x * factor + dx]) >> shift }
                        sums[x] += s
                    }
                }
            }
            for x in 0..<width { reduced[y * width + x] = UInt8(clamping: sums[x] / area) }
        }
    }

    /// The 10th percentile of the reduced picture inside a face's box.
    private func darkestTenth(_ f: FaceDetector.Box, width: Int) -> Float {
        var histogram = [Int](repeating: 0, count: 256)
        var n = 0
        let rows = max(0, f.y)..<min(reduced.count / max(width, 1), f.y + f.height)
        let columns = max(0, f.x)..<min(width, f.x + f.width)
        for y in rows {
            for x in columns {
                histogram[Int(reduced[y * width + x])] += 1
                n += 1
            }
        }
        var seen = 0
        for (v, c) in histogram.enumerated() {
            seen += c
            if seen * 10 >= n { return Float(v) }
        }
        return 0
    }

    // MARK: The mouth

    /// Spread and dark share of the band around the mouth line, or nil when the lower face is
    /// outside the picture.
    private func measureMouth(_ luma: borrowing PicturePlane, box: FaceDetector.Box, darkLevel: Float) -> (Float, Float)? {
        let gw = Self.gridWidth, gh = Self.gridHeight
        let x0 = max(0, box.x + box.width / 4), x1 = min(luma.width, box.x + box.width * 3 / 4)
        let y0 = max(0, box.y + box.height * 55 / 100), y1 = min(luma.height, box.y + box.height)
        guard x1 - x0 >= gw, y1 - y0 >= gh else { return nil }
        let scale = Float(1 << max(0, luma.bitDepth - 8))
        // Each cell is the mean of up to 4 × 4 samples spread over it.
        for gy in 0..<gh {
            let top = y0 + (y1 - y0) * gy / gh, bottom = y0 + (y1 - y0) * (gy + 1) / gh
            let stepY = max(1, (bottom - top) / 4)
            for gx in 0..<gw {
                let left = x0 + (x1 - x0) * gx / gw, right = x0 + (x1 - x0) * (gx + 1) / gw
                let stepX = max(1, (right - left) / 4)
                var sum = 0, n = 0
                var y = top
                while y < bottom {
                    if luma.bytesPerSample == 1 {
                        let r = luma.row8(y)
                        var x = left
                        while x < right { sum += Int(r[x]); n += 1; x += stepX }
                    } else {
                        let r = luma.row16(y)
                        var x = left
                        while x < right { sum += Int(r[x]); n += 1; x += stepX }
                    }
                    y += stepY
                }
                grid[gy * gw + gx] = Float(sum) / Float(max(n, 1)) / scale
            }
        }
        // The mouth line: the darkest row of the profile smoothed over three rows.
        var profile = [Float](repeating: 0, count: gh)
        for gy in 0..<gh {
            var s: Float = 0
            for gx in 0..<gw { s += grid[gy * gw + gx] }
            profile[gy] = s / Float(gw)
        }
        let b = Self.band
        var line = b
        var darkest = Float.greatestFiniteMagnitude
        for gy in b..<(gh - b) {
            let v = (profile[gy - 1] + profile[gy] + profile[gy + 1]) / 3
            if v < darkest { darkest = v; line = gy }
        }
        var sum: Float = 0, squares: Float = 0, dark = 0
        let cells = (2 * b + 1) * gw
        for gy in (line - b)...(line + b) {
            for gx in 0..<gw {
                let v = grid[gy * gw + gx]
                sum += v
                squares += v * v
                if v < darkLevel { dark += 1 }
            }
        }
        let mean = sum / Float(cells)
        let spread = max(0, squares / Float(cells) - mean * mean).squareRoot()
        return (spread, Float(dark) / Float(cells))
    }
}
