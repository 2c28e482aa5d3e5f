//! Memory prefetch hints: the kernel names data it will read a little later (a key's row, the
//! next arrival's Zipf column) so the cache miss overlaps other work. A hint never changes a
//! result; off x86_64 (WebAssembly included) it does nothing.

/// Whether [`prefetch`] does anything on this target, so that work done only to aim a hint (the
/// replay of the next arrival's draws) is skipped where there is none.
///
/// WebAssembly has no prefetch instruction. A load whose value nobody uses is no stand-in: the
/// CPU cannot retire it before the data arrives, so the miss is paid where the load is instead of
/// where the data is used. In V8 (Chromium 156) the stage-5 benchmark ran 1–7 % faster without
/// such loads and the replay that aims them (alternating runs).
pub(crate) const PREFETCHES: bool = cfg!(target_arch = "x86_64");

/// Asks the CPU to bring `slice[i]` into its caches; out-of-range indices are ignored.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(i) {
        let p = item as *const T as *const i8;
        // SAFETY: SSE is part of the x86_64 baseline, and a prefetch is only a hint: it never
        // faults and reads or writes no memory visibly (`p` points into `slice` anyway).
        unsafe { core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, i);
}
