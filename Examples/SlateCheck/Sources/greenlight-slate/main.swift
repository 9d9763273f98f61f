import Foundation
import GreenlightCheckers
import GreenlightCLI
import GreenlightCore
import SlateCheck

// The whole greenlight command line, with the slate checker known beside the built-in ones:
// `greenlight-slate checkers` lists it, profiles may enable it, reports carry its findings.
let status = await GreenlightCLI.run(arguments: Array(CommandLine.arguments.dropFirst()),
                                     checkers: BuiltInCheckers.all + [AnyCheckerType(SlateChecker.self)])
exit(status)
