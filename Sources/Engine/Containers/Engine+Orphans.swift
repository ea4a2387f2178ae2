internal import Glibc
internal import Logging

extension Engine {
    /// Removes container directories that no row names: what a crash of an older version left between making a
    /// container's directory and storing it (create now stores the row first, and remove deletes the row last).
    /// The directories are listed before the rows are read, so a container another engine creates meanwhile (its
    /// row stored before its directory) is never taken for an orphan. A directory with a mount below it is left.
    func removeOrphanedContainerDirectories() throws(EngineError) {
        let root = options.storageRoot + "/containers"
        let names = FileSystem.list(root).filter(Identifier.isValid)
        guard !names.isEmpty else { return }
        let stored = Set(try store.allContainers().map(\.config.id))
        for name in names where !stored.contains(name) {
            let paths = paths(name)
            guard !RootFilesystem.isMountPoint(paths.merged) else {
                logger.warning(
                    "leaving the orphaned container directory \(paths.directory): something is mounted on it")
                continue
            }
            do {
                try FileSystem.removeTree(paths.directory)
                logger.info("removed the orphaned container directory \(paths.directory)")
            } catch {
                logger.warning("could not remove the orphaned container directory \(paths.directory): \(error)")
            }
        }
    }
}
