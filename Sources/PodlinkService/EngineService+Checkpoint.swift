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
        let id = try await engineCall { () throws(EngineError) in
            try await engine.checkpointContainer(parameters.name, options)
            return try await engine.inspectContainer(parameters.name).config.id
        }
        return .init(container: id)
    }

    /// Serves `io.podlink.RestoreContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func restoreContainer(
        _ parameters: IoPodlink.RestoreContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.RestoreContainer.Reply>
    ) async throws -> IoPodlink.RestoreContainer.Reply {
        let id = try await engineCall { () throws(EngineError) in
            if let archive = parameters.import {
                return try await engine.importCheckpoint(
                    archive, name: parameters.newName, tcpEstablished: parameters.tcpEstablished ?? false)
            }
            try await engine.restoreContainer(
                parameters.name, keep: parameters.keep ?? false, tcpEstablished: parameters.tcpEstablished ?? false)
            return try await engine.inspectContainer(parameters.name).config.id
        }
        return .init(container: id)
    }
}
