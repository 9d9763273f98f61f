import ArgumentParser
import Foundation
import GreenlightCore

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
        do {
            var command = try parseAsRoot()
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

/// Named exit codes.
enum Exit {
    static let gateFailed = ExitCode(1)
    static let unreadable = ExitCode(2)
}
