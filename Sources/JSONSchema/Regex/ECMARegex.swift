import Bytes
import CPCRE2
import JSONCore

/// A compiled ECMA-262 regular expression, matched through PCRE2 in UTF mode.
///
/// JSON Schema's `pattern`, `patternProperties` and `format: "regex"` use ECMA-262 syntax; PCRE2 reads nearly
/// the same language. ``ECMARegexTranslation`` rewrites the few places where the two differ, then the pattern
/// is compiled and JIT-compiled once. Each match runs under a match limit (and, for the interpreter, a depth
/// limit), so a catastrophic pattern ends in ``RegexMatchError`` instead of hanging the audit.
///
/// `@unchecked Sendable`: the compiled code and match context are never modified after `init`, and PCRE2
/// documents both as safe for concurrent matching; the match data, which is written, belongs to the thread
/// (``MatchDataCache``).
final class ECMARegex: @unchecked Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    private let code: OpaquePointer
    private let matchContext: OpaquePointer
    /// Whether JIT compilation succeeded, so that `pcre2_jit_match` (which skips the interpreter's checks)
    /// can be used.
    private let isJITCompiled: Bool
    /// This pattern's verdicts in the per-thread `StringVerdictMemo`.
    private let memoTopic = StringVerdictMemo.Topic()

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
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// Whether the pattern matches anywhere in `subject` (ECMA-262 `RegExp.prototype.test`, unanchored).
    ///
    /// Verdicts are remembered per thread (`StringVerdictMemo`): a stream of messages checks the same few
    /// versions and component names against the same patterns over and over. `memo` is this thread's (an
    /// evaluation looks it up once for all its patterns).
    func matches(_ subject: String, memo: StringVerdictMemo = .forThisThread()) throws(RegexMatchError) -> Bool {
        try verdict(subject.withUTF8InPlace { matchCode($0, memo: memo) })
    }

    /// The same for a string's UTF-8 bytes (a tape's), which must be valid UTF-8: PCRE2 does not check them.
    func matches(utf8 subject: UnsafeBufferPointer<UInt8>, memo: StringVerdictMemo) throws(RegexMatchError) -> Bool {
        try verdict(matchCode(subject, memo: memo))
    }

    /// PCRE2's result for `utf8` (valid UTF-8), or the one remembered.
    private func matchCode(_ utf8: UnsafeBufferPointer<UInt8>, memo: StringVerdictMemo) -> Int32 {
        // A UUID is unique by design: remembering one would only push out a string that comes back.
        let remembers = !StringBytes.isUUIDShaped(utf8)
        if remembers, let verdict = memo.verdict(memoTopic, on: utf8) { return verdict ? 0 : PCRE2_ERROR_NOMATCH }
        guard let data = MatchDataCache.forThisThread() else { return PCRE2_ERROR_NOMEMORY }
        // A String is always valid UTF-8, so PCRE2's own check would only repeat work.
        let base = utf8.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let rc =
            isJITCompiled
            ? pcre2_jit_match_8(code, base, utf8.count, 0, 0, data, matchContext)
            : pcre2_match_8(code, base, utf8.count, 0, UInt32(PCRE2_NO_UTF_CHECK), data, matchContext)
        // A match that hit a limit is an error, reported each time, never remembered.
        if remembers && (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) { memo.remember(rc >= 0, memoTopic, on: utf8) }
        return rc
    }

    private func verdict(_ rc: Int32) throws(RegexMatchError) -> Bool {
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

/// One PCRE2 match data block per thread, shared by every pattern: only "did it match" is asked, for which
/// a single-pair ovector is enough whatever the pattern (a match that needs more pairs still reports a
/// match). Creating one per match would cost a `malloc` and a `free` per string checked.
enum MatchDataCache {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { data in
            if let data { pcre2_match_data_free_8(OpaquePointer(data)) }
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()

    static func forThisThread() -> OpaquePointer? {
        if let existing = pthread_getspecific(key) { return OpaquePointer(existing) }
        guard let created = pcre2_match_data_create_8(1, nil) else { return nil }
        pthread_setspecific(key, UnsafeRawPointer(created))
        return created
    }
}
