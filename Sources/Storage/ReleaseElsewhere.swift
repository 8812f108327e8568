import Dispatch

/// Frees what `value` holds on another thread, so that the calling thread goes on at once.
///
/// For the large structures a run drops at its end, when only one thread works and the other processors
/// idle: the session tables (a hundred thousand open sessions, each a dozen references, about 10 ms of one
/// core to release one by one) and the prepared report once it is written (about 6 ms). Nothing else may
/// hold a reference to what `value` owns without sharing it through reference counts, which are atomic:
/// the caller gives `value` up (`consuming`), and whoever frees it last frees it, on whichever thread.
///
/// `inPlace` frees it on the calling thread instead (a run asked for one thread: `--threads 1`).
public func releaseElsewhere<Value>(_ value: consuming Value, inPlace: Bool = false) {
    if inPlace {
        _ = consume value
        return
    }
    let held = Discarded(value)
    DispatchQueue.global().async { held.free() }
}

/// What `releaseElsewhere` hands to another thread. `@unchecked Sendable`: after `init` only that thread
/// touches `value`, to free it (the caller gave the value up).
private final class Discarded<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: consuming Value) { self.value = consume value }

    func free() { value = nil }
}
