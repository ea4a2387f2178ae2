internal import Dispatch

/// Runs blocking work (extraction, flock, file trees) on a Dispatch thread instead of the cooperative pool.
enum Offload {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws(EngineError) -> T) async throws(EngineError) -> T
    {
        let result: Result<T, EngineError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(EngineError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
