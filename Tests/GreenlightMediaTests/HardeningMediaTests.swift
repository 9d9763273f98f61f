import Foundation
import Testing
@testable import GreenlightMedia
import GreenlightValues

@Suite struct HardeningMediaTests {
    @Test(arguments: ["broken/no-streams.mp4", "broken/tmcd-only.mov"])
    func aFileWithNothingToDecodeThrowsInsteadOfCrashing(file: String) {
        // Opening these once freed the demuxer twice (SIGSEGV); now it is an error naming why.
        do {
            _ = try MediaFile(path: "\(sampleMedia)/\(file)")
            Issue.record("\(file) opened")
        } catch {
            #expect(error.message.hasPrefix("no video, audio or subtitle stream found"))
            #expect(error.call == "probe")
        }
    }

    @Test func aFIFOIsNotARegularFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gl-fifo-\(UUID().uuidString).mp4").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        do {
            _ = try MediaFile(path: path)  // would block forever if libavformat opened it
            Issue.record("a FIFO opened")
        } catch {
            #expect(error.message == "not a regular file (a FIFO); greenlight reads only regular files")
        }
    }

    @Test func everyChannelIsDeliveredAcrossLayoutChanges() throws {
        let reader = try MediaReader(file: try MediaFile(path: "\(sampleMedia)/layout-change.ac3"), selection: ReadSelection())
        var runs: [(channels: Int, layout: String?, samples: Int)] = []
        _ = try reader.run(video: { _ in }, audio: { buffer in
            if let last = runs.last, last.channels == buffer.channelCount {
                runs[runs.count - 1].samples += buffer.sampleCount
            } else {
                runs.append((buffer.channelCount, buffer.format.layout, buffer.sampleCount))
            }
        }, subtitle: { _ in })
        #expect(runs.map(\.channels) == [6, 2, 6])
        #expect(runs.map(\.layout) == ["5.1(side)", "stereo", "5.1(side)"])
        #expect(runs.map(\.samples) == [147_456, 147_456, 294_912])  // 3.072 s, 3.072 s, 6.144 s at 48 kHz
    }

    @Test func semiPlanarChromaIsHandedOutOneComponentPerPlane() throws {
        // NV12 stores U and V interleaved in one plane; plane 1 must be U alone, plane 2 V alone.
        let reader = try MediaReader(file: try MediaFile(path: "\(sampleMedia)/nv12.nut"), selection: ReadSelection())
        var checked = 0
        _ = try reader.run(video: { frame in
            let u = try #require(frame.plane(1)), v = try #require(frame.plane(2))
            #expect(u.row8(10).allSatisfy { abs(Int($0) - 64) <= 1 })
            #expect(v.row8(10).allSatisfy { abs(Int($0) - 192) <= 1 })
            #expect(frame.luma.row8(10).allSatisfy { $0 == 128 })
            checked += 1
        }, audio: { _ in }, subtitle: { _ in })
        #expect(checked == 2)
    }
}
