import Foundation
import Testing
@testable import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// HDR10 static metadata, on values whose faults are known.
@Suite struct HDRMetadataTests {
    let display = MasteringDisplay(red: [0.708, 0.292], green: [0.17, 0.797], blue: [0.131, 0.046], whitePoint: [0.3127, 0.329],
                                   minLuminance: 0.005, maxLuminance: 1000)

    @Test func plausibleHDR10HasNothingToSay() {
        let p = HDRChecker.metadataProblems(mastering: display, light: ContentLightLevel(maxCLL: 1000, maxFALL: 400))
        #expect(p.missing.isEmpty && p.invalid.isEmpty)
    }

    @Test func eachFaultIsNamed() {
        let swapped = HDRChecker.metadataProblems(mastering: display, light: ContentLightLevel(maxCLL: 300, maxFALL: 400)).invalid
        #expect(swapped.count == 1 && swapped[0].contains("MaxCLL 300 is below MaxFALL 400"))
        #expect(HDRChecker.metadataProblems(mastering: nil, light: nil).missing.count == 2)
        // CTA-861.3: zeros are "unknown", as good as missing.
        #expect(HDRChecker.metadataProblems(mastering: display, light: ContentLightLevel(maxCLL: 0, maxFALL: 0)).missing.first?.contains("unknown") == true)
        var dim = display
        dim.maxLuminance = 50
        #expect(HDRChecker.metadataProblems(mastering: dim, light: ContentLightLevel(maxCLL: 40, maxFALL: 20)).invalid.first?.contains("outside 100-10000") == true)
        #expect(HDRChecker.metadataProblems(mastering: display, light: ContentLightLevel(maxCLL: 4000, maxFALL: 400)).invalid.first?.contains("far above") == true)
    }
}

/// HDR light levels on 10-bit PQ clips made here whose pixels are known: a grey field at PQ 0.5
/// (92 cd/m²), a box at PQ 0.75 (983 cd/m²) on pictures 10-14 and a BT.2020 green outside P3 on
/// pictures 0-4, coded losslessly with x265 and the metadata under test.
@Suite struct HDRLightLevelTests {
    static let width = 256, height = 144, frames = 24

    func check(_ path: String, profile: String? = nil) throws -> FileReport {
        // A named profile runs every checker (its severities name their codes).
        let p = try profile.flatMap { try Profile.builtIn(named: $0, registry: BuiltInCheckers.all) } ?? .builtIn([AnyCheckerType(HDRChecker.self)])
        return Engine(profile: p).check(path: path)
    }

    /// The clip's raw pictures (yuv420p10le, limited range).
    static func raw(sdrLike: Bool = false) -> Data {
        func code(_ v: Double) -> UInt16 { UInt16((64 + 876 * v).rounded()) }
        func chroma(_ v: Double) -> UInt16 { UInt16((512 + 896 * v).rounded()) }
        var data = Data()
        for i in 0..<frames {
            var y = [UInt16](repeating: code(sdrLike ? 0.6 : 0.5), count: width * height)
            var u = [UInt16](repeating: 512, count: width * height / 4), v = u
            if sdrLike {
                // An SDR picture's white sky over the top third: 10 000 cd/m² read as PQ.
                for row in 0..<48 { for x in 0..<width { y[row * width + x] = code(0.95) } }
            } else {
                if (10..<15).contains(i) { for row in 40..<72 { for x in 100..<132 { y[row * width + x] = code(0.75) } } }
                if i < 5 {
                    // R′ = 0, G′ = 0.6, B′ = 0 in BT.2020: outside P3.
                    let luma = 0.6780 * 0.6
                    for row in 100..<132 { for x in 20..<84 { y[row * width + x] = code(luma) } }
                    for row in 50..<66 { for x in 10..<42 { u[row * width / 2 + x] = chroma(-luma / 1.8814); v[row * width / 2 + x] = chroma(-luma / 1.4746) } }
                }
            }
            for plane in [y, u, v] { plane.withUnsafeBytes { data.append(contentsOf: $0) } }
        }
        return data
    }

    /// Encodes the raw pictures losslessly, tagged `transfer` (BT.2020 primaries and matrix), with
    /// `hdr10` x265 parameters for the metadata (empty: none).
    func clip(_ name: String, transfer: String = "smpte2084", hdr10: String = "", sdrLike: Bool = false, in dir: URL) throws -> String? {
        let input = dir.appendingPathComponent("\(name).yuv"), out = dir.appendingPathComponent("\(name).mp4").path
        try Self.raw(sdrLike: sdrLike).write(to: input)
        let params = "lossless=1:log-level=error" + (hdr10.isEmpty ? "" : ":hdr10=1:" + hdr10)
        return try ffmpeg(["-f", "rawvideo", "-pix_fmt", "yuv420p10le", "-s", "\(Self.width)x\(Self.height)", "-r", "24", "-i", input.path,
                           "-c:v", "libx265", "-x265-params", params, "-color_primaries", "bt2020", "-color_trc", transfer,
                           "-colorspace", "bt2020nc", "-pix_fmt", "yuv420p10le", out]) ? out : nil
    }

    static func mastering(peak: Int) -> String {
        "master-display=G(8500,39850)B(6550,2300)R(35400,14600)WP(15635,16450)L(\(peak * 10000),50)"
    }

    /// MaxCLL and MaxFALL as zimg computes them (libzimg through FFmpeg's zscale: its own matrix,
    /// chroma upsampling and PQ), from every pixel's largest linear component.
    func independentLevels(_ path: String, in dir: URL) throws -> (maxCLL: Double, maxFALL: Double)? {
        let out = dir.appendingPathComponent("linear.raw")
        guard try ffmpeg(["-i", path, "-vf", "zscale=t=linear:npl=10000:f=point,format=gbrpf32le", "-f", "rawvideo", out.path]) else { return nil }
        let data = try Data(contentsOf: out)
        let plane = Self.width * Self.height
        var cll = 0.0, fall = 0.0
        data.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            let f = p.bindMemory(to: Float.self)
            for i in 0..<(f.count / (3 * plane)) {
                var sum = 0.0
                for k in 0..<plane {
                    let base = i * 3 * plane
                    let m = Double(max(f[base + k], f[base + plane + k], f[base + 2 * plane + k])) * 10000
                    sum += m
                    cll = max(cll, m)
                }
                fall = max(fall, sum / Double(plane))
            }
        }
        return (cll, fall)
    }

    @Test func rightMetadataMeasuresWithinOnePercentOfZimg() throws {
        try withScratchDirectory("gl-hdr") { dir in
            guard let path = try clip("right", hdr10: Self.mastering(peak: 1000) + ":max-cll=1000,130", in: dir),
                  let reference = try independentLevels(path, in: dir) else { print("skipped: ffmpeg with libx265 and zscale is not installed"); return }
            let r = try check(path)
            let summary = try #require(r.summaries["hdr"])
            let cll = try #require(summary["maxCLL"]?.number), fall = try #require(summary["maxFALL"]?.number)
            #expect(abs(cll / reference.maxCLL - 1) < 0.01, "MaxCLL \(cll) against zimg's \(reference.maxCLL)")
            #expect(abs(fall / reference.maxFALL - 1) < 0.01, "MaxFALL \(fall) against zimg's \(reference.maxFALL)")
            // PQ 0.75 is 983 cd/m² (ST 2084), on pictures 10-14.
            #expect(abs(cll - 983.4) < 1)
            #expect(summary["maxCLLAt"] == .text("00:00:00:10"))
            #expect(summary["maxCLLMetadata"]?.number == 1000)
            // Right metadata: only the green outside P3, on pictures 0-4.
            #expect(r.findings.map(\.code) == ["hdr.outside-p3"], "\(r.findings.map(\.message))")
            let p3 = try #require(r.findings.first)
            #expect(p3.startFrame == 0 && p3.endFrame == 5)
            #expect(abs((p3.measurements["percentOutside"] ?? 0) - 64.0 * 32 / Double(Self.width * Self.height) * 100) < 0.5)
            // The plots: brightest pixel and frame average, one point a picture.
            #expect(r.series.first { $0.id == "hdr.peak" }?.points.count == Self.frames)
        }
    }

    @Test func wrongMetadataIsNamed() throws {
        try withScratchDirectory("gl-hdr") { dir in
            guard let path = try clip("wrong", hdr10: Self.mastering(peak: 600) + ":max-cll=400,100", in: dir) else { return }
            let r = try check(path)
            let mismatch = r.findings.filter { $0.code == "hdr.light-level-mismatch" }
            // MaxCLL 400 declared, 983 reached; MaxFALL 100 declared, about 125 reached (over 10 %).
            #expect(mismatch.count == 2, "\(r.findings.map(\.message))")
            #expect(mismatch.first { $0.message.hasPrefix("MaxCLL") }?.measurements["declared"] == 400)
            let over = try #require(r.findings.first { $0.code == "hdr.over-mastering-peak" })
            #expect(over.startFrame == 10 && over.endFrame == 15)
            #expect(over.measurements["masteringPeakNits"] == 600)
        }
    }

    @Test func missingMetadataIsNamedWithTheMeasuredValues() throws {
        try withScratchDirectory("gl-hdr") { dir in
            guard let path = try clip("missing", in: dir) else { return }
            let r = try check(path)
            let missing = try #require(r.findings.first { $0.code == "hdr.metadata-missing" })
            #expect(missing.message.contains("mastering display metadata (SMPTE ST 2086) or content light level metadata"))
            #expect(abs((missing.measurements["maxCLL"] ?? 0) - 983.4) < 1)
            #expect(!r.findings.contains { $0.code == "hdr.light-level-mismatch" || $0.code == "hdr.over-mastering-peak" })
            // The delivery profile makes it an error, and asks for nothing else of this file's format.
            let delivery = try check(path, profile: "hdr10-delivery")
            #expect(delivery.findings.filter { $0.checker == "hdr" }.count == 2, "\(delivery.findings.map(\.message))")
            #expect(delivery.findings.first { $0.code == "hdr.metadata-missing" }?.severity == .error)
            #expect(!delivery.findings.contains { $0.code == "hdr.delivery" })
        }
    }

    @Test func tagsThePicturesContradict() throws {
        try withScratchDirectory("gl-hdr") { dir in
            // The PQ grade tagged SDR (BT.2020's own SDR transfer): highlights stop at 75 %.
            guard let pqAsSDR = try clip("pq-as-sdr", transfer: "bt2020-10", in: dir),
                  let sdrAsPQ = try clip("sdr-as-pq", hdr10: Self.mastering(peak: 1000) + ":max-cll=1000,400", sdrLike: true, in: dir) else { return }
            let a = try check(pqAsSDR)
            #expect(a.findings.map(\.code) == ["hdr.tag-conflict"], "\(a.findings.map(\.message))")
            #expect(a.summaries["hdr"]?["maxCLL"] == nil)
            let b = try check(sdrAsPQ)
            let conflict = try #require(b.findings.first { $0.code == "hdr.tag-conflict" }, "\(b.findings.map(\.message))")
            #expect(conflict.measurements["pictures"] == Double(Self.frames))
            // SDR tagged SDR is not HDR10 delivery format.
            let delivery = try check(pqAsSDR, profile: "hdr10-delivery")
            #expect(delivery.findings.filter { $0.code == "hdr.delivery" }.map(\.message) == ["Not HDR10 delivery format: transfer is bt2020-10, not PQ (SMPTE ST 2084)."])
        }
    }
}

/// Flashing on PQ pictures is judged in the cd/m² PQ gives, not as SDR codes would show.
@Suite struct PSEOnPQTests {
    @Test func aFlashOfFiftyNitsIsHarmfulInPQ() throws {
        // PQ 0.55 and 0.58: 150 and 200 cd/m² on a PQ display (a flash, the darker state under
        // 160); as BT.1886 codes at 200 cd/m² white they would differ by 6.5 cd/m² (no flash).
        let dark = 0.55, light = 0.58
        #expect(Colorimetry.pqNits(light) - Colorimetry.pqNits(dark) > 40 && Colorimetry.pqNits(dark) < 160)
        #expect(200 * (pow(light, 2.4) - pow(dark, 2.4)) < 20)
        try withScratchDirectory("gl-pse-pq") { dir in
            let w = 256, h = 144
            func code(_ v: Double) -> UInt16 { UInt16((64 + 876 * v).rounded()) }
            var data = Data()
            for i in 0..<75 {
                let y = [UInt16](repeating: code(i % 6 < 3 ? dark : light), count: w * h), c = [UInt16](repeating: 512, count: w * h / 4)
                for plane in [y, c, c] { plane.withUnsafeBytes { data.append(contentsOf: $0) } }
            }
            let input = dir.appendingPathComponent("flash.yuv"), out = dir.appendingPathComponent("flash.mp4").path
            try data.write(to: input)
            guard try ffmpeg(["-f", "rawvideo", "-pix_fmt", "yuv420p10le", "-s", "\(w)x\(h)", "-r", "25", "-i", input.path,
                              "-c:v", "libx265", "-x265-params", "lossless=1:log-level=error", "-color_primaries", "bt2020",
                              "-color_trc", "smpte2084", "-colorspace", "bt2020nc", out]) else { print("skipped: ffmpeg with libx265 is not installed"); return }
            let r = Engine(profile: .builtIn([AnyCheckerType(PSEChecker.self)])).check(path: out)
            #expect(r.summaries["pse"]?["display"] == .text("HDR PQ (SMPTE ST 2084), absolute"))
            let flash = try #require(r.findings.first { $0.code == "pse.flash" }, "\(r.findings.map(\.message))")
            #expect(flash.measurements["flashesPerSecond"] == 4.5)  // 9 transitions in the worst second, as PSETests at 25 fps
            #expect(flash.measurements["areaPercent"] == 100)
        }
    }
}
