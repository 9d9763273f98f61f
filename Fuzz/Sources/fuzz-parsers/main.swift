import CFuzzerDriver
import Foundation
import GreenlightCheckers
import GreenlightCore
import GreenlightMedia
import GreenlightSubtitles
import GreenlightValues

/// One libFuzzer entry point for every parser; `GREENLIGHT_FUZZ` names the one this run feeds
/// (scripts/fuzz.sh runs each with its own corpus): srt, vtt, ttml, scc, stl, profile, media or
/// bwf (a production sound file's RIFF chunks).
/// Every input must come back as cues, a profile, or an error; a trap, a sanitizer report, a
/// hang or a leak is a finding.
enum Target: String, CaseIterable {
    case srt, vtt, ttml, scc, stl, profile, media, bwf
}

let target: Target = {
    guard let name = ProcessInfo.processInfo.environment["GREENLIGHT_FUZZ"], let target = Target(rawValue: name) else {
        fatalError("set GREENLIGHT_FUZZ to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

/// Media go through a file, as FFmpeg reads them: one per process, rewritten for each input.
let mediaPath = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-fuzz-\(getpid())").path

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    switch target {
    case .srt, .vtt, .ttml, .scc, .stl:
        _ = try? SubtitleFile.read(data, name: "fuzz.\(target.rawValue)")
    case .profile:
        _ = try? Profile.parse(String(decoding: data, as: UTF8.self), source: "fuzz.yaml", registry: BuiltInCheckers.all)
    case .media:
        guard FileManager.default.createFile(atPath: mediaPath, contents: data) else { fatalError("cannot write \(mediaPath)") }
        defer { unlink(mediaPath) }
        guard let file = try? MediaFile(path: mediaPath),
              let reader = try? MediaReader(file: file, selection: ReadSelection(threads: 1)) else { return 0 }
        _ = try? reader.run(video: { _ in }, audio: { _ in }, subtitle: { _ in })
    case .bwf:
        guard FileManager.default.createFile(atPath: mediaPath, contents: data) else { fatalError("cannot write \(mediaPath)") }
        defer { unlink(mediaPath) }
        _ = try? ProductionSound.read(mediaPath)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
