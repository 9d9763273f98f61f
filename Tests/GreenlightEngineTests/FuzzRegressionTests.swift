import Foundation
import Testing
import GreenlightCheckers
import GreenlightCore
import GreenlightMedia
import GreenlightSubtitles

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
            #expect(!document.cues.isEmpty, "\(file.lastPathComponent): the seed's cues were not read")
        }
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
    }

    @Test func mediaInputsOpenAndDecode() throws {
        let files = Self.inputs("media")
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
}
