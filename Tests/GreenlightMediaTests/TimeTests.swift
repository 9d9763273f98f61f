import Testing
@testable import GreenlightMedia
import GreenlightValues

@Suite struct MediaTimeTests {
    @Test func comparesAcrossTimescales() {
        #expect(MediaTime(value: 1001, timescale: 30000) == MediaTime(value: 3003, timescale: 90000))
        #expect(MediaTime(value: 1, timescale: 25) < MediaTime(value: 3601, timescale: 90000))
        #expect(MediaTime(value: 3600, timescale: 90000) + MediaTime(value: 1, timescale: 25) == MediaTime(value: 2, timescale: 25))
    }

    @Test func frameIndexIsExactAtBoundaries() {
        let ntsc = Rational(30000, 1001)
        // Frame 60 at 29.97 starts at 60 * 1001 / 30000 s; in a 1/90000 time base that is 180180 ticks.
        #expect(MediaTime(value: 180_180, timescale: 90_000).frameIndex(at: ntsc) == 60)
        #expect(MediaTime(value: 180_179, timescale: 90_000).frameIndex(at: ntsc) == 60)  // one tick early still rounds onto the frame
        #expect(MediaTime(value: 179_000, timescale: 90_000).frameIndex(at: ntsc) == 59)
        #expect(MediaTime.frameStart(75, rate: Rational(25, 1)) == MediaTime(value: 3, timescale: 1))
    }

    @Test func convertsRounding() {
        #expect(MediaTime(value: 1, timescale: 3).converted(to: 1000).value == 333)
        #expect(MediaTime(value: 2, timescale: 3).converted(to: 1000).value == 667)
    }
}

@Suite struct TimecodeTests {
    let df = Rational(30000, 1001)

    @Test(arguments: [
        (Int64(0), "00:00:00;00") as (Int64, String), (1799, "00:00:59;29"), (1800, "00:01:00;02"), (17982, "00:10:00;00"),
        (107_892, "01:00:00;00"), (107_952, "01:00:02;00"),
    ])
    func dropFrameLabels(frames: Int64, label: String) {
        #expect(Timecode(frameCount: frames, rate: df, dropFrame: true).description == label)
        #expect(Timecode(parsing: label, rate: df)?.frameCount == frames)
    }

    @Test func fiftyNineNinetyFourDropsFourLabels() {
        // Minute 0 keeps every label; minute 1 starts at ;04.
        let tc = Timecode(frameCount: 3600, rate: Rational(60000, 1001), dropFrame: true)
        #expect(tc.description == "00:01:00;04")
        #expect(tc.adding(frames: -1).description == "00:00:59;59")
        #expect(Timecode(parsing: "00:10:00;00", rate: Rational(60000, 1001))?.frameCount == 35964)
    }

    @Test func nonDropAndOffsets() {
        let start = Timecode(parsing: "10:00:00:00", rate: Rational(25, 1))!
        #expect(start.dropFrame == false)
        #expect(start.adding(frames: 190).description == "10:00:07:15")
        #expect(Timecode(parsing: "00:00:00:25", rate: Rational(25, 1)) == nil)  // frames past the rate
        // Fields outside SMPTE's ranges are not timecode (a file's tag can say anything; this one
        // overflowed the frame count and trapped).
        for label in ["24:00:00:00", "999999999999999:00:00:00", "00:-1:00:00", "00:00:00:-1", "00:00:60:00"] {
            #expect(Timecode(parsing: label, rate: Rational(25, 1)) == nil, "\(label)")
        }
        #expect(Timecode(parsing: "23:59:59:24", rate: Rational(25, 1))?.frameCount == Int64(2_159_999))
        #expect(Timecode(parsing: "01:00:00;00", rate: Rational(25, 1))?.dropFrame == false)  // no drop-frame at 25
    }

    @Test func rationalParsing() {
        #expect(Rational(parsing: "30000/1001") == Rational(30000, 1001))
        #expect(Rational(parsing: "29.97") == Rational(30000, 1001))
        #expect(Rational(parsing: "25") == Rational(25, 1))
        #expect(Rational(parsing: "x/2") == nil)
    }
}
