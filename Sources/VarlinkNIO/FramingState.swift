/// What a connection's ``VarlinkFrameDecoder`` and its handler share: the longest message accepted (the server
/// lowers it once it knows the peer is refused), and whether the connection was upgraded (from then on the decoder,
/// on its way out of the pipeline, passes every byte on unframed, even at the end of input). Used on the channel's
/// event loop only.
final class FramingState: @unchecked Sendable {
    var maximumMessageSize: Int
    var upgraded = false

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }
}
