import Foundation

/// What the last packets of an MPEG transport stream say about whether the file is whole.
///
/// A transport stream has no index and declares no length, and FFmpeg takes its duration from
/// the last timestamps it finds, so a TS cut in half looks like a shorter, complete file. What
/// it does have: a fixed packet size (a whole file is a whole number of packets), and PES
/// packets that declare their length (audio almost always does; video often says 0, "unbounded"),
/// so the last PES of each stream is either complete or visibly cut. Read from the file's tail,
/// never decoded.
public struct TransportStreamEnd: Sendable, Equatable {
    /// 188 (TS), 192 (M2TS: a 4-byte time stamp first) or 204 (TS with Reed-Solomon bytes).
    public var packetSize: Int
    /// Bytes after the last whole packet (a cut mid-packet leaves 1…packetSize − 1).
    public var trailingBytes: Int
    /// Streams whose last PES packet declares more bytes than the file holds.
    public var incomplete: [IncompletePES]
    /// Streams whose last PES declared no length (video, usually): their end cannot be checked here.
    public var unboundedPIDs: [Int]

    public struct IncompletePES: Sendable, Equatable {
        public var pid: Int
        public var have: Int
        public var declared: Int
    }

    /// Why the file is cut, in words, or nil when its packets and PES packets all end whole.
    public var truncation: String? {
        var why: [String] = []
        if trailingBytes > 0 {
            why.append("it ends \(trailingBytes) byte\(trailingBytes == 1 ? "" : "s") into a \(packetSize)-byte packet")
        }
        for pes in incomplete {
            why.append("the last PES packet of PID \(pes.pid) holds \(pes.have) of the \(pes.declared) bytes it declares")
        }
        return why.isEmpty ? nil : why.joined(separator: "; ")
    }

    /// How much of the tail is read: a whole audio PES fits many times over.
    public static let window = 2 << 20

    /// Reads the tail of the file at `path`; nil when it is not a transport stream (no packet
    /// grid found at its start) or cannot be read.
    public static func inspect(path: String) -> TransportStreamEnd? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 204 * 4), let size = try? handle.seekToEnd() else { return nil }
        guard let packetSize = packetSize(of: [UInt8](head)) else { return nil }
        let fileSize = Int(size)
        let trailing = fileSize % packetSize
        let whole = fileSize - trailing
        let start = max(0, whole - window / packetSize * packetSize)
        guard (try? handle.seek(toOffset: UInt64(start))) != nil, let tail = try? handle.read(upToCount: whole - start) else { return nil }
        return inspect(packets: [UInt8](tail), packetSize: packetSize, trailingBytes: trailing)
    }

    /// The packet size whose grid has a sync byte (0x47) at each of the first four packets.
    static func packetSize(of head: [UInt8]) -> Int? {
        for (size, syncAt) in [(188, 0), (192, 4), (204, 0)] {
            let needed = 3 * size + syncAt + 1
            guard head.count >= needed else { continue }
            if (0..<4).allSatisfy({ k in k * size + syncAt >= head.count || head[k * size + syncAt] == 0x47 }) { return size }
        }
        return nil
    }

    /// Follows each PID's last PES through whole packets (`bytes` starts on a packet boundary).
    static func inspect(packets bytes: [UInt8], packetSize: Int, trailingBytes: Int) -> TransportStreamEnd {
        let syncAt = packetSize == 192 ? 4 : 0
        // Per PID: the PES being followed (declared total length, bytes so far); nil length: unbounded.
        var open: [Int: (declared: Int?, have: Int)] = [:]
        var at = 0
        while at + packetSize <= bytes.count {
            let p = at + syncAt
            at += packetSize
            guard bytes[p] == 0x47 else { continue }  // lost sync: skip the packet
            let pusi = bytes[p + 1] & 0x40 != 0
            let pid = Int(bytes[p + 1] & 0x1F) << 8 | Int(bytes[p + 2])
            let control = (bytes[p + 3] >> 4) & 0x3
            guard pid != 0x1FFF, control & 0x1 != 0 else { continue }  // null packets, no payload
            var payload = p + 4
            if control & 0x2 != 0 { payload += 1 + Int(bytes[p + 4]) }
            let end = p + 188
            guard payload < end else { continue }
            if pusi {
                // A PES starts 00 00 01; anything else starting here is a table (PAT, PMT…).
                guard end - payload >= 6, bytes[payload] == 0, bytes[payload + 1] == 0, bytes[payload + 2] == 1 else {
                    open[pid] = nil
                    continue
                }
                let length = Int(bytes[payload + 4]) << 8 | Int(bytes[payload + 5])
                open[pid] = (length == 0 ? nil : length + 6, end - payload)
            } else if open[pid] != nil {
                open[pid]!.have += end - payload
            }
        }
        var incomplete: [IncompletePES] = []
        var unbounded: [Int] = []
        for (pid, pes) in open.sorted(by: { $0.key < $1.key }) {
            if let declared = pes.declared {
                if pes.have < declared { incomplete.append(IncompletePES(pid: pid, have: pes.have, declared: declared)) }
            } else {
                unbounded.append(pid)
            }
        }
        return TransportStreamEnd(packetSize: packetSize, trailingBytes: trailingBytes, incomplete: incomplete, unboundedPIDs: unbounded)
    }
}
