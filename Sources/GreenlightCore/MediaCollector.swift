import Foundation

/// Expands the MEDIA arguments: files as given, folders searched recursively for media files.
///
/// Symbolic links to folders are followed, given on the command line or met inside a folder;
/// a folder already visited (a link loop, or two links to one folder) is not searched again.
/// Anything that is not a folder is passed on as it is: the engine says what is wrong with a
/// missing path, a FIFO or a device.
public enum MediaCollector {
    /// Extensions treated as media when a folder is searched (explicit files may have any name).
    public static let extensions: Set<String> = [
        "mov", "mp4", "m4v", "mxf", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "m2v", "dv", "y4m",
        "wav", "aif", "aiff", "flac", "mp3", "m4a", "aac", "ac3", "ec3", "mka", "ogg", "opus", "3gp", "nut",
    ]

    /// A folder's identity, so that a loop of links is walked once.
    private struct FolderID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    public static func collect(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var visited: Set<FolderID> = []
        for arg in arguments {
            guard let id = folderID(arg) else {
                out.append(arg)  // a file, or a path the engine reports as unreadable
                continue
            }
            var found: [String] = []
            walk(arg.hasSuffix("/") && arg.count > 1 ? String(arg.dropLast()) : arg, id, &visited, &found)
            out += found.sorted()
        }
        return out
    }

    /// The folder at `path` (following links), or nil when it is not a folder.
    private static func folderID(_ path: String) -> FolderID? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return nil }
        return FolderID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    private static func walk(_ folder: String, _ id: FolderID, _ visited: inout Set<FolderID>, _ found: inout [String]) {
        guard visited.insert(id).inserted else { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = folder + "/" + name
            if let sub = folderID(path) {
                walk(path, sub, &visited, &found)
            } else if extensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased()) {
                found.append(path)
            }
        }
    }
}
