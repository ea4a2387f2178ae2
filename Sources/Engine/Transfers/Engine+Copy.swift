// `struct stat`'s members: archive.h includes sys/stat.h, so Clang may give the struct to CArchive's module.
internal import CArchive
internal import CSpawn
internal import FoundationEssentials
internal import Glibc
internal import PodlinkArchive
internal import Synchronization

extension Engine {
    /// What `path` (absolute, in the container's root filesystem) is. The path is resolved inside the root: a
    /// symbolic link the container holds never leads the look onto the host. A final link is described itself.
    public func statPath(_ reference: String, path: String) async throws(EngineError) -> PathStat {
        let path = try Checked.absolutePath(path, argument: "path")
        let found = Mutex<PathStat?>(nil)
        let container = try store.container(reference).config.name
        try await withMountedRoot(reference) { (root) throws(EngineError) in
            let stat = try Self.stat(path, inRoot: root, container: container)
            found.withLock { $0 = stat }
        }
        guard let stat = found.withLock({ $0 }) else { throw .noSuchPath(path, container: container) }
        return stat
    }

    static func stat(_ path: String, inRoot root: String, container: String) throws(EngineError) -> PathStat {
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw .system("open \(root)", errno) }
        defer { close(rootFD) }
        let fd = cspawn_openat2(rootFD, path, UInt64(cspawn_o_path | O_NOFOLLOW), cspawn_resolve_in_root)
        guard fd >= 0 else {
            if -fd == ENOENT || -fd == ENOTDIR { throw .noSuchPath(path, container: container) }
            throw .system("open \(path) in \(container)", -fd)
        }
        defer { close(fd) }
        var info = Glibc.stat()
        guard fstatat(fd, "", &info, 0x1000 /* AT_EMPTY_PATH */) == 0 else { throw .system("stat \(path)", errno) }
        var target: String?
        if info.st_mode & S_IFMT == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlinkat(fd, "", &buffer, buffer.count - 1)
            if n >= 0 { target = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
        let name = path.split(separator: "/").last.map(String.init) ?? "/"
        let modified = Date(
            timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        return PathStat(
            name: name, size: Int64(info.st_size), mode: UInt32(info.st_mode), modified: modified, linkTarget: target)
    }

    /// Hands a tar of `path` in the container to `sink`: its entries are named after the path's last component
    /// (a path ending in `/.` gives the directory's contents at the top), as `docker cp` and `podman cp` read.
    /// The tar is made by a helper whose root directory is the container's, so that nothing it reads is the host's.
    public func copyOut(_ reference: String, path: String, to sink: @escaping ByteSink) async throws(EngineError) {
        let path = try Checked.absolutePath(path, argument: "path")
        let parts = path.split(separator: "/")
        let contents = parts.last == "." || parts.isEmpty
        let inner = "/" + parts.filter { $0 != "." }.joined(separator: "/")
        let name = contents ? "" : String(parts.last!)
        let container = try store.container(reference).config.name
        try await withMountedRoot(reference) { (root) throws(EngineError) in
            // Looked at first, so that a missing path is an error of its own before any byte goes.
            _ = try Self.stat(inner, inRoot: root, container: container)
            try await BytePump.stream(to: sink) { (output) throws(EngineError) in
                try await self.runArchiveHelper(
                    .pack(root: root, path: inner, name: name), input: -1, output: output, container: container,
                    path: inner)
            }
        }
    }

    /// Unpacks the tar of the finished upload `id` into the directory `path` of the container (which must
    /// exist), as `docker cp` and `podman cp` do. The whole tar is read first: an entry that would land outside
    /// the directory (an absolute name, a `..`, a hard link out of it, a symbolic link that climbs out of the
    /// container) refuses it with nothing written. The helper that unpacks has the container's root as its own.
    public func copyIn(_ reference: String, path: String, upload id: String) async throws(EngineError) {
        let path = try Checked.absolutePath(path, argument: "path")
        let container = try store.container(reference).config.name
        let file = try uploads.claim(id)
        defer { uploads.release(file) }
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open upload \(id)", errno) }
        defer { close(fd) }
        let depth = path.split(separator: "/").filter { $0 != "." }.count
        try await Offload.run { () throws(EngineError) in
            do throws(CopyArchiveError) {
                try CopyArchive.verify(fd, linksBelowRoot: depth)
            } catch {
                if error.code == .unsafeEntry { throw .unsafeArchive(error.entry ?? "", error.reason) }
                throw .invalidArgument("upload", "not a tar archive: \(error.reason)")
            }
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw .system("seek upload \(id)", errno) }
        try await withMountedRoot(reference) { (root) throws(EngineError) in
            guard try Self.stat(path, inRoot: root, container: container).isDirectory else {
                throw .invalidArgument("path", "\(path) in \(container) is not a directory")
            }
            try await self.runArchiveHelper(
                .unpack(root: root, directory: path), input: fd, output: -1, container: container, path: path)
        }
    }

    /// Runs the archive helper (``EngineOptions/archiveHelper``) for `task`, with `input` and `output` as its
    /// standard input and output (-1: /dev/null), and maps its end to an error.
    func runArchiveHelper(
        _ task: CopyArchive.HelperTask, input: Int32, output: Int32, container: String, path: String
    ) async throws(EngineError) {
        guard let helper = options.archiveHelper, let program = helper.first else {
            throw .internalError("copying files needs the archive helper (EngineOptions.archiveHelper)")
        }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { throw .system("open /dev/null", errno) }
        defer { close(null) }
        let (errorReader, errorWriter) = try BytePump.pipe()
        defer { close(errorReader) }
        let pid: pid_t
        do throws(EngineError) {
            pid = try ChildProcesses.shared.spawn(
                program, helper + task.arguments, environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                fds: [(input >= 0 ? input : null, 0), (output >= 0 ? output : null, 1), (errorWriter, 2)])
        } catch {
            close(errorWriter)
            throw error
        }
        close(errorWriter)
        let status = await ChildProcesses.shared.wait(pid)
        guard status != 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = max(0, buffer.withUnsafeMutableBytes { read(errorReader, $0.baseAddress, $0.count) })
        let words = String(decoding: buffer[..<n], as: UTF8.self).split(separator: "\n").joined(separator: "; ")
        switch status {
        case CopyArchive.HelperStatus.noSuchPath: throw .noSuchPath(path, container: container)
        case CopyArchive.HelperStatus.unsafeEntry: throw .unsafeArchive(path, words)
        default: throw .internalError("copy in \(container): \(words.isEmpty ? "helper ended with \(status)" : words)")
        }
    }
}
