import Crypto
import Foundation
import Synchronization

/// What a caller may do: read (the dashboard, reports, history, metrics) or also submit and cancel.
public enum Role: String, Sendable, Comparable {
    case read, submit

    public static func < (a: Role, b: Role) -> Bool { a == .read && b == .submit }
}

/// Who may do what. Without a token file (the default, bound to 127.0.0.1) everyone who can
/// reach the port submits. With one, every request but the login page, the health check and
/// the OpenAPI document needs a bearer token (`Authorization: Bearer …`) or the session cookie
/// the login page sets; tokens are kept only as SHA-256 hashes.
///
/// Token file: one token per line, `read sha256:<hex>` or `submit sha256:<hex>`, `#` comments;
/// make a line with `printf '%s' "$TOKEN" | sha256sum`.
public final class Access: Sendable {
    private let hashes: [(digest: [UInt8], role: Role)]
    public var required: Bool { !hashes.isEmpty }
    /// Signs the forms' CSRF tokens (per process: a restart asks forms to be reloaded).
    private let secretBytes = Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    private var secret: SymmetricKey { SymmetricKey(data: secretBytes) }
    private let sessions = Mutex<[String: (role: Role, expires: Date)]>([:])

    public init(tokenFile: String?) throws {
        guard let tokenFile else {
            hashes = []
            return
        }
        guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            throw ServiceError.usage("--token-file \(tokenFile): cannot read it")
        }
        var found: [([UInt8], Role)] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2, let role = Role(rawValue: String(words[0])), words[1].hasPrefix("sha256:"),
                  let digest = Self.bytes(hex: String(words[1].dropFirst(7))), digest.count == 32 else {
                throw ServiceError.usage("--token-file \(tokenFile) line \(n + 1): expected `read sha256:<64 hex digits>` or `submit sha256:<…>` (tokens are stored hashed: printf '%s' \"$TOKEN\" | sha256sum)")
            }
            found.append((digest, role))
        }
        guard !found.isEmpty else { throw ServiceError.usage("--token-file \(tokenFile): no token in it") }
        hashes = found
    }

    /// The role a bearer token gives, compared in constant time against every stored hash.
    public func role(token: String) -> Role? {
        let digest = Array(SHA256.hash(data: Data(token.utf8)))
        var best: Role?
        for (stored, role) in hashes {
            var diff: UInt8 = 0
            for i in 0..<32 { diff |= stored[i] ^ digest[i] }
            if diff == 0 { best = max(best ?? role, role) }
        }
        return best
    }

    /// The role of a request: everyone submits when no tokens are configured.
    public func role(authorization: String?, sessionCookie: String?) -> Role? {
        guard required else { return .submit }
        if let authorization, authorization.lowercased().hasPrefix("bearer ") {
            return role(token: String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        }
        if let sessionCookie {
            return sessions.withLock { s in
                guard let entry = s[sessionCookie] else { return nil }
                if entry.expires < Date() { s[sessionCookie] = nil; return nil }
                return entry.role
            }
        }
        return nil
    }

    /// A browser session for a token given on the login page (12 hours).
    public func startSession(token: String) -> (id: String, role: Role)? {
        guard let role = role(token: token) else { return nil }
        let id = Self.randomHex(32)
        sessions.withLock { s in
            s = s.filter { $0.value.expires > Date() }
            s[id] = (role, Date().addingTimeInterval(12 * 3600))
        }
        return (id, role)
    }

    /// The CSRF token for a browser's CSRF cookie: forms carry it, a POST without the pair is refused.
    public func csrfToken(seed: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(seed.utf8), using: secret)
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    public func csrfValid(seed: String?, token: String?) -> Bool {
        guard let seed, let token, seed.count >= 16, let given = Self.bytes(hex: token) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(seed.utf8), using: secret)
    }

    public static func randomHex(_ bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = Self.nibble(chars[i]), let lo = Self.nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
