extension SwiftRenderer {
    /// The server protocol: one `async` method per varlink method, and the dispatch that decodes calls for it.
    func write(_ service: ServiceModel, to w: inout CodeWriter) {
        w.line("/// Implement this to serve `\(service.interfaceName)`; register the value with a `VarlinkService`.")
        w.line("///")
        w.line("/// Each method gets the decoded parameters and a context; it returns its (last) reply. A method may")
        w.line("/// stream with `context.send(_:)` when the caller asked for `more`, and take over the connection with")
        w.line("/// `context.onUpgrade(_:)` when the caller asked to `upgrade`.")
        w.block("public protocol \(service.name): Varlink.VarlinkInterfaceHandler") { w in
            for requirement in service.requirements {
                let type = requirement.type
                w.doc(requirement.documentation)
                w.line("func \(requirement.name)(")
                w.line("    _ parameters: \(type).Parameters, context: Varlink.VarlinkCallContext<\(type).Reply>")
                w.line(") async throws -> \(type).Reply")
            }
        }
        w.line()
        w.block("extension \(service.name)") { w in
            w.line("/// The interface name.")
            w.line("public var interfaceName: Swift.String { \(service.namespace).interfaceName }")
            w.line()
            w.line("/// The interface definition.")
            w.line("public var interfaceDescription: Swift.String { \(service.namespace).interfaceDescription }")
            w.line()
            w.line("/// Decodes a call, runs the method and sends its reply.")
            w.block("public func handle(_ call: Varlink.VarlinkServerCall) async throws") { w in
                w.block("switch call.member") { w in
                    for requirement in service.requirements {
                        let type = requirement.type
                        w.line("case \(SwiftNames.stringLiteral(requirement.varlinkName)):")
                        w.line("    let parameters = try call.decodeParameters(\(type).Parameters.self)")
                        w.line("    let reply = try await \(requirement.name)(")
                        w.line("        parameters, context: call.context(replying: \(type).Reply.self))")
                        w.line("    try await call.reply(reply)")
                    }
                    w.line("default:")
                    w.line("    throw Varlink.VarlinkError.methodNotFound(call.method)")
                }
            }
        }
    }
}
