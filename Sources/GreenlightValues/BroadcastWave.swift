import Foundation

/// A production sound file as a dailies tool sees it: a Broadcast WAV (EBU Tech 3285) whose `bext`
/// chunk says when it starts (TimeReference: samples since midnight at its own rate) and whose
/// iXML chunk, when there is one, names the timecode rate, scene and take. Only the chunk headers
/// and those two chunks are read, however long the file.
public struct ProductionSound: Sendable, Hashable, Codable {
    public var path: String
    public var sampleRate: Int
    public var channels: Int
    public var seconds: Double
    /// Seconds since midnight of its first sample, from `bext`'s TimeReference.
    public var startSeconds: Double
    /// From iXML when it says: the timecode rate ("25/1", "24000/1001") and flag ("DF", "NDF").
    public var timecodeRate: String?
    public var scene: String?
    public var take: String?

    /// Reads `path`'s RIFF chunks. Throws a sentence naming what is wrong: not RIFF/WAVE, no
    /// `fmt `, no `bext` (a plain WAV has no timecode to match by).
    public static func read(_ path: String) throws -> ProductionSound {
        if let why = InputFile.problem(at: path) { throw ReadError("\(path): \(why)") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ReadError("\(path): cannot be opened") }
        defer { try? handle.close() }
        func read(_ n: Int) throws -> Data {
            let d = try handle.read(upToCount: n) ?? Data()
            guard d.count == n else { throw ReadError("\(path): cut short inside its RIFF chunks") }
            return d
        }
        func le<T: FixedWidthInteger>(_ d: Data, _ at: Int, _: T.Type) -> T {
            var v: T = 0
            for i in 0..<MemoryLayout<T>.size { v |= T(d[d.startIndex + at + i]) << (8 * i) }
            return v
        }
        let header = try read(12)
        let riff = String(decoding: header.prefix(4), as: UTF8.self), wave = String(decoding: header[header.startIndex + 8..<header.startIndex + 12], as: UTF8.self)
        guard riff == "RIFF" || riff == "RF64", wave == "WAVE" else { throw ReadError("\(path): not a WAV file (no RIFF/WAVE header)") }
        var rate = 0, channels = 0, blockAlign = 0, dataBytes: UInt64 = 0, timeReference: UInt64?, ixml: String?
        var ds64Data: UInt64?
        while let chunk = try handle.read(upToCount: 8), chunk.count == 8 {
            let id = String(decoding: chunk.prefix(4), as: UTF8.self)
            let size = Int(le(chunk, 4, UInt32.self))
            // The chunks read whole are small; a header claiming more is damage, not a file.
            if ["fmt ", "bext", "ds64"].contains(id) && size > 1 << 20 { throw ReadError("\(path): its \(id) chunk claims \(size) bytes") }
            switch id {
            case "fmt ":
                let d = try read(size)
                guard size >= 16 else { throw ReadError("\(path): its fmt chunk is \(size) bytes, under the 16 a WAV needs") }
                channels = Int(le(d, 2, UInt16.self)); rate = Int(le(d, 4, UInt32.self)); blockAlign = Int(le(d, 12, UInt16.self))
            case "bext":
                let d = try read(size)
                // TimeReference: 64 bits, low then high, at byte 338.
                if size >= 346 { timeReference = le(d, 338, UInt64.self) }
            case "iXML":
                ixml = String(decoding: try read(min(size, 1 << 20)), as: UTF8.self)
                if size > 1 << 20 { try handle.seek(toOffset: handle.offsetInFile + UInt64(size - (1 << 20))) }
            case "ds64":
                let d = try read(size)
                if size >= 16 { ds64Data = le(d, 8, UInt64.self) }
            case "data":
                dataBytes = size == 0xFFFF_FFFF ? (ds64Data ?? 0) : UInt64(size)
                try handle.seek(toOffset: handle.offsetInFile + dataBytes)
            default:
                try handle.seek(toOffset: handle.offsetInFile + UInt64(size))
            }
            if size & 1 == 1 { _ = try? handle.read(upToCount: 1) }
        }
        guard rate > 0, channels > 0, blockAlign > 0 else { throw ReadError("\(path): no usable fmt chunk") }
        guard let timeReference else { throw ReadError("\(path): no bext chunk, so no timecode to match by (a Broadcast WAV has one)") }
        func tag(_ name: String) -> String? {
            guard let ixml, let open = ixml.range(of: "<\(name)>"), let close = ixml.range(of: "</\(name)>", range: open.upperBound..<ixml.endIndex) else { return nil }
            let v = ixml[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            return v.isEmpty ? nil : v
        }
        return ProductionSound(path: path, sampleRate: rate, channels: channels, seconds: Double(dataBytes) / Double(blockAlign) / Double(rate),
                               startSeconds: Double(timeReference) / Double(rate),
                               timecodeRate: tag("TIMECODE_RATE").map { r in tag("TIMECODE_FLAG").map { "\(r) \($0)" } ?? r },
                               scene: tag("SCENE"), take: tag("TAKE"))
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
