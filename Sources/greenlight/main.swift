import Foundation
import GreenlightCheckers
import GreenlightCLI

exit(await GreenlightCLI.run(arguments: Array(CommandLine.arguments.dropFirst()), checkers: BuiltInCheckers.all))
