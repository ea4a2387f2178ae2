internal import FoundationEssentials
internal import Glibc
internal import Logging

/// Checkpoint and restore with CRIU (the seed's Checkpoint and Restore): runc dumps a running container's processes
/// into images kept with the container; a restore brings them back under a new conmon, which supervises them as it
/// does a started container.
extension Engine {
    /// What a checkpoint does beyond dumping the processes.
    public struct CheckpointOptions: Sendable, Hashable {
        /// Keep the images after a later restore (they are removed by it otherwise).
        public var keep: Bool
        /// Leave the processes running after the dump.
        public var leaveRunning: Bool
        /// Dump established TCP connections (they must be restored with it too).
        public var tcpEstablished: Bool
        /// Dump held file locks.
        public var fileLocks: Bool
        /// Also write the checkpoint as one archive at this path on the host (see ``Engine/importCheckpoint``).
        public var export: String?

        /// Options; all off by default.
        public init(
            keep: Bool = false, leaveRunning: Bool = false, tcpEstablished: Bool = false, fileLocks: Bool = false,
            export: String? = nil
        ) {
            self.export = export
            self.keep = keep
            self.leaveRunning = leaveRunning
            self.tcpEstablished = tcpEstablished
            self.fileLocks = fileLocks
        }
    }

    /// Where a container's checkpoint images are kept.
    func checkpointImages(_ id: String) -> String { paths(id).directory + "/checkpoint" }

    /// Checkpoints a running container: its processes are dumped (and stop, unless `leaveRunning`); the container
    /// is then `exited` and checkpointed, and a restore brings it back where it was.
    public func checkpointContainer(
        _ reference: String, _ checkpoint: CheckpointOptions = .init()
    )
        async throws(EngineError)
    {
        try await locked(reference) { (record) throws(EngineError) in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.checkpoint, from: record.state.status, container: record.config.name)
            if let export = checkpoint.export, !export.hasPrefix("/") {
                throw .invalidArgument("export", "\(export) is not an absolute path")
            }
            guard access(options.criuPath, X_OK) == 0 else {
                throw .runtimeError(
                    "CRIU is not installed at \(options.criuPath) (scripts/install-criu.sh installs it)")
            }
            let id = record.config.id
            let images = checkpointImages(id)
            let work = images + "-work"
            try? FileSystem.removeTree(images)
            try? FileSystem.removeTree(work)
            try FileSystem.makePrivateDirectory(images)
            try FileSystem.makePrivateDirectory(work)
            // Recorded first: the exit the dump causes is a checkpoint, not a crash for the restart policy.
            record.state.stoppedByUser = !checkpoint.leaveRunning || record.state.stoppedByUser
            record.state.checkpointed = true
            try store.saveState(record.config, record.state)
            do throws(EngineError) {
                try await runc.checkpoint(
                    id, criu: options.criuPath, images: images, work: work, leaveRunning: checkpoint.leaveRunning,
                    tcpEstablished: checkpoint.tcpEstablished, fileLocks: checkpoint.fileLocks)
            } catch {
                record.state.checkpointed = false
                try? FileSystem.removeTree(images)
                try? store.saveState(record.config, record.state)
                throw error
            }
            if !checkpoint.leaveRunning {
                guard await exits.wait(id, timeout: .seconds(30)) != nil else {
                    throw .runtimeError("container \(record.config.name) did not stop after its checkpoint")
                }
                try await syncLocked(&record)
            }
            record.state.checkpointed = true
            record.state.checkpointedAt = Date()
            record.state.checkpointPath = images
            record.state.keepsCheckpoint = checkpoint.keep
            try store.saveState(record.config, record.state, event: .checkpoint)
            if let export = checkpoint.export { try await exportCheckpoint(record, to: export) }
        }
    }

    /// Restores a checkpointed container that does not run: its processes come back from the images where they
    /// were, under a new conmon. The images are removed afterwards unless the checkpoint or this call keeps them.
    public func restoreContainer(
        _ reference: String, keep: Bool = false, tcpEstablished: Bool = false
    )
        async throws(EngineError)
    {
        try await locked(reference) { (record) throws(EngineError) in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.restore, from: record.state.status, container: record.config.name)
            let images = record.state.checkpointPath
            guard record.state.checkpointed, !images.isEmpty, FileSystem.exists(images + "/inventory.img") else {
                throw .invalidState(record.state.status, "restore (never checkpointed)", container: record.config.name)
            }
            guard access(options.criuPath, X_OK) == 0 else {
                throw .runtimeError(
                    "CRIU is not installed at \(options.criuPath) (scripts/install-criu.sh installs it)")
            }
            try await initLocked(&record, restore: RestoreSource(images: images, tcpEstablished: tcpEstablished))
            if record.config.network == .none {
                // runc restores into an empty network namespace of its own, loopback down: bring it up again.
                let pid = String(record.state.pid)
                let output = try await ProcessRunner.run(
                    "/usr/bin/nsenter",
                    ["/usr/bin/nsenter", "-t", pid, "-n", "/usr/sbin/ip", "link", "set", "lo", "up"],
                    timeout: .seconds(10))
                if output.status != 0 {
                    logger.warning("loopback of restored \(record.config.name): \(output.stderrText)")
                }
            }
            record.state.status = ContainerLifecycle.next(after: .restore, from: record.state.status)
            record.state.startedAt = Date()
            record.state.finishedAt = nil
            record.state.exitCode = nil
            record.state.stoppedByUser = false
            if !(keep || record.state.keepsCheckpoint) {
                try? FileSystem.removeTree(images)
                try? FileSystem.removeTree(images + "-work")
                record.state.checkpointPath = ""
                record.state.checkpointed = false
            }
            try store.saveState(record.config, record.state, event: .restore)
        }
    }
}

/// A checkpoint to restore from, handed to conmon.
struct RestoreSource: Sendable {
    /// The CRIU images.
    var images: String
    /// Restore established TCP connections.
    var tcpEstablished: Bool
}
