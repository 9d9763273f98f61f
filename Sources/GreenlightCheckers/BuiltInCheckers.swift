import GreenlightCore
import GreenlightValues

/// The checkers that ship with Greenlight, in the order reports list them. A third party
/// adds its own list beside this one.
public enum BuiltInCheckers {
    public static let all: [AnyCheckerType] = [
        AnyCheckerType(BlackChecker.self),
        AnyCheckerType(FreezeChecker.self),
        AnyCheckerType(SilenceChecker.self),
        AnyCheckerType(AVSyncChecker.self),
        AnyCheckerType(LoudnessChecker.self),
        AnyCheckerType(AudioHealthChecker.self),
        AnyCheckerType(SubtitleTimingChecker.self),
        AnyCheckerType(ColourConsistencyChecker.self),
        AnyCheckerType(GamutChecker.self),
        AnyCheckerType(ColourMetadataChecker.self),
        AnyCheckerType(ColourReferenceChecker.self),
        AnyCheckerType(PSEChecker.self),
        AnyCheckerType(HDRChecker.self),
        AnyCheckerType(PictureChecker.self),
        AnyCheckerType(FocusChecker.self),
        AnyCheckerType(ExposureChecker.self),
        AnyCheckerType(SensorChecker.self),
        AnyCheckerType(TimecodeChecker.self),
        AnyCheckerType(SoundSyncChecker.self),
    ]
}

/// Checks that set the files of one run against each other, after every file is checked: each
/// adds its findings to the reports they concern (a sharded run does it when the parts are merged).
public enum RunCrossChecks {
    public static func apply(_ reports: [FileReport], profile: Profile) -> [FileReport] {
        [ColourMetadataChecker.crossCheck, TimecodeChecker.crossCheck, SoundSyncChecker.crossCheck, SensorChecker.crossCheck]
            .reduce(reports) { done, check in check(done, profile) }
    }
}
