import Testing
@testable import GreenlightSubtitles
import GreenlightValues

@Suite struct SubtitleCueTests {
    @Test func linesAndDuration() {
        let cue = SubtitleCue(source: "a.srt", number: 3, start: MediaTime(value: 1500, timescale: 1000),
                              end: MediaTime(value: 4, timescale: 1), text: "One\nTwo")
        #expect(cue.lines == ["One", "Two"])
        #expect(cue.duration == MediaTime(value: 5, timescale: 2))
    }

    @Test func assEventTextLosesOverridesAndKeepsLineBreaks() {
        #expect(SubtitleText.plain(fromASSEvent: "0,0,Default,,0,0,0,,{\\i1}Hello,{\\i0} there\\Nworld") == "Hello, there\nworld")
    }
}
