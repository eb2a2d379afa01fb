// A view into a GPU buffer: the unit every kernel launcher takes.
// Offsets are in bytes and multiples of BINDING_ALIGN so any tensor can be bound directly
// (minStorageBufferOffsetAlignment is 256 on every adapter we know of).

export type DType = 'f32' | 'i32' | 'u32';

export const BINDING_ALIGN = 256;
/** Elements (4-byte) per binding-alignment unit. */
export const ALIGN_ELEMS = BINDING_ALIGN / 4;

export interface Tensor {
  readonly buffer: GPUBuffer;
  /** Byte offset into `buffer`, a multiple of BINDING_ALIGN. */
  readonly offset: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly label?: string;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function byteSize(t: Tensor): number {
  return numel(t.shape) * 4;
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Same memory, new shape (element count must match). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (numel(shape) !== numel(t.shape)) {
    throw new Error(`reshape ${t.label ?? ''}: [${t.shape}] has ${numel(t.shape)} elements, [${shape}] has ${numel(shape)}`);
  }
  return { ...t, shape };
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
