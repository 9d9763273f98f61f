import Foundation
import Yams
import GreenlightValues

/// A profile file problem, naming the file and the offending key.
public struct ProfileError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var key: String
    public var message: String

    public init(source: String, key: String, message: String) {
        self.source = source
        self.key = key
        self.message = message
    }

    public var description: String { "\(source): \(key): \(message)" }
}

/// A checker a profile enables, with its validated option values.
///
/// The typed options are built once, when the profile is read: an option value the checker's
/// own `Options` refuses (a combination its specs cannot express) is a profile error then, not a
/// surprise per file.
public struct ConfiguredChecker: Sendable {
    public let type: AnyCheckerType
    public let options: OptionValues
    /// The checker's typed `Options`, built from ``options``.
    public let parsed: any CheckerOptions

    public init(type: AnyCheckerType, options: OptionValues) throws {
        self.type = type
        self.options = options
        parsed = try type.parse(options)
    }

    /// The analyzers the checker reads with these options.
    public var analyzers: [AnalyzerRequest] { type.analyzers(parsed: parsed) }

    /// The checker with its defaults (which its own `Options` must accept).
    static func defaults(_ type: AnyCheckerType) -> ConfiguredChecker {
        do { return try ConfiguredChecker(type: type, options: OptionValues(defaults: type.description.options)) } catch {
            preconditionFailure("checker \(type.description.id) refuses its own default options: \(error)")
        }
    }
}

/// Which checkers run, how they are set, and how finding codes map to severities.
///
/// A profile file is YAML or JSON:
/// ```yaml
/// name: broadcast
/// checkers:
///   black: { min-duration: 1f, threshold: 10 }
///   freeze: { min-duration: 1s }
///   silence: {}
/// severity:
///   black.segment@programme: error   # mid-programme black fails the gate
///   silence.segment: warning         # every placement
/// ```
/// Listing a checker enables it; omitting `checkers` enables every built-in one with its
/// defaults. Severity keys are a finding code, optionally `@head`, `@tail`, `@whole` or
/// `@programme`; the most specific key wins. Any other key is an error naming it.
public struct Profile: Sendable {
    public var name: String
    /// One line on what the profile is for (the file's `description`).
    public var description: String?
    /// "built-in" or the file it was read from.
    public var source: String
    public var checkers: [ConfiguredChecker]
    public var severities: [String: Severity]
    /// The severity of `<checker>.not-measured`, said when a checker asked for could not measure
    /// (no speech, no usable events): information by default, `notMeasured: warning` in a gate.
    public var notMeasured: Severity = .info

    /// The shared-feature parameters the enabled checkers' options imply.
    public func featureParameters() -> FeatureParameters {
        var p = FeatureParameters()
        for c in checkers { c.type.configure(&p, parsed: c.parsed) }
        return p
    }

    /// The severity a profile gives `finding` (its own when the profile does not remap it).
    public func severity(for finding: Finding) -> Severity {
        if let p = finding.placement, let s = severities["\(finding.code)@\(p.rawValue)"] { return s }
        if let s = severities[finding.code] { return s }
        return finding.code.hasSuffix(FileReport.notMeasuredSuffix) ? notMeasured : finding.severity
    }

    /// Names of the built-in profiles, in the order `greenlight profiles` lists them.
    public static let builtInNames = ["default", "dailies", "delivery", "hdr10-delivery", "netflix", "bbc", "ebu-r128", "ci"]

    /// Style rules of subtitles (timing and layout a style guide sets, not errors in the file).
    static let subtitleStyleCodes = ["subtitle.min-duration", "subtitle.max-duration", "subtitle.min-gap", "subtitle.reading-speed",
                                     "subtitle.line-length", "subtitle.line-count", "subtitle.frame-alignment", "subtitle.shot-change"]

    /// The built-in profiles' text (every one but `default`, which is every checker with its
    /// defaults): what `greenlight profile show` starts from.
    static let builtInText: [String: String] = [
        "dailies": """
            name: dailies
            description: The day's rushes, fast - picture, sound, sync and tags, focus, exposure, sensor defects, timecode across the day and production sound (--sound), no grade analysis; subtitle style rules only warn.
            checkers:
              black: {}
              freeze: {}
              silence: {}
              av-sync: {}
              loudness: {}
              audio-health: {}
              subtitle-timing: {}
              colour-metadata: {}
              focus: {}
              exposure: {}
              sensor: {}
              timecode: {}
              sound-sync: {}
            severity:
            \(subtitleStyleCodes.map { "  \($0): warning" }.joined(separator: "\n"))
              decode.damaged: error
              decode.stream-unreadable: error
            """,
        "delivery": """
            name: delivery
            description: Gate for masters going out - black, freeze and silence mid-programme, damage, sync, loudness, levels, colour tags and subtitle rules are errors; a check that could not measure is a warning.
            notMeasured: warning
            severity:
              black.segment@programme: error
              black.segment@whole: error
              freeze.segment@programme: error
              freeze.segment@whole: error
              silence.segment@programme: error
              silence.segment@whole: error
              decode.damaged: error
              decode.gap: error
              decode.stream-unreadable: error
              sync.stream-offset: error
              sync.duration-mismatch: error
              sync.drift: error
              loudness.integrated: error
              loudness.dialogue: error
              loudness.true-peak: error
              audio.clipping: error
              gamut.luma: error
              gamut.rgb: error
              colour.metadata-conflict: error
              colour.range-mismatch: error
              hdr.metadata-missing: error
              hdr.metadata-invalid: error
              hdr.light-level-mismatch: error
              colour.reference-mismatch: error
              subtitle.overlap: error
            \(subtitleStyleCodes.map { "  \($0): error" }.joined(separator: "\n"))
            """,
        // HDR10 masters for streaming platforms: the format as CTA-861.3/UHD Alliance define HDR10
        // (PQ, BT.2020, 10 bits, ST 2086 + MaxCLL/MaxFALL) and what platforms add (mastering on a
        // P3-D65 display of 1000 cd/m² or more, colour within P3); the README's HDR section gives each
        // rule's source.
        "hdr10-delivery": """
            name: hdr10-delivery
            description: HDR10 masters for streaming platforms - PQ, BT.2020, 10 bits, ST 2086 and MaxCLL/MaxFALL present and true to the pictures, graded within P3-D65 on a display of 1000 cd/m² or more; flashing, damage and sync as for delivery.
            notMeasured: warning
            severity:
              hdr.metadata-missing: error
              hdr.metadata-invalid: error
              hdr.light-level-mismatch: error
              hdr.over-mastering-peak: error
              hdr.outside-p3: error
              hdr.tag-conflict: error
              hdr.delivery: error
              colour.metadata-conflict: error
              colour.metadata-change: error
              decode.damaged: error
              decode.gap: error
              decode.stream-unreadable: error
              sync.stream-offset: error
              sync.drift: error
            """,
        // Netflix's timed-text style guide: the subtitle-timing defaults, and its loudness spec.
        "netflix": """
            name: netflix
            description: Netflix delivery - subtitle timing per its timed-text style guide, dialogue-gated loudness at -27 LKFS.
            """,
        // The BBC subtitle guidelines: 37 characters a line, 160-180 words a minute, gaps closed or a second.
        "bbc": """
            name: bbc
            description: BBC subtitle guidelines - 37 characters, 180 words a minute, gaps closed or 1 s; EBU R128 loudness.
            """,
        "ebu-r128": """
            name: ebu-r128
            description: EBU R128 loudness - programme loudness off -23 LUFS, true peak over -1 dBTP and clipping fail; the rest as default.
            severity:
              loudness.integrated: error
              loudness.true-peak: error
              audio.clipping: error
            """,
        "ci": """
            name: ci
            description: Continuous integration over rendered media - fails on what a pipeline breaks (damage, gaps, sync, black or frozen picture mid-programme); style and loudness warn.
            severity:
              decode.damaged: error
              decode.gap: error
              decode.stream-unreadable: error
              audio.layout-change: error
              sync.offset: error
              sync.stream-offset: error
              sync.drift: error
              sync.step: error
              black.segment@programme: error
              freeze.segment@programme: error
            """,
    ]

    /// Built-in profiles that run every checker the default profile runs, with options set for a
    /// few: each is listed for them when they are read, so a checker added later runs in them too.
    static let everyCheckerWith: [String: [String: String]] = [
        "netflix": ["loudness": "standard: netflix"],
        "bbc": ["loudness": "standard: r128",
                "subtitle-timing": "max-line-length: 37, max-wpm: 180, max-cps: 100, min-gap: 1s, closed-gaps: true"],
        "ebu-r128": ["loudness": "standard: r128"],
        "hdr10-delivery": ["hdr": "require-hdr10: true"],
    ]

    /// A built-in profile by name (see ``builtInNames``), or nil for another name.
    public static func builtIn(named name: String, registry: [AnyCheckerType]) throws -> Profile? {
        if name == "default" { return builtIn(registry) }
        guard var text = builtInText[name] else { return nil }
        if let options = everyCheckerWith[name] {
            // Every checker the default profile runs (camera-original checks are the dailies profile's).
            let byDefault = registry.filter { $0.type.runsByDefault }
            text += "\ncheckers:\n" + (byDefault.isEmpty ? registry : byDefault).map { "  \($0.description.id): { \(options[$0.description.id] ?? "") }" }.joined(separator: "\n")
        }
        return try parse(text, source: "built-in \(name)", registry: registry)
    }

    /// The built-in profile: every checker in `registry` with its defaults.
    /// The default profile: the registry's checkers that run by default (``Checker/runsByDefault``),
    /// or, for a registry of none such (a test's single camera checker), all of them.
    public static func builtIn(_ registry: [AnyCheckerType]) -> Profile {
        let byDefault = registry.filter { $0.type.runsByDefault }
        return Profile(name: "default", description: "Every checker with its defaults but the camera-original ones (focus, exposure, sensor, timecode across a run, production sound: the dailies profile); only decoder damage and sound out of sync are errors.",
                       source: "built-in", checkers: (byDefault.isEmpty ? registry : byDefault).map(ConfiguredChecker.defaults), severities: [:])
    }

    /// Profiles are small: a larger file is refused before it is parsed.
    public static let maximumBytes = 1 << 20
    /// Nodes a profile may hold once its aliases are expanded (a real one has a few dozen):
    /// refused before expansion, so an alias or merge-key bomb costs nothing.
    public static let maximumNodes = 10_000

    /// Reads a YAML or JSON profile file.
    public static func load(path: String, registry: [AnyCheckerType]) throws -> Profile {
        let data: Data
        do {
            data = try InputFile.contents(path, limit: maximumBytes, kind: "a profile")
        } catch {
            throw ProfileError(source: path, key: "(file)", message: "cannot read the profile: \(error.description)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProfileError(source: path, key: "(file)", message: "the profile is not UTF-8 text")
        }
        return try parse(text, source: path, registry: registry)
    }

    /// Parses profile text (YAML, of which JSON is a subset).
    public static func parse(_ text: String, source: String, registry: [AnyCheckerType]) throws -> Profile {
        guard text.utf8.count <= maximumBytes else {
            throw ProfileError(source: source, key: "(file)", message: "the profile is \(text.utf8.count) bytes; a profile may be at most \(maximumBytes) bytes (1 MB)")
        }
        let root: Any?
        var literals: [String: [String: ScalarLiteral]] = [:]
        do {
            // Compose first: aliases stay shared references, so counting the expanded size is cheap
            // and stops at the cap; only a profile within it is constructed.
            // Keys that are not plain text (`? [a, b]: c`) are refused here too: the constructor
            // traps on them (the fuzzer found it).
            guard let node = try Yams.compose(yaml: text) else {
                throw ProfileError(source: source, key: "(file)",
                                   message: "the profile is empty; a profile is a mapping with name, checkers and severity (`--profile default` is the default profile)")
            }
            var budget = maximumNodes
            if let why = unconstructable(node, &budget) { throw ProfileError(source: source, key: "(file)", message: why) }
            literals = optionLiterals(node)
            root = try Yams.load(yaml: text)
        } catch let error as ProfileError {
            throw error
        } catch {
            // The parser quotes the offending line, which in a hostile file is megabytes long.
            let why = "\(error)"
            throw ProfileError(source: source, key: "(file)", message: "not valid YAML or JSON: \(why.count > 400 ? why.prefix(400) + "…" : why)")
        }
        guard let top = stringKeyed(root ?? [String: Any]()) else {
            throw ProfileError(source: source, key: "(top level)", message: "must be a mapping with name, checkers and severity")
        }
        for key in top.keys where !["name", "description", "checkers", "severity", "notMeasured"].contains(key) {
            throw ProfileError(source: source, key: key, message: "unknown key (known: name, description, checkers, severity, notMeasured)")
        }
        for key in ["name", "description"] where top[key] != nil && !(top[key] is String) {
            throw ProfileError(source: source, key: key, message: "'\(top[key]!)' is not text")
        }
        let fallbackName = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        var profile = Profile(name: top["name"] as? String ?? fallbackName, description: top["description"] as? String,
                              source: source, checkers: [], severities: [:])
        if let raw = top["checkers"] {
            guard let map = stringKeyed(raw) else {
                throw ProfileError(source: source, key: "checkers", message: "must map checker ids to their options")
            }
            for id in map.keys.sorted() {
                guard let type = registry.first(where: { $0.description.id == id }) else {
                    throw ProfileError(source: source, key: "checkers.\(id)",
                                       message: "unknown checker (known: \(registry.map(\.description.id).joined(separator: ", ")))")
                }
                let specs = type.description.options
                var values = OptionValues(defaults: specs)
                let entry = map[id]!
                if entry is NSNull || (entry as? Bool) == true { /* defaults */ }
                else if (entry as? Bool) == false { continue }
                else if let options = stringKeyed(entry) {
                    for key in options.keys.sorted() {
                        try values.set(key, raw: options[key]!, literal: literals[id]?[key], specs: specs, checker: id, source: source)
                    }
                } else {
                    throw ProfileError(source: source, key: "checkers.\(id)", message: "must be a mapping of options, true or false")
                }
                do {
                    profile.checkers.append(try ConfiguredChecker(type: type, options: values))
                } catch {
                    throw ProfileError(source: source, key: "checkers.\(id)", message: "\(error)")
                }
            }
            // Keep the registry's order, so reports list checkers the same way whatever the file's order.
            profile.checkers.sort { a, b in
                registry.firstIndex { $0.description.id == a.type.description.id }! < registry.firstIndex { $0.description.id == b.type.description.id }!
            }
        } else {
            profile.checkers = builtIn(registry).checkers
        }
        if let raw = top["severity"] {
            guard let map = stringKeyed(raw) else {
                throw ProfileError(source: source, key: "severity", message: "must map finding codes to info, warning or error")
            }
            let codes = Set(registry.flatMap(\.description.codes) + FileHealth.codes
                            + registry.map { $0.description.id + FileReport.notMeasuredSuffix })
            for (key, value) in map {
                let parts = key.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)  // "" and "@head" included
                guard codes.contains(parts[0]) else {
                    throw ProfileError(source: source, key: "severity.\(key)", message: "unknown finding code (known: \(codes.sorted().joined(separator: ", ")))")
                }
                if parts.count == 2 && Placement(rawValue: parts[1]) == nil {
                    throw ProfileError(source: source, key: "severity.\(key)", message: "unknown placement '\(parts[1])' (head, tail, whole, programme)")
                }
                guard let s = (value as? String).flatMap(Severity.init(rawValue:)) else {
                    throw ProfileError(source: source, key: "severity.\(key)", message: "'\(value)' is not info, warning or error")
                }
                profile.severities[key] = s
            }
        }
        if let raw = top["notMeasured"] {
            // `warn` as the issue tracker and other tools spell it.
            guard let word = raw as? String, let s = Severity(rawValue: word == "warn" ? "warning" : word) else {
                throw ProfileError(source: source, key: "notMeasured", message: "'\(raw)' is not info, warning or error")
            }
            profile.notMeasured = s
        }
        return profile
    }

    /// The profile as a YAML file to copy and edit: every checker it enables with every option
    /// at its value, and its severity map. Reading the text back gives the same profile.
    public var yaml: String {
        func scalar(_ s: String) -> String {
            let plain = s.range(of: "^[A-Za-z0-9][A-Za-z0-9 ._/-]*$", options: .regularExpression) != nil
                && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(s.lowercased())
            return plain ? s : "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func value(_ v: OptionValue) -> String {
            switch v {
            case .number(let d): return formatNumber(d)
            case .duration(let d): return d.description
            case .flag(let b): return b ? "true" : "false"
            case .text(let t): return scalar(t)
            }
        }
        var out = "name: \(scalar(name))\n"
        if let description { out += "description: \(scalar(description))\n" }
        out += "checkers:\n"
        for c in checkers {
            let d = c.type.description
            out += "  # \(d.title)\n"
            let options = d.options.map { "\($0.name): \(value(c.options.values[$0.name] ?? $0.defaultValue))" }
            out += "  \(d.id): {\(options.isEmpty ? "" : " " + options.joined(separator: ", ") + " ")}\n"
        }
        out += "notMeasured: \(notMeasured.rawValue)   # a checker that could not measure (no speech, no usable events)\n"
        if severities.isEmpty {
            out += "severity: {}   # a finding code (optionally @head, @tail, @whole or @programme): info, warning or error\n"
        } else {
            out += "severity:\n"
            for key in severities.keys.sorted() { out += "  \(key): \(severities[key]!.rawValue)\n" }
        }
        return out
    }

    /// Keeps only the checkers whose ids are listed (enabling any the profile left out, with defaults).
    public func restricted(to ids: [String], registry: [AnyCheckerType]) throws -> Profile {
        var copy = self
        copy.checkers = try ids.map { id in
            if let c = checkers.first(where: { $0.type.description.id == id }) { return c }
            guard let type = registry.first(where: { $0.description.id == id }) else {
                throw ProfileError(source: "--checkers", key: id, message: "unknown checker (known: \(registry.map(\.description.id).joined(separator: ", ")))")
            }
            return ConfiguredChecker.defaults(type)
        }
        return copy
    }
}

/// How each checker option was written (`checkers.ID.OPTION`): the constructed value alone
/// cannot tell `10` from `"10"` or `0x10` from `16`.
private func optionLiterals(_ root: Node) -> [String: [String: ScalarLiteral]] {
    var out: [String: [String: ScalarLiteral]] = [:]
    guard let checkers = root.mapping?.first(where: { $0.key.scalar?.string == "checkers" })?.value.mapping else { return out }
    for (checker, options) in checkers {
        guard let id = checker.scalar?.string, let options = options.mapping else { continue }
        for (key, value) in options {
            guard let name = key.scalar?.string, let scalar = value.scalar else { continue }
            out[id, default: [:]][name] = ScalarLiteral(text: scalar.string, quoted: scalar.style == .singleQuoted || scalar.style == .doubleQuoted)
        }
    }
    return out
}

/// Why `node` cannot be constructed, or nil: it expands past `budget` nodes (counted as it is
/// walked, stopping as soon as it runs out), or a mapping has a key that is not a scalar.
private func unconstructable(_ node: Node, _ budget: inout Int) -> String? {
    budget -= 1
    guard budget >= 0 else {
        return "the profile expands to more than \(Profile.maximumNodes) YAML nodes once its aliases are followed (an alias or merge-key bomb?); refused without expanding it"
    }
    switch node {
    case .scalar(let scalar):
        // YAML 1.1 reads `1:30` as 90 (base 60); Yams' constructor does that arithmetic with
        // trapping overflow, so a long one such as `226622666666266662:6` killed the process
        // (the fuzzer found it).
        guard scalar.style == .plain, scalar.string.contains(":"), baseSixtyOverflows(scalar.string) else { return nil }
        return "the number \"\(scalar.string.prefix(40))\" at line \(node.mark.map { "\($0.line)" } ?? "?") is too large (YAML reads a:b as base 60)"
    case .alias:
        return nil
    case .sequence(let items):
        for item in items { if let why = unconstructable(item, &budget) { return why } }
        return nil
    case .mapping(let pairs):
        for (key, value) in pairs {
            guard case .scalar = key else {
                return "the key at line \(key.mark.map { "\($0.line)" } ?? "?") is not plain text (a list, mapping or alias); profile keys are names"
            }
            if let why = unconstructable(key, &budget) ?? unconstructable(value, &budget) { return why }
        }
        return nil
    }
}

/// Whether Yams' reading of a base-60 integer would overflow: it sums each part times a base
/// that it multiplies by 60 after every part, the last included.
private func baseSixtyOverflows(_ text: String) -> Bool {
    var digits = text.replacingOccurrences(of: "_", with: "")
    if digits.hasPrefix("-") || digits.hasPrefix("+") { digits.removeFirst() }
    let parts = digits.split(separator: ":", omittingEmptySubsequences: false)
    let numbers = parts.compactMap { Int($0) }
    guard numbers.count == parts.count else { return false }  // not read as a number at all
    var base = 1, value = 0
    for n in numbers.reversed() {
        let (term, o1) = n.multipliedReportingOverflow(by: base)
        let (sum, o2) = value.addingReportingOverflow(term)
        let (next, o3) = base.multipliedReportingOverflow(by: 60)
        if o1 || o2 || o3 { return true }
        (value, base) = (sum, next)
    }
    return false
}

private func stringKeyed(_ value: Any) -> [String: Any]? {
    if let d = value as? [String: Any] { return d }
    if let d = value as? [AnyHashable: Any] {
        var out: [String: Any] = [:]
        for (k, v) in d { out["\(k.base)"] = v }
        return out
    }
    return nil
}

extension Profile {
    /// One file's report joined from the reports of its time ranges (`check --range`), as a
    /// check of the whole file with this profile would have written it: each checker joins its
    /// own ranges' results (see ``Checker/merge(ranges:options:context:)``). Ranges must cover the
    /// file from its start to its end without gaps or overlaps; otherwise the report is an
    /// error that names what is missing.
    public func join(ranges: [FileReport]) -> FileReport {
        let parts = ranges.sorted { ($0.range?.start ?? 0) < ($1.range?.start ?? 0) }
        let path = parts[0].path
        var report = FileReport(path: path, verdict: .error, error: nil, media: parts.first { $0.media != nil }?.media, findings: [], summaries: [:])
        var problems: [String] = []
        var covered = 0.0
        for p in parts {
            guard let r = p.range else { problems.append("a whole-file report is among the ranges"); break }
            if abs(r.start - covered) > 1e-6 {
                problems.append(r.start > covered ? "\(formatSeconds(covered))–\(formatSeconds(r.start)) is in no range"
                                                  : "ranges overlap at \(formatSeconds(r.start))")
            }
            covered = r.end ?? .infinity
        }
        if covered.isFinite && parts.last?.range?.reachedEnd != true { problems.append("nothing after \(formatSeconds(covered)) was checked (the last range must reach the end)") }
        guard problems.isEmpty else {
            report.error = "The time ranges do not make up the file: \(problems.joined(separator: "; "))."
            return report
        }
        report.error = parts.compactMap(\.error).first
        guard let media = report.media else { return report }
        let context = CheckContext(path: path, media: media, parameters: featureParameters())
        var findings = parts.flatMap(\.findings).filter { $0.checker == FileHealth.checker }
        for c in checkers {
            let id = c.type.description.id
            let results = parts.map { p in
                CheckerResult(findings: p.findings.filter { $0.checker == id }, summary: p.summaries[id] ?? [:],
                              series: p.series.filter { $0.checker == id })
            }
            if c.type.type.needsWholeProgramme {
                report.summaries[id] = parts[0].summaries[id] ?? [:]
                continue
            }
            let joined = c.type.merge(ranges: results, parsed: c.parsed, context: context)
            findings += joined.findings
            report.summaries[id] = joined.summary
            report.series += joined.series
        }
        for i in findings.indices { findings[i].severity = severity(for: findings[i]) }
        report.findings = findings.sorted(by: Finding.reportOrder)
        report.verdict = report.error != nil ? .error : Verdict(findings: report.findings)
        return report
    }
}
