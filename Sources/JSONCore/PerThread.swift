#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One object per thread, made at a thread's first use and released when the thread ends: for the caches
/// that need no lock because no other thread ever touches them (`StringVerdictMemo`, the fast reader's
/// `FastJSONReader.Scratch`).
final class PerThread<Object: AnyObject>: Sendable {
    private let key: pthread_key_t
    private let make: @Sendable () -> Object

    init(_ make: @escaping @Sendable () -> Object) {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { object in
            if let object { Unmanaged<AnyObject>.fromOpaque(object).release() }
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        self.key = key
        self.make = make
    }

    /// This thread's object.
    var object: Object {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<Object>.fromOpaque(existing).takeUnretainedValue()
        }
        let created = make()
        pthread_setspecific(key, Unmanaged.passRetained(created).toOpaque())
        return created
    }
}
