import Foundation
import GreenlightValues

let sampleMedia = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("sample-media").path

/// sample-media/manifest.json: the ground truth written beside the clips.
struct Manifest: Decodable, Sendable {
    struct Expectation: Decodable, Sendable {
        var checker: String
        var code: String
        var startFrame: Int64?
        var endFrame: Int64?
        var start: Double?
        var end: Double?
        var channel: String?
        var placement: String?
        var severity: String
        var tolerance: Double
        var startTimecode: String?
        var endTimecode: String?
    }

    /// What av-sync must measure on a clip: the method, and the offset within `tolerance` s (or
    /// that it is not measurable).
    struct SyncTruth: Decodable, Sendable {
        var method: String
        var offsetSeconds: Double?
        var tolerance: Double?
        var measurable: Bool?
        var driftPpm: Double?
        var driftTolerance: Double?
    }

    struct Clip: Decodable, Sendable, CustomStringConvertible {
        var file: String
        var verdict: String
        var startTimecode: String?
        var expect: [Expectation]
        var forbid: [String]
        var maxFindings: [String: Int]?
        /// No picture: findings carry seconds only, no frame numbers or timecode.
        var audioOnly: Bool?
        var sync: SyncTruth?
        var description: String { file }
    }

    struct Unreadable: Decodable, Sendable, CustomStringConvertible {
        var file: String
        var errorContains: String
        var decodedAtLeastSeconds: Double?
        /// Findings from the part that decoded before the damage.
        var expect: [Expectation]?
        var description: String { file }
    }

    var clips: [Clip]
    var unreadable: [Unreadable]

    static let shared: Manifest = {
        let data = FileManager.default.contents(atPath: "\(sampleMedia)/manifest.json")!
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()
}
