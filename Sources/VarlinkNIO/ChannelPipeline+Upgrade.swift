import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Switches a varlink connection to raw bytes, on either side, after the reply that upgrades it: a
    /// ``RawStreamHandler`` holding `first` goes to the end of the pipeline, and the ``VarlinkFrameDecoder`` leaves
    /// it, passing on unframed what it holds (told by `framing`, even if the input ends meanwhile).
    func switchToRaw(framing: FramingState, first: ByteBuffer? = nil) throws -> RawStreamHandler {
        framing.upgraded = true
        let raw = RawStreamHandler(first: first)
        try addHandler(raw, position: .last)
        removeHandler(try handler(type: ByteToMessageHandler<VarlinkFrameDecoder>.self), promise: nil)
        return raw
    }
}
