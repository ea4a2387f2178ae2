internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// The container's log lines, from its k8s-file log.
    public func logs(_ reference: String, _ options: LogOptions = LogOptions()) async throws(EngineError) -> [LogLine] {
        let record = try store.container(reference)
        let path = paths(record.config.id).log
        guard let content = FileSystem.readText(path) else { return [] }
        return options.select(LogLine.parse(content))
    }

    /// Mounts the container's root filesystem (reference-counted) and returns where.
    public func mountContainer(_ reference: String) async throws(EngineError) -> String {
        try await locked(reference) { (record) throws(EngineError) -> String in
            guard record.state.status != .removing else {
                throw .invalidState(record.state.status, "mount", container: record.config.name)
            }
            try await mountLocked(&record)
            try store.saveState(record.config, record.state, event: .mount)
            return record.state.mountPoint
        }
    }

    /// Drops one Mount reference (all of them with `force`). Refused when nothing but the runtime holds the
    /// mount, or when nothing is mounted.
    public func unmountContainer(_ reference: String, force: Bool = false) async throws(EngineError) {
        try await locked(reference) { (record) throws(EngineError) in
            try await syncLocked(&record)
            let userReferences = record.state.mountCount - (record.state.inRuntime ? 1 : 0)
            guard userReferences > 0 else {
                throw .invalidState(
                    record.state.status,
                    record.state.inRuntime ? "unmount (the runtime uses it)" : "unmount (not mounted)",
                    container: record.config.name)
            }
            for _ in 0..<(force ? userReferences : 1) { try unmountLocked(&record) }
            try store.saveState(record.config, record.state, event: .unmount)
        }
    }

    /// Streams a tar of the container's root filesystem to `fd` (which stays open).
    public func exportContainer(_ reference: String, to fd: Int32) async throws(EngineError) {
        try await locked(reference) { (record) throws(EngineError) in
            try await mountLocked(&record)
            let root = record.state.mountPoint
            let result: Result<Void, EngineError> = await {
                do throws(EngineError) {
                    try await Offload.run { () throws(EngineError) in try LayerArchive.export(root, to: fd) }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }()
            try unmountLocked(&record)
            try store.saveState(record.config, record.state)
            try result.get()
        }
    }

    /// Writes a tar of the container's root filesystem to the file at `path`.
    public func exportContainer(_ reference: String, toPath path: String) async throws(EngineError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        defer { close(fd) }
        try await exportContainer(reference, to: fd)
    }

    // MARK: Artifacts

    /// Checks an artifact name: not empty, at most 255 bytes, no `/`, no NUL, not `.` or `..`.
    static func validateArtifactName(_ name: String) throws(EngineError) {
        guard !name.isEmpty, name.utf8.count <= 255, !name.contains("/"), !name.contains("\0"), name != ".",
            name != ".."
        else {
            throw .invalidArgument("artifact", "\(name.debugDescription) is not a valid artifact name")
        }
    }

    private func artifactPath(_ reference: String, _ name: String) throws(EngineError) -> String {
        try Self.validateArtifactName(name)
        let record = try store.container(reference)
        return paths(record.config.id).artifacts + "/" + name
    }

    /// Stores a named artifact with the container.
    public func addArtifact(_ reference: String, name: String, contents: [UInt8]) async throws(EngineError) {
        let path = try artifactPath(reference, name)
        try FileSystem.makeDirectories(NSStringPath(path).parent, mode: 0o700)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .system("open artifact \(name)", errno) }
        close(fd)
        try FileSystem.write(path, contents, mode: 0o600)
    }

    /// Reads a named artifact.
    public func artifact(_ reference: String, name: String) async throws(EngineError) -> [UInt8] {
        let path = try artifactPath(reference, name)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { throw .invalidArgument("artifact", "no artifact \(name)") }
            throw .system("open artifact \(name)", errno)
        }
        close(fd)
        return try FileSystem.read(path)
    }

    /// Removes a named artifact.
    public func removeArtifact(_ reference: String, name: String) async throws(EngineError) {
        let path = try artifactPath(reference, name)
        guard unlink(path) == 0 else {
            if errno == ENOENT { throw .invalidArgument("artifact", "no artifact \(name)") }
            throw .system("remove artifact \(name)", errno)
        }
    }
}
