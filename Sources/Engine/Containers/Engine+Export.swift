internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// Streams a tar of the container's root filesystem to `fd` (which stays open).
    public func exportContainer(_ reference: String, to fd: Int32) async throws(EngineError) {
        try await withMountedRoot(reference) { (root) throws(EngineError) in
            try await Offload.run { () throws(EngineError) in try LayerArchive.export(root, to: fd) }
        }
    }

    /// Writes a tar of the container's root filesystem to the file at `path`.
    public func exportContainer(_ reference: String, toPath path: String) async throws(EngineError) {
        let path = try Checked.absolutePath(path, argument: "path")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        defer { close(fd) }
        try await exportContainer(reference, to: fd)
    }

    /// Hands a tar of the container's root filesystem to `sink` as it is written.
    public func exportContainer(_ reference: String, streamingTo sink: @escaping ByteSink) async throws(EngineError) {
        try await BytePump.stream(to: sink) { (fd) throws(EngineError) in
            try await self.exportContainer(reference, to: fd)
        }
    }

    /// Runs `body` with the container's root filesystem mounted (one more reference while it runs), under the
    /// container's lock.
    func withMountedRoot(
        _ reference: String, _ body: @escaping @Sendable (String) async throws(EngineError) -> Void
    ) async throws(EngineError) {
        try await locked(reference) { (record) throws(EngineError) in
            try await mountLocked(&record)
            let root = record.state.mountPoint
            let result: Result<Void, EngineError> = await {
                do throws(EngineError) {
                    try await body(root)
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
}
