/// Whether code values span the limited ("video", 16–235 at 8 bits) or the full range.
public enum ColorRange: String, Sendable, Hashable, Codable {
    case limited, full

    /// The code value of nominal black at `bitDepth`.
    public func blackLevel(bitDepth: Int) -> Int { self == .limited ? 16 << (bitDepth - 8) : 0 }
    /// The code value of nominal white (peak luma) at `bitDepth`.
    public func whiteLevel(bitDepth: Int) -> Int { self == .limited ? 235 << (bitDepth - 8) : (1 << bitDepth) - 1 }
}
