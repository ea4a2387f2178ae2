import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Names of the containers using each image id.
    private func usersByImage() async throws(IoPodlinkError) -> [String: [String]] {
        let containers = try await engineCall { () throws(EngineError) in try await engine.listContainers() }
        var users: [String: [String]] = [:]
        for container in containers {
            if let inspect = try? await engine.inspectContainer(container.id) {
                users[inspect.config.imageID, default: []].append(container.name)
            }
        }
        return users
    }

    /// Serves `io.podlink.ListImages`, as documented in `interfaces/io.podlink.varlink`.
    public func listImages(
        _ parameters: IoPodlink.ListImages.Parameters, context: VarlinkCallContext<IoPodlink.ListImages.Reply>
    ) async throws -> IoPodlink.ListImages.Reply {
        let images = try await engineCall { () throws(EngineError) in try await engine.listImages() }
        let users = try await usersByImage()
        return .init(images: images.map { IoPodlink.Image($0, containers: users[$0.id] ?? []) })
    }

    /// Serves `io.podlink.GetImage`, as documented in `interfaces/io.podlink.varlink`.
    public func getImage(
        _ parameters: IoPodlink.GetImage.Parameters, context: VarlinkCallContext<IoPodlink.GetImage.Reply>
    )
        async throws -> IoPodlink.GetImage.Reply
    {
        let image = try await engineCall { () throws(EngineError) in try await engine.inspectImage(parameters.id) }
        return .init(image: .init(image, containers: try await usersByImage()[image.id] ?? []))
    }

    /// Serves `io.podlink.InspectImage`, as documented in `interfaces/io.podlink.varlink`.
    public func inspectImage(
        _ parameters: IoPodlink.InspectImage.Parameters, context: VarlinkCallContext<IoPodlink.InspectImage.Reply>
    ) async throws -> IoPodlink.InspectImage.Reply {
        let image = try await engineCall { () throws(EngineError) in try await engine.inspectImage(parameters.name) }
        return .init(image: .init(image, containers: try await usersByImage()[image.id] ?? []))
    }

    /// Serves `io.podlink.ImportImage`, as documented in `interfaces/io.podlink.varlink`.
    public func importImage(
        _ parameters: IoPodlink.ImportImage.Parameters, context: VarlinkCallContext<IoPodlink.ImportImage.Reply>
    ) async throws -> IoPodlink.ImportImage.Reply {
        guard parameters.source.hasPrefix("/") else {
            throw IoPodlinkError.invalidArgument(argument: "source", reason: "must be an absolute path on the server")
        }
        let config = ImageRunConfig(cmd: parameters.command, env: parameters.env, workingDir: parameters.workdir)
        let image = try await engineCall { () throws(EngineError) in
            try await engine.importImage(from: parameters.source, name: parameters.reference, config: config)
        }
        return .init(image: image.id)
    }

    /// Serves `io.podlink.LoadImage`, as documented in `interfaces/io.podlink.varlink`.
    public func loadImage(
        _ parameters: IoPodlink.LoadImage.Parameters, context: VarlinkCallContext<IoPodlink.LoadImage.Reply>
    )
        async throws -> IoPodlink.LoadImage.Reply
    {
        guard parameters.inputFile.hasPrefix("/") else {
            throw IoPodlinkError.invalidArgument(
                argument: "input_file", reason: "must be an absolute path on the server")
        }
        let images = try await engineCall { () throws(EngineError) in
            try await engine.loadImage(from: parameters.inputFile, name: parameters.name)
        }
        return .init(images: images.map(\.id))
    }

    /// Serves `io.podlink.TagImage`, as documented in `interfaces/io.podlink.varlink`.
    public func tagImage(
        _ parameters: IoPodlink.TagImage.Parameters, context: VarlinkCallContext<IoPodlink.TagImage.Reply>
    )
        async throws -> IoPodlink.TagImage.Reply
    {
        let image = try await engineCall { () throws(EngineError) in
            try await engine.tagImage(parameters.name, as: parameters.tagged)
            return try await engine.inspectImage(parameters.tagged)
        }
        return .init(image: image.id)
    }

    /// Serves `io.podlink.UntagImage`, as documented in `interfaces/io.podlink.varlink`.
    public func untagImage(
        _ parameters: IoPodlink.UntagImage.Parameters, context: VarlinkCallContext<IoPodlink.UntagImage.Reply>
    ) async throws -> IoPodlink.UntagImage.Reply {
        let image = try await engineCall { () throws(EngineError) in
            let image = try await engine.inspectImage(parameters.name)
            try await engine.untagImage(parameters.name, name: parameters.tag)
            return image
        }
        return .init(image: image.id)
    }

    /// Serves `io.podlink.RemoveImage`, as documented in `interfaces/io.podlink.varlink`.
    public func removeImage(
        _ parameters: IoPodlink.RemoveImage.Parameters, context: VarlinkCallContext<IoPodlink.RemoveImage.Reply>
    ) async throws -> IoPodlink.RemoveImage.Reply {
        let id = try await engineCall { () throws(EngineError) in
            try await engine.removeImage(parameters.name, force: parameters.force ?? false)
        }
        return .init(image: id)
    }
}
