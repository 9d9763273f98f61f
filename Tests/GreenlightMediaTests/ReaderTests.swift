import Foundation
import Testing
@testable import GreenlightMedia

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

    @Test func assEventTextLosesOverridesAndKeepsLineBreaks() {
        #expect(SubtitleText.plain(fromASSEvent: "0,0,Default,,0,0,0,,{\\i1}Hello,{\\i0} there\\Nworld") == "Hello, there\nworld")
    }
}
