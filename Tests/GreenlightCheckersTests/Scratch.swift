import Foundation

/// Runs `body` with a new empty folder under the temporary directory, removed afterwards.
func withScratchDirectory(_ prefix: String, _ body: (URL) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try body(dir)
}

/// Runs the ffmpeg command line quietly with `arguments`; false when it failed or is not installed.
func ffmpeg(_ arguments: [String]) throws -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"] + arguments
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus == 0
}
