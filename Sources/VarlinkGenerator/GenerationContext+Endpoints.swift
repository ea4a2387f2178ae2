import VarlinkIDL

extension GenerationContext {
    private func functionName(_ method: MethodDefinition) -> String {
        SwiftNames.identifier(SwiftNames.lowerCamel(method.name))
    }

    /// The server protocol: one `async` method per varlink method, and the dispatch that decodes calls for it.
    func emitServiceProtocol(_ w: inout CodeWriter) {
        w.line("/// Implement this to serve `\(interface.name)`; register the value with a `VarlinkService`.")
        w.line("///")
        w.line("/// Each method gets the decoded parameters and a context; it returns its (last) reply. A method may")
        w.line("/// stream with `context.send(_:)` when the caller asked for `more`, and take over the connection with")
        w.line("/// `context.onUpgrade(_:)` when the caller asked to `upgrade`.")
        w.block("public protocol \(serviceName): Varlink.VarlinkInterfaceHandler") { w in
            for method in interface.methods {
                let type = "\(namespace).\(SwiftNames.typeName(method.name))"
                w.doc(method.documentation.isEmpty ? ["`\(method.name)`"] : method.documentation)
                w.line("func \(functionName(method))(")
                w.line("    _ parameters: \(type).Parameters, context: Varlink.VarlinkCallContext<\(type).Reply>")
                w.line(") async throws -> \(type).Reply")
            }
        }
        w.line()
        w.block("extension \(serviceName)") { w in
            w.line("/// The interface name.")
            w.line("public var interfaceName: Swift.String { \(namespace).interfaceName }")
            w.line()
            w.line("/// The interface definition.")
            w.line("public var interfaceDescription: Swift.String { \(namespace).interfaceDescription }")
            w.line()
            w.line("/// Decodes a call, runs the method and sends its reply.")
            w.block("public func handle(_ call: Varlink.VarlinkServerCall) async throws") { w in
                w.block("switch call.member") { w in
                    for method in interface.methods {
                        let type = "\(namespace).\(SwiftNames.typeName(method.name))"
                        w.line("case \(SwiftNames.stringLiteral(method.name)):")
                        w.line("    let parameters = try call.decodeParameters(\(type).Parameters.self)")
                        w.line("    let reply = try await \(functionName(method))(")
                        w.line("        parameters, context: call.context(replying: \(type).Reply.self))")
                        w.line("    try await call.reply(reply)")
                    }
                    w.line("default:")
                    w.line("    throw Varlink.VarlinkError.methodNotFound(call.method)")
                }
            }
        }
    }

    /// The typed client: per method, a call with one reply, a `more` stream, a `oneway` send and an `upgrade`.
    func emitClient(_ w: inout CodeWriter) {
        let functionNames = Set(interface.methods.map { SwiftNames.lowerCamel($0.name) })
        let property = functionNames.contains("connection") ? "varlinkConnection" : "connection"
        w.line("/// A typed client of `\(interface.name)`.")
        w.block("public struct \(clientName): Swift.Sendable") { w in
            w.line("/// The untyped client the calls go through.")
            w.line("public let \(property): Varlink.VarlinkClient")
            w.line()
            w.line("/// Creates a client over an untyped client.")
            w.line("public init(_ client: Varlink.VarlinkClient) { self.\(property) = client }")
            w.line()
            w.line("/// Creates a client over a transport.")
            w.line(
                "public init(transport: any Varlink.VarlinkTransport) { self.\(property) = Varlink.VarlinkClient(transport: transport) }"
            )
            for method in interface.methods {
                let type = "\(namespace).\(SwiftNames.typeName(method.name))"
                var nested: [NestedDeclaration] = []
                let fields = resolveFields(method.input, scope: "\(type).Parameters", nested: &nested)
                let arguments = fields.map { "\($0.property): \($0.type.swift)\($0.type.isOptional ? " = nil" : "")" }
                let build =
                    "\(type).Parameters(\(fields.map { "\($0.label): \($0.property)" }.joined(separator: ", ")))"
                let name = functionName(method)
                let documentation = method.documentation.isEmpty ? ["Calls `\(method.name)`."] : method.documentation
                func signature(_ extra: String?) -> String {
                    (arguments + (extra.map { [$0] } ?? [])).joined(separator: ", ")
                }
                w.line()
                w.doc(documentation)
                w.block("public func \(name)(\(signature(nil))) async throws -> \(type).Reply") { w in
                    w.line("try await \(property).call(\(type).self, \(build))")
                }
                w.line()
                w.doc(documentation + ["", "Asks for `more`: the replies come as a stream."])
                w.block(
                    "public func \(name)(\(signature("_ more: Varlink.VarlinkMore"))) -> Swift.AsyncThrowingStream<\(type).Reply, any Swift.Error>"
                ) { w in
                    w.line("\(property).stream(\(type).self, \(build))")
                }
                w.line()
                w.doc(documentation + ["", "Sends the call `oneway`: no reply comes back."])
                w.block("public func \(name)(\(signature("_ oneway: Varlink.VarlinkOneway"))) async throws") { w in
                    w.line("try await \(property).send(\(type).self, \(build))")
                }
                w.line()
                w.doc(documentation + ["", "Asks to `upgrade`: after the reply, the connection is the caller's."])
                w.block(
                    "public func \(name)(\(signature("_ upgrade: Varlink.VarlinkUpgrade"))) async throws -> (\(type).Reply, any Varlink.VarlinkUpgradedConnection)"
                ) { w in
                    w.line("try await \(property).upgrade(\(type).self, \(build))")
                }
            }
        }
    }
}
