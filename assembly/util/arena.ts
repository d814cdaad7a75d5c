// util/arena.ts: the bump allocator under every pool. It owns the top of linear memory.
// Entry:     arenaAlloc(size): usize (0 when memory cannot grow), arenaUsed()
// Owns:      [__heap_base, arenaTop). Memory is never returned: pools recycle their own blocks.
// Why not heap.alloc: the stub runtime traps when memory.grow fails; a pool must instead report
// exhaustion as a Status (STYLE §5), so growth failures are visible here as 0.

let arenaTop: usize = 0;

// @ts-ignore: decorator
@inline const ALIGN: usize = 16;

export function arenaAlloc(size: usize): usize {
  if (arenaTop == 0) arenaTop = (__heap_base + ALIGN - 1) & ~(ALIGN - 1);
  const ptr = arenaTop;
  const end = (ptr + size + ALIGN - 1) & ~(ALIGN - 1);
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    // grow by at least 1/8 of current memory to keep the number of grows (which detach host views) low
    const minPages = <i32>(memory.size() >> 3);
    if (memory.grow(max(pages, minPages)) < 0 && memory.grow(pages) < 0) return 0;
  }
  arenaTop = end;
  return ptr;
}

/** Bytes handed out so far (engine memory, excluding the wasm data segment and stack). */
export function arenaUsed(): usize {
  return arenaTop == 0 ? 0 : arenaTop - __heap_base;
}
