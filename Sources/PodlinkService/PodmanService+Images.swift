import Engine
public import PodmanAPI
public import Varlink

extension PodmanService {
    /// Names of the containers using each image id.
    private func usersByImage() async throws(IoPodmanError) -> [String: [String]] {
        let containers = try await engineCall { () throws(EngineError) in try await engine.listContainers() }
        var users: [String: [String]] = [:]
        for container in containers {
            if let inspect = try? await engine.inspectContainer(container.id) {
                users[inspect.config.imageID, default: []].append(container.name)
            }
        }
        return users
    }

    /// Serves `io.podman.ListImages`, as documented in `interfaces/io.podman.varlink`.
    public func listImages(
        _ parameters: IoPodman.ListImages.Parameters, context: VarlinkCallContext<IoPodman.ListImages.Reply>
    ) async throws -> IoPodman.ListImages.Reply {
        let images = try await engineCall { () throws(EngineError) in try await engine.listImages() }
        let users = try await usersByImage()
        return .init(images: images.map { IoPodman.Image($0, containers: users[$0.id] ?? []) })
    }

    /// Serves `io.podman.GetImage`, as documented in `interfaces/io.podman.varlink`.
    public func getImage(
        _ parameters: IoPodman.GetImage.Parameters, context: VarlinkCallContext<IoPodman.GetImage.Reply>
    )
        async throws -> IoPodman.GetImage.Reply
    {
        let image = try await engineCall { () throws(EngineError) in try await engine.inspectImage(parameters.id) }
        return .init(image: .init(image, containers: try await usersByImage()[image.id] ?? []))
    }

    /// Serves `io.podman.InspectImage`, as documented in `interfaces/io.podman.varlink`.
    public func inspectImage(
        _ parameters: IoPodman.InspectImage.Parameters, context: VarlinkCallContext<IoPodman.InspectImage.Reply>
    ) async throws -> IoPodman.InspectImage.Reply {
        let image = try await engineCall { () throws(EngineError) in try await engine.inspectImage(parameters.name) }
        return .init(image: .init(image, containers: try await usersByImage()[image.id] ?? []))
    }

    /// Serves `io.podman.ImportImage`, as documented in `interfaces/io.podman.varlink`.
    public func importImage(
        _ parameters: IoPodman.ImportImage.Parameters, context: VarlinkCallContext<IoPodman.ImportImage.Reply>
    ) async throws -> IoPodman.ImportImage.Reply {
        guard parameters.source.hasPrefix("/") else {
            throw IoPodmanError.invalidArgument(argument: "source", reason: "must be an absolute path on the server")
        }
        let config = ImageRunConfig(cmd: parameters.command, env: parameters.env, workingDir: parameters.workdir)
        let image = try await engineCall { () throws(EngineError) in
            try await engine.importImage(from: parameters.source, name: parameters.reference, config: config)
        }
        return .init(image: image.id)
    }

    /// Serves `io.podman.LoadImage`, as documented in `interfaces/io.podman.varlink`.
    public func loadImage(
        _ parameters: IoPodman.LoadImage.Parameters, context: VarlinkCallContext<IoPodman.LoadImage.Reply>
    )
        async throws -> IoPodman.LoadImage.Reply
    {
        guard parameters.inputFile.hasPrefix("/") else {
            throw IoPodmanError.invalidArgument(
                argument: "input_file", reason: "must be an absolute path on the server")
        }
        let images = try await engineCall { () throws(EngineError) in
            try await engine.loadImage(from: parameters.inputFile, name: parameters.name)
        }
        return .init(images: images.map(\.id))
    }

    /// Serves `io.podman.TagImage`, as documented in `interfaces/io.podman.varlink`.
    public func tagImage(
        _ parameters: IoPodman.TagImage.Parameters, context: VarlinkCallContext<IoPodman.TagImage.Reply>
    )
        async throws -> IoPodman.TagImage.Reply
    {
        let image = try await engineCall { () throws(EngineError) in
            try await engine.tagImage(parameters.name, as: parameters.tagged)
            return try await engine.inspectImage(parameters.tagged)
        }
        return .init(image: image.id)
    }

    /// Serves `io.podman.UntagImage`, as documented in `interfaces/io.podman.varlink`.
    public func untagImage(
        _ parameters: IoPodman.UntagImage.Parameters, context: VarlinkCallContext<IoPodman.UntagImage.Reply>
    ) async throws -> IoPodman.UntagImage.Reply {
        let image = try await engineCall { () throws(EngineError) in
            let image = try await engine.inspectImage(parameters.name)
            try await engine.untagImage(parameters.name, name: parameters.tag)
            return image
        }
        return .init(image: image.id)
    }

    /// Serves `io.podman.RemoveImage`, as documented in `interfaces/io.podman.varlink`.
    public func removeImage(
        _ parameters: IoPodman.RemoveImage.Parameters, context: VarlinkCallContext<IoPodman.RemoveImage.Reply>
    ) async throws -> IoPodman.RemoveImage.Reply {
        let id = try await engineCall { () throws(EngineError) in
            try await engine.removeImage(parameters.name, force: parameters.force ?? false)
        }
        return .init(image: id)
    }
}
