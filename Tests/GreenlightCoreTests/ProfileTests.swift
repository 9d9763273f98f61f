import Testing
@testable import GreenlightCore
import GreenlightValues

/// A minimal checker so profile parsing is tested without the built-in ones.
final class ProbeChecker: Checker {
    struct Options: CheckerOptions {
        var limit: Double
        var span: DurationValue
        init(_ values: OptionValues) { limit = values.number("limit"); span = values.duration("span") }
    }
    static let description = CheckerDescription(
        id: "probe", title: "Probe", catches: "", why: "", defaultSeverity: .warning, codes: ["probe.hit"],
        options: [OptionSpec("limit", default: .number(10), unit: "%", range: 0...100, ""),
                  OptionSpec("span", default: .duration(.frames(1)), unit: "", "")])
    static let features: FeatureSet = [.lumaHistogram]
    static func configure(_ parameters: inout FeatureParameters, with options: Options) {
        parameters.black.thresholdPercent = options.limit
    }
    init(options: Options, context: CheckContext) {}
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: []) }
}

@Suite struct ProfileTests {
    let registry = [AnyCheckerType(ProbeChecker.self)]

    @Test func readsOptionsAndSeverities() throws {
        let p = try Profile.parse("""
            name: strict
            checkers:
              probe: { limit: 12.5, span: 2s }
            severity:
              probe.hit@programme: error
            """, source: "strict.yaml", registry: registry)
        #expect(p.name == "strict")
        #expect(p.checkers.count == 1)
        #expect(p.checkers[0].options.number("limit") == 12.5)
        #expect(p.checkers[0].options.duration("span") == .seconds(2))
        #expect(p.featureParameters().black.thresholdPercent == 12.5)
        let mid = Finding(checker: "probe", code: "probe.hit", severity: .warning, placement: .programme, start: 1, end: 2,
                          startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil, message: "")
        var head = mid
        head.placement = .head
        #expect(p.severity(for: mid) == .error)
        #expect(p.severity(for: head) == .warning)
    }

    @Test func jsonProfilesParseToo() throws {
        let p = try Profile.parse(#"{"checkers": {"probe": {"span": "12f"}}}"#, source: "p.json", registry: registry)
        #expect(p.checkers[0].options.duration("span") == .frames(12))
        #expect(p.name == "p")
    }

    @Test(arguments: [
        ("nme: x", "nme"),
        ("checkers: { nope: {} }", "checkers.nope"),
        ("checkers: { probe: { limt: 3 } }", "checkers.probe.limt"),
        ("checkers: { probe: { limit: 300 } }", "checkers.probe.limit"),
        ("checkers: { probe: { limit: lots } }", "checkers.probe.limit"),
        ("checkers: { probe: { span: soon } }", "checkers.probe.span"),
        ("severity: { probe.miss: error }", "severity.probe.miss"),
        ("severity: { probe.hit: fatal }", "severity.probe.hit"),
        ("severity: { probe.hit@middle: error }", "severity.probe.hit@middle"),
    ])
    func unknownOrBadKeysNameTheKeyAndFile(yaml: String, key: String) {
        do {
            _ = try Profile.parse(yaml, source: "bad.yaml", registry: registry)
            Issue.record("accepted: \(yaml)")
        } catch let error as ProfileError {
            #expect(error.key == key)
            #expect(error.description.hasPrefix("bad.yaml: \(key):"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func durations() {
        #expect(DurationValue(parsing: "12f") == .frames(12))
        #expect(DurationValue(parsing: "500ms") == .seconds(0.5))
        #expect(DurationValue(parsing: "2") == .seconds(2))
        #expect(DurationValue(parsing: "-1s") == nil)
        #expect(DurationValue.frames(3).time(frameRate: Rational(30000, 1001)) == MediaTime(value: 3003, timescale: 30000))
    }
}

@Suite struct FeatureMathTests {
    @Test(arguments: [
        (8, ColorRange.limited, 37), (8, .full, 25), (10, .limited, 151), (10, .full, 102), (12, .limited, 606),
    ])
    func blackThresholdCodes(depth: Int, range: ColorRange, code: Int) {
        #expect(LumaSignal(bitDepth: depth, range: range).code(atPercent: 10) == code)
    }

    @Test func histogramCountsAndPercentiles() {
        var counts = [Int32](repeating: 0, count: 256)
        counts[16] = 90
        counts[200] = 10
        let h = LumaHistogram(counts: counts, binShift: 0, total: 100)
        #expect(h.count(atOrBelow: 37) == 90)
        #expect(h.percentile(0.5) == 16)
        #expect(h.percentile(0.95) == 200)
        let signal = LumaSignal(bitDepth: 8, range: .limited)
        #expect(BlackCriterion().blackShare(h, signal: signal) == 90)
        let stats = LumaStats(histogram: h)
        #expect(stats.min == 16 && stats.max == 200)
        #expect(stats.mean == 34.4)
    }

    @Test func verdicts() {
        func f(_ s: Severity) -> Finding {
            Finding(checker: "x", code: "x", severity: s, placement: nil, start: 0, end: 0, startFrame: nil, endFrame: nil,
                    startTimecode: nil, endTimecode: nil, message: "")
        }
        #expect(Verdict(findings: []) == .pass)
        #expect(Verdict(findings: [f(.info)]) == .pass)
        #expect(Verdict(findings: [f(.info), f(.warning)]) == .warn)
        #expect(Verdict(findings: [f(.error), f(.warning)]) == .fail)
        #expect(RunReport(profile: "p", files: [.unreadable("a", "x")]).verdict == .error)
    }

    @Test func placements() {
        let end = MediaTime(value: 8, timescale: 1)
        #expect(placement(start: .zero, end: MediaTime(value: 1, timescale: 1), programmeEnd: end) == .head)
        #expect(placement(start: MediaTime(value: 7, timescale: 1), end: end, programmeEnd: end) == .tail)
        #expect(placement(start: .zero, end: end, programmeEnd: end) == .whole)
        #expect(placement(start: MediaTime(value: 3, timescale: 1), end: MediaTime(value: 4, timescale: 1), programmeEnd: end) == .programme)
    }
}

/// A checker whose options have a rule their specs cannot express.
final class PickyChecker: Checker {
    struct Refusal: Error, CustomStringConvertible { var description: String }
    struct Options: CheckerOptions {
        var low: Double, high: Double
        init(_ values: OptionValues) throws {
            low = values.number("low")
            high = values.number("high")
            guard low < high else { throw Refusal(description: "low (\(low)) must be below high (\(high))") }
        }
    }
    static let description = CheckerDescription(
        id: "picky", title: "", catches: "", why: "", defaultSeverity: .info, codes: [],
        options: [OptionSpec("low", default: .number(1), unit: "", range: 0...10, ""), OptionSpec("high", default: .number(2), unit: "", range: 0...10, "")])
    static let features: FeatureSet = []
    init(options: Options, context: CheckContext) {}
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: []) }
}

@Suite struct OptionsParsedOnceTests {
    @Test func aCheckerRefusingItsOptionsIsAProfileErrorNotAPerFileOne() throws {
        let registry = [AnyCheckerType(PickyChecker.self)]
        #expect { try Profile.parse("checkers: { picky: { low: 5, high: 3 } }", source: "p.yaml", registry: registry) } throws: { error in
            let e = error as? ProfileError
            return e?.key == "checkers.picky" && e?.message == "low (5.0) must be below high (3.0)" && e?.source == "p.yaml"
        }
        let ok = try Profile.parse("checkers: { picky: { low: 1, high: 3 } }", source: "p.yaml", registry: registry)
        let parsed = try #require(ok.checkers.first?.parsed as? PickyChecker.Options)
        #expect(parsed.low == 1 && parsed.high == 3)
    }
}

/// A value of the wrong kind is an error naming the file and key, whatever YAML would make of it.
@Suite struct ProfileValueKindTests {
    let registry = [AnyCheckerType(ProbeChecker.self)]

    func refusal(_ text: String) -> String? {
        do {
            _ = try Profile.parse(text, source: "p.yaml", registry: registry)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func quotedHexOctalAndBase60NumbersAreRefused() {
        let cases: [(String, String)] = [
            ("checkers: { probe: { limit: \"10\" } }", "p.yaml: checkers.probe.limit: '10' is quoted text, not a number"),
            ("checkers: { probe: { limit: '10' } }", "p.yaml: checkers.probe.limit: '10' is quoted text, not a number"),
            ("{\"checkers\": {\"probe\": {\"limit\": \"10\"}}}", "checkers.probe.limit: '10' is quoted text"),
            ("checkers: { probe: { limit: 0x10 } }", "checkers.probe.limit: '0x10' is not a decimal number (YAML reads it as 16;"),
            ("checkers: { probe: { limit: 0o17 } }", "checkers.probe.limit: '0o17' is not a decimal number"),
            ("checkers: { probe: { span: 0x10 } }", "checkers.probe.span: '0x10' is not a duration such as 12f, 2s, 500ms"),
            ("checkers: { probe: { span: 1:30 } }", "checkers.probe.span: '1:30' is not a duration"),
            ("name: 12\n", "p.yaml: name: '12' is not text"),
            ("", "p.yaml: (file): the profile is empty"),
            ("# nothing but a comment\n", "p.yaml: (file): the profile is empty"),
        ]
        for (text, words) in cases {
            let why = refusal(text)
            #expect(why?.contains(words) == true, "\(text): \(why ?? "accepted")")
        }
    }

    @Test func decimalNumbersAndDurationTextAreRead() throws {
        for (text, limit, span) in [("checkers: { probe: { limit: 12.5, span: \"2s\" } }", 12.5, DurationValue.seconds(2)),
                                    ("checkers: { probe: { limit: 1e1, span: 12f } }", 10, .frames(12)),
                                    ("checkers: { probe: { limit: 0, span: 3 } }", 0, .seconds(3)),
                                    ("{\"checkers\": {\"probe\": {\"limit\": 7, \"span\": \"500ms\"}}}", 7, .seconds(0.5))] {
            let p = try Profile.parse(text, source: "p.yaml", registry: registry)
            #expect(p.checkers.first?.options.number("limit") == limit, "\(text)")
            #expect(p.checkers.first?.options.duration("span") == span, "\(text)")
        }
    }
}
