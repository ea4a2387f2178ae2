import CVarlink
public import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// A socket a server accepts connections on: an address to bind, or a descriptor already listening (inherited
/// through socket activation, see VarlinkSystemd, or made by `unix(path:mode:group:backlog:)`).
public enum VarlinkListener: Sendable, Hashable, CustomStringConvertible {
    /// Bind this address.
    case address(VarlinkAddress)
    /// Accept on this inherited, already listening socket.
    case descriptor(Int32, name: String?)

    /// A listener that could not be set up.
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public var description: String

        /// Creates the error.
        public init(description: String) {
            self.description = description
        }
    }

    /// Binds and listens on the unix socket `path` now, with `mode` and owned by `group` from the start (before any
    /// peer can connect). A socket another service still listens on is refused; a stale one is replaced.
    public static func unix(
        path: String, mode: UInt32, group: UInt32?, backlog: Int32 = 256
    ) throws(SetupError)
        -> VarlinkListener
    {
        let fd = cvarlink_listen_unix(path, Int32(mode), group.map { Int32(bitPattern: $0) } ?? -1, backlog)
        if fd < 0 {
            throw SetupError(description: "cannot listen on unix:\(path): \(String(cString: strerror(-fd)))")
        }
        return .descriptor(fd, name: "unix:\(path)")
    }

    /// Creates the listening socket's descriptor (for addresses NIO cannot bind itself), or nil for NIO to bind.
    func makeDescriptor(backlog: Int32 = 256) throws(SetupError) -> Int32? {
        switch self {
        case .descriptor(let fd, _):
            // An inherited socket may come non-blocking or blocking; NIO wants non-blocking.
            _ = cvarlink_set_nonblocking(fd, 1)
            return fd
        case .address(.abstract(let name)):
            let fd = cvarlink_listen_abstract(name, backlog)
            if fd < 0 {
                throw SetupError(description: "cannot listen on unix:@\(name): \(String(cString: strerror(-fd)))")
            }
            _ = cvarlink_set_nonblocking(fd, 1)
            return fd
        case .address(.unix(let path, let mode)):
            let fd = cvarlink_listen_unix(path, Int32(mode ?? 0o666), -1, backlog)
            if fd < 0 {
                throw SetupError(description: "cannot listen on unix:\(path): \(String(cString: strerror(-fd)))")
            }
            _ = cvarlink_set_nonblocking(fd, 1)
            return fd
        case .address(.tcp):
            return nil
        }
    }

    /// The listener in textual form.
    public var description: String {
        switch self {
        case .address(let address): address.description
        case .descriptor(let fd, let name): "fd \(fd)\(name.map { " (\($0))" } ?? "")"
        }
    }
}
