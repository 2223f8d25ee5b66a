import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

/** An IDX array of unsigned bytes (the only IDX type MNIST-like datasets use). */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** What the caller expects, checked against the header: rank and, optionally, the trailing dims. */
export interface IdxExpectation {
  readonly rank?: number;
  readonly itemShape?: readonly number[];
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/**
 * Parses an IDX file's bytes (already gunzipped). The header is a 4-byte magic number
 * 0x00 0x00 <type> <rank>, then <rank> big-endian uint32 dimensions, then the data.
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: IdxExpectation = {}): IdxArray {
  const fail = (problem: string): never => {
    throw new DataError('idx-format', file, problem);
  };
  if (bytes.length < 4) fail(`too short for an IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const [zero0, zero1, type, rank] = bytes;
  if (zero0 !== 0 || zero1 !== 0 || rank === 0) {
    fail(`wrong magic number 0x${hex(magic)}: expected 0x000008NN (IDX unsigned-byte array of rank NN)`);
  }
  if (type !== UNSIGNED_BYTE) {
    fail(`IDX data type 0x${type.toString(16).padStart(2, '0')} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported: expected 0x08 (unsigned byte)`);
  }
  if (expect.rank !== undefined && rank !== expect.rank) fail(`has ${rank} dimensions, expected ${expect.rank}`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) fail(`truncated header: rank ${rank} needs ${headerLength} bytes, file has ${bytes.length}`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  if (dims.includes(0)) fail(`has an empty dimension (${dims.join('x')})`);
  if (expect.itemShape) {
    const itemDims = dims.slice(1);
    if (itemDims.join('x') !== expect.itemShape.join('x')) fail(`items are ${itemDims.join('x')}, expected ${expect.itemShape.join('x')}`);
  }
  const dataLength = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual < dataLength) fail(`truncated: header says ${dims.join('x')} = ${dataLength} data bytes, file has ${actual}`);
  if (actual > dataLength) fail(`${actual - dataLength} trailing bytes after the ${dims.join('x')} data`);
  return { dims, data: bytes.subarray(headerLength) };
}

/** Reads a raw or gzip-compressed IDX file (gzip is detected from its magic bytes, not the name). */
export async function readIdxFile(file: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError('file-not-found', file, `cannot read: ${(error as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataError('gzip', file, `corrupt gzip stream: ${(error as Error).message}`);
    }
  }
  return parseIdx(bytes, file, expect);
}

/** Serialises an unsigned-byte IDX array (for tests and for exporting subsets). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const dataLength = array.dims.reduce((a, b) => a * b, 1);
  if (dataLength !== array.data.length) throw new RangeError(`IDX dims ${array.dims.join('x')} need ${dataLength} bytes, got ${array.data.length}`);
  const headerLength = 4 + 4 * array.dims.length;
  const bytes = new Uint8Array(headerLength + array.data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (UNSIGNED_BYTE << 8) | array.dims.length);
  array.dims.forEach((dim, i) => view.setUint32(4 + 4 * i, dim));
  bytes.set(array.data, headerLength);
  return bytes;
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
