import GreenlightCore
import GreenlightMedia
import GreenlightValues

/// Matches a clip to the production sound files of `--sound` by timecode, and reads the matched
/// file's sound over the clip (10 s either side, for offsets the timecode got wrong) as mono
/// 8 kHz, for the sound-sync checker.
enum ProductionSoundMatcher {
    static let margin = 10.0

    /// Label time in seconds since midnight of a timecode label (`10:00:00:00`, `;` for drop-frame).
    static func seconds(_ label: String, rate: Rational) -> Double? {
        let parts = label.split(whereSeparator: { $0 == ":" || $0 == ";" || $0 == "." }).compactMap { Double($0) }
        guard parts.count == 4 else { return nil }
        return parts[0] * 3600 + parts[1] * 60 + parts[2] + parts[3] / rate.doubleValue.rounded()
    }

    static func match(clip info: MediaInfo, sounds: [ProductionSound]) -> ProductionSoundMatch {
        guard let label = info.startTimecode, let rate = info.primaryVideo?.timecodeRate, let start = seconds(label, rate: rate) else {
            return ProductionSoundMatch(file: nil, candidates: sounds.count, problem: "the clip has no start timecode to match sound by")
        }
        let length = info.primaryVideo?.duration ?? info.duration ?? 0
        func overlap(_ s: ProductionSound) -> Double { min(start + length, s.startSeconds + s.seconds) - max(start, s.startSeconds) }
        guard let best = sounds.filter({ overlap($0) > 0 }).max(by: { overlap($0) < overlap($1) }) else {
            return ProductionSoundMatch(file: nil, candidates: sounds.count)
        }
        // The file's sound from `margin` before the clip to `margin` after it, where it has any.
        let from = max(0, start - margin - best.startSeconds), to = min(best.seconds, start + length + margin - best.startSeconds)
        var resampler: MonoResampler?
        var firstRead: Double?
        do {
            let file = try MediaFile(path: best.path)
            if from > 0 { try file.seek(toProgrammeTime: MediaTime(seconds: from)) }
            let reader = try MediaReader(file: file, selection: ReadSelection(video: false, audio: true, subtitles: false))
            let limit = Int((to - from) * Double(ProductionSoundMatch.rate)) + 1
            _ = try reader.run(video: { _ in }, audio: { buffer in
                if resampler == nil { resampler = MonoResampler(inputRate: buffer.sampleRate, capacity: limit) }
                // Where the read really starts (a seek lands on a packet boundary at or before `from`).
                if firstRead == nil { firstRead = buffer.time?.seconds ?? from }
                resampler!.add((0..<buffer.channelCount).map { buffer.channel($0) }, count: buffer.sampleCount)
                if resampler!.output.count >= limit { throw Enough() }
            }, subtitle: { _ in })
        } catch is Enough {
        } catch {
            return ProductionSoundMatch(file: best, candidates: sounds.count, timecodeOffset: best.startSeconds - start,
                                        problem: "\(best.path) could not be read: \(error)")
        }
        return ProductionSoundMatch(file: best, candidates: sounds.count, timecodeOffset: best.startSeconds - start,
                                    samples: resampler?.output ?? [], start: best.startSeconds + (firstRead ?? from) - start)
    }

    struct Enough: Error {}
}
