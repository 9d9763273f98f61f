import Foundation
import GreenlightCore
import GreenlightValues
import Testing

/// The hostile-input corpus (`Tests/HostileInputs/make-corpus.py`): every case run as a user
/// would, each bounded in time and address space, and held to what the corpus says it must give.
@Suite struct HostileInputTests {
    struct Case: Decodable {
        var name: String
        var args: [String]
        var exit: Int32
        var stderr: [String]
        var stdout: [String]
        var report: [String: Expectation]
    }

    struct Expectation: Decodable {
        var error: String?
        var codes: [String]?
        var message: String?
        var sameAs: String?
        /// "checker: words" its summary in the report says.
        var summary: String?
        enum CodingKeys: String, CodingKey { case error, codes, message, summary, sameAs = "same-as" }
    }

    /// Under the sanitizers (`make sanitize` sets GREENLIGHT_SANITIZER) the binary is several
    /// times slower and reserves terabytes of shadow memory, so only the time bound applies.
    static let sanitized = ProcessInfo.processInfo.environment["GREENLIGHT_SANITIZER"] != nil
    static let seconds = sanitized ? 600 : 60
    static let addressSpaceKB = 4 << 20

    /// Runs greenlight under `timeout` (killed when over the bound) and, unsanitized, `ulimit -v`
    /// (an allocation over 4 GB fails, and a failing allocation crashes Swift: caught as a signal).
    func bounded(_ arguments: [String], in dir: URL) throws -> (run: Run, seconds: Double) {
        let limit = Self.sanitized ? "" : "ulimit -v \(Self.addressSpaceKB); "
        let started = Date()
        let run = try execute("/usr/bin/timeout", ["--signal=KILL", "\(Self.seconds)", "/bin/sh", "-c", limit + #"exec "$0" "$@""#,
                                                   greenlightBinary] + arguments, in: dir)
        return (run, Date().timeIntervalSince(started))
    }

    /// A corpus file as the case names it (`{good.mp4}`) to the name it has in the folder.
    func unbraced(_ name: String) -> String {
        name.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
    }

    @Test func everyHostileInputGetsItsDocumentedAnswer() throws {
        guard have("ffmpeg"), have("python3") else {
            print("skipped: the hostile-input corpus is made with ffmpeg and python3 (make test installs them with apt-get)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        let made = try execute(repoRoot.appendingPathComponent("Tests/HostileInputs/make-corpus.py").path, [corpus.path])
        try #require(made.status == 0, "make-corpus.py: \(made.stderr)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: corpus.appendingPathComponent("cases.json")))
        #expect(cases.count >= 30)
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .map { corpus.appendingPathComponent($0).path }.filter { !isFIFO($0) }
        let before = try files.map(fingerprint)

        // The good clip alone: what it must still be beside each bad input.
        let alone = dir.appendingPathComponent("alone.json").path
        #expect(try bounded(["check", "good.mp4", "--json", alone, "--quiet"], in: corpus).run.status == 0)
        let good = try #require(try report(alone)["good.mp4"])

        for (n, c) in cases.enumerated() {
            let json = dir.appendingPathComponent("case-\(n).json").path
            var args = c.args.map(unbraced)
            if args.first == "check" {
                args.insert(contentsOf: ["--json", json, "--quiet"], at: args.firstIndex(of: "--") ?? args.endIndex)
            }
            let (run, seconds) = try bounded(args, in: corpus)
            #expect(run.status == c.exit, "\(c.name): exit \(run.status) (124/137: over \(Self.seconds) s; over 128: a signal) after \(Int(seconds)) s; stderr: \(run.stderr.prefix(600))")
            for words in c.stderr { #expect(run.stderr.contains(words), "\(c.name): stderr lacks \"\(words)\": \(run.stderr.prefix(600))") }
            for words in c.stdout { #expect(run.stdout.contains(words), "\(c.name): stdout lacks \"\(words)\": \(run.stdout.prefix(600))") }
            // A usage error (a bad profile) writes no report and checks nothing.
            guard args.first == "check", run.status <= 2, FileManager.default.fileExists(atPath: json) else {
                #expect(c.report.isEmpty, "\(c.name): no report written")
                continue
            }
            let entries = try report(json)
            // The rest of the batch is reported: every input named, and the good clip as it is alone.
            for input in mediaArguments(args) {
                #expect(entries[input] != nil, "\(c.name): \(input) is missing from the report")
            }
            if mediaArguments(args).contains("good.mp4"), !c.report.keys.contains("{good.mp4}") {
                #expect(entries["good.mp4"].map(said) == said(good), "\(c.name): the good clip's findings changed beside a bad input")
            }
            for (key, want) in c.report {
                let input = unbraced(key)
                guard let entry = entries[input] else {
                    Issue.record("\(c.name): \(input) is missing from the report")
                    continue
                }
                if let words = want.error {
                    #expect(entry.error.map { words.isEmpty || $0.contains(words) } == true, "\(c.name): \(input)'s error is \(entry.error ?? "nil"), wanted \"\(words)\"")
                }
                if let codes = want.codes {
                    #expect(entry.error == nil, "\(c.name): \(input) could not be read: \(entry.error ?? "")")
                    for code in codes { #expect(entry.findings.contains { $0.code == code }, "\(c.name): \(input) has no \(code): \(entry.findings.map(\.code))") }
                }
                if let words = want.message {
                    #expect(entry.findings.contains { $0.message.contains(words) }, "\(c.name): no finding of \(input) says \"\(words)\"")
                }
                if let want = want.summary {
                    let (checker, words) = (String(want.prefix { $0 != ":" }), String(want.drop { $0 != ":" }.dropFirst(2)))
                    #expect(entry.summaries[checker].map { "\($0)".contains(words) } == true, "\(c.name): \(input)'s \(checker) summary does not say \"\(words)\"")
                }
                if let other = want.sameAs.map(unbraced) {
                    // The good clip as it is alone; any other input as it is in this run.
                    let reference = other == "good.mp4" ? good : entries[other]
                    #expect(reference.map { said(entry) == said($0) && entry.verdict == $0.verdict } == true,
                            "\(c.name): \(input) is not checked as \(other) is")
                }
            }
        }
        // Nothing in the corpus was changed by any of it.
        #expect(try files.map(fingerprint) == before)
    }

    /// The report's files by path, as given on the command line.
    func report(_ path: String) throws -> [String: FileReport] {
        let run = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        return Dictionary(run.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// What a file's findings say, where and what: equal for the same clip under any name.
    func said(_ file: FileReport) -> [String] {
        file.findings.map { "\($0.code) \($0.start) \($0.message)" }
    }

    /// The media a `check` command line names: every argument but the options and their values.
    func mediaArguments(_ args: [String]) -> [String] {
        var out: [String] = [], i = 1, afterDashes = false
        while i < args.count {
            if afterDashes || !args[i].hasPrefix("-") { out.append(args[i]) }
            else if args[i] == "--" { afterDashes = true }
            else if ["--subtitles", "--profile", "--json"].contains(args[i]) { i += 1 }
            i += 1
        }
        return out
    }

    func isFIFO(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO
    }
}
