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
    /// Dynamic HDR metadata the frame carries ("HDR10+" for SMPTE ST 2094-40, "Dolby Vision"
    /// for an RPU); nil when none.
    public var dynamicMetadata: [String]?

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

/// A Dolby Vision configuration record as the container declares it (dvcC/dvvC).
public struct DolbyVisionConfiguration: Sendable, Hashable, Codable {
    public var profile: Int
    public var level: Int
    /// The base layer's signal compatibility: 1 HDR10, 2 SDR, 4 HLG, 0 none (profile 5).
    public var compatibility: Int
    public var hasRPU: Bool
    public var hasEnhancementLayer: Bool
    public var hasBaseLayer: Bool

    public init(profile: Int, level: Int, compatibility: Int, hasRPU: Bool, hasEnhancementLayer: Bool, hasBaseLayer: Bool) {
        self.profile = profile
        self.level = level
        self.compatibility = compatibility
        self.hasRPU = hasRPU
        self.hasEnhancementLayer = hasEnhancementLayer
        self.hasBaseLayer = hasBaseLayer
    }

    /// "profile 8.1", "profile 5".
    public var name: String { compatibility > 0 ? "profile \(profile).\(compatibility)" : "profile \(profile)" }
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

/// A colour description as one place in a file states it (the MP4/MOV `colr` box), by
/// FFmpeg's names; nil where that place leaves a property unspecified.
public struct DeclaredColour: Sendable, Hashable, Codable {
    /// Where it was read ("colr nclx", "colr nclc").
    public var source: String
    public var primaries: String?
    public var transfer: String?
    public var matrix: String?
    /// "tv" or "pc"; nil where the place has no range (nclc).
    public var range: String?

    public init(source: String, primaries: String?, transfer: String?, matrix: String?, range: String?) {
        self.source = source
        self.primaries = primaries
        self.transfer = transfer
        self.matrix = matrix
        self.range = range
    }

    /// FFmpeg's names for ITU-T H.273 code points (colour primaries, transfer, matrix); nil for
    /// unspecified (2) and reserved values.
    public static func primariesName(_ code: Int) -> String? {
        [1: "bt709", 4: "bt470m", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "film", 9: "bt2020",
         10: "smpte428", 11: "smpte431", 12: "smpte432", 22: "ebu3213"][code]
    }

    public static func transferName(_ code: Int) -> String? {
        [1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m", 8: "linear", 9: "log100",
         10: "log316", 11: "iec61966-2-4", 12: "bt1361e", 13: "iec61966-2-1", 14: "bt2020-10", 15: "bt2020-12",
         16: "smpte2084", 17: "smpte428", 18: "arib-std-b67"][code]
    }

    public static func matrixName(_ code: Int) -> String? {
        [0: "gbr", 1: "bt709", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "ycgco", 9: "bt2020nc",
         10: "bt2020c", 11: "smpte2085", 12: "chroma-derived-nc", 13: "chroma-derived-c", 14: "ictcp"][code]
    }
}

/// How a decoded picture says it was scanned (its interlace and field-order flags).
public enum PictureScan: String, Sendable, Hashable, Codable {
    case progressive
    /// Progressive, with a field to repeat on display (soft telecine's 3:2).
    case progressiveRepeatingField
    case topFieldFirst
    case bottomFieldFirst

    public var isInterlaced: Bool { self == .topFieldFirst || self == .bottomFieldFirst }
}
