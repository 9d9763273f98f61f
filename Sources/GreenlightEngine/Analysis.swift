import GreenlightCore
import GreenlightValues

/// One file's analyzers at work: runs the picture analyzers on each lent picture, then the frame
/// analyzers as their lookahead fills, and hands finished records on in presentation order.
final class Analysis {
    private let slots: AnalyzerSlots
    private var pictureStage: [(slot: Int, run: (borrowing DecodedPicture, FrameRecord) -> any Sendable)] = []
    private var soundStage: [(slot: Int, run: (AudioSampleBlock) -> any Sendable)] = []
    /// Frame analyzers in dependency order, each with the records waiting for its lookahead.
    private var frameStages: [FrameStage] = []

    private struct FrameStage {
        let slot: Int
        let lookahead: Int
        let run: (FrameRecord, ArraySlice<FrameRecord>) -> any Sendable
        var waiting: [FrameRecord] = []
    }

    init(plan: AnalysisPlan, context: CheckContext) {
        slots = AnalyzerSlots(plan.requests.map(\.key))
        for (slot, request) in plan.requests.enumerated() {
            switch (request.make(context), request.kind) {
            case (.picture(let run), _): pictureStage.append((slot, run))
            case (.frame(let run), .frame(let lookahead)): frameStages.append(FrameStage(slot: slot, lookahead: lookahead, run: run))
            case (.sound(let run), _): soundStage.append((slot, run))
            case (.frame, _): preconditionFailure("frame analyzer of another kind")
            }
        }
    }

    /// The earliest picture still waiting for a frame analyzer's lookahead.
    var earliestWaiting: MediaTime? {
        frameStages.compactMap { $0.waiting.first?.features.time }.min()
    }

    /// Whether any analyzer reads pictures, so the engine must lend them.
    var readsPictures: Bool { !pictureStage.isEmpty || !frameStages.isEmpty }

    /// Runs the picture analyzers on `picture` and returns the records this completes.
    func add(_ picture: borrowing DecodedPicture) -> [FrameRecord] {
        var record = FrameRecord(features: picture.features, slots: slots)
        for (slot, run) in pictureStage { record.outputs[slot] = run(picture, record) }
        var out: [FrameRecord] = []
        push(record, stage: 0, into: &out)
        return out
    }

    /// Runs the sound analyzers on one block of full-rate samples.
    func add(_ block: AudioSampleBlock) -> SoundRecord {
        var record = SoundRecord(block: block, slots: slots)
        for (slot, run) in soundStage { record.outputs[slot] = run(block) }
        return record
    }

    /// Decides every record still waiting for lookahead (the stream has ended).
    func finish() -> [FrameRecord] {
        var out: [FrameRecord] = []
        for stage in frameStages.indices { drain(stage, into: &out) }
        return out
    }

    private func push(_ record: FrameRecord, stage: Int, into out: inout [FrameRecord]) {
        guard stage < frameStages.count else { out.append(record); return }
        frameStages[stage].waiting.append(record)
        while frameStages[stage].waiting.count > frameStages[stage].lookahead {
            decideHead(stage, into: &out)
        }
    }

    private func drain(_ stage: Int, into out: inout [FrameRecord]) {
        while !frameStages[stage].waiting.isEmpty { decideHead(stage, into: &out) }
    }

    /// Runs stage `stage` on its oldest record, with the records after it up to its lookahead
    /// (stopping at a timestamp gap), and passes the record on.
    private func decideHead(_ stage: Int, into out: inout [FrameRecord]) {
        let s = frameStages[stage]
        var head = s.waiting[0]
        var end = min(s.waiting.count, 1 + s.lookahead)
        if let gap = s.waiting[1..<end].firstIndex(where: \.features.followsGap) { end = gap }
        head.outputs[s.slot] = s.run(head, s.waiting[1..<end])
        frameStages[stage].waiting.removeFirst()
        push(head, stage: stage + 1, into: &out)
    }
}
