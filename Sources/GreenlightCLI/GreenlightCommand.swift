import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightEngine
import GreenlightValues

struct GreenlightCommand: AsyncParsableCommand {
    /// Commands a program adds to greenlight's own (the executable adds `serve` and `worker`).
    nonisolated(unsafe) static var added: [any ParsableCommand.Type] = []

    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "greenlight",
        abstract: "Post-production QC: black, freeze, silence and more, in one decode pass per file.",
        discussion: """
        Exit codes of `check` and `merge`: 0 every file passed or only warned; 1 a finding reached \
        error severity (the gate); 2 a usage error, a file that could not be read or a report that \
        could not be written; 128 + the signal (130 for Ctrl-C, 143 for SIGTERM) when one stopped \
        the run after writing the reports for what was done, marked incomplete.
        """,
        version: Greenlight.version,
        subcommands: [Check.self, Merge.self, Probe.self, Checkers.self, Profiles.self, ProfileCommand.self, Features.self, Cues.self] + added,
        defaultSubcommand: Check.self
    ) }
}

/// The command line as a library: the `greenlight` executable is one call to ``run(arguments:checkers:)``,
/// and a program (or a test) that brings its own checkers runs the very same commands with them.
///
/// ```swift
/// let status = await GreenlightCLI.run(arguments: ["check", "clip.mov", "--checkers", "mine"],
///                                      checkers: BuiltInCheckers.all + [AnyCheckerType(MyChecker.self)])
/// ```
public enum GreenlightCLI {
    /// Runs one command line (without the program name) with `checkers` as the known checkers
    /// and returns the exit status: it never exits the process. Usage errors are 2 (ArgumentParser's
    /// default is 64) so scripts see one code for "could not do what was asked".
    /// `commands` are added beside greenlight's own (set once, before the first call).
    public static func run(arguments: [String], checkers: [AnyCheckerType], commands: [any ParsableCommand.Type] = []) async -> Int32 {
        if !commands.isEmpty { GreenlightCommand.added = commands }
        if ProcessInfo.processInfo.environment["GREENLIGHT_EXIT_WITH_PARENT"] == "1" { exitWithParent() }
        if let nice = ProcessInfo.processInfo.environment["GREENLIGHT_NICE"].flatMap(Int32.init) { lowerPriority(nice) }
        let arguments = attachingNegativeValues(arguments)
        if let operand = optionLikeOperand(arguments) {
            warn("""
                Error: '\(printable(operand))' is not an option of greenlight. To check a file whose name starts with '-', \
                put '--' before it or write it as ./\(printable(operand)).
                See 'greenlight --help'.
                """)
            return 2
        }
        return await CheckerRegistry.$known.withValue(checkers) {
            do {
                var command = try GreenlightCommand.parseAsRoot(arguments)
                if var command = command as? AsyncParsableCommand {
                    try await command.run()
                } else {
                    try command.run()
                }
                return 0
            } catch {
                let code = GreenlightCommand.exitCode(for: error)
                if code == .validationFailure {
                    warn("Error: \(GreenlightCommand.message(for: error))\nSee 'greenlight --help'.")
                    return 2
                }
                let message = GreenlightCommand.fullMessage(for: error)
                if !message.isEmpty {
                    if code == .success { print(message) } else { warn(message) }
                }
                return code.rawValue
            }
        }
    }
}

/// A check the service runs as a child stops when the worker that started it is gone (killed
/// with SIGKILL, it cannot stop its child): a check nobody waits for would only take a core.
private func exitWithParent() {
    let parent = getppid()
    let thread = Thread {
        while getppid() == parent { Thread.sleep(forTimeInterval: 1) }
        _exit(137)
    }
    thread.stackSize = 64 << 10
    thread.start()
}

/// A check the service runs gives way to the service itself: every thread of this process at
/// `nice` (on Linux a priority is a thread's; those made later inherit their maker's).
private func lowerPriority(_ nice: Int32) {
    let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.compactMap { id_t($0) } ?? [0]
    for thread in threads { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, nice) }
}

/// The checkers the running command knows (set by ``GreenlightCLI/run(arguments:checkers:)``).
enum CheckerRegistry {
    @TaskLocal static var known: [AnyCheckerType] = []
}

/// The first argument before `--` that starts with a single '-' and is not `-h`: greenlight has
/// no short options, so such a word is a file name (`-shot.mov`) that ArgumentParser would read
/// as bundled short flags, `-h` among them, printing help and exiting 0 without checking.
func optionLikeOperand(_ arguments: [String]) -> String? {
    for a in arguments {
        if a == "--" { return nil }
        if a.hasPrefix("-"), !a.hasPrefix("--"), a != "-h", a != "-" { return a }
    }
    return nil
}

/// `--jobs -1` as `--jobs=-1`: a negative number after an option is that option's value, so it
/// gets the option's own message ("--jobs must be at least 1"), not "'-1' is not an option".
func attachingNegativeValues(_ arguments: [String]) -> [String] {
    var out: [String] = []
    var i = 0
    while i < arguments.count {
        let a = arguments[i]
        if a == "--" { return out + arguments[i...] }
        if a.hasPrefix("--"), !a.contains("="), i + 1 < arguments.count,
           arguments[i + 1].hasPrefix("-"), Double(arguments[i + 1]) != nil {
            out.append("\(a)=\(arguments[i + 1])")
            i += 2
            continue
        }
        out.append(a)
        i += 1
    }
    return out
}

/// Named exit codes.
enum Exit {
    static let gateFailed = ExitCode(1)
    static let unreadable = ExitCode(2)
}
