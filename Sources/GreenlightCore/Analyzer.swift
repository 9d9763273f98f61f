import GreenlightValues

/// A per-frame or per-block computation that checkers share: the engine runs each analyzer some
/// enabled checker asked for once per file, in dependency order, and hands its typed output to
/// every checker (and analyzer) that reads it.
///
/// An analyzer reads one of three inputs, by the protocol it adopts:
/// - ``PictureAnalyzer``: each decoded picture, lent in place (``DecodedPicture``), plus the outputs of
///   the analyzers it depends on for that picture;
/// - ``FrameAnalyzer``: no pixels, only other analyzers' outputs, for this picture and up to
///   ``FrameAnalyzer/lookahead`` pictures after it (a cut detector that decides late);
/// - ``SoundAnalyzer``: each block of full-rate samples of every audio stream.
///
/// Two requests for the same analyzer type with equal parameters are one analyzer.
/// Each kind declares its own typed `Output`.
public protocol Analyzer: AnyObject, SendableMetatype {
    associatedtype Parameters: Hashable & Sendable = NoParameters

    /// A short name for errors and docs (`luma-sum`).
    static var id: String { get }
    /// The analyzers whose outputs this one reads.
    static func inputs(_ parameters: Parameters) -> [AnalyzerRequest]

    init(parameters: Parameters, context: CheckContext)
}

extension Analyzer {
    public static func inputs(_ parameters: Parameters) -> [AnalyzerRequest] { [] }
}

/// Reads every decoded picture's pixels.
public protocol PictureAnalyzer: Analyzer {
    associatedtype Output: Sendable
    /// True when the analyzer reads the previous picture's luma (``DecodedPicture/withPreviousLuma(_:)``):
    /// the engine then keeps it, by reference.
    static var readsPreviousPicture: Bool { get }
    /// - Parameters:
    ///   - picture: the picture, lent for this call only.
    ///   - frame: what is known of it so far (the engine's built-in features and the outputs of
    ///     this analyzer's ``Analyzer/inputs(_:)``).
    func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Output
}

extension PictureAnalyzer {
    public static var readsPreviousPicture: Bool { false }
}

/// Builds a per-picture value from other analyzers' outputs, seeing `lookahead` pictures ahead.
public protocol FrameAnalyzer: Analyzer {
    associatedtype Output: Sendable
    /// How many following pictures the analyzer must see before it decides about one (0: none).
    static var lookahead: Int { get }
    /// - Parameter following: up to ``lookahead`` records after `frame` (fewer at the end of the
    ///   stream or before a timestamp gap), with the outputs of this analyzer's inputs.
    func analyze(_ frame: FrameRecord, following: ArraySlice<FrameRecord>) -> Output
}

extension FrameAnalyzer {
    public static var lookahead: Int { 0 }
}

/// Reads each block of full-rate samples of every audio stream.
public protocol SoundAnalyzer: Analyzer {
    associatedtype Output: Sendable
    func analyze(_ block: AudioSampleBlock) -> Output
}

/// The analyzers a profile's checkers asked for, resolved once per run: every request and its
/// inputs, each distinct analyzer once, ordered so that an analyzer comes after what it reads.
public struct AnalysisPlan: Sendable {
    /// In dependency order.
    package let requests: [AnalyzerRequest]

    /// Resolves `requests` and everything they read.
    /// - Throws: ``ProfileError`` when analyzers read each other in a circle, or a picture or
    ///   sound analyzer reads one of another kind (a picture analyzer may read picture and frame
    ///   analyzers' outputs only for pictures already seen, so it may read only picture analyzers).
    public init(_ requests: [AnalyzerRequest]) throws {
        var ordered: [AnalyzerRequest] = []
        var done = Set<AnalyzerKey>()
        var visiting: [AnalyzerKey] = []
        func visit(_ r: AnalyzerRequest) throws {
            if done.contains(r.key) { return }
            if visiting.contains(r.key) {
                let circle = (visiting.drop { $0 != r.key } + [r.key]).map(\.description).joined(separator: " → ")
                throw ProfileError(source: "analyzers", key: r.key.description, message: "analyzers read each other in a circle: \(circle)")
            }
            visiting.append(r.key)
            for input in r.inputs() {
                switch (r.kind, input.kind) {
                case (.picture, .picture), (.frame, .picture), (.frame, .frame), (.sound, .sound): break
                default:
                    throw ProfileError(source: "analyzers", key: r.key.description,
                                       message: "a \(r.kindName) analyzer cannot read the \(input.kindName) analyzer \(input.key)")
                }
                try visit(input)
            }
            visiting.removeLast()
            done.insert(r.key)
            ordered.append(r)
        }
        for r in requests { try visit(r) }
        self.requests = ordered
    }

    /// No analyzers.
    public static let none = AnalysisPlan(resolved: [])
    private init(resolved: [AnalyzerRequest]) { requests = resolved }

    public var isEmpty: Bool { requests.isEmpty }
    /// Whether a picture analyzer reads the previous picture.
    package var readsPreviousPicture: Bool { requests.contains(where: \.readsPreviousPicture) }
    /// How many distinct analyzers run.
    public var count: Int { requests.count }
    package var readsPictures: Bool { requests.contains { if case .sound = $0.kind { false } else { true } } }
    package var readsSound: Bool { requests.contains { if case .sound = $0.kind { true } else { false } } }

    /// The plan of a profile's checkers.
    public init(profile: Profile) throws {
        try self.init(profile.checkers.flatMap(\.analyzers))
    }
}

extension AnalyzerRequest {
    package var kindName: String {
        switch kind {
        case .picture: return "picture"
        case .frame: return "frame"
        case .sound: return "sound"
        }
    }
}

/// Which analyzer, with which parameters: what checkers and analyzers ask for.
public struct AnalyzerRequest: Sendable, Hashable {
    /// The analyzer's type and parameters (two equal requests are one analyzer).
    public let key: AnalyzerKey
    package let kind: Kind
    /// What it reads, asked only when the plan is resolved (an analyzer may name itself).
    let inputs: @Sendable () -> [AnalyzerRequest]
    package let make: @Sendable (CheckContext) -> AnyAnalyzer
    package var readsPreviousPicture = false

    package enum Kind: Sendable { case picture, frame(lookahead: Int), sound }

    public static func == (a: AnalyzerRequest, b: AnalyzerRequest) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    init<A: Analyzer>(_ type: A.Type, _ parameters: A.Parameters, kind: Kind, make: @escaping @Sendable (A) -> AnyAnalyzer) {
        key = AnalyzerKey(type, parameters)
        self.kind = kind
        inputs = { A.inputs(parameters) }
        self.make = { context in make(A(parameters: parameters, context: context)) }
    }

    public static func picture<A: PictureAnalyzer>(_ type: A.Type, _ parameters: A.Parameters) -> AnalyzerRequest {
        var r = AnalyzerRequest(type, parameters, kind: .picture) { a in .picture { picture, frame in a.analyze(picture, frame: frame) } }
        r.readsPreviousPicture = A.readsPreviousPicture
        return r
    }

    public static func frame<A: FrameAnalyzer>(_ type: A.Type, _ parameters: A.Parameters) -> AnalyzerRequest {
        AnalyzerRequest(type, parameters, kind: .frame(lookahead: max(0, A.lookahead))) { a in .frame { a.analyze($0, following: $1) } }
    }

    public static func sound<A: SoundAnalyzer>(_ type: A.Type, _ parameters: A.Parameters) -> AnalyzerRequest {
        AnalyzerRequest(type, parameters, kind: .sound) { a in .sound { a.analyze($0) } }
    }


    public static func picture<A: PictureAnalyzer>(_ type: A.Type) -> AnalyzerRequest where A.Parameters == NoParameters {
        picture(type, NoParameters())
    }

    public static func frame<A: FrameAnalyzer>(_ type: A.Type) -> AnalyzerRequest where A.Parameters == NoParameters {
        frame(type, NoParameters())
    }

    public static func sound<A: SoundAnalyzer>(_ type: A.Type) -> AnalyzerRequest where A.Parameters == NoParameters {
        sound(type, NoParameters())
    }
}

/// Parameters of an analyzer that has none.
public struct NoParameters: Hashable, Sendable {
    public init() {}
}

/// Identifies an analyzer: its type and its parameters.
public struct AnalyzerKey: Hashable, Sendable, CustomStringConvertible {
    let type: ObjectIdentifier
    let parameters: any Hashable & Sendable
    public let description: String

    public init<A: Analyzer>(_ type: A.Type, _ parameters: A.Parameters) {
        self.type = ObjectIdentifier(type)
        self.parameters = parameters
        description = "\(A.id)(\(parameters))"
    }

    public static func == (a: AnalyzerKey, b: AnalyzerKey) -> Bool {
        func same<P: Hashable>(_ p: P) -> Bool { (b.parameters as? P) == p }
        return a.type == b.type && same(a.parameters)
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(parameters)
    }
}

/// An analyzer instance with its type erased, for the engine.
package enum AnyAnalyzer {
    case picture((borrowing DecodedPicture, FrameRecord) -> any Sendable)
    case frame((FrameRecord, ArraySlice<FrameRecord>) -> any Sendable)
    case sound((AudioSampleBlock) -> any Sendable)
}

/// Where each analyzer's output sits in a record, shared by every record of one file.
package final class AnalyzerSlots: Sendable {
    let index: [AnalyzerKey: Int]
    package init(_ keys: [AnalyzerKey]) {
        index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
    }
    package var count: Int { index.count }
}

/// The outputs of the analyzers that ran on one picture or one block of sound, one slot per
/// analyzer in the plan.
package struct AnalyzerOutputs: Sendable {
    private var values: [(any Sendable)?]
    private let slots: AnalyzerSlots

    package init(_ slots: AnalyzerSlots) {
        self.slots = slots
        values = Array(repeating: nil, count: slots.count)
    }

    package subscript(slot: Int) -> (any Sendable)? {
        get { values[slot] }
        set { values[slot] = newValue }
    }

    /// The output of the analyzer `key` names.
    /// - Precondition: it was declared and has run.
    package func value<T>(_ key: AnalyzerKey) -> T {
        guard let slot = slots.index[key], let value = values[slot] as? T else {
            preconditionFailure("\(key) was read but not declared, or has not run yet")
        }
        return value
    }
}

/// One picture as checkers see it: the engine's built-in features and the output of every
/// analyzer that ran on it.
public struct FrameRecord: Sendable {
    /// The built-in per-picture features (time, frame number, colour, and the luma statistics
    /// and differences the enabled checkers asked for).
    public var features: VideoFeatures
    package var outputs: AnalyzerOutputs

    package init(features: VideoFeatures, slots: AnalyzerSlots) {
        self.features = features
        outputs = AnalyzerOutputs(slots)
    }

    /// The output of picture analyzer `type` with `parameters` for this picture.
    /// - Precondition: the checker or analyzer reading it declared it.
    public func value<A: PictureAnalyzer>(_ type: A.Type, _ parameters: A.Parameters) -> A.Output {
        outputs.value(AnalyzerKey(type, parameters))
    }

    /// The output of frame analyzer `type` with `parameters` for this picture.
    /// - Precondition: the checker or analyzer reading it declared it.
    public func value<A: FrameAnalyzer>(_ type: A.Type, _ parameters: A.Parameters) -> A.Output {
        outputs.value(AnalyzerKey(type, parameters))
    }

    public func value<A: PictureAnalyzer>(_ type: A.Type) -> A.Output where A.Parameters == NoParameters {
        value(type, NoParameters())
    }

    public func value<A: FrameAnalyzer>(_ type: A.Type) -> A.Output where A.Parameters == NoParameters {
        value(type, NoParameters())
    }
}

/// One block of full-rate samples with the output of every sound analyzer that ran on it.
public struct SoundRecord: Sendable {
    public var block: AudioSampleBlock
    package var outputs: AnalyzerOutputs

    package init(block: AudioSampleBlock, slots: AnalyzerSlots) {
        self.block = block
        outputs = AnalyzerOutputs(slots)
    }

    /// The output of sound analyzer `type` with `parameters` for this block.
    /// - Precondition: the checker or analyzer reading it declared it.
    public func value<A: SoundAnalyzer>(_ type: A.Type, _ parameters: A.Parameters) -> A.Output {
        outputs.value(AnalyzerKey(type, parameters))
    }

    public func value<A: SoundAnalyzer>(_ type: A.Type) -> A.Output where A.Parameters == NoParameters {
        value(type, NoParameters())
    }
}

/// One plane of a picture (luma, a chroma plane or alpha), in place in the decoder's buffer.
///
/// Non-copyable and only ever lent (`borrowing`), so it cannot be kept past the call that lends
/// it: the buffer belongs to the decoder. Rows are `bytesPerRow` apart; samples are 8-bit
/// (`bytesPerSample == 1`) or little-endian 16-bit words holding `bitDepth` bits.
public struct PicturePlane: ~Copyable {
    /// Where the plane lies; package-only, so that no analyzer can keep a copy of it.
    package let layout: PlaneLayout
    package init(_ layout: PlaneLayout) { self.layout = layout }

    public var width: Int { layout.width }
    public var height: Int { layout.height }
    public var bytesPerRow: Int { layout.bytesPerRow }
    public var bytesPerSample: Int { layout.bytesPerSample }
    public var bitDepth: Int { layout.bitDepth }

    /// Row `y` as 8-bit samples (only when `bytesPerSample == 1`); valid during the lending call.
    @inline(__always)
    public func row8(_ y: Int) -> UnsafeBufferPointer<UInt8> { layout.row8(y) }

    /// Row `y` as 16-bit samples (only when `bytesPerSample == 2`); valid during the lending call.
    @inline(__always)
    public func row16(_ y: Int) -> UnsafeBufferPointer<UInt16> { layout.row16(y) }
}

/// A decoded picture lent to a ``PictureAnalyzer`` for one call: full-resolution planes in
/// place (planar Y'CbCr, 8 to 16 bits; RGB, packed and semi-planar formats are first converted
/// to planar), with its time and colour in ``features``.
public struct DecodedPicture: ~Copyable {
    public let features: VideoFeatures
    /// Plane count: 1 (grey), 3 (Y'CbCr) or 4 (with alpha).
    public let planeCount: Int
    public let luma: PicturePlane
    private let layouts: [PlaneLayout]
    private let previousLuma: PlaneLayout?

    package init(features: VideoFeatures, planes: [PlaneLayout], previousLuma: PlaneLayout? = nil) {
        precondition(!planes.isEmpty)
        self.features = features
        layouts = planes
        self.previousLuma = previousLuma
        planeCount = planes.count
        luma = PicturePlane(planes[0])
    }

    /// Lends plane `index` (0 luma, 1 Cb, 2 Cr, 3 alpha, each at its own subsampled size) to
    /// `body`; nil when the picture has no such plane.
    public func withPlane<R>(_ index: Int, _ body: (borrowing PicturePlane) throws -> R) rethrows -> R? {
        guard index >= 0, index < layouts.count else { return nil }
        return try lend(layouts[index], body)
    }

    /// Lends the previous picture's luma plane to `body` (for an analyzer whose
    /// ``PictureAnalyzer/readsPreviousPicture`` is true); nil on the first picture.
    public func withPreviousLuma<R>(_ body: (borrowing PicturePlane) throws -> R) rethrows -> R? {
        guard let l = previousLuma else { return nil }
        return try lend(l, body)
    }

    private func lend<R>(_ l: PlaneLayout, _ body: (borrowing PicturePlane) throws -> R) rethrows -> R {
        try body(PicturePlane(l))
    }
}

/// A power spectrum of fixed size, for analyzers that need one (the speech detector): the engine
/// supplies it from the media layer (libavutil's FFT), so analyzers stay free of FFmpeg.
public protocol SpectrumTransform: AnyObject {
    var size: Int { get }
    /// `power[k]` = |X[k]|² for k in 0…size/2 of the Hann-windowed first `size` samples.
    func power(_ samples: UnsafeBufferPointer<Float>, into power: inout [Float])
}

/// Makes ``SpectrumTransform``s; carried in ``CheckContext/spectrum``.
public struct SpectrumFactory: Sendable {
    private let make: @Sendable (Int) -> (any SpectrumTransform)?
    public init(_ make: @escaping @Sendable (Int) -> (any SpectrumTransform)?) { self.make = make }
    /// A transform of `size` samples (a power of two), or nil when none can be made.
    public func transform(size: Int) -> (any SpectrumTransform)? { make(size) }
}
