import Foundation
import Testing
import GreenlightCheckers
import GreenlightCore
import GreenlightMedia
@testable import GreenlightSubtitles

/// Every input the fuzzers start from (Fuzz/seeds) and every input that once broke a parser
/// (Fuzz/regressions), fed as `make fuzz` feeds them: each must come back as cues, a profile, a
/// decoded file or an error, never a trap. The regressions also get the answer their fix gives.
@Suite struct FuzzRegressionTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ target: String) -> [URL] {
        ["seeds", "regressions"].flatMap { folder -> [URL] in
            let dir = fuzz.appendingPathComponent(folder).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().map { dir.appendingPathComponent($0) }
        }
    }

    @Test(arguments: ["srt", "vtt", "ttml", "scc", "stl"])
    func subtitleInputsParse(format: String) throws {
        let files = Self.inputs(format)
        #expect(!files.isEmpty)
        for file in files {
            let document = try SubtitleFile.read(Data(contentsOf: file), name: "fuzz.\(format)")
            if file.path.contains("/seeds/") {
                #expect(!document.cues.isEmpty, "\(file.lastPathComponent): the seed's cues were not read")
            }
        }
    }

    /// Found by the fuzzer in CI (SRT, SCC) and by reading the parsers after it (WebVTT, TTML):
    /// hours that overflowed the tick count trapped. Each file holds one good cue beside them.
    @Test(arguments: [("srt", [6]), ("vtt", [6]), ("scc", [3, 3, 5, 6]), ("ttml", [6, 6, 7, 7])])
    func timesPastAnyProgrammeAreParseErrors(format: String, errorLines: [Int]) throws {
        let file = Self.fuzz.appendingPathComponent("regressions/\(format)/hours-overflow.\(format)")
        let document = try SubtitleFile.read(Data(contentsOf: file), name: file.lastPathComponent)
        #expect(document.errors.map(\.line) == errorLines, "\(document.errors)")
        #expect(document.cues.count == 1)
        #expect(document.cues.first?.end.seconds ?? 0 < 11)
    }

    /// Found by the fuzzer: `<?x?>` (a processing instruction with no data) killed the process
    /// inside FoundationXML.
    @Test func instructionsWithoutDataAreRead() throws {
        let file = Self.fuzz.appendingPathComponent("regressions/ttml/instructions-without-data.ttml")
        let document = try SubtitleFile.read(Data(contentsOf: file), name: file.lastPathComponent)
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.cues.map(\.text) == ["Read whole."])
        #expect(TTMLParser.givingEveryInstructionData(Data("<?x?><?xml-stylesheet href='a'?>".utf8)) == Data("<?x ?><?xml-stylesheet href='a'?>".utf8))
    }

    /// Found after the instruction above: FoundationXML also dies on a notation or an attribute
    /// list declaration. They are refused with entities, wherever the DOCTYPE is.
    @Test func dtdDeclarationsAreRefusedWhereverTheyAre() throws {
        let file = Self.fuzz.appendingPathComponent("regressions/ttml/notation-and-attribute-list.ttml")
        let document = try SubtitleFile.read(Data(contentsOf: file), name: file.lastPathComponent)
        #expect(document.cues.isEmpty)
        #expect(document.errors.map(\.line) == [2])
        #expect(document.errors.first?.message == "the document declares an XML notation, which is refused")
        // Past 4 KB of comment (where the first check looked) an entity is still found.
        let late = "<?xml version=\"1.0\"?>\n<!--" + String(repeating: " ", count: 5000) + "-->\n<!DOCTYPE tt [<!ENTITY a \"b\">]>\n<tt/>"
        #expect(TTMLParser.refusedDeclaration(Data(late.utf8))?.line == 3)
    }

    @Test func profileInputsParseOrAreRefusedInWords() throws {
        var refused: [String: String] = [:]
        for file in Self.inputs("profile") {
            do {
                _ = try Profile.parse(String(decoding: Data(contentsOf: file), as: UTF8.self), source: file.lastPathComponent, registry: BuiltInCheckers.all)
            } catch let error as ProfileError {
                refused[file.lastPathComponent] = error.message
            }
        }
        // Found by the fuzzer: a mapping used as a key (`? gamut: false`) trapped inside Yams.
        #expect(refused["mapping-as-key.yaml"]?.contains("is not plain text") == true, "\(refused)")
        #expect(refused["delivery.yaml"] == nil && refused["ci.json"] == nil, "\(refused)")
        // Found by the seeded run: YAML's base-60 integers overflowed inside Yams, by a long
        // first part or by more than ten parts.
        #expect(refused["base-sixty-overflow.yaml"] == "the number \"226622666666266662:6\" at line 4 is too large (YAML reads a:b as base 60)", "\(refused)")
        #expect(refused["base-sixty-many-parts.yaml"]?.contains("is too large") == true, "\(refused)")
        // Found by the seeded run after its inputs were halved: an empty severity key (`! :`)
        // was split into no parts and indexed.
        #expect(refused["empty-severity-key.yaml"]?.hasPrefix("unknown finding code") == true, "\(refused)")
    }

    @Test func mediaInputsOpenAndDecode() throws {
        let files = Self.inputs("media").filter { $0.path.contains("/seeds/") }
        #expect(files.count >= 9)
        for file in files {
            let media = try MediaFile(path: file.path)
            let reader = try MediaReader(file: media, selection: ReadSelection(threads: 1))
            var pictures = 0, samples = 0
            let outcome = try reader.run(video: { _ in pictures += 1 }, audio: { samples += $0.sampleCount }, subtitle: { _ in })
            #expect(outcome.readError == nil && outcome.decodeErrors == 0, "\(file.lastPathComponent)")
            #expect(pictures + samples > 0, "\(file.lastPathComponent): nothing decoded")
        }
    }

    /// Found by the seeded fuzz run: a MOV box whose 64-bit size is near 2^64 overflowed the
    /// offset sum while the container's colour box was looked for. It opens and is probed.
    @Test func aBoxSizeNearTwoToTheSixtyFourIsNotATrap() throws {
        let media = try MediaFile(path: Self.fuzz.appendingPathComponent("regressions/media/huge-box-size.mov").path)
        #expect(media.info.container.contains("mov"))
        #expect(media.info.primaryVideo?.codec == "mpeg4")
        #expect(media.info.primaryVideo?.containerColour == nil)
    }

    /// Found by the fuzzer: a Matroska track declaring -1249361729 channels trapped while its
    /// channels were named. It opens, and that stream is set aside in words.
    @Test func aNegativeChannelCountIsUnreadableNotATrap() throws {
        let media = try MediaFile(path: Self.fuzz.appendingPathComponent("regressions/media/negative-channels.mkv").path)
        let negative = try #require(media.info.audioStreams.first { ($0.channels ?? 0) < 0 })
        #expect(negative.channelNames == nil)
        let reader = try MediaReader(file: media, selection: ReadSelection(threads: 1))
        #expect(reader.unreadableStreams.map(\.reason).contains("the stream declares -1249361729 channels"))
    }
}
