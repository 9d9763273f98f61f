import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightReports
import GreenlightEngine
import GreenlightValues

struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what a file's container and streams declare.")

    @Argument(help: "A media file.") var media: String
    @Flag(help: "Print JSON (the same shape as a report's `media`).") var json = false

    func run() throws {
        let info: MediaInfo
        do { info = try Engine.probe(path: media) } catch {
            warn("greenlight: \(error)")
            throw Exit.unreadable
        }
        if json {
            FileHandle.standardOutput.write(try JSONReporter.encode(info))
            return
        }
        print("\(info.path): \(info.containerLongName ?? info.container)")
        var line: [String] = []
        if let d = info.duration { line.append("duration \(formatSeconds(d))") }
        if let b = info.bitRate { line.append("\(b / 1000) kb/s") }
        if let tc = info.startTimecode { line.append("start timecode \(tc)") }
        if !line.isEmpty { print("  " + line.joined(separator: ", ")) }
        for s in info.streams {
            var parts = ["#\(s.index) \(s.type.rawValue): \(s.codec)"]
            if let p = s.profile { parts.append("(\(p))") }
            switch s.type {
            case .video:
                parts.append("\(s.width ?? 0)x\(s.height ?? 0)")
                if let sar = s.sampleAspectRatio { parts.append("SAR \(sar.numerator):\(sar.denominator)") }
                if let r = s.frameRate { parts.append("\(r) fps") }
                if let a = s.averageFrameRate, a != s.frameRate { parts.append("(avg \(a))") }
                if let f = s.pixelFormat { parts.append(f) }
                if let d = s.bitDepth { parts.append("\(d)-bit") }
                if let r = s.colorRange { parts.append(r == "pc" ? "full range" : "limited range") }
                let colour = [s.colorPrimaries, s.colorTransfer, s.colorMatrix].compactMap { $0 }
                if !colour.isEmpty { parts.append(colour.joined(separator: "/")) }
                if let fo = s.fieldOrder { parts.append(fo) }
                if let n = s.frameCount { parts.append("\(n) frames") }
            case .audio:
                parts.append("\(s.sampleRate ?? 0) Hz \(s.channelLayout ?? "\(s.channels ?? 0) channels")")
                if let f = s.sampleFormat { parts.append(f) }
            default:
                if let tc = s.timecode { parts.append("timecode \(tc)") }
            }
            if let l = s.language { parts.append("[\(l)]") }
            if let d = s.disposition { parts.append("{\(d.joined(separator: ","))}") }
            print("  " + parts.joined(separator: " "))
        }
    }
}
