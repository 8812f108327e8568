// Small C that Swift inlines at the call site (`static inline`: Swift imports the bodies), for what Swift
// itself compiles poorly: the search for a string's special bytes sixteen at a time with SSE2 (every x86-64
// processor has it; Swift's own vector types were scalarized), for the JSON readers and the report writers,
// and a prefetch hint for the session step's table. Other processors use JSONCore's eight-bytes-at-a-time
// Swift scan instead (see `StringBytes.firstSpecial`).
#ifndef USAGE_AUDIT_CINLINE_H
#define USAGE_AUDIT_CINLINE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/// One bit for each byte of `block` that is a quote, a backslash or a control byte (below 0x20).
static inline unsigned ua_special_bits(__m128i block) {
    __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('"')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'))),
        _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1F)), block));
    return (unsigned)_mm_movemask_epi8(special);
}

/// The index of the first quote, backslash or control byte (below 0x20) in `bytes[start..<count]`, or `count`.
/// `*saw_high` is set to 1 when a byte of 0x80 or more lies before it (it may also be set by one after it in
/// the same sixteen). Reads only inside `bytes[0..<count]`: the last sixteen are read overlapping those
/// before them, eight to fifteen as two overlapping eights, fewer one at a time.
static inline size_t ua_first_special(const uint8_t *bytes, size_t count, size_t start, int *saw_high) {
    if (start >= count) return start;  // as the Swift scan: nothing to read (and `count - index` stays positive)
    size_t index = start;
    unsigned high = 0;
    while (index + 16 <= count) {
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + index));
        unsigned found = ua_special_bits(block);
        high |= (unsigned)_mm_movemask_epi8(block);
        if (found != 0) {
            if (high != 0) *saw_high = 1;
            return index + (size_t)__builtin_ctz(found);
        }
        index += 16;
    }
    if (high != 0) *saw_high = 1;
    if (index < count && count >= 16) {
        // The last sixteen bytes, those already scanned masked off.
        size_t last = count - 16;
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + last));
        unsigned fresh = ~0u << (unsigned)(index - last);
        unsigned found = ua_special_bits(block) & fresh & 0xFFFFu;
        unsigned tail_high = (unsigned)_mm_movemask_epi8(block) & fresh & 0xFFFFu;
        if (found != 0) {
            unsigned position = (unsigned)__builtin_ctz(found);
            if (tail_high & ((1u << position) - 1u)) *saw_high = 1;
            return last + position;
        }
        if (tail_high != 0) *saw_high = 1;
        return count;
    }
    if (count - index >= 8) {
        // Eight to fifteen bytes left: the first eight and the last eight (overlapping), as one block.
        size_t last = count - 8;
        __m128i block = _mm_unpacklo_epi64(
            _mm_loadl_epi64((const __m128i *)(bytes + index)), _mm_loadl_epi64((const __m128i *)(bytes + last)));
        unsigned found = ua_special_bits(block);
        if (_mm_movemask_epi8(block) != 0) *saw_high = 1;
        if (found & 0xFFu) return index + (size_t)__builtin_ctz(found);
        if (found != 0) return last + (size_t)__builtin_ctz(found >> 8);
        return count;
    }
    for (; index < count; index++) {
        uint8_t byte = bytes[index];
        if (byte == '"' || byte == '\\' || byte < 0x20) return index;
        if (byte >= 0x80) *saw_high = 1;
    }
    return index;
}
#endif

/// Asks the processor to bring the cache line at `address` in, for a read soon (no fault if it is not mapped).
static inline void ua_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
