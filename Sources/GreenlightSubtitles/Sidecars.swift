import Foundation
import GreenlightValues

extension SubtitleFile {
    /// The paths of the subtitle files that belong to a media file: `named` (`--subtitles`), else
    /// every file beside it named after it (`A001.mov` takes `A001.srt`, `A001.en.vtt`,
    /// `A001.ttml`…). A run reads these, so no report may be written over one.
    public static func sidecarPaths(for media: String, named: String? = nil) -> [String] {
        if let named { return [named] }
        let url = URL(fileURLWithPath: media)
        let stem = url.deletingPathExtension().lastPathComponent
        let dir = url.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            let ext = (name as NSString).pathExtension.lowercased()
            return recognised.contains(ext) && ext != "xml"
                && (name.hasPrefix(stem + ".")) && name != url.lastPathComponent
        }.sorted().map { dir.appendingPathComponent($0).path }
    }

    /// The subtitle files that belong to a media file (``sidecarPaths(for:named:)``), read.
    /// One that cannot be read is still returned, named, with why as its parse error.
    public static func sidecars(for media: String, named: String? = nil) -> [SubtitleDocument] {
        let paths = sidecarPaths(for: media, named: named)
        return paths.map { path in
            do { return try read(path: path) } catch {
                // A sidecar that cannot be read is still named in the report, with why.
                return SubtitleDocument(source: (path as NSString).lastPathComponent, format: "unread", encoding: "unknown",
                                        cues: [], errors: [SubtitleParseError(line: 0, message: "\(error)")])
            }
        }
    }
}
