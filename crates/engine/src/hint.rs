//! Memory prefetch hints: the kernel names data it will read a little later (a key's row, the
//! next arrival's Zipf column) so the cache miss overlaps other work. A hint never changes a
//! result; off x86_64 (WebAssembly included) it does nothing.

/// Asks the CPU to bring `slice[i]` into its caches; out-of-range indices are ignored.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], i: usize) {
    if let Some(item) = slice.get(i) {
        #[cfg(target_arch = "x86_64")]
        {
            let p = item as *const T as *const i8;
            // SAFETY: SSE is part of the x86_64 baseline, and a prefetch is only a hint: it never
            // faults and reads or writes no memory visibly (`p` points into `slice` anyway).
            unsafe { core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p) };
        }
        // WebAssembly has no prefetch instruction; a load whose value nobody waits for does the
        // same on an out-of-order CPU. It must be volatile, or the compiler drops it.
        #[cfg(target_arch = "wasm32")]
        // SAFETY: `item` is a valid reference, so reading one byte of it is sound.
        let _ = unsafe { core::ptr::read_volatile(item as *const T as *const u8) };
        #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
        let _ = item;
    }
}
