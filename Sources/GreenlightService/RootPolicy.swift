import Foundation

/// The folders the service may read (`--root`): a submitted path is taken only when it resolves,
/// links and `..` followed, to a file or folder under one of them.
public struct RootPolicy: Sendable {
    /// The roots, resolved.
    public let roots: [String]

    public init(_ roots: [String]) throws {
        var resolved: [String] = []
        for root in roots {
            guard let real = Self.realPath(root) else { throw ServiceError.usage("--root \(root): no such folder") }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder), isFolder.boolValue else {
                throw ServiceError.usage("--root \(root): not a folder")
            }
            resolved.append(real)
        }
        guard !resolved.isEmpty else { throw ServiceError.usage("give at least one --root: the folders the service may read") }
        self.roots = resolved
    }

    /// Why a path was refused.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path resolved, or a refusal saying why (outside every root, missing, not a file or folder).
    public func resolve(_ path: String) throws -> String {
        guard !path.isEmpty, !path.contains("\0") else { throw Refusal(description: "an empty path") }
        guard path.hasPrefix("/") else {
            throw Refusal(description: "\(path): give an absolute path (under \(roots.joined(separator: " or ")))")
        }
        guard let real = Self.realPath(path) else {
            throw Refusal(description: "\(path): no such file or folder")
        }
        guard roots.contains(where: { real == $0 || real.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
            let via = real == path ? "" : " (it resolves to \(real))"
            throw Refusal(description: "\(path)\(via) is outside the service's roots (\(roots.joined(separator: ", ")))")
        }
        var st = stat()
        guard stat(real, &st) == 0, [S_IFREG, S_IFDIR].contains(st.st_mode & S_IFMT) else {
            throw Refusal(description: "\(path): not a regular file or a folder")
        }
        return real
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
