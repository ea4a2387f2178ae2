import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.CheckpointContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func checkpointContainer(
        _ parameters: IoPodlink.CheckpointContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.CheckpointContainer.Reply>
    ) async throws -> IoPodlink.CheckpointContainer.Reply {
        let options = Engine.CheckpointOptions(
            keep: parameters.keep ?? false, leaveRunning: parameters.leaveRunning ?? false,
            tcpEstablished: parameters.tcpEstablished ?? false, fileLocks: parameters.fileLocks ?? false,
            export: parameters.export)
        let id = try await engine.containerID(parameters.name)
        try await engine.checkpointContainer(id, options)
        return .init(container: id)
    }

    /// Serves `io.podlink.RestoreContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func restoreContainer(
        _ parameters: IoPodlink.RestoreContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.RestoreContainer.Reply>
    ) async throws -> IoPodlink.RestoreContainer.Reply {
        let tcpEstablished = parameters.tcpEstablished ?? false
        if let archive = parameters.import {
            return .init(
                container: try await engine.importCheckpoint(
                    archive, name: parameters.newName, tcpEstablished: tcpEstablished))
        }
        let id = try await engine.containerID(parameters.name)
        try await engine.restoreContainer(id, keep: parameters.keep ?? false, tcpEstablished: tcpEstablished)
        return .init(container: id)
    }
}
