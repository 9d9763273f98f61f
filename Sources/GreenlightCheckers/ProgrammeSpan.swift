import GreenlightCore
import GreenlightValues

/// The pictures a checker has seen, from the first one's start to the last one's end: where its
/// findings sit (head, tail, programme, whole).
struct ProgrammeSpan {
    private(set) var first: MediaTime?
    private(set) var end: MediaTime?

    mutating func see(_ f: VideoFeatures) {
        if first == nil { first = f.time }
        end = f.end
    }

    func placement(_ start: MediaTime, _ stop: MediaTime) -> Placement {
        GreenlightCore.placement(start: start, end: stop, programmeStart: first ?? .zero, programmeEnd: end)
    }
}
