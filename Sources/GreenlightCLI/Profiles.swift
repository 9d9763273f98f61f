import ArgumentParser
import GreenlightCore

struct Profiles: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in profiles, one line each.")

    func run() throws {
        let width = Profile.builtInNames.map(\.count).max() ?? 0
        for name in Profile.builtInNames {
            let profile = try Profile.builtIn(named: name, registry: CheckerRegistry.known)
            print(name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + (profile?.description ?? ""))
        }
        print("\nSee one as YAML to copy and edit: greenlight profile show NAME")
    }
}

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Show a profile as YAML.",
        subcommands: [Show.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a built-in profile (or a profile file, as Greenlight reads it) as YAML, every option spelled out.",
            discussion: "Example: greenlight profile show delivery > broadcast.yaml, then edit it and run greenlight check --profile broadcast.yaml"
        )

        @Argument(help: "A built-in profile's name (see `greenlight profiles`) or a YAML/JSON profile file.")
        var name: String

        func run() throws {
            do {
                print(try loadProfile(name, registry: CheckerRegistry.known).yaml, terminator: "")
            } catch let error as ProfileError {
                throw ValidationError(error.description)
            }
        }
    }
}
