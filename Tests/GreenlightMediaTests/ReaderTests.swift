import Foundation
import Testing
@testable import GreenlightMedia
import GreenlightValues

let sampleMedia = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("sample-media").path

@Suite struct ProbeTests {
    @Test func probesTenBitProResWithTimecode() throws {
        let info = try MediaFile(path: "\(sampleMedia)/black-10bit-limited.mov").info
        let v = try #require(info.primaryVideo)
        #expect(v.codec == "prores")
        #expect(v.bitDepth == 10)
        #expect(v.pixelFormat == "yuv422p10le")
        #expect(v.colorRange == "tv")
        #expect(v.frameRate == Rational(25, 1))
        #expect(v.width == 320 && v.height == 180)
        #expect(info.startTimecode == "10:00:00:00")
        #expect(v.frameCount == 200)
    }

    @Test func probesAudioLayoutAndDropFrameTimecode() throws {
        let info = try MediaFile(path: "\(sampleMedia)/silence.mov").info
        let a = try #require(info.audioStreams.first)
        #expect(a.sampleRate == 48000)
        #expect(a.channels == 2)
        #expect(a.channelLayout == "stereo")
        #expect(a.channelNames == ["FL", "FR"])
        let wav = try #require(try MediaFile(path: "\(sampleMedia)/tone-dropout.wav").info.audioStreams.first)
        #expect(wav.channels == 1)
        #expect(wav.channelLayout == nil)  // a WAV without a channel mask declares no layout
        let tc = try MediaFile(path: "\(sampleMedia)/timecode-2997df.mov").info
        #expect(tc.startTimecode == "01:00:00;00")
        #expect(tc.primaryVideo?.numberingRate == Rational(30000, 1001))
    }

    @Test func missingAndEmptyFilesThrowSpecificErrors() {
        #expect(throws: MediaError.self) { try MediaFile(path: "\(sampleMedia)/no-such-file.mov") }
        do {
            _ = try MediaFile(path: "\(sampleMedia)/broken/random.mov")
            Issue.record("random bytes opened")
        } catch {
            #expect(error.call == "avformat_open_input")
            #expect(error.code == -1094995529)  // AVERROR_INVALIDDATA
            #expect(error.message.contains("Invalid data"))
        }
        do {
            _ = try MediaFile(path: "\(sampleMedia)/broken/empty.mp4")
            Issue.record("empty file opened")
        } catch {
            #expect(error.message.contains("empty"))
        }
    }
}

@Suite struct ReaderTests {
    @Test func decodesEveryFrameAndSampleOnce() throws {
        let file = try MediaFile(path: "\(sampleMedia)/silence.mov")
        let reader = try MediaReader(file: file, selection: ReadSelection())
        var frames = 0
        var lastTime = MediaTime(value: -1, timescale: 1)
        var samples = 0
        var width = 0
        let outcome = try reader.run(
            video: { f in
                #expect(f.time > lastTime)
                lastTime = f.time
                frames += 1
                width = f.luma.width
            },
            audio: { b in samples += b.sampleCount; #expect(b.channelCount == 2) },
            subtitle: { _ in })
        #expect(frames == 350)
        #expect(width == 320)
        #expect(samples == 14 * 48000)
        #expect(outcome.readError == nil)
        #expect(outcome.decodeErrors == 0)
    }

    @Test func tenBitLumaIsReadInPlaceAsSixteenBitWords() throws {
        let file = try MediaFile(path: "\(sampleMedia)/black-10bit-limited.mov")
        let reader = try MediaReader(file: file, selection: ReadSelection(audio: false, subtitles: false))
        var firstMax = 0
        var seen = false
        _ = try reader.run(video: { f in
            guard !seen else { return }
            seen = true
            #expect(f.luma.bytesPerSample == 2)
            #expect(f.luma.bitDepth == 10)
            #expect(f.colorRange == .limited)
            #expect(f.planeCount == 3)
            #expect(f.plane(1)?.width == 160 && f.plane(1)?.height == 180)  // 4:2:2
            #expect(f.plane(3) == nil)
            // Neutral chroma (512 at 10 bits) on black.
            let cb = f.plane(1)!.row16(90)
            #expect(abs(Int(cb[80]) - 512) < 16)
            for y in 0..<f.luma.height { firstMax = max(firstMax, Int(f.luma.row16(y).max()!)) }
        }, audio: { _ in }, subtitle: { _ in })
        // Frame 0 is black with noise of strength 3 around code 64.
        #expect(firstMax < 151)
        #expect(firstMax >= 64)
    }

    @Test func truncatedFileDecodesUpToTheDamage() throws {
        let file = try MediaFile(path: "\(sampleMedia)/broken/truncated.mp4")
        let reader = try MediaReader(file: file, selection: ReadSelection(subtitles: false))
        var last = MediaTime.zero
        _ = try reader.run(video: { last = $0.time }, audio: { _ in }, subtitle: { _ in })
        #expect(last.seconds > 3.5)
        #expect(last.seconds < 6)
        #expect(file.info.duration! > 7.9)
    }
}

@Suite struct ScalerSeekSubtitleTests {
    /// Mean of each RGB channel of the first picture at `ordinal`.
    func meanRGB(_ path: String, ordinal: Int64) throws -> (Double, Double, Double) {
        let file = try MediaFile(path: path)
        let reader = try MediaReader(file: file, selection: ReadSelection(audio: false, subtitles: false))
        let scaler = PictureScaler(width: 64, height: 36, format: .rgb24)
        var picture: Picture?
        _ = try reader.run(video: { f in
            if f.ordinal == ordinal { picture = try scaler.scale(f) }
        }, audio: { _ in }, subtitle: { _ in })
        let p = try #require(picture)
        #expect(p.pixels.count == 64 * 36 * 3)
        var sums = [0.0, 0.0, 0.0]
        for i in 0..<(64 * 36) { for c in 0..<3 { sums[c] += Double(p.pixels[i * 3 + c]) } }
        return (sums[0] / 2304, sums[1] / 2304, sums[2] / 2304)
    }

    @Test func blackScalesToRGBBlackInEitherRange() throws {
        // Limited-range black (code 16) and full-range black (code 0) both become RGB ~0.
        for clip in ["black-8bit-limited.mp4", "black-8bit-full.mp4", "black-10bit-limited.mov"] {
            let (r, g, b) = try meanRGB("\(sampleMedia)/\(clip)", ordinal: 0)
            #expect(max(r, g, b) < 8, "\(clip): \(r) \(g) \(b)")
        }
        let (r, g, b) = try meanRGB("\(sampleMedia)/black-8bit-limited.mp4", ordinal: 30)
        #expect(r + g + b > 150)  // the test pattern is colourful, not black
    }

    @Test func seeksToTheKeyFrameAtOrBeforeATime() throws {
        let file = try MediaFile(path: "\(sampleMedia)/silence.mov")
        try file.seek(to: MediaTime(value: 5, timescale: 1))
        let reader = try MediaReader(file: file, selection: ReadSelection(audio: false, subtitles: false))
        var first: MediaTime?
        var count = 0
        _ = try reader.run(video: { f in
            if first == nil { first = f.time }
            count += 1
        }, audio: { _ in }, subtitle: { _ in })
        // Key frames every 2 s (GOP 50 at 25 fps): the picture at 4 s is where decoding resumes.
        #expect(first == MediaTime(value: 4, timescale: 1))
        #expect(count == 250)
    }

    @Test func subtitleStreamsDecodeToTimedText() throws {
        let file = try MediaFile(path: "\(sampleMedia)/subtitles.mkv")
        let reader = try MediaReader(file: file, selection: ReadSelection(video: false, audio: false))
        var events: [SubtitleEvent] = []
        _ = try reader.run(video: { _ in }, audio: { _ in }, subtitle: { events.append($0) })
        #expect(events.count == 2)
        #expect(events.first?.start == MediaTime(value: 1, timescale: 2))
        #expect(events.first?.end == MediaTime(value: 3, timescale: 2))
        #expect(events.first?.text == "Hello")
        #expect(events.last?.start == MediaTime(value: 2, timescale: 1))
        #expect(events.last?.end == MediaTime(value: 14, timescale: 5))
        #expect(events.last?.text == "Two\nlines")
        #expect(reader.subtitleStreams.first?.codec == "subrip")
    }
}
