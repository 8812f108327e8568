#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the current thread's stack ends, so that a deep evaluation stops before it overflows.
enum StackBounds {
    /// Left below the floor for the work at the leaves of an evaluation: a regex match, a format check, an
    /// error message that serializes (recursively) an instance up to 512 levels deep.
    static let reserve: UInt = 256 << 10

    /// The lowest address an evaluation on this thread may reach; 0 when the stack's extent is unknown
    /// (then only the nesting count bounds it). Asked of the system once per thread.
    static func floorOfThisThread() -> UInt {
        if let cached = pthread_getspecific(key) { return UInt(bitPattern: cached) }
        let floor = lowestAddress().map { $0 + reserve } ?? 0
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: floor))
        return floor
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The lowest address of this thread's stack.
    private static func lowestAddress() -> UInt? {
        #if canImport(Darwin)
            let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
            return top - UInt(pthread_get_stacksize_np(pthread_self()))
        #else
            // `pthread_getattr_np` is a GNU extension the Glibc module does not declare.
            typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
            let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
            var attributes = pthread_attr_t()
            guard getAttributes(pthread_self(), &attributes) == 0 else { return nil }
            defer { pthread_attr_destroy(&attributes) }
            var address: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return nil }
            let lowest = UInt(bitPattern: address)
            // Only a sane answer: the current frame must lie within the stack it describes.
            let here = currentStackAddress()
            guard here > lowest, here - lowest <= UInt(size) else { return nil }
            return lowest
        #endif
    }
}
