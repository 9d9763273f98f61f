import ArgumentParser
import Foundation
import GreenlightCheckers
import GreenlightCLI

#if canImport(GreenlightService)
let commands: [any ParsableCommand.Type] = [Serve.self, Worker.self]
#else
let commands: [any ParsableCommand.Type] = []  // built without the service (GREENLIGHT_NO_SERVICE=1)
#endif

exit(await GreenlightCLI.run(arguments: Array(CommandLine.arguments.dropFirst()), checkers: BuiltInCheckers.all, commands: commands))
