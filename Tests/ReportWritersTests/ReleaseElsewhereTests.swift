import Foundation
import Storage
import Testing

/// `releaseElsewhere`: what the end of a run drops is freed on another thread (the caller goes on at
/// once), or in place when the run keeps to one thread.
@Suite struct ReleaseElsewhereTests {
    /// Records the thread its deinit ran on, and signals it.
    final class Tracked: @unchecked Sendable {
        let freed: DispatchSemaphore
        let freedOnCaller: UnsafeMutablePointer<Bool>
        let caller = pthread_self()

        init(freed: DispatchSemaphore, freedOnCaller: UnsafeMutablePointer<Bool>) {
            self.freed = freed
            self.freedOnCaller = freedOnCaller
        }

        deinit {
            freedOnCaller.pointee = pthread_equal(pthread_self(), caller) != 0
            freed.signal()
        }
    }

    @Test func freesOnAnotherThread() {
        let freed = DispatchSemaphore(value: 0)
        let onCaller = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        defer { onCaller.deallocate() }
        onCaller.pointee = true
        // Held inside a larger value, as the session tables hold their entries.
        releaseElsewhere([1: [Tracked(freed: freed, freedOnCaller: onCaller)]])
        #expect(freed.wait(timeout: .now() + 10) == .success)
        #expect(onCaller.pointee == false)
    }

    @Test func freesInPlaceWhenAsked() {
        let freed = DispatchSemaphore(value: 0)
        let onCaller = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        defer { onCaller.deallocate() }
        onCaller.pointee = false
        releaseElsewhere([Tracked(freed: freed, freedOnCaller: onCaller)], inPlace: true)
        // Freed before the call returned, on this thread.
        #expect(freed.wait(timeout: .now()) == .success)
        #expect(onCaller.pointee == true)
    }
}
