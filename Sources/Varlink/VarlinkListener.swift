import CVarlink
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A socket a server accepts connections on: an address to bind, or a descriptor inherited through socket
/// activation.
public enum VarlinkListener: Sendable, Hashable, CustomStringConvertible {
    /// Bind this address.
    case address(VarlinkAddress)
    /// Accept on this inherited, already listening socket.
    case descriptor(Int32, name: String?)

    /// A listener that could not be set up.
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    /// The sockets passed by a service manager (`LISTEN_FDS`, `LISTEN_PID`, `LISTEN_FDNAMES`), or nil when there
    /// are none. When several are passed, only the one named `varlink` is used. `LISTEN_*` variables are removed
    /// from the environment so that children do not see them, and close-on-exec is set on every passed socket.
    public static func activated() throws(SetupError) -> [VarlinkListener]? {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = cvarlink_listen_fds(&names)
        defer { cvarlink_free_names(names) }
        if count < 0 { throw SetupError(description: "socket activation: \(String(cString: strerror(-count)))") }
        if count == 0 { return nil }
        var listeners: [(Int32, String?)] = []
        for index in 0..<Int(count) {
            let fd = Int32(3 + index)
            _ = cvarlink_set_cloexec(fd)
            let name = names?[index].map { String(cString: $0) }
            listeners.append((fd, name))
        }
        if listeners.count > 1 {
            let named = listeners.filter { $0.1 == "varlink" }
            guard !named.isEmpty else {
                throw SetupError(
                    description: "socket activation passed \(listeners.count) sockets and none is named 'varlink'")
            }
            listeners = named
        }
        return listeners.map { .descriptor($0.0, name: $0.1) }
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
