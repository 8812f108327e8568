import Bytes
import JSONCore

/// What makes two sightings one message: a 128-bit keyed hash of the message's generation and its
/// canonical JSON text (keys sorted, so key order does not matter), or, for a datagram that could not be
/// decoded, of its bytes behind a tag that no generation starts with.
///
/// A hash rather than the text: the observation ledger holds up to 100,000 messages and looks one up per
/// sighting, and 16 bytes are cheap to keep and compare whatever the message's length. A keyed one (two
/// SipHash passes under the process's random seed, told apart by a prefix), because a sighting that matches
/// an earlier message is not audited again: a client that cannot know the key cannot craft a leaking message
/// that passes for a clean one it sent before, and two distinct messages collide by chance about once in
/// 2^128. SHA-256 would cost about as much again as auditing the message.
struct ContentIdentity: Hashable, Sendable {
    private let first: Int
    private let second: Int

    init(generation: String, value: JSONValue) {
        self.init(generation: generation) { value.write(to: &$0, .init(sortKeys: true)) }
    }

    /// The same identity as `init(generation:value:)` of the tape's value (`JSONTape.writeCanonical`), without
    /// making the value.
    init(generation: String, tape: JSONTape) {
        self.init(generation: generation) { tape.writeCanonical(at: JSONTape.root, to: &$0) }
    }

    /// The hashes of the generation, a zero byte and the canonical text `writeCanonical` writes.
    private init(generation: String, writingCanonical writeCanonical: (inout ByteBuffer) -> Void) {
        var text = ByteBuffer(capacity: 1024)
        text.append(utf8: generation)
        text.append(0)
        writeCanonical(&text)
        (first, second) = text.withUnsafeBytes(Self.hashes)
    }

    init(undecoded bytes: [UInt8]) {
        (first, second) = ([1] + bytes).withUnsafeBytes(Self.hashes)
    }

    /// The two keyed hashes of `raw`.
    private static func hashes(_ raw: UnsafeRawBufferPointer) -> (Int, Int) {
        var one = Hasher(), two = Hasher()
        one.combine(UInt8(1))
        two.combine(UInt8(2))
        one.combine(bytes: raw)
        two.combine(bytes: raw)
        return (one.finalize(), two.finalize())
    }
}
