internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// Takes one reference on the root filesystem, mounting it on the first.
    func mountLocked(_ record: inout ContainerRecord) async throws(EngineError) {
        if record.state.mountCount > 0 && !record.state.mountPoint.isEmpty {
            record.state.mountCount += 1
            return
        }
        let image = try store.image(record.config.imageID)
        let paths = self.paths(record.config.id)
        let layers = image.layers.map { images.layerPath($0) }
        let useOverlay = options.useOverlay
        let kind = try await Offload.run { () throws(EngineError) -> RootfsKind in
            if FileSystem.isDirectory(paths.merged) && FileSystem.exists(paths.directory + "/copied") {
                return .copy
            }
            for path in [paths.upper, paths.work, paths.merged] { try FileSystem.makeDirectories(path) }
            // A mount the store does not know of is what a crash left between mounting and recording it: undone,
            // so that mounts never stack.
            while useOverlay && RootFilesystem.isMountPoint(paths.merged) {
                try RootFilesystem.unmount(paths.merged)
            }
            if useOverlay,
                try RootFilesystem.mountOverlay(
                    layers: layers, upper: paths.upper, work: paths.work, target: paths.merged)
            {
                return .overlay
            }
            try RootFilesystem.copyLayers(layers, into: paths.merged)
            try FileSystem.write(paths.directory + "/copied", "")
            return .copy
        }
        FaultPoint.afterMount.reach()
        record.state.rootfsKind = kind
        record.state.mountPoint = paths.merged
        record.state.mountCount = 1
    }

    /// Drops one reference on the root filesystem, unmounting on the last (all of them when `all`).
    func unmountLocked(_ record: inout ContainerRecord, all: Bool = false) throws(EngineError) {
        guard record.state.mountCount > 0 else { return }
        record.state.mountCount = all ? 0 : record.state.mountCount - 1
        if record.state.mountCount == 0 {
            if record.state.rootfsKind == .overlay { try RootFilesystem.unmount(paths(record.config.id).merged) }
            record.state.mountPoint = ""
        }
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
}
