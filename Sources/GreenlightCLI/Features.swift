import ArgumentParser
import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the per-frame video features checkers see, as CSV (for tuning thresholds).")

    @Argument(help: "A media file.") var media: String

    func run() throws {
        print("frame,time,lumaMeanPercent,lumaMinCode,lumaMaxCode,blackPixelPercent,isBlack,diffMeanPercent,diffWorstBlockPercent,changedPixelPercent,keyFrame")
        let outcome = try FeatureDump.run(path: media) { f in
            var row: [String] = [String(f.frameNumber), formatNumber(f.time.seconds, decimals: 4)]
            if let s = f.stats {
                row += [formatNumber(f.signal.percent(s.mean)), String(s.min), String(s.max)]
            } else {
                row += ["", "", ""]
            }
            row.append(f.blackShare.map { formatNumber($0) } ?? "")
            row.append(f.isBlack ? "1" : "0")
            if let d = f.difference {
                row += [formatNumber(d.mean, decimals: 4), formatNumber(d.worstBlock, decimals: 4), formatNumber(d.changedShare, decimals: 2)]
            } else {
                row += ["", "", ""]
            }
            row.append(f.isKeyFrame ? "1" : "0")
            print(row.joined(separator: ","))
        }
        if let error = outcome { warn("greenlight: \(error)"); throw Exit.unreadable }
    }
}
