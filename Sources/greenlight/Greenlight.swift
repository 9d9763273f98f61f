import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightEngine
import GreenlightValues

@main
struct GreenlightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenlight",
        abstract: "Post-production QC: black, freeze, silence and more, in one decode pass per file.",
        discussion: """
        Exit codes of `check`: 0 every file passed or only warned; 1 a finding reached error \
        severity (the gate); 2 a usage error, or a file that could not be read.
        """,
        version: Greenlight.version,
        subcommands: [Check.self, Probe.self, Checkers.self, Features.self],
        defaultSubcommand: Check.self
    )
}

extension GreenlightCommand {
    /// Runs the command, mapping usage errors to exit code 2 (ArgumentParser's default is 64) so
    /// scripts see one code for "could not do what was asked".
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let operand = optionLikeOperand(arguments) {
            FileHandle.standardError.write(Data("""
                Error: '\(printable(operand))' is not an option of greenlight. To check a file whose name starts with '-', \
                put '--' before it or write it as ./\(printable(operand)).
                See 'greenlight --help'.

                """.utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data("Error: \(message(for: error))\nSee 'greenlight --help'.\n".utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
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

/// Named exit codes.
enum Exit {
    static let gateFailed = ExitCode(1)
    static let unreadable = ExitCode(2)
}
