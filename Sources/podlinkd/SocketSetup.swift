#if canImport(Glibc)
import Glibc
#endif

/// What podlinkd does around a unix socket it binds itself: the directory, the group that may connect, and the
/// entry in the varlink registry directory (`/run/varlink/registry/<interface>`, a symbolic link to the socket).
/// Under socket activation systemd does all of it (`DirectoryMode=`, `SocketGroup=`, `Symlinks=`).
struct SocketSetup {
    /// The socket's path.
    let path: String
    /// The group that may connect, besides root; nil leaves the socket to root alone.
    let groupID: gid_t?

    /// The socket's mode: 0660 for a group, else 0600.
    var mode: UInt32 { groupID == nil ? 0o600 : 0o660 }

    /// Creates the socket's missing directories: the last one 0750 and owned by the group when there is one (its
    /// members must traverse it), else 0700; parents 0755.
    func prepareDirectory() throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        var info = stat()
        if stat(directory, &info) == 0 { return }
        let parts = directory.split(separator: "/")
        var built = ""
        for (index, part) in parts.enumerated() {
            built += "/" + part
            if stat(built, &info) == 0 { continue }
            let last = index == parts.count - 1
            let mode: mode_t = last ? (groupID == nil ? 0o700 : 0o750) : 0o755
            if mkdir(built, mode) != 0 && errno != EEXIST { throw Self.failure("cannot create \(built)") }
            if last, let groupID, chown(built, 0, groupID) != 0 { throw Self.failure("cannot chown \(built)") }
        }
    }

    /// Points `registry/name` at the socket, replacing a link that points elsewhere (a service that ended
    /// without removing it); a file that is not a symbolic link is left alone.
    static func register(name: String, socket: String, in registry: String) throws -> String {
        let link = registry + "/" + name
        var info = stat()
        if stat(registry, &info) != 0 {
            var built = ""
            for part in registry.split(separator: "/") {
                built += "/" + part
                if mkdir(built, 0o755) != 0 && errno != EEXIST { throw failure("cannot create \(built)") }
            }
        }
        if lstat(link, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFLNK else { throw failure("\(link) exists and is not a symbolic link") }
            unlink(link)
        }
        if symlink(socket, link) != 0 { throw failure("cannot create \(link)") }
        return link
    }

    /// Removes `link` if it still points at `socket` (another service may have replaced it since).
    static func unregister(link: String, socket: String) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(link, &buffer, buffer.count - 1)
        guard length > 0 else { return }
        let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target == socket { unlink(link) }
    }

    private static func failure(_ what: String) -> PodlinkdError {
        PodlinkdError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
