import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// The message rules of the varlink specification (UAPI.20), on raw sockets: what closes a connection, and what
/// means the same.
@Suite("UAPI.20 strictness")
struct StrictnessTests {
    static let ping = #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"}}"#

    @Test(arguments: [
        #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"},"extra":1}"#,
        #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"},"more":true,"oneway":true}"#,
        #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"},"more":true,"upgrade":true}"#,
        #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"},"oneway":true,"upgrade":true}"#,
    ])
    func closesTheConnection(call: String) async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        socket.send(call + "\0")
        #expect(await socket.closedByPeer(), "\(call) must close the connection")
        socket.close()
        await server.stop()
    }

    @Test func extensionKeysUnderAReverseDomainNameAndFlagsSetToFalseAreAccepted() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        let call =
            #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"},"org.example.trace":"t","more":false,"#
            + #""oneway":false,"upgrade":false}"#
        socket.send(call + "\0")
        #expect(await socket.receive(messages: 1).messages == [#"{"parameters":{"pong":"p"}}"#])
        socket.close()
        await server.stop()
    }

    @Test func absentNullAndEmptyParametersMeanTheSame() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        let missing = #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"ping"}}"#
        for call in [
            #"{"method":"org.example.ping.Ping"}"#, #"{"method":"org.example.ping.Ping","parameters":null}"#,
            #"{"method":"org.example.ping.Ping","parameters":{}}"#,
        ] {
            socket.send(call + "\0")
            #expect(await socket.receive(messages: 1).messages == [missing], "\(call)")
        }
        socket.send(#"{"method":"org.varlink.service.GetInfo","parameters":null}"# + "\0")
        #expect(await socket.receive(messages: 1).messages.first?.hasPrefix(#"{"parameters":{"interfaces""#) == true)
        socket.close()
        await server.stop()
    }

    @Test func aMethodThatNeedsTheConnectionAnswersExpectedUpgradeWithoutIt() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        socket.send(#"{"method":"org.example.ping.Echo"}"# + "\0")
        #expect(
            await socket.receive(messages: 1).messages == [
                #"{"error":"org.varlink.service.ExpectedUpgrade","parameters":{}}"#
            ])
        socket.close()
        await server.stop()
    }
}
