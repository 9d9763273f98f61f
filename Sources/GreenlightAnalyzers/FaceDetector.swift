internal import CFaceDetect
import Foundation

/// Finds frontal faces in a grey picture with OpenCV's LBP cascade (`lbpcascade_frontalface_improved`,
/// from Debian's `opencv-data`), through the C shim CFaceDetect. No trained network: a cascade of
/// local binary pattern features, fast enough to run a few times a second on a 320-sample-wide picture.
final class FaceDetector {
    /// A face's box in the searched picture's samples.
    struct Box: Equatable {
        var x, y, width, height: Int
    }

    private let handle: OpaquePointer
    private var boxes = [cfd_box](repeating: cfd_box(), count: 8)

    /// Where the model is looked for: `GREENLIGHT_FACE_MODEL` when set, else the places OpenCV's
    /// data packages install it (Debian and Ubuntu, a source build under /usr/local, Homebrew).
    static var modelCandidates: [String] {
        let name = "lbpcascades/lbpcascade_frontalface_improved.xml"
        var paths: [String] = []
        if let own = ProcessInfo.processInfo.environment["GREENLIGHT_FACE_MODEL"], !own.isEmpty { paths.append(own) }
        for root in ["/usr/share/opencv4", "/usr/local/share/opencv4", "/opt/homebrew/share/opencv4", "/usr/share/opencv"] {
            paths.append("\(root)/\(name)")
        }
        return paths
    }

    /// The model the detector would load, or nil when none is installed.
    static var modelPath: String? {
        modelCandidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Why a detector could not be made, when it could not (a sentence for the report).
    static func unavailableReason() -> String? {
        guard let path = modelPath else {
            return "no face model is installed (opencv-data's lbpcascade_frontalface_improved.xml, or a path in GREENLIGHT_FACE_MODEL)"
        }
        return FaceDetector(modelPath: path) == nil ? "the face model \(path) could not be read" : nil
    }

    init?(modelPath: String) {
        var error = [CChar](repeating: 0, count: 256)
        guard let h = cfd_create(modelPath, &error, Int32(error.count)) else { return nil }
        handle = h
    }

    deinit { cfd_destroy(handle) }

    /// Faces no smaller than `minimumSize` samples across in an 8-bit picture `width` samples
    /// across, largest first, searched within `region` (the whole picture when nil); boxes are in
    /// the whole picture's samples.
    func detect(_ grey: UnsafeBufferPointer<UInt8>, width: Int, height: Int, in region: Box? = nil, minimumSize: Int) -> [Box] {
        guard let base = grey.baseAddress, width > 0, height > 0, grey.count >= width * height else { return [] }
        let r = region ?? Box(x: 0, y: 0, width: width, height: height)
        let x0 = max(0, r.x), y0 = max(0, r.y), x1 = min(width, r.x + r.width), y1 = min(height, r.y + r.height)
        guard x1 - x0 >= minimumSize, y1 - y0 >= minimumSize else { return [] }
        let count = boxes.withUnsafeMutableBufferPointer { out in
            cfd_detect(handle, base + y0 * width + x0, Int32(x1 - x0), Int32(y1 - y0), Int32(width), Int32(minimumSize),
                       out.baseAddress, Int32(out.count))
        }
        guard count > 0 else { return [] }
        return boxes[0..<Int(count)].map { Box(x: Int($0.x) + x0, y: Int($0.y) + y0, width: Int($0.width), height: Int($0.height)) }
    }
}
