import Foundation
import GreenlightValues

/// Reads the colour description an MP4 or QuickTime file states in each video track's sample
/// entry (`colr` box, `nclx` or `nclc`), straight from the file: FFmpeg merges it with the
/// bitstream's own and reports one, so a disagreement between the two cannot be seen through it.
///
/// Only box headers are read, by seeking: a long file's sample tables are skipped, not loaded.
enum ContainerColour {
    /// One entry per `trak` (in file order: FFmpeg's stream order for MP4/MOV); nil for a track
    /// that is not video or states no colour. Empty when the file is not ISO BMFF or is damaged.
    static func read(path: String) -> [DeclaredColour?] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        var tracks: [DeclaredColour?] = []
        for (type, start, size) in boxes(handle, from: 0, to: end) where type == "moov" {
            for (t, s, z) in boxes(handle, from: start, to: start + size) where t == "trak" {
                tracks.append(colour(inTrack: handle, from: s, to: s + z))
            }
            break
        }
        return tracks
    }

    /// The child boxes in `[from, to)`: type, payload offset, payload size.
    private static func boxes(_ h: FileHandle, from: UInt64, to: UInt64) -> [(String, UInt64, UInt64)] {
        var out: [(String, UInt64, UInt64)] = []
        var at = from
        while at + 8 <= to, out.count < 10_000 {
            guard let head = read(h, at, 16), head.count >= 8 else { break }
            var size = UInt64(be32(head, 0))
            let type = String(decoding: head[4..<8], as: UTF8.self)
            var header: UInt64 = 8
            if size == 1 {
                guard head.count >= 16 else { break }
                size = UInt64(be32(head, 8)) << 32 | UInt64(be32(head, 12))
                header = 16
            } else if size == 0 {
                size = to - at
            }
            guard size >= header, size <= to - at else { break }  // a 64-bit size near 2^64 must not overflow the sum
            out.append((type, at + header, size - header))
            at += size
        }
        return out
    }

    private static func colour(inTrack h: FileHandle, from: UInt64, to: UInt64) -> DeclaredColour? {
        var range = (from, to)
        for name in ["mdia", "minf", "stbl", "stsd"] {
            guard let box = boxes(h, from: range.0, to: range.1).first(where: { $0.0 == name }) else { return nil }
            range = (box.1, box.1 + box.2)
        }
        // stsd: version/flags and entry count (8 bytes), then sample entries. A visual sample
        // entry has 78 bytes before its child boxes (8 of SampleEntry, 70 of VisualSampleEntry).
        guard let entry = boxes(h, from: range.0 + 8, to: range.1).first, entry.2 > 78 else { return nil }
        for (type, start, size) in boxes(h, from: entry.1 + 78, to: entry.1 + entry.2) where type == "colr" && size >= 10 {
            guard let b = read(h, start, 11), b.count >= 10 else { return nil }
            let kind = String(decoding: b[0..<4], as: UTF8.self)
            guard kind == "nclx" || kind == "nclc" else { continue }
            let p = Int(be16(b, 4)), t = Int(be16(b, 6)), m = Int(be16(b, 8))
            let full: String? = kind == "nclx" && b.count >= 11 ? ((b[10] & 0x80) != 0 ? "pc" : "tv") : nil
            return DeclaredColour(source: "colr \(kind)", primaries: DeclaredColour.primariesName(p),
                                  transfer: DeclaredColour.transferName(t), matrix: DeclaredColour.matrixName(m), range: full)
        }
        return nil
    }

    private static func read(_ h: FileHandle, _ at: UInt64, _ count: Int) -> [UInt8]? {
        guard (try? h.seek(toOffset: at)) != nil, let d = try? h.read(upToCount: count) else { return nil }
        return [UInt8](d)
    }

    private static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
}
