import GreenlightCore

/// The checkers that ship with Greenlight, in the order reports list them. A third party
/// adds its own list beside this one.
public enum BuiltInCheckers {
    public static let all: [AnyCheckerType] = [
        AnyCheckerType(BlackChecker.self),
        AnyCheckerType(FreezeChecker.self),
        AnyCheckerType(SilenceChecker.self),
    ]
}

/// "12 frames (0.48 s)" / "1 frame (0.04 s)".
func framesAndSeconds(_ frames: Int64, _ seconds: Double) -> String {
    "\(frames) frame\(frames == 1 ? "" : "s") (\(formatSeconds(seconds)))"
}
