import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.PullImage`, as documented in `interfaces/io.podlink.varlink`.
    public func pullImage(
        _ parameters: IoPodlink.PullImage.Parameters, context: VarlinkCallContext<IoPodlink.PullImage.Reply>
    ) async throws -> IoPodlink.PullImage.Reply {
        let engine = self.engine
        let image = try await Self.reportingProgress(context, { .init(progress: $0) }) { progress in
            try await engine.pullImage(parameters.reference, access: .init(parameters.access), progress: progress)
        }
        return .init(image: image.id, name: image.names.first)
    }

    /// Serves `io.podlink.PushImage`, as documented in `interfaces/io.podlink.varlink`.
    public func pushImage(
        _ parameters: IoPodlink.PushImage.Parameters, context: VarlinkCallContext<IoPodlink.PushImage.Reply>
    ) async throws -> IoPodlink.PushImage.Reply {
        let engine = self.engine
        let digest = try await Self.reportingProgress(context, { .init(progress: $0) }) { progress in
            try await engine.pushImage(
                parameters.name, to: parameters.destination, access: .init(parameters.access), progress: progress)
        }
        return .init(digest: digest)
    }

    /// Serves `io.podlink.SaveImage`, as documented in `interfaces/io.podlink.varlink`.
    public func saveImage(
        _ parameters: IoPodlink.SaveImage.Parameters, context: VarlinkCallContext<IoPodlink.SaveImage.Reply>
    ) async throws -> IoPodlink.SaveImage.Reply {
        let format: ImageArchiveFormat = parameters.format == .ociArchive ? .ociArchive : .dockerArchive
        if let path = parameters.outputFile {
            try await engine.saveImage(parameters.name, format: format, to: path)
            return .init()
        }
        try context.requireUpgrade()
        _ = try await engine.inspectImage(parameters.name)
        let engine = self.engine
        context.onUpgrade { connection in
            try await ByteTransfer.send(over: connection) { (sink) throws(EngineError) in
                try await engine.saveImage(parameters.name, format: format, streamingTo: sink)
            }
        }
        return .init()
    }

    /// Serves `io.podlink.LoginRegistry`, as documented in `interfaces/io.podlink.varlink`.
    public func loginRegistry(
        _ parameters: IoPodlink.LoginRegistry.Parameters, context: VarlinkCallContext<IoPodlink.LoginRegistry.Reply>
    ) async throws -> IoPodlink.LoginRegistry.Reply {
        try await engine.login(
            parameters.registry, username: parameters.username, password: parameters.password,
            tlsVerify: parameters.tlsVerify)
        return .init()
    }

    /// Serves `io.podlink.LogoutRegistry`, as documented in `interfaces/io.podlink.varlink`.
    public func logoutRegistry(
        _ parameters: IoPodlink.LogoutRegistry.Parameters, context: VarlinkCallContext<IoPodlink.LogoutRegistry.Reply>
    ) async throws -> IoPodlink.LogoutRegistry.Reply {
        try await engine.logout(parameters.registry)
        return .init()
    }

    /// Runs `body`, which reports progress through the closure it is given; with "more", each report (the newest,
    /// when the caller reads slower than they come) goes out as a reply that `reply` makes.
    static func reportingProgress<Reply: Encodable & Sendable, T: Sendable>(
        _ context: VarlinkCallContext<Reply>, _ reply: @escaping @Sendable ([IoPodlink.BlobProgress]) -> Reply,
        _ body: (@escaping @Sendable ([LayerProgress]) -> Void) async throws -> T
    ) async throws -> T {
        guard context.more else { return try await body { _ in } }
        let (reports, continuation) = AsyncStream.makeStream(
            of: [LayerProgress].self, bufferingPolicy: .bufferingNewest(1))
        let sender = Task {
            for await report in reports { try await context.send(reply(report.map(IoPodlink.BlobProgress.init))) }
        }
        do {
            let result = try await body { continuation.yield($0) }
            continuation.finish()
            try await sender.value
            return result
        } catch {
            continuation.finish()
            sender.cancel()
            throw error
        }
    }
}

extension RegistryAccess {
    init(_ access: IoPodlink.RegistryAccess?) {
        self.init(tlsVerify: access?.tlsVerify, username: access?.username, password: access?.password)
    }
}

extension IoPodlink.BlobProgress {
    init(_ progress: LayerProgress) {
        self.init(
            digest: progress.digest, done: Int(progress.done), total: Int(progress.total),
            state: .init(rawValue: progress.state.rawValue) ?? .waiting)
    }
}
