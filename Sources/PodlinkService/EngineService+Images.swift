import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.ListImages`, as documented in `interfaces/io.podlink.varlink`.
    public func listImages(
        _ parameters: IoPodlink.ListImages.Parameters, context: VarlinkCallContext<IoPodlink.ListImages.Reply>
    ) async throws -> IoPodlink.ListImages.Reply {
        let images = try await engine.listImages()
        let users = try await engine.containerNamesByImage()
        return .init(images: images.map { IoPodlink.Image($0, containers: users[$0.id] ?? []) })
    }

    /// Serves `io.podlink.GetImage`, as documented in `interfaces/io.podlink.varlink`.
    public func getImage(
        _ parameters: IoPodlink.GetImage.Parameters, context: VarlinkCallContext<IoPodlink.GetImage.Reply>
    )
        async throws -> IoPodlink.GetImage.Reply
    {
        let image = try await engine.inspectImage(parameters.id)
        return .init(image: .init(image, containers: try await engine.containerNamesByImage()[image.id] ?? []))
    }

    /// Serves `io.podlink.InspectImage`, as documented in `interfaces/io.podlink.varlink`.
    public func inspectImage(
        _ parameters: IoPodlink.InspectImage.Parameters, context: VarlinkCallContext<IoPodlink.InspectImage.Reply>
    ) async throws -> IoPodlink.InspectImage.Reply {
        let image = try await engine.inspectImage(parameters.name)
        return .init(image: .init(image, containers: try await engine.containerNamesByImage()[image.id] ?? []))
    }

    /// Serves `io.podlink.ImportImage`, as documented in `interfaces/io.podlink.varlink`.
    public func importImage(
        _ parameters: IoPodlink.ImportImage.Parameters, context: VarlinkCallContext<IoPodlink.ImportImage.Reply>
    ) async throws -> IoPodlink.ImportImage.Reply {
        let config = ImageRunConfig(cmd: parameters.command, env: parameters.env, workingDir: parameters.workdir)
        let image: ImageRecord
        switch try ByteTransfer.oneOf(path: parameters.source, "source", upload: parameters.upload) {
        case .path(let path):
            image = try await engine.importImage(from: path, name: parameters.reference, config: config)
        case .upload(let id):
            image = try await engine.importImage(upload: id, name: parameters.reference, config: config)
        }
        return .init(image: image.id)
    }

    /// Serves `io.podlink.LoadImage`, as documented in `interfaces/io.podlink.varlink`.
    public func loadImage(
        _ parameters: IoPodlink.LoadImage.Parameters, context: VarlinkCallContext<IoPodlink.LoadImage.Reply>
    )
        async throws -> IoPodlink.LoadImage.Reply
    {
        let images: [ImageRecord]
        switch try ByteTransfer.oneOf(path: parameters.inputFile, "input_file", upload: parameters.upload) {
        case .path(let path): images = try await engine.loadImage(from: path, name: parameters.name)
        case .upload(let id): images = try await engine.loadImage(upload: id, name: parameters.name)
        }
        return .init(images: images.map(\.id))
    }

    /// Serves `io.podlink.TagImage`, as documented in `interfaces/io.podlink.varlink`.
    public func tagImage(
        _ parameters: IoPodlink.TagImage.Parameters, context: VarlinkCallContext<IoPodlink.TagImage.Reply>
    )
        async throws -> IoPodlink.TagImage.Reply
    {
        try await engine.tagImage(parameters.name, as: parameters.tagged)
        return .init(image: try await engine.inspectImage(parameters.tagged).id)
    }

    /// Serves `io.podlink.UntagImage`, as documented in `interfaces/io.podlink.varlink`.
    public func untagImage(
        _ parameters: IoPodlink.UntagImage.Parameters, context: VarlinkCallContext<IoPodlink.UntagImage.Reply>
    ) async throws -> IoPodlink.UntagImage.Reply {
        let image = try await engine.inspectImage(parameters.name)
        try await engine.untagImage(parameters.name, name: parameters.tag)
        return .init(image: image.id)
    }

    /// Serves `io.podlink.RemoveImage`, as documented in `interfaces/io.podlink.varlink`.
    public func removeImage(
        _ parameters: IoPodlink.RemoveImage.Parameters, context: VarlinkCallContext<IoPodlink.RemoveImage.Reply>
    ) async throws -> IoPodlink.RemoveImage.Reply {
        let id = try await engine.removeImage(parameters.name, force: parameters.force ?? false)
        return .init(image: id)
    }
}
