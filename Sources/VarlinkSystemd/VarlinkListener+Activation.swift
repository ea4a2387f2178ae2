import CSystemd
public import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

extension VarlinkListener {
    /// The sockets passed by a service manager (`LISTEN_FDS`, `LISTEN_PID`, `LISTEN_FDNAMES`), or nil when there
    /// are none. When several are passed, only the one named `varlink` is used. `LISTEN_*` variables are removed
    /// from the environment so that children do not see them, and close-on-exec is set on every passed socket.
    public static func activated() throws(SetupError) -> [VarlinkListener]? {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = csystemd_listen_fds(&names)
        defer { csystemd_free_names(names) }
        if count < 0 { throw SetupError(description: "socket activation: \(String(cString: strerror(-count)))") }
        if count == 0 { return nil }
        var listeners: [(Int32, String?)] = []
        for index in 0..<Int(count) {
            let fd = Int32(3 + index)
            _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
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
}
