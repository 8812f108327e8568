import CPCRE2
import Synchronization

/// A compiled ECMA-262 regular expression, matched through PCRE2 in UTF mode.
///
/// JSON Schema's `pattern`, `patternProperties` and `format: "regex"` use ECMA-262 syntax; PCRE2 reads nearly
/// the same language. ``ECMARegexTranslation`` rewrites the few places where the two differ, then the pattern
/// is compiled and JIT-compiled once. Each match runs under a match limit (and, for the interpreter, a depth
/// limit), so a catastrophic pattern ends in ``RegexMatchError`` instead of hanging the audit.
///
/// `@unchecked Sendable`: the compiled code and match context are never modified after `init`, and PCRE2
/// documents both as safe for concurrent matching; the match data, which is written, belongs to the thread
/// (``RegexThreadState``).
final class ECMARegex: @unchecked Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    private let code: OpaquePointer
    private let matchContext: OpaquePointer
    /// Whether JIT compilation succeeded, so that `pcre2_jit_match` (which skips the interpreter's checks)
    /// can be used.
    private let isJITCompiled: Bool
    /// A number no other regex of this process gets, naming it in the per-thread memo of verdicts (an
    /// object's address can be reused once it is freed; this cannot).
    let serial: UInt64

    private static let serials = Atomic<UInt64>(0)


    /// Compiles `pattern`; throws ``RegexCompileError`` with PCRE2's message and offset when it is not valid.
    init(_ pattern: String, matchLimit: UInt32 = CompileOptions.defaultRegexMatchLimit) throws(RegexCompileError) {
        source = pattern
        let translated: String
        do {
            translated = try ECMARegexTranslation.translate(pattern)
        } catch {
            throw error
        }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_DOLLAR_ENDONLY) | UInt32(PCRE2_NO_UTF_CHECK)
        let compiled = translated.utf8CString.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: buffer.count) { bytes in
                pcre2_compile_8(bytes, buffer.count - 1, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw RegexCompileError(pattern: pattern, message: Self.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        // JIT is an optimisation: if this platform has none, the interpreter gives the same answers.
        isJITCompiled = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(code)
            throw RegexCompileError(pattern: pattern, message: "out of memory", offset: 0)
        }
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, 10_000)
        matchContext = context
        serial = Self.serials.add(1, ordering: .relaxed).newValue
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// Whether the pattern matches anywhere in `subject` (ECMA-262 `RegExp.prototype.test`, unanchored).
    ///
    /// Short subjects' verdicts are remembered per thread (`RegexThreadState`): a stream of messages checks
    /// the same few versions and component names against the same patterns over and over, and looking a
    /// verdict up costs a fraction of a match.
    func matches(_ subject: String) throws(RegexMatchError) -> Bool {
        var subject = subject
        guard let state = RegexThreadState.forThisThread() else {
            throw RegexMatchError(pattern: source, message: Self.message(for: PCRE2_ERROR_NOMEMORY))
        }
        let rc: Int32 = subject.withUTF8 { utf8 in
            let memoized = utf8.count <= RegexThreadState.longestRemembered
            let digest = memoized ? RegexThreadState.digest(utf8, serial: serial) : 0
            if memoized, let verdict = state.verdict(of: serial, on: utf8, digest: digest) {
                return verdict ? 0 : PCRE2_ERROR_NOMATCH
            }
            // A String is always valid UTF-8, so PCRE2's own check would only repeat work.
            let base = utf8.baseAddress ?? UnsafePointer(bitPattern: 1)!
            let rc =
                isJITCompiled
                ? pcre2_jit_match_8(code, base, utf8.count, 0, 0, state.matchData, matchContext)
                : pcre2_match_8(code, base, utf8.count, 0, UInt32(PCRE2_NO_UTF_CHECK), state.matchData, matchContext)
            if memoized && (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
                state.remember(rc >= 0, of: serial, on: utf8, digest: digest)
            }
            return rc
        }
        if rc >= 0 { return true }
        if rc == PCRE2_ERROR_NOMATCH { return false }
        throw RegexMatchError(pattern: source, message: Self.message(for: rc))
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}

/// A pattern that is not a valid regular expression.
struct RegexCompileError: Error, Sendable {
    let pattern: String
    let message: String
    /// Offset in the pattern (in bytes) where the problem was found.
    let offset: Int
}

/// A match that could not finish: the match limit or depth limit was reached (a pattern that backtracks
/// catastrophically on this input).
struct RegexMatchError: Error, Sendable {
    let pattern: String
    let message: String
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What each thread keeps for matching: one PCRE2 match data block, shared by every pattern (only "did it
/// match" is asked, for which a single-pair ovector is enough whatever the pattern; creating one per match
/// would cost a `malloc` and a `free` per string checked), and a small memo of recent verdicts.
///
/// The memo is direct-mapped: each (pattern, subject) has one slot, chosen by a digest of both, holding the
/// subject's exact bytes (never compared as `String`s, whose equality is canonical equivalence, not
/// identity). Bounded: `slotCount` subjects of at most `longestRemembered` bytes each.
final class RegexThreadState {
    let matchData: OpaquePointer
    /// Plain memory, no reference counts: a lookup costs a digest and a `memcmp`.
    private struct Slot {
        var serial: UInt64 = 0
        var digest: UInt64 = 0
        var length = -1
        var matched = false
    }
    private let slots: UnsafeMutableBufferPointer<Slot>
    /// `slotCount` subjects of `longestRemembered` bytes, one per slot.
    private let subjects: UnsafeMutableBufferPointer<UInt8>

    static let slotCount = 256
    static let longestRemembered = 128

    private init?() {
        guard let data = pcre2_match_data_create_8(1, nil) else { return nil }
        matchData = data
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: Slot())
        subjects = .allocate(capacity: Self.slotCount * Self.longestRemembered)
        subjects.initialize(repeating: 0)
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        slots.deallocate()
        subjects.deallocate()
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { state in
            if let state { Unmanaged<RegexThreadState>.fromOpaque(state).release() }
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()

    static func forThisThread() -> RegexThreadState? {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<RegexThreadState>.fromOpaque(existing).takeUnretainedValue()
        }
        guard let created = RegexThreadState() else { return nil }
        pthread_setspecific(key, Unmanaged.passRetained(created).toOpaque())
        return created
    }

    /// A 64-bit multiply-and-rotate digest of `subject` under pattern `serial`, over 8-byte words.
    static func digest(_ subject: UnsafeBufferPointer<UInt8>, serial: UInt64) -> UInt64 {
        var hash: UInt64 = (0x9E37_79B9_7F4A_7C15 &* (serial | 1)) ^ UInt64(subject.count)
        let raw = UnsafeRawBufferPointer(subject)
        var offset = 0
        while offset < raw.count {
            let word: UInt64
            if offset + 8 <= raw.count {
                word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            } else {
                var tail: UInt64 = 0
                for index in offset..<raw.count { tail |= UInt64(raw[index]) << (8 * UInt64(index - offset)) }
                word = tail
            }
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash = (hash << 31) | (hash >> 33)
            offset += 8
        }
        return hash ^ (hash >> 29)
    }

    func verdict(of serial: UInt64, on subject: UnsafeBufferPointer<UInt8>, digest: UInt64) -> Bool? {
        let index = Int(digest % UInt64(Self.slotCount))
        let slot = slots[index]
        guard slot.serial == serial, slot.digest == digest, slot.length == subject.count else { return nil }
        let stored = subjects.baseAddress! + index * Self.longestRemembered
        guard subject.isEmpty || memcmp(stored, subject.baseAddress!, subject.count) == 0 else { return nil }
        return slot.matched
    }

    func remember(_ matched: Bool, of serial: UInt64, on subject: UnsafeBufferPointer<UInt8>, digest: UInt64) {
        let index = Int(digest % UInt64(Self.slotCount))
        if let base = subject.baseAddress {
            (subjects.baseAddress! + index * Self.longestRemembered).update(from: base, count: subject.count)
        }
        slots[index] = Slot(serial: serial, digest: digest, length: subject.count, matched: matched)
    }
}
