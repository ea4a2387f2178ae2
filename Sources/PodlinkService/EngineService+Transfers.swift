import Engine
public import PodlinkAPI
import PodlinkShared
public import Varlink

extension EngineService {
    /// Serves `io.podlink.UploadFile`, as documented in `interfaces/io.podlink.varlink`.
    public func uploadFile(
        _ parameters: IoPodlink.UploadFile.Parameters, context: VarlinkCallContext<IoPodlink.UploadFile.Reply>
    ) async throws -> IoPodlink.UploadFile.Reply {
        try context.requireUpgrade()
        let upload = try engine.beginUpload()
        context.onUpgrade { connection in try await ByteTransfer.receive(upload, over: connection) }
        return .init(upload: upload.id)
    }

    /// Serves `io.podlink.StatContainerPath`, as documented in `interfaces/io.podlink.varlink`.
    public func statContainerPath(
        _ parameters: IoPodlink.StatContainerPath.Parameters,
        context: VarlinkCallContext<IoPodlink.StatContainerPath.Reply>
    ) async throws -> IoPodlink.StatContainerPath.Reply {
        .init(stat: .init(try await engine.statPath(parameters.name, path: parameters.path)))
    }

    /// Serves `io.podlink.CopyFromContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func copyFromContainer(
        _ parameters: IoPodlink.CopyFromContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.CopyFromContainer.Reply>
    ) async throws -> IoPodlink.CopyFromContainer.Reply {
        try context.requireUpgrade()
        let stat = try await engine.statPath(parameters.name, path: parameters.path)
        let engine = self.engine
        context.onUpgrade { connection in
            try await ByteTransfer.send(over: connection) { (sink) throws(EngineError) in
                try await engine.copyOut(parameters.name, path: parameters.path, to: sink)
            }
        }
        return .init(stat: .init(stat))
    }

    /// Serves `io.podlink.CopyIntoContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func copyIntoContainer(
        _ parameters: IoPodlink.CopyIntoContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.CopyIntoContainer.Reply>
    ) async throws -> IoPodlink.CopyIntoContainer.Reply {
        try await engine.copyIn(parameters.name, path: parameters.path, upload: parameters.upload)
        return .init()
    }
}

extension IoPodlink.PathStat {
    init(_ stat: PathStat) {
        self.init(
            name: stat.name, size: Int(stat.size), mode: Int(stat.mode),
            modified: RFC3339.string(from: stat.modified, fractionalDigits: 9), linkTarget: stat.linkTarget)
    }
}
