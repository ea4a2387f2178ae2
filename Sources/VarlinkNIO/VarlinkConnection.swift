import CVarlink
public import NIOCore
public import NIOPosix
import Synchronization
public import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// A client connection to a varlink service: over a socket address, over a bridge command's standard input and
/// output, or to a service it starts with socket activation. Calls may be pipelined: replies are matched to
/// calls in order.
public final class VarlinkConnection: VarlinkTransport {
    let channel: any Channel
    let handler: ClientHandler
    /// A process this connection started (bridge or activation), ended when the connection closes.
    let child: pid_t?
    let cleanupPath: String?

    init(channel: any Channel, handler: ClientHandler, child: pid_t? = nil, cleanupPath: String? = nil) {
        self.channel = channel
        self.handler = handler
        self.child = child
        self.cleanupPath = cleanupPath
    }

    /// Connection failures.
    public struct ConnectionError: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    static func pipeline(_ channel: any Channel, maximumMessageSize: Int) -> EventLoopFuture<ClientHandler> {
        channel.eventLoop.submit {
            let framing = FramingState(maximumMessageSize: maximumMessageSize)
            let handler = ClientHandler(framing: framing)
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder(state: framing)))
            try channel.pipeline.syncOperations.addHandler(handler)
            return handler
        }
    }

    /// Connects to a service at `address`.
    public static func connect(
        to address: VarlinkAddress, maximumMessageSize: Int = 16 << 20,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> VarlinkConnection {
        let (channel, handler) = try await makeChannel(address, maximumMessageSize: maximumMessageSize, group: group)
        return VarlinkConnection(channel: channel, handler: handler)
    }

    static func makeChannel(
        _ address: VarlinkAddress, maximumMessageSize: Int, group: any EventLoopGroup
    )
        async throws -> (any Channel, ClientHandler)
    {
        let bootstrap = ClientBootstrap(group: group)
        let channel: any Channel
        switch address {
        case .unix(let path, _):
            channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
        case .tcp(let host, let port):
            channel = try await bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port).get()
        case .abstract(let name):
            let fd = cvarlink_connect_abstract(name)
            if fd < 0 {
                throw ConnectionError(description: "cannot connect to unix:@\(name): \(String(cString: strerror(-fd)))")
            }
            _ = cvarlink_set_nonblocking(fd, 1)
            channel = try await bootstrap.withConnectedSocket(fd).get()
        }
        return (channel, try await pipeline(channel, maximumMessageSize: maximumMessageSize).get())
    }

    /// Runs `command` (e.g. `ssh host podlinkd --bridge`) and talks to the service over its standard input and
    /// output.
    public static func bridge(
        command: [String], environment: [String: String]? = nil, maximumMessageSize: Int = 16 << 20,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> VarlinkConnection {
        guard let executable = command.first.flatMap(ProcessSupport.resolve) else {
            throw ConnectionError(description: "bridge command not found: \(command.first ?? "")")
        }
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard cvarlink_pipe(&toChild) == 0, cvarlink_pipe(&fromChild) == 0 else {
            throw ConnectionError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        let pid = try ProcessSupport.spawn(
            executable, arguments: command, environment: environment, fds: [toChild[0], fromChild[1], 2])
        Glibc.close(toChild[0])
        Glibc.close(fromChild[1])
        let channel = try await NIOPipeBootstrap(group: group)
            .takingOwnershipOfDescriptors(input: fromChild[0], output: toChild[1]).get()
        let handler = try await pipeline(channel, maximumMessageSize: maximumMessageSize).get()
        return VarlinkConnection(channel: channel, handler: handler, child: pid)
    }

    /// Starts `command` with a listening socket passed through socket activation (`LISTEN_FDS=1`), and connects
    /// to it. `$VARLINK_ADDRESS` in the arguments and the environment variable of that name give the address.
    public static func activate(
        command: [String], environment: [String: String]? = nil, maximumMessageSize: Int = 16 << 20,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> VarlinkConnection {
        guard let executable = command.first.flatMap(ProcessSupport.resolve) else {
            throw ConnectionError(description: "activation command not found: \(command.first ?? "")")
        }
        var template = Array("/tmp/varlink-activate-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else {
            throw ConnectionError(description: "mkdtemp: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: directory) + "/socket"
        let fd = cvarlink_listen_unix(path, 0o600, -1, 128)
        if fd < 0 { throw ConnectionError(description: "cannot listen on \(path): \(String(cString: strerror(-fd)))") }
        let address = "unix:\(path)"
        var env = environment ?? ProcessSupport.currentEnvironment()
        for key in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { env[key] = nil }
        env["VARLINK_ADDRESS"] = address
        let arguments = command.map { $0.replacingAll("$VARLINK_ADDRESS", with: address) }
        let pid = try ProcessSupport.spawnActivated(executable, arguments: arguments, environment: env, listenFD: fd)
        Glibc.close(fd)
        let (channel, handler) = try await makeChannel(
            .unix(path: path), maximumMessageSize: maximumMessageSize, group: group)
        return VarlinkConnection(
            channel: channel, handler: handler, child: pid, cleanupPath: String(cString: directory))
    }

    /// Sends a call and streams its replies.
    public func exchange(
        _ message: [UInt8], flags: VarlinkCallFlags
    ) async throws -> AsyncThrowingStream<
        [UInt8], any Error
    > {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let buffer = Self.frame(message, allocator: channel.allocator)
        let handler = handler
        let channel = channel
        let oneway = flags.contains(.oneway)
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            if !oneway { handler.enqueue(.stream(continuation)) }
            channel.writeAndFlush(buffer, promise: promise)
        }
        do {
            try await promise.futureResult.get()
        } catch {
            continuation.finish(throwing: ConnectionError(description: "cannot send: \(error)"))
        }
        if oneway { continuation.finish() }
        return stream
    }

    /// Sends a call with `upgrade` and hands over the connection after its reply.
    public func upgrade(_ message: [UInt8]) async throws -> (reply: [UInt8], connection: any VarlinkUpgradedConnection)
    {
        let buffer = Self.frame(message, allocator: channel.allocator)
        let (reply, raw): ([UInt8], RawStreamHandler?) = try await withCheckedThrowingContinuation { continuation in
            let handler = handler
            let channel = channel
            channel.eventLoop.execute {
                handler.enqueue(.upgrade(continuation))
                channel.writeAndFlush(buffer, promise: nil)
            }
        }
        guard let raw else { return (reply, RefusedUpgrade()) }
        return (reply, UpgradedChannelConnection(channel: channel, handler: raw))
    }

    static func frame(_ message: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: message.count + 1)
        buffer.writeBytes(message)
        buffer.writeInteger(UInt8(0))
        return buffer
    }

    /// Closes the connection (and ends a bridge or activated process it started).
    public func close() async {
        try? await channel.close()
        if let child {
            // Reap the child on NIO's thread pool (waitpid blocks); SIGKILL if it ignores SIGTERM for 5 s.
            kill(child, SIGTERM)
            _ = try? await NIOThreadPool.singleton.runIfActive {
                var status: Int32 = 0
                for _ in 0..<500 {
                    if waitpid(child, &status, WNOHANG) != 0 { return }
                    usleep(10_000)
                }
                kill(child, SIGKILL)
                waitpid(child, &status, 0)
            }
        }
        if let cleanupPath {
            unlink(cleanupPath + "/socket")
            rmdir(cleanupPath)
        }
    }

    deinit {
        channel.close(promise: nil)
    }
}

/// What an upgrading call that got an error reply hands back: the connection stays a varlink connection, so there is
/// nothing to read or write raw.
struct RefusedUpgrade: VarlinkUpgradedConnection {
    func read() async throws -> [UInt8]? { nil }
    func write(_ bytes: [UInt8]) async throws {
        throw VarlinkConnection.ConnectionError(description: "the call was not upgraded")
    }
    func close() async throws {}
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
