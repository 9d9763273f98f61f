import Foundation
import Testing
import GreenlightMedia
import GreenlightValues

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

/// Sum of every luma code of a picture: equal sums of the same picture prove the pairing.
private func lumaSum(_ frame: RetainedVideoFrame) -> Int {
    frame.withFrame { f in
        var sum = 0
        for y in 0..<f.luma.height { for v in f.luma.row8(y) { sum += Int(v) } }
        return sum
    }
}

@Suite struct OrderedReaderTests {
    /// audio-early.mkv: sound from 0 s to 4 s, pictures from 1.021 s to 4 s (75 of them).
    @Test func streamsComeOutMergedByTimeBelowARisingWatermark() throws {
        let reader = try OrderedReader(file: MediaFile(path: "\(sampleMedia)/audio-early.mkv"))
        var last: MediaTime?
        var watermark: MediaTime?
        var pictures = 0
        var samples = 0
        var firstPictureAfterSound = false
        while let item = try reader.next() {
            if let last { #expect(item.time >= last) }
            // Nothing handed out now may start before what the watermark said was complete.
            if let watermark { #expect(item.time >= watermark) }
            last = item.time
            if let w = reader.watermark {
                if let watermark { #expect(w >= watermark) }
                watermark = w
            }
            switch item {
            case .video:
                if pictures == 0 { firstPictureAfterSound = samples >= 48_000 }
                pictures += 1
            case .audio(let chunk): samples += chunk.sampleCount
            case .subtitle: break
            }
        }
        #expect(pictures == 75)
        #expect(abs(samples - 4 * 48_000) <= 2048)  // AAC priming and padding
        // A second of sound comes out before the first picture, which starts at 1.021 s.
        #expect(firstPictureAfterSound)
        #expect(reader.watermark.map { $0.seconds >= 4 } == true)
        #expect(reader.reader.outcome.readError == nil)
    }

    /// The same 200 pictures, once in MP4 starting at 0 s and once remuxed to MPEG-TS starting
    /// at 11.4 s: read in lock-step, each picture pairs with its twin.
    @Test(arguments: [false, true])
    func twoFilesWithDifferentStartTimesPairPicturesByTime(swapped: Bool) throws {
        let mp4 = try MediaFile(path: "\(sampleMedia)/black-8bit-limited.mp4")
        let ts = try MediaFile(path: "\(fixtures)/black-8bit-limited-offset.ts")
        #expect(mp4.origin.seconds == 0)
        #expect(abs(ts.origin.seconds - 11.4) < 0.001)
        let lockStep = try LockStepReader(main: swapped ? ts : mp4, reference: swapped ? mp4 : ts)
        var pairs = 0
        while let (item, reference) = try lockStep.next() {
            guard case .video(let frame) = item else { continue }
            let match = try #require(reference, "picture \(frame.ordinal) has no reference picture")
            #expect(match.ordinal == frame.ordinal)
            #expect((match.time - lockStep.reference.origin) == (frame.time - lockStep.main.origin))
            if frame.ordinal % 25 == 0 || frame.ordinal == 75 { #expect(lumaSum(match) == lumaSum(frame)) }
            pairs += 1
        }
        #expect(pairs == 200)
    }

    /// A reference that is shorter than the main file gives no picture past its end.
    @Test func picturesPastTheReferenceEndHaveNoPair() throws {
        let main = try MediaFile(path: "\(sampleMedia)/video-longer.mp4")  // 100 pictures
        let reference = try MediaFile(path: "\(sampleMedia)/audio-longer.mp4")  // 75 pictures
        let lockStep = try LockStepReader(main: main, reference: reference)
        var paired = 0, unpaired = 0
        while let (item, match) = try lockStep.next() {
            guard case .video = item else { continue }
            if match != nil { paired += 1 } else { unpaired += 1 }
        }
        #expect(paired == 75)
        #expect(unpaired == 25)
    }
}
