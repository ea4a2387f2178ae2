// `struct stat`'s members: archive.h includes sys/stat.h, so Clang may give the struct to CArchive's module.
internal import CArchive
internal import Glibc

/// Bytes a caller sends before a call uses them (a load, an import, a copy into a container), kept as files of the
/// store's own: `ID.partial` while they come, `ID` once whole, `ID.using` while a call reads them. A file is
/// removed when its call is done, or when it is older than ``lifetime`` (an upload nobody used, or one cut off by
/// a process that died).
struct UploadStore: Sendable {
    /// Where uploads lie (below the storage root: on its file system, readable by root alone).
    let directory: String
    /// How long an upload waits for its use, in seconds.
    static let lifetime: Int = 3600

    /// The uploads in `directory`, as they are: ``prepare()`` makes it and removes what has expired.
    init(directory: String) {
        self.directory = directory
    }

    /// Makes the directory (root's alone) and removes uploads past their lifetime.
    func prepare() throws(EngineError) {
        try FileSystem.makePrivateDirectory(directory)
        sweep()
    }

    /// Starts an upload with a new random id.
    func begin() throws(EngineError) -> Upload {
        sweep()
        let id = String(Identifier.random().prefix(32))
        let partial = directory + "/" + id + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .system("create \(partial)", errno) }
        return Upload(id: id, fd: fd, partial: partial, finished: directory + "/" + id)
    }

    /// Takes the finished upload `id` for one use: no other call can have it. Returns the path to read it at,
    /// which the caller removes once done (``release(_:)``).
    func claim(_ id: String) throws(EngineError) -> String {
        guard id.count == 32, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw .noSuchUpload(id)
        }
        let claimed = directory + "/" + id + ".using"
        guard rename(directory + "/" + id, claimed) == 0 else { throw .noSuchUpload(id) }
        return claimed
    }

    /// Removes a claimed upload.
    func release(_ path: String) {
        unlink(path)
    }

    /// Removes what is older than ``lifetime``.
    func sweep() {
        let now = time(nil)
        for name in FileSystem.list(directory) {
            var info = stat()
            let path = directory + "/" + name
            guard lstat(path, &info) == 0, Int(now - info.st_mtim.tv_sec) > Self.lifetime else { continue }
            unlink(path)
        }
    }
}
