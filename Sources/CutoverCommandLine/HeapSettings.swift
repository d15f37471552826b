#if canImport(CMalloc)
  import CMalloc
#endif

/// The allocator settings every cutover process runs with.
enum HeapSettings {
  /// Blocks of 128 KiB and more (COPY staging, zstd and libpq buffers) are mapped on their
  /// own and returned to the system when freed.
  ///
  /// glibc raises its mapping threshold each time such a block is freed, after which big
  /// blocks come from the heap and fragment it: the export's peak RSS then crept with the
  /// data (56 → 65 MB from 0.25 to 4 GB, `bench/scaling`); with the threshold fixed it stays
  /// flat (52 MB at 0.46 and at 2 GB). Setting it also turns the moving threshold off.
  static func apply() {
    #if canImport(CMalloc)
      _ = mallopt(M_MMAP_THRESHOLD, 128 << 10)
    #endif
  }
}
