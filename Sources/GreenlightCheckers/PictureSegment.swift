import GreenlightCore
import GreenlightValues

/// A run of consecutive pictures a picture checker found (black, frozen, …), and the one way
/// such runs become findings: the minimum-duration test, placement, wording and severity.
struct PictureSegment {
    var start: MediaTime
    var end: MediaTime
    var frames: Int64

    var seconds: Double { (end - start).seconds }

    /// Whether the run lasts at least `minimum`: frames counted exactly; seconds by time, to
    /// within one picture (the stream's granularity: an encoder blurs a run's first or last
    /// picture, so a 2 s hold can decode as 49 pictures at 25 fps).
    func lasts(_ minimum: DurationValue, frameRate: Rational?) -> Bool {
        if case .frames(let n) = minimum { return frames >= n }
        let picture = frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) } ?? .zero
        return end - start + picture >= minimum.time(frameRate: frameRate)
    }

    /// A finding for this run: `subject` is what the pictures are ("Black", "Picture frozen");
    /// head and tail runs are information, runs inside the programme (or all of it) warnings.
    func finding(checker: String, code: String, subject: String, firstPicture: MediaTime, end programmeEnd: MediaTime?,
                 context: CheckContext, measurements: [String: Double]) -> Finding {
        let where_ = placement(start: start, end: end, programmeStart: firstPicture, programmeEnd: programmeEnd)
        let length = framesAndSeconds(frames, seconds)
        let at = context.label(start)
        let message: String
        switch where_ {
        case .head: message = "\(subject) at the head for \(length) from \(at)"
        case .tail: message = "\(subject) at the tail for \(length) from \(at)"
        case .whole: message = "\(subject) for the whole programme: \(length)"
        case .programme: message = "\(subject) for \(length) mid-programme at \(at)"
        }
        return context.finding(checker: checker, code: code, severity: edgeAware(where_), placement: where_,
                               start: start, end: end, message: message,
                               measurements: measurements.merging(["frames": Double(frames), "seconds": seconds]) { a, _ in a })
    }
}

/// Head and tail are expected padding (information); anything else is a warning.
func edgeAware(_ placement: Placement) -> Severity {
    placement == .head || placement == .tail ? .info : .warning
}

/// "12 frames (0.48 s)" / "1 frame (0.04 s)".
func framesAndSeconds(_ frames: Int64, _ seconds: Double) -> String {
    "\(frames) frame\(frames == 1 ? "" : "s") (\(formatSeconds(seconds)))"
}
