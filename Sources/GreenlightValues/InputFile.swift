import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way Greenlight opens what a user names: read-only, regular files only. A FIFO would
/// block the run on open, a device (`/dev/zero`) would read forever, and a folder is not an
/// input; each is refused with a sentence saying which it is, before anything is read.
public enum InputFile {
    /// Why `path` cannot be read as an input, or nil when it is a regular file (with bytes in
    /// it, unless `emptyIsFine`).
    public static func problem(at path: String, emptyIsFine: Bool = false) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return String(cString: strerror(errno)) }
        return problem(mode: st.st_mode, empty: st.st_size == 0 && !emptyIsFine)
    }

    static func problem(mode: mode_t, empty: Bool) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return empty ? "the file is empty (0 bytes)" : nil
        case S_IFDIR: return "is a folder, not a file"
        case S_IFIFO: return "not a regular file (a FIFO); greenlight reads only regular files"
        case S_IFCHR, S_IFBLK: return "not a regular file (a device); greenlight reads only regular files"
        default: return "not a regular file; greenlight reads only regular files"
        }
    }

    /// A read that did not happen, in a sentence (`"the file is empty (0 bytes)"`).
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The bytes of a regular file of at most `limit` bytes (none for an empty one: whether
    /// that is an error is the caller's to say). It is opened read-only and
    /// non-blocking (a FIFO put in its place after the check cannot stall the run) and checked
    /// again on the open descriptor; a larger file is refused without being read. `kind` names
    /// what the file should be, for that refusal: "a profile may be at most 1 MB".
    public static func contents(_ path: String, limit: Int, kind: String) throws(ReadError) -> Data {
        if let why = problem(at: path, emptyIsFine: true) { throw ReadError(description: why) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        if let why = problem(mode: st.st_mode, empty: false) { throw ReadError(description: why) }
        guard st.st_size <= limit else {
            throw ReadError(description: "the file is \(st.st_size) bytes; \(kind) may be at most \(limit) bytes (\(limit >> 20) MB)")
        }
        var data = Data(count: Int(st.st_size))
        var done = 0
        while done < data.count {
            let n = data.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
            if n == 0 { break }  // shrank while being read: keep what was there
            done += n
        }
        data.count = done
        return data
    }
}
