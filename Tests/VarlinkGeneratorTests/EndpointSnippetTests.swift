import Testing

@testable import VarlinkGenerator

/// The render stage for the error enum, the server protocol and the client, each from a one-member interface.
@Suite("Rendered snippets: errors, service and client")
struct EndpointSnippetTests {
    @Test func anErrorWithParameters() throws {
        let model = try translated("error NotFound (name: string, default: ?int)\n")
        expectSnippet(
            rendered { $0.write(model.errorEnum, to: &$1) },
            #"""
            /// The errors `org.example.snippets` declares, with their typed parameters.
            public enum OrgExampleSnippetsError: Varlink.VarlinkTypedError, Swift.Hashable {
                /// `NotFound`
                case notFound(name: Swift.String, `default`: Swift.Int?)

                /// The interface that declares these errors.
                public static var interfaceName: Swift.String { OrgExampleSnippets.interfaceName }

                /// The wire form of the error.
                public var varlinkError: Varlink.VarlinkError {
                    switch self {
                        case .notFound(let name, let `default`):
                            return Varlink.VarlinkError(name: OrgExampleSnippets.NotFound.errorName, encoding: OrgExampleSnippets.NotFound.Parameters(name: name, default: `default`))
                    }
                }

                /// The typed form of `error`, or nil when it is not one of this interface's errors.
                public init?(varlinkError error: Varlink.VarlinkError) throws {
                    switch error.name {
                        case OrgExampleSnippets.NotFound.errorName:
                            let parameters = try error.decodeParameters(OrgExampleSnippets.NotFound.Parameters.self)
                            self = .notFound(name: parameters.name, default: parameters.`default`)
                        default:
                            return nil
                    }
                }
            }
            """#)
    }

    @Test func theServiceProtocolAndItsDispatch() throws {
        let model = try translated("# Watches a pet.\nmethod Watch(owner: string, default: ?bool) -> (pet: string)\n")
        expectSnippet(
            rendered { $0.write(model.service, to: &$1) },
            #"""
            /// Implement this to serve `org.example.snippets`; register the value with a `VarlinkService`.
            ///
            /// Each method gets the decoded parameters and a context; it returns its (last) reply. A method may
            /// stream with `context.send(_:)` when the caller asked for `more`, and take over the connection with
            /// `context.onUpgrade(_:)` when the caller asked to `upgrade`.
            public protocol OrgExampleSnippetsService: Varlink.VarlinkInterfaceHandler {
                /// Watches a pet.
                func watch(
                    _ parameters: OrgExampleSnippets.Watch.Parameters, context: Varlink.VarlinkCallContext<OrgExampleSnippets.Watch.Reply>
                ) async throws -> OrgExampleSnippets.Watch.Reply
            }

            extension OrgExampleSnippetsService {
                /// The interface name.
                public var interfaceName: Swift.String { OrgExampleSnippets.interfaceName }

                /// The interface definition.
                public var interfaceDescription: Swift.String { OrgExampleSnippets.interfaceDescription }

                /// Decodes a call, runs the method and sends its reply.
                public func handle(_ call: Varlink.VarlinkServerCall) async throws {
                    switch call.member {
                        case "Watch":
                            let parameters = try call.decodeParameters(OrgExampleSnippets.Watch.Parameters.self)
                            let reply = try await watch(
                                parameters, context: call.context(replying: OrgExampleSnippets.Watch.Reply.self))
                            try await call.reply(reply)
                        default:
                            throw Varlink.VarlinkError.methodNotFound(call.method)
                    }
                }
            }
            """#)
    }

    @Test func aMethodCalledWithMoreReturnsAStream() throws {
        let model = try translated("# Watches a pet.\nmethod Watch(owner: string, default: ?bool) -> (pet: string)\n")
        let client = rendered { $0.write(model.client, to: &$1) }
        let expected = #"""
                /// Watches a pet.
                ///
                /// Asks for `more`: the replies come as a stream.
                public func watch(owner: Swift.String, `default`: Swift.Bool? = nil, _ more: Varlink.VarlinkMore) -> Swift.AsyncThrowingStream<OrgExampleSnippets.Watch.Reply, any Swift.Error> {
                    connection.stream(OrgExampleSnippets.Watch.self, OrgExampleSnippets.Watch.Parameters(owner: owner, default: `default`))
                }
            """#
        #expect(client.contains("\n" + expected + "\n"))
    }
}
