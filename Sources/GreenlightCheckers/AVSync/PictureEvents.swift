import GreenlightCore
import GreenlightValues

/// A picture that changes abruptly: a cut, a flash, a sudden change of light or motion.
struct PictureEvent: Sendable, Equatable {
    var frame: Int64
    /// Start of the picture, from the programme's first frame.
    var time: Double
    /// How much it changed: mean absolute luma difference to the picture before, in percent of
    /// the nominal range, above the usual change around it.
    var strength: Double
    /// A flash: much brighter than the pictures either side, for at most three pictures.
    var isFlash: Bool
    /// Pictures the flash lasts.
    var flashFrames: Int = 0
}

/// Finds picture events as pictures arrive, three pictures late (a flash must end), keeping a
/// short history only. Also keeps the runs of black pictures that last a second or more (where
/// a two-pop leader goes black before first frame of action).
final class PictureEventDetector {
    private struct Picture {
        var frame: Int64, time: Double, duration: Double, mean: Double, difference: Double, isBlack: Bool
    }
    private var recent: [Picture] = []
    /// Usual change around a picture: the median of the last 12 differences.
    private var differences: [Double] = []
    private(set) var events: [PictureEvent] = []
    private(set) var blackRuns: [(start: Int64, end: Int64, endTime: Double)] = []
    private var blackStart: (frame: Int64, time: Double)?
    private(set) var frameDuration = 0.04
    private var lastFlash: Int64 = -10

    func add(_ f: VideoFeatures) {
        let mean = f.stats.map { f.signal.percent($0.mean) } ?? 0
        let picture = Picture(frame: f.frameNumber, time: f.time.seconds, duration: f.duration.seconds,
                              mean: mean, difference: f.difference?.mean ?? 0, isBlack: f.isBlack)
        if picture.duration > 0 { frameDuration = picture.duration }
        if f.isBlack {
            if blackStart == nil { blackStart = (f.frameNumber, f.time.seconds) }
        } else {
            closeBlack(before: picture)
        }
        recent.append(picture)
        if recent.count > 6 { recent.removeFirst() }
        decide()
        differences.append(picture.difference)
        if differences.count > 12 { differences.removeFirst() }
    }

    func finish(videoEnd: Double?) {
        if let start = blackStart, let last = recent.last {
            let endTime = videoEnd ?? (last.time + last.duration)
            if endTime - start.time >= 1 { blackRuns.append((start.frame, last.frame + 1, endTime)) }
        }
        blackStart = nil
    }

    private func closeBlack(before picture: Picture) {
        guard let start = blackStart else { return }
        blackStart = nil
        if picture.time - start.time >= 1 { blackRuns.append((start.frame, picture.frame, picture.time)) }
    }

    /// Judges the picture three back, now that the three after it are known.
    private func decide() {
        guard recent.count >= 5 else { return }
        let i = recent.count - 4
        let p = recent[i], before = recent[i - 1]
        // A flash: 20 points brighter than the picture before, back within 10 points of it
        // within three pictures.
        if p.mean - before.mean >= 20, p.frame > lastFlash + 3,
           let back = recent[(i + 1)...].firstIndex(where: { $0.mean - before.mean <= 10 }) {
            lastFlash = p.frame
            events.append(PictureEvent(frame: p.frame, time: p.time, strength: p.mean - before.mean, isFlash: true,
                                       flashFrames: back - i))
            return
        }
        guard p.frame > lastFlash + 3 else { return }
        // A change: a local peak of the difference, at least 3 points and three times the usual.
        let usual = quantile(differences, 0.5) ?? 0
        let next = recent[i + 1]
        let jump = abs(p.mean - before.mean)
        let strength = max(p.difference - usual, jump)
        if (p.difference >= max(3, 3 * usual) && p.difference > before.difference && p.difference >= next.difference) || jump >= 4 {
            events.append(PictureEvent(frame: p.frame, time: p.time, strength: strength, isFlash: false))
        }
    }
}
