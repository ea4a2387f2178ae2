/// Where a varlink service listens or a client connects: `unix:/path[;mode=0660]`, `unix:@abstract`,
/// `tcp:host:port`.
public enum VarlinkAddress: Sendable, Hashable, CustomStringConvertible {
    /// A unix socket file; `mode` sets its permissions when listening.
    case unix(path: String, mode: UInt32? = nil)
    /// A socket in the abstract namespace (Linux), written `unix:@name`.
    case abstract(name: String)
    /// A TCP address.
    case tcp(host: String, port: Int)

    /// An address that does not parse.
    public struct InvalidAddress: Error, Sendable, CustomStringConvertible {
        /// The text given.
        public var address: String
        /// What is wrong.
        public var reason: String
        /// `invalid varlink address '...': reason`
        public var description: String { "invalid varlink address '\(address)': \(reason)" }
    }

    /// Parses an address.
    public init(parsing text: String) throws(InvalidAddress) {
        if text.hasPrefix("unix:") {
            var rest = Substring(text.dropFirst(5))
            var mode: UInt32?
            if let semicolon = rest.firstIndex(of: ";") {
                for option in rest[rest.index(after: semicolon)...].split(separator: ";") {
                    let pair = option.split(separator: "=", maxSplits: 1)
                    guard pair.count == 2, pair[0] == "mode", let value = UInt32(pair[1], radix: 8), value <= 0o7777
                    else {
                        throw InvalidAddress(address: text, reason: "unknown option '\(option)' (expected mode=0NNN)")
                    }
                    mode = value
                }
                rest = rest[..<semicolon]
            }
            guard !rest.isEmpty else { throw InvalidAddress(address: text, reason: "empty socket path") }
            if rest.hasPrefix("@") {
                guard rest.count > 1 else { throw InvalidAddress(address: text, reason: "empty abstract name") }
                self = .abstract(name: String(rest.dropFirst()))
            } else {
                self = .unix(path: String(rest), mode: mode)
            }
        } else if text.hasPrefix("tcp:") {
            let rest = text.dropFirst(4)
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                (0...65535).contains(port)
            else {
                throw InvalidAddress(address: text, reason: "expected tcp:HOST:PORT")
            }
            var host = String(rest[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw InvalidAddress(address: text, reason: "empty host") }
            self = .tcp(host: host, port: port)
        } else {
            throw InvalidAddress(address: text, reason: "expected unix:PATH, unix:@NAME or tcp:HOST:PORT")
        }
    }

    /// The address in its textual form.
    public var description: String {
        switch self {
        case .unix(let path, let mode):
            mode.map { "unix:\(path);mode=0\(String($0, radix: 8))" } ?? "unix:\(path)"
        case .abstract(let name): "unix:@\(name)"
        case .tcp(let host, let port): host.contains(":") ? "tcp:[\(host)]:\(port)" : "tcp:\(host):\(port)"
        }
    }
}
