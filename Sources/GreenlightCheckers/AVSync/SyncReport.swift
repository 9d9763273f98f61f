import Foundation
import GreenlightCore
import GreenlightValues

/// Turns the stream timing and the measurement into av-sync's findings and summary.
struct SyncReport {
    let checker: String
    let context: CheckContext
    let frameDuration: Double
    /// Offsets inside this range are in sync (seconds, sound − picture).
    let window: ClosedRange<Double>
    let rule: String
    private(set) var findings: [Finding] = []
    private(set) var summary: [String: SummaryValue] = [:]
    /// Why the content could not be measured, when it could not (and no suspicion was raised).
    private(set) var notMeasured: String?
    /// An estimate below the confidence a finding needs but at least this sure, and out of
    /// tolerance, is reported as suspected rather than dropped.
    static let suspicionConfidence = 0.5

    init(checker: String, context: CheckContext, frameDuration: Double, window: ClosedRange<Double>, rule: String) {
        self.checker = checker
        self.context = context
        self.frameDuration = frameDuration
        self.window = window
        self.rule = rule
        summary["tolerance"] = .text(rule)
    }

    /// "audio lags picture by 80 ms (2.0 frames)", "audio leads picture by 60 ms (1.4 frames)".
    func words(_ offset: Double) -> String {
        let ms = formatNumber(abs(offset) * 1000, decimals: 1)
        let frames = String(format: "%.1f", abs(offset) / frameDuration)
        if abs(offset) < 0.0005 { return "audio and picture are in sync (0 ms)" }
        return "audio \(offset > 0 ? "lags" : "leads") picture by \(ms) ms (\(frames) frames)"
    }

    private func time(_ seconds: Double) -> MediaTime { MediaTime(seconds: max(0, seconds)) }

    private mutating func add(_ code: String, _ severity: Severity, from start: Double, to end: Double, _ message: String,
                              offset: Double? = nil, more: [String: Double] = [:]) {
        var measurements = more
        if let offset { measurements["offsetSeconds"] = offset }
        let s = time(min(start, end)), e = time(max(start, end, min(start, end) + 0.001))
        findings.append(context.finding(checker: checker, code: code, severity: severity, placement: nil,
                                        start: s, end: e, message: message, measurements: measurements))
    }

    // MARK: Stream level

    /// Start and end of the first sound stream against the picture, as decoded, explained with
    /// what the container declares; confirmed or corrected by the content when it was measured.
    mutating func streamLevel(stream: Int, videoStart: Double, audioStart: Double, videoEnd: Double?, audioEnd: Double?,
                              gaps: Int, durationTolerance: Double, measured: SyncMeasurement) {
        let info = context.audioStreams.first { $0.index == stream }
        let startOffset = audioStart - videoStart
        summary["audioStartSeconds"] = .number(audioStart)
        summary["videoStartSeconds"] = .number(videoStart)
        summary["streamOffsetSeconds"] = .number(startOffset)

        var explanation: [String] = []
        if let declaredAudio = info?.startTime, let declaredVideo = context.video?.startTime {
            explanation.append("the container starts the sound stream at \(formatNumber(declaredAudio)) s and the picture at \(formatNumber(declaredVideo)) s")
            // What the decoder trimmed from the declared start: encoder priming.
            let origin = declaredVideo - videoStart
            let trimmed = (audioStart + origin) - declaredAudio
            if trimmed > 0.0005, let rate = info?.sampleRate {
                let samples = Int((trimmed * Double(rate)).rounded())
                let known = [1024: "AAC encoder priming", 2112: "AAC encoder priming (iTunes convention)", 312: "Opus pre-skip", 576: "MP3 encoder delay", 529: "MP3 decoder delay"]
                let cause = known[samples].map { " (\($0))" } ?? ""
                explanation.append("the decoder drops the first \(samples) samples\(cause), \(formatNumber(trimmed * 1000, decimals: 1)) ms, so sound begins at \(formatNumber(audioStart)) s")
                summary["primingSamples"] = .integer(Int64(samples))
            }
        }
        if gaps > 0 { explanation.append("the sound has \(gaps) gap(s) (see decode.gap)") }
        if abs(startOffset) > frameDuration / 2, let offset = measured.trusted(minimumConfidence: 0.8) {
            explanation.append(abs(offset) <= frameDuration / 2
                ? "the measured content is in sync, so the difference is in the timestamps only and players align it"
                : "the measured content offset is \(formatNumber(offset * 1000, decimals: 1)) ms")
        }
        summary["streamExplanation"] = .text(explanation.joined(separator: "; "))

        if abs(startOffset) > frameDuration / 2 {
            let which = startOffset > 0 ? "after" : "before"
            // Placed over the programme's head that has only one of the two.
            add("sync.stream-offset", .warning, from: videoStart, to: videoStart + abs(startOffset),
                "The sound starts \(formatNumber(abs(startOffset) * 1000, decimals: 1)) ms (\(String(format: "%.1f", abs(startOffset) / frameDuration)) frames) \(which) the picture: "
                    + explanation.joined(separator: "; ") + ".", offset: startOffset)
        }

        guard let videoEnd, let audioEnd else { return }
        let videoLength = videoEnd - videoStart, audioLength = audioEnd - audioStart
        summary["durationDifferenceSeconds"] = .number(audioLength - videoLength)
        guard abs(audioLength - videoLength) > durationTolerance, abs(audioEnd - videoEnd) > durationTolerance, videoLength > 0 else { return }
        let ppm = (audioLength / videoLength - 1) * 1_000_000
        let causes: [(Double, String)] = [
            (1000.0 / 1001 - 1, "sound slowed by 1000/1001 (a 23.976/29.97 pull-down applied to the sound only)"),
            (1001.0 / 1000 - 1, "sound sped up by 1001/1000 (a pull-up applied to the sound only)"),
            (25.0 / 24 - 1, "sound slowed from 25 to 24 fps speed"), (24.0 / 25 - 1, "sound sped up from 24 to 25 fps speed (PAL speed-up)"),
            (25.0 / (24000.0 / 1001) - 1, "sound at 23.976 speed against 25 fps picture"), ((24000.0 / 1001) / 25 - 1, "sound at 25 fps speed against 23.976 picture"),
            (48000.0 / 44100 - 1, "44.1 kHz sound played as 48 kHz (or the reverse)"), (44100.0 / 48000 - 1, "48 kHz sound played as 44.1 kHz (or the reverse)"),
        ]
        let cause = causes.first { abs(ppm - $0.0 * 1_000_000) <= abs($0.0) * 1_000_000 * 0.02 }.map { "; likely cause: \($0.1)" } ?? ""
        let which = audioEnd < videoEnd ? "before" : "after"
        add("sync.duration-mismatch", .warning, from: min(audioEnd, videoEnd), to: max(audioEnd, videoEnd),
            "The sound ends \(formatNumber(abs(audioEnd - videoEnd) * 1000, decimals: 1)) ms \(which) the picture (sound \(formatNumber(audioLength)) s, picture \(formatNumber(videoLength)) s: \(formatNumber(ppm, decimals: 0)) ppm)\(cause).",
            offset: audioEnd - videoEnd, more: ["ppm": ppm])
    }

    // MARK: Measurement

    private func severity(_ offset: Double) -> Severity? { window.contains(offset) ? nil : .error }

    private mutating func offsetFinding(_ offset: Double, from start: Double, to end: Double, how: String) {
        guard let severity = severity(offset) else { return }
        add("sync.offset", severity, from: start, to: end,
            "\(words(offset).prefix(1).uppercased() + words(offset).dropFirst()) (\(how)), outside \(rule).", offset: offset)
    }

    mutating func measured(_ measurement: SyncMeasurement, minimumConfidence: Double) {
        switch measurement {
        case .twoPop(let pop):
            summary["method"] = .text("two-pop")
            summary["measurable"] = .flag(true)
            summary["confidence"] = .number(1)
            summary["offsetSeconds"] = .number(pop.event.offset)
            summary["events"] = .integer(1)
            summary["firstFrameOfAction"] = .integer(pop.ffoaFrame)
            let misplacement = pop.popSound - pop.popFrameTime
            if let flash = pop.flashFrame, flash != pop.popFrame {
                add("sync.two-pop", .error, from: pop.event.pictureTime, to: pop.event.pictureTime + frameDuration,
                    "The 2-pop flash is on frame \(flash), \(pop.ffoaFrame - flash) frames before first frame of action (frame \(pop.ffoaFrame)); it belongs 2 s before it, on frame \(pop.popFrame).",
                    offset: pop.event.offset)
            } else if abs(misplacement) > frameDuration / 2 {
                add("sync.two-pop", .error, from: pop.popSound, to: pop.popSound + frameDuration,
                    "The 2-pop sounds \(formatNumber(abs(misplacement) * 1000, decimals: 1)) ms (\(String(format: "%.1f", abs(misplacement) / frameDuration)) frames) \(misplacement > 0 ? "late" : "early"): it belongs 2 s before first frame of action (frame \(pop.ffoaFrame)), on frame \(pop.popFrame).",
                    offset: misplacement)
            }
            offsetFinding(pop.event.offset, from: pop.event.pictureTime, to: pop.event.pictureTime + frameDuration,
                          how: pop.flashFrame == nil ? "2-pop against first frame of action" : "2-pop flash and tone")

        case .flashBeep(let events, let trend):
            summary["method"] = .text("flash-beep")
            summary["measurable"] = .flag(true)
            summary["confidence"] = .number(1)
            summary["offsetSeconds"] = .number(trend.offset)
            summary["events"] = .integer(Int64(events.count))
            summary["residualSeconds"] = .number(trend.residual)
            summary["windows"] = .list(events.map { .record(["time": .number($0.pictureTime), "offset": .number($0.offset), "confidence": .number(1)]) })
            let first = events.first!.pictureTime, last = events.last!.pictureTime + frameDuration
            switch trend.shape {
            case .constant:
                summary["driftPpm"] = .number(0)
                offsetFinding(trend.offset, from: first, to: last, how: "\(events.count) flash-and-beep pair(s)")
            case .drift(let a, let b):
                summary["driftPpm"] = .number(b * 1_000_000)
                let endOffset = a + b * events.last!.pictureTime
                let outside = !window.contains(trend.offset) || !window.contains(endOffset)
                add("sync.drift", outside ? .error : .warning, from: first, to: last,
                    "The sound drifts by \(formatNumber(b * 1_000_000, decimals: 0)) ppm: \(words(trend.offset)) at \(context.label(time(first))) and \(words(endOffset).replacingOccurrences(of: "audio ", with: "")) at \(context.label(time(events.last!.pictureTime)))\(outside ? ", outside \(rule)" : "").",
                    offset: endOffset, more: ["driftPpm": b * 1_000_000])
            case .step(let index, let before, let after):
                summary["driftPpm"] = .number(0)
                summary["offsetAfterStepSeconds"] = .number(after)
                let at = events[index]
                let outside = !window.contains(before) || !window.contains(after)
                add("sync.step", outside ? .error : .warning, from: events[index - 1].pictureTime, to: at.pictureTime,
                    "The offset steps by \(formatNumber((after - before) * 1000, decimals: 1)) ms between \(context.label(time(events[index - 1].pictureTime))) and \(context.label(time(at.pictureTime))): \(words(before)) before, \(words(after).replacingOccurrences(of: "audio ", with: "")) after\(outside ? ", outside \(rule)" : "").",
                    offset: after, more: ["offsetBeforeSeconds": before])
            }

        case .content(let estimate, let lips):
            content(estimate, lips: lips, minimumConfidence: minimumConfidence)
        }
    }

    /// Picture changes against sound onsets, and the lips against the speech: the surer of the
    /// two gives the offset; the summary keeps both.
    private mutating func content(_ estimate: ContentEstimate, lips: Result<LipSyncEstimate, LipSyncUnmeasured>?, minimumConfidence: Double) {
        summary["events"] = .integer(Int64(estimate.pictureEvents))
        summary["matchedEvents"] = .integer(Int64(estimate.matched))
        let lip = try? lips?.get()
        if let lip {
            summary["lips"] = .record([
                "offsetSeconds": .number(lip.offset), "confidence": .number(lip.confidence),
                "face": .text("\(lip.box.width)×\(lip.box.height) at (\(lip.box.x), \(lip.box.y))"),
                "faceFromSeconds": .number(lip.span.lowerBound), "faceToSeconds": .number(lip.span.upperBound),
                "faces": .integer(Int64(lip.faces)), "speechSeconds": .number(lip.voicedSeconds),
                "correlation": .number(lip.peak), "margin": .number(lip.margin),
            ])
        } else if case .failure(let why)? = lips {
            summary["lips"] = .record(["note": .text("not measured: " + why.words)])
        }
        let contentConfidence = estimate.offset == nil ? 0 : estimate.confidence
        let useLips = lip.map { $0.confidence > contentConfidence } ?? false
        let confidence = useLips ? lip!.confidence : estimate.confidence
        let offset = useLips ? lip?.offset : estimate.offset
        // Both measured and within a frame of each other: say so.
        let agree = lip.map { l in estimate.offset.map { abs($0 - l.offset) <= frameDuration && estimate.confidence >= minimumConfidence && l.confidence >= minimumConfidence } ?? false } ?? false
        summary["method"] = .text(agree ? "content+lips" : useLips ? "lips" : "content")
        summary["confidence"] = .number(confidence)
        if let offset { summary["offsetSeconds"] = .number(offset) }
        if useLips, let lip {
            summary["windows"] = .list(lip.windows.map {
                .record(["time": .number($0.start), "offset": .number($0.offset), "confidence": .number($0.confidence)])
            })
        } else {
            summary["windows"] = .list(estimate.windows.map {
                .record(["time": .number($0.start), "offset": .number($0.offset), "confidence": .number($0.confidence), "events": .integer(Int64($0.pictureEvents))])
            })
        }
        let span = useLips ? lip!.span : (estimate.span?.lowerBound ?? 0)...((estimate.span?.upperBound ?? 0) + frameDuration)
        let measurable = offset != nil && confidence >= minimumConfidence
        summary["measurable"] = .flag(measurable)
        let cutsWhy = estimate.pictureEvents < 4
            ? "the picture has \(estimate.pictureEvents) sudden change(s), too few to line up with the sound"
            : "the picture's changes and the sound's onsets do not line up at one offset with confidence (\(formatNumber(estimate.confidence, decimals: 2)))"
        let lipsWhy: String? = switch lips {
        case .none: nil
        case .failure(let why)?: why.words
        case .success(let l)?: "the lips of the face and the speech line up only with confidence \(formatNumber(l.confidence, decimals: 2)), best at \(formatNumber(l.offset * 1000, decimals: 0)) ms (\(formatNumber(l.voicedSeconds, decimals: 1)) s of speech)"
        }
        if !measurable {
            let why = [cutsWhy, lipsWhy.map { "lip sync: " + $0 }].compactMap { $0 }.joined(separator: "; ")
            summary["note"] = .text("not measurable: " + why)
            if let offset, confidence >= Self.suspicionConfidence, !window.contains(offset) {
                // Middling confidence, out of tolerance: said, with what would settle it.
                let evidence = useLips
                    ? "the lips of \(faceWords(lip!)) line up with the speech best there, with confidence \(formatNumber(confidence, decimals: 2))"
                    : "only \(estimate.matched) of \(estimate.pictureEvents) picture changes line up with sound onsets (confidence \(formatNumber(confidence, decimals: 2)))"
                add("sync.offset-suspected", .warning, from: span.lowerBound, to: span.upperBound,
                    "Possibly out of sync: \(words(offset)), outside \(rule), but \(evidence), under the \(formatNumber(minimumConfidence, decimals: 2)) a finding needs. Confirm on a hard cut with a sound on it, a close-up of someone speaking, or with a sync leader (2-pop, flash and beep).",
                    offset: offset, more: ["confidence": confidence])
            } else {
                notMeasured = why
            }
            return
        }
        guard let offset else { return }
        if !useLips {
            // Drift from the confident windows' offsets, when there are enough of them.
            let confident = estimate.windows.filter { $0.confidence >= minimumConfidence }
            if confident.count >= 3 {
                let trend = OffsetTrend(confident.map { SyncEvent(pictureTime: $0.start, soundTime: $0.start + $0.offset) },
                                        minimumChange: frameDuration)
                if case .drift(_, let b) = trend.shape { summary["driftPpm"] = .number(b * 1_000_000) } else { summary["driftPpm"] = .number(0) }
                let offsets = confident.map(\.offset)
                if let high = offsets.max(), let low = offsets.min(), high - low > frameDuration {
                    summary["note"] = .text("the windows' offsets spread over \(formatNumber((high - low) * 1000, decimals: 0)) ms: see windows for drift or a step")
                }
            }
        }
        var how = useLips
            ? "from the lips of \(faceWords(lip!)): mouth and speech line up best at this offset, confidence \(formatNumber(confidence, decimals: 2))"
            : "from the content: \(estimate.matched) of \(estimate.pictureEvents) picture changes line up with sound onsets, confidence \(formatNumber(confidence, decimals: 2))"
        if agree { how += "; picture changes against sound onsets agree" }
        offsetFinding(offset, from: span.lowerBound, to: span.upperBound, how: how)
    }

    /// "the face at (412, 180), 300×300, seen from 00:00:01:00 to 00:00:09:12".
    private func faceWords(_ lip: LipSyncEstimate) -> String {
        "the face at (\(lip.box.x), \(lip.box.y)), \(lip.box.width)×\(lip.box.height), seen from \(context.label(time(lip.span.lowerBound))) to \(context.label(time(lip.span.upperBound)))"
            + (lip.faces > 1 ? " (the one of \(lip.faces) faces whose mouth follows the speech best)" : "")
    }
}
