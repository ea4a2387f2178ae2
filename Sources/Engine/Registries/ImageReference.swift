/// An image reference as registries know it: `[DOMAIN/]PATH[:TAG][@DIGEST]`, where the first component is a
/// domain when it holds a dot or a colon, or is `localhost` (the rule Docker and Podman follow).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry (`host[:port]`), nil for an unqualified name.
    public var domain: String?
    /// The repository's path (`library/busybox`).
    public var path: String
    /// The tag, when given.
    public var tag: String?
    /// The manifest digest (`sha256:...`), when given.
    public var digest: String?

    /// Parses `text`; nil when it is not a reference (empty parts, upper case in the path, a bad tag or digest).
    public init?(_ text: String) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let digest = String(rest[rest.index(after: at)...])
            guard Self.isDigest(digest) else { return nil }
            self.digest = digest
            rest = rest[..<at]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let last = components.last, !last.isEmpty else { return nil }
        if let colon = last.lastIndex(of: ":") {
            let tag = String(last[last.index(after: colon)...])
            guard Self.isTag(tag) else { return nil }
            self.tag = tag
            components[components.count - 1] = String(last[..<colon])
        }
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost"
        {
            guard Self.isDomain(first) else { return nil }
            domain = first
            components.removeFirst()
        }
        guard !components.isEmpty, components.allSatisfy(Self.isPathComponent) else { return nil }
        path = components.joined(separator: "/")
        // Docker Hub's official images live under library/.
        if domain == "docker.io" && !path.contains("/") { path = "library/" + path }
    }

    /// The reference with `domain` as its registry.
    public func qualified(with domain: String) -> ImageReference {
        var copy = self
        copy.domain = domain
        if domain == "docker.io" && !path.contains("/") { copy.path = "library/" + path }
        return copy
    }

    /// `DOMAIN/PATH`, the repository.
    public var repository: String { (domain.map { $0 + "/" } ?? "") + path }

    /// The repository and its tag or digest (`:latest` when neither is given).
    public var description: String {
        if let digest { return repository + (tag.map { ":" + $0 } ?? "") + "@" + digest }
        return repository + ":" + (tag ?? "latest")
    }

    /// The reference as skopeo's docker transport takes it: one of the tag or the digest.
    public var transportReference: String {
        if let digest { return repository + "@" + digest }
        return repository + ":" + (tag ?? "latest")
    }

    static func isDigest(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1)
        return parts.count == 2 && parts[0] == "sha256" && parts[1].count == 64
            && parts[1].allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func isTag(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 128, first != UInt8(ascii: "."),
            first != UInt8(ascii: "-")
        else { return false }
        return text.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    static func isDomain(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.utf8.allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":")
                    || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]")
            }
    }

    static func isPathComponent(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, isLowerAlphanumeric(first),
            isLowerAlphanumeric(last)
        else { return false }
        return text.utf8.allSatisfy {
            isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
