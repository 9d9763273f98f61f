import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// Where each report goes, checked before anything is decoded: a report path must not resolve
/// to an input (media, sidecar, profile) or to another report, and what already exists there
/// must be a regular file (a device, a FIFO or a link to one is refused, never replaced). A
/// link to a regular file is followed: the report replaces the file it points to, not the link.
struct ReportTargets {
    private var resolvedPaths: [String: String] = [:]

    /// - Parameters:
    ///   - requested: each report's flag and path, as given.
    ///   - inputs: what each input is ("media file") and its path.
    init(requested: [(flag: String, path: String)], inputs: [(what: String, path: String)]) throws {
        var inputIDs: [FileID: (String, String)] = [:]
        for (what, path) in inputs {
            if let id = FileID(path) { inputIDs[id] = (what, path) }
        }
        var claimed: [String: String] = [:]
        for (flag, path) in requested {
            let shown = printable(path)
            var st = stat(), lst = stat()
            let exists = stat(path, &st) == 0
            let linked = lstat(path, &lst) == 0 && lst.st_mode & S_IFMT == S_IFLNK
            let resolved: String
            if exists {
                guard st.st_mode & S_IFMT == S_IFREG else {
                    throw ValidationError("\(flag) \(shown): \(kind(st.st_mode)) is there, not a regular file; reports are written only to regular files")
                }
                if let (what, input) = inputIDs[FileID(st)] {
                    throw ValidationError("\(flag) \(shown) is the \(what) \(printable(input)): refusing to write a report over an input")
                }
                resolved = canonical(path)
            } else {
                if linked {
                    throw ValidationError("\(flag) \(shown) is a symbolic link to nothing; give the report a real path")
                }
                resolved = canonical(path)
            }
            if let other = claimed[resolved] {
                throw ValidationError("\(flag) \(shown) and \(other) name the same file; each report needs its own path")
            }
            claimed[resolved] = "\(flag) \(shown)"
            resolvedPaths[path] = exists ? resolved : path
        }
    }

    /// Where the report given as `path` is written (the link's target when `path` is a link).
    func resolved(_ path: String) -> String { resolvedPaths[path] ?? path }
}

/// A file's identity on disk (device and inode): two paths to one file compare equal.
private struct FileID: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    init?(_ path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }
}

/// The absolute path with links resolved; for a file that does not exist yet, its folder's.
private func canonical(_ path: String) -> String {
    if let real = realpath(path, nil) {
        defer { free(real) }
        return String(cString: real)
    }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    let folder = url.deletingLastPathComponent().path
    if let real = realpath(folder, nil) {
        defer { free(real) }
        return String(cString: real) + "/" + url.lastPathComponent
    }
    return url.path
}

private func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a FIFO"
    case S_IFDIR: return "a folder"
    case S_IFSOCK: return "a socket"
    default: return "something"
    }
}
