/// Runs `body` with `resource` and then `tearDown`, whether `body` returns or throws: the fixtures' `with`.
public func withTearDown<Resource, Result>(
    _ resource: Resource, tearDown: (Resource) async -> Void, _ body: (Resource) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await tearDown(resource)
        throw error
    }
    await tearDown(resource)
    return result
}
