internal import CSpawn
internal import FoundationEssentials
internal import Glibc

/// A checkpoint as one archive, to move a container to another engine: `podlink-checkpoint` (the format's
/// version), `config.json` (the container's configuration), `checkpoint/` (the CRIU images) and `rootfs-diff/` (the
/// changes to its root filesystem, overlay whiteouts included). The other engine needs the same image.
extension Engine {
    static let checkpointArchiveVersion = "1"

    /// Writes the last checkpoint of a container to `path` (on this host, made anew, 0600).
    func exportCheckpoint(_ record: ContainerRecord, to path: String) async throws(EngineError) {
        guard path.hasPrefix("/") else { throw .invalidArgument("export", "\(path) is not an absolute path") }
        let id = record.config.id
        let meta = paths(id).directory + "/checkpoint-meta"
        try? FileSystem.removeTree(meta)
        try FileSystem.makePrivateDirectory(meta)
        defer { try? FileSystem.removeTree(meta) }
        try FileSystem.write(meta + "/podlink-checkpoint", Self.checkpointArchiveVersion)
        try FileSystem.write(meta + "/config.json", try OCISpec.encode(record.config), mode: 0o600)
        let trees = [(meta, ""), (checkpointImages(id), "checkpoint"), (paths(id).upper, "rootfs-diff")]
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .invalidArgument("export", "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try await Offload.run { () throws(EngineError) in try LayerArchive.export(trees, to: fd) }
    }

    /// Makes a container from a checkpoint archive and restores it: the migration's other end. It keeps its id
    /// (a new one when this engine has it) and its name, or `name`. Nothing is left of it when any step fails.
    public func importCheckpoint(
        _ path: String, name: String? = nil, tcpEstablished: Bool = false
    )
        async throws(EngineError) -> String
    {
        guard path.hasPrefix("/") else { throw .invalidArgument("import", "\(path) is not an absolute path") }
        guard FileSystem.exists(path) else { throw .invalidArgument("import", "\(path) does not exist") }
        if let name { try Self.validateName(name) }
        let stage = options.storageRoot + "/tmp/" + ImageStore.temporaryName() + "-checkpoint"
        try FileSystem.makePrivateDirectory(stage)
        defer { try? FileSystem.removeTree(stage) }
        do {
            try await Offload.run { () throws(EngineError) in
                try LayerArchive.extract(path, into: stage, whiteouts: .none)
            }
        } catch {
            throw .invalidArgument("import", "\(path) is not a checkpoint archive (\(error.message))")
        }
        guard FileSystem.readText(stage + "/podlink-checkpoint")?.filter(\.isNumber) == Self.checkpointArchiveVersion,
            FileSystem.exists(stage + "/checkpoint/inventory.img"), FileSystem.isDirectory(stage + "/rootfs-diff")
        else {
            throw .invalidArgument("import", "\(path) is not a Podlink checkpoint archive (version 1)")
        }
        var config: ContainerConfig
        do {
            config = try JSONDecoder().decode(
                ContainerConfig.self, from: Data(try FileSystem.read(stage + "/config.json")))
        } catch {
            throw .invalidArgument("import", "the archive's config.json cannot be read: \(error)")
        }
        // The same image must be here: the archive holds only the changes to it.
        guard let image = try? store.image(config.imageID) else { throw .noSuchImage(config.imageName) }
        config.imageID = image.id
        if (try? store.container(config.id)) != nil { config.id = Identifier.random() }
        if let name { config.name = name }
        config.dependencies = []
        config.createdAt = Date()
        let id = config.id
        let paths = self.paths(id)
        var state = ContainerState()
        state.status = .exited
        state.stoppedByUser = true
        state.checkpointed = true
        state.checkpointedAt = Date()
        state.checkpointPath = checkpointImages(id)
        try FileSystem.makeDirectories(paths.bundle, mode: 0o700)
        do throws(EngineError) {
            for (from, to) in [(stage + "/rootfs-diff", paths.upper), (stage + "/checkpoint", checkpointImages(id))]
            where rename(from, to) != 0 {
                throw EngineError.system("move \(from)", errno)
            }
            try store.insertContainer(ContainerRecord(config: config, state: state))
        } catch {
            try? FileSystem.removeTree(paths.directory)
            throw error
        }
        do {
            try await restoreContainer(id, tcpEstablished: tcpEstablished)
        } catch {
            // Nothing half-made: no record, no mount, no process.
            _ = try? await removeContainer(id, force: true)
            try? FileSystem.removeTree(paths.directory)
            throw error
        }
        return id
    }
}
