import type { FloatArray } from "./backend.js";

const PAGE = 65536;

/**
 * The WebAssembly backend's linear memory and its allocator (a bump pointer: blocks are never
 * freed; a backend's buffers live as long as the backend).
 *
 * Views handed out must stay valid for the backend's life. Growing a non-shared
 * WebAssembly.Memory detaches its ArrayBuffer (every view on it becomes empty), so:
 * - shared memory (SharedArrayBuffer: Node, cross-origin isolated pages) grows on demand; growth
 *   never detaches a SharedArrayBuffer, old views keep working on the old (shorter) buffer object;
 * - non-shared memory is reserved in full when the backend is created and is never grown.
 */
export class WasmHeap {
  private top: number;
  /** Every buffer object a view was made on: identifies arrays that live in this memory. */
  private readonly known = new WeakSet<ArrayBufferLike>();

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly shared: boolean,
    base: number,
    /** Largest address + 1 that may be used (bytes). */
    private readonly limit: number,
  ) {
    this.top = base;
  }

  /** Bytes handed out so far, including the module's static data. */
  get used(): number {
    return this.top;
  }

  /** Byte address of a new 64-byte aligned block, or -1 when the memory is exhausted. */
  tryAlloc(bytes: number): number {
    // float arithmetic, not `(top + 63) & ~63`: bitwise operators are 32-bit signed, and above
    // 2 GiB they made the address (and the "bytes in use" of the out-of-memory message) negative
    const p = Math.ceil(this.top / 64) * 64;
    const end = p + Math.max(bytes, 0);
    if (end > this.limit) return -1;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      if (!this.shared) return -1;
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        return -1;
      }
    }
    this.top = end;
    return p;
  }

  /** A float32 view of n elements at byte address ptr. */
  f32(ptr: number, n: number): Float32Array {
    const buf = this.memory.buffer;
    this.known.add(buf);
    return new Float32Array(buf, ptr, n);
  }

  /** A float64 view of n elements at byte address ptr (8-byte aligned), for kernel results. */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, n);
  }

  /** An int32 view of n elements at byte address ptr (4-byte aligned), for kernel results. */
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** Byte address of x in this memory, or -1 when x lives elsewhere (or is not float32). */
  addressOf(x: FloatArray): number {
    if (!(x instanceof Float32Array)) return -1;
    if (x.buffer !== this.memory.buffer && !this.known.has(x.buffer)) return -1;
    return x.byteOffset;
  }
}
