import ArgumentParser
import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

struct Checkers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe every checker: what it catches, why, its codes and options.")

    func run() {
        for type in CheckerRegistry.known {
            let d = type.description
            print("\(d.id): \(d.title)")
            print("  catches: \(d.catches)")
            print("  why: \(d.why)")
            print("  default severity: \(d.defaultSeverity.rawValue); codes: \(d.codes.joined(separator: ", "))")
            for o in d.options {
                print("  option \(o.name) = \(o.defaultValue) [\(o.unit)]: \(o.summary)")
            }
            print("")
        }
    }
}
