internal import Synchronization

extension Engine {
    var runc: Runc { Runc(path: options.runtimePath, root: runcRoot, timeout: options.runtimeTimeout) }

    func paths(_ id: String) -> ContainerPaths { ContainerPaths(storageRoot: options.storageRoot, id: id) }

    /// Runs `body` under the container's lock with its freshly read record.
    func locked<T: Sendable>(
        _ reference: String, _ body: (inout ContainerRecord) async throws(EngineError) -> T
    ) async throws(EngineError) -> T {
        let id = try store.container(reference).config.id
        return try await locks.withLock(id) { () throws(EngineError) -> T in
            guard var record = try? store.container(id) else { throw .noSuchContainer(reference) }
            return try await body(&record)
        }
    }

    /// Runs `body` under the container's lock with its freshly read record, and returns the container's id.
    func operate(
        _ reference: String, _ body: (inout ContainerRecord) async throws(EngineError) -> Void
    ) async throws(EngineError) -> String {
        try await locked(reference) { (record) throws(EngineError) -> String in
            try await body(&record)
            return record.config.id
        }
    }
}
