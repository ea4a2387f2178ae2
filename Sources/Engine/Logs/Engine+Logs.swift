internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// The container's log lines, from its k8s-file log.
    public func logs(_ reference: String, _ options: LogOptions = LogOptions()) async throws(EngineError) -> [LogLine] {
        try options.check()
        let record = try store.container(reference)
        let path = paths(record.config.id).log
        guard let content = FileSystem.readText(path) else { return [] }
        return options.select(LogLine.parse(content))
    }
}
