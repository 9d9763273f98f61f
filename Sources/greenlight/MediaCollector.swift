import Foundation

/// Expands the MEDIA arguments: files as given, folders recursed for media files.
enum MediaCollector {
    /// Extensions treated as media when a folder is searched (explicit files may have any name).
    static let extensions: Set<String> = [
        "mov", "mp4", "m4v", "mxf", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "m2v", "dv", "y4m",
        "wav", "aif", "aiff", "flac", "mp3", "m4a", "aac", "ac3", "ec3", "mka", "ogg", "opus", "3gp",
    ]

    static func collect(_ arguments: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for arg in arguments {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: arg, isDirectory: &isDir), isDir.boolValue else {
                out.append(arg)  // a file, or a missing path the engine reports as unreadable
                continue
            }
            let root = URL(fileURLWithPath: arg)
            guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else { continue }
            var found: [String] = []
            for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
                let rel = url.path.hasPrefix(root.path) ? String(url.path.dropFirst(root.path.count)) : url.lastPathComponent
                found.append((arg.hasSuffix("/") ? String(arg.dropLast()) : arg) + (rel.hasPrefix("/") ? rel : "/" + rel))
            }
            out += found.sorted()
        }
        return out
    }
}
