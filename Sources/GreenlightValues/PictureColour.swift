/// How a picture's code values are to be read as colour: what the stream or frame declares,
/// with FFmpeg's names for each property (`bt709`, `smpte2084`, `left`).
public struct PictureColour: Sendable, Hashable, Codable {
    /// The YUV matrix ("bt709", "smpte170m", "bt2020nc"); nil when unspecified.
    public var matrix: String?
    /// The colour primaries ("bt709", "bt2020"); nil when unspecified.
    public var primaries: String?
    /// The transfer characteristic ("bt709", "smpte2084" for PQ, "arib-std-b67" for HLG); nil when unspecified.
    public var transfer: String?
    public var range: ColorRange
    /// Where chroma samples sit ("left", "topleft"); nil when unspecified.
    public var chromaLocation: String?
    public var masteringDisplay: MasteringDisplay?
    public var contentLight: ContentLightLevel?

    public init(matrix: String?, primaries: String?, transfer: String?, range: ColorRange, chromaLocation: String?,
                masteringDisplay: MasteringDisplay? = nil, contentLight: ContentLightLevel? = nil) {
        self.matrix = matrix
        self.primaries = primaries
        self.transfer = transfer
        self.range = range
        self.chromaLocation = chromaLocation
        self.masteringDisplay = masteringDisplay
        self.contentLight = contentLight
    }
}

/// The display a programme was mastered on (SMPTE ST 2086): CIE 1931 xy of its primaries and
/// white point, and its luminance range.
public struct MasteringDisplay: Sendable, Hashable, Codable {
    /// x, y of red, green, blue and the white point; nil when not given.
    public var red: [Double]?
    public var green: [Double]?
    public var blue: [Double]?
    public var whitePoint: [Double]?
    /// cd/m²; nil when not given.
    public var minLuminance: Double?
    public var maxLuminance: Double?

    public init(red: [Double]?, green: [Double]?, blue: [Double]?, whitePoint: [Double]?, minLuminance: Double?, maxLuminance: Double?) {
        self.red = red
        self.green = green
        self.blue = blue
        self.whitePoint = whitePoint
        self.minLuminance = minLuminance
        self.maxLuminance = maxLuminance
    }
}

/// Content light level (CTA-861.3), in cd/m².
public struct ContentLightLevel: Sendable, Hashable, Codable {
    /// Maximum content light level: the brightest pixel of the programme.
    public var maxCLL: Int
    /// Maximum frame-average light level.
    public var maxFALL: Int

    public init(maxCLL: Int, maxFALL: Int) {
        self.maxCLL = maxCLL
        self.maxFALL = maxFALL
    }
}
