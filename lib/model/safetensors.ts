/**
 * The safetensors file format (huggingface/safetensors): an 8-byte little-endian header length,
 * a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`,
 * then the raw little-endian tensor bytes. Reads every dtype Hugging Face writes for encoders
 * (F32, F16, BF16, F64 → Float32Array; I64, I32, I16, I8, U8, BOOL → Int32Array); writes F32, F16 and I32.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface NamedArray {
  /** "float16" stores float values as IEEE half precision (half the bytes); reading widens them to float32. */
  dtype: "float32" | "float16" | "int32";
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

const ELEMENT_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Round-to-nearest-even float32 → IEEE half, with overflow to ±Infinity and gradual underflow. */
export function float32ToFloat16(value: number): number {
  F32[0] = value;
  const x = U32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    if (e < -10) return sign; // too small: ±0
    mant |= 0x800000; // subnormal: shift the implicit bit in
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent, which is right
  return sign | half;
}
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

const STORED: Record<NamedArray["dtype"], [string, number]> = { float32: ["F32", 4], float16: ["F16", 2], int32: ["I32", 4] };

function decode(dtype: string, bytes: Buffer, count: number, where: string): NamedArray["data"] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case "F64": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case "F16": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = float16ToFloat32(view.getUint16(i * 2, true));
      return out;
    }
    case "BF16": {
      const out = new Float32Array(count);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    case "I64": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) throw new Error(`${where}: I64 value ${v} does not fit in int32 (ids and masks always do)`);
        out[i] = Number(v);
      }
      return out;
    }
    case "I32":
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case "I16":
      return Int32Array.from({ length: count }, (_, i) => view.getInt16(i * 2, true));
    case "I8":
      return Int32Array.from({ length: count }, (_, i) => view.getInt8(i));
    case "U8":
    case "BOOL":
      return Int32Array.from({ length: count }, (_, i) => view.getUint8(i));
    default:
      throw new Error(`${where}: unsupported safetensors dtype ${dtype}`);
  }
}

/** Parses a safetensors buffer; `source` names the file in error messages. */
export function parseSafetensors(buf: Buffer, source = "safetensors buffer"): SafetensorsFile {
  if (buf.length < 8) throw new Error(`${source}: too short to be a safetensors file (${buf.length} bytes)`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen > buf.length - 8) throw new Error(`${source}: header length ${headerLen} exceeds the file size; the file is truncated or not safetensors`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString("utf8"));
  } catch (err) {
    throw new Error(`${source}: header is not valid JSON (${(err as Error).message}); the file is corrupt`);
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const count = shape.reduce((a, b) => a * b, 1);
    const width = ELEMENT_BYTES[dtype];
    if (!width) throw new Error(`${source}: tensor ${name} has unsupported dtype ${dtype}`);
    const [begin, end] = data_offsets;
    if (end - begin !== count * width || dataStart + end > buf.length) {
      throw new Error(`${source}: tensor ${name} (${dtype} ${JSON.stringify(shape)}) has offsets [${begin}, ${end}] that do not fit; the file is corrupt`);
    }
    const data = decode(dtype, buf.subarray(dataStart + begin, dataStart + end), count, `${source}: ${name}`);
    tensors.set(name, { dtype: data instanceof Float32Array ? "float32" : "int32", shape, data });
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsFile {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  return parseSafetensors(fs.readFileSync(file), file);
}

/** Serialises tensors (sorted by name, as Hugging Face does) with optional string metadata. */
export function serializeSafetensors(tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Buffer {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: shape ${JSON.stringify(t.shape)} holds ${count} values but data has ${t.data.length}`);
    const [dtype, width] = STORED[t.dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + count * width] };
    offset += count * width;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  // Pad with spaces so the data section starts 8-byte aligned (what the reference writer does).
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let pos = 8 + json.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    const width = STORED[t.dtype][1];
    const view = new DataView(out.buffer, out.byteOffset + pos, t.data.length * width);
    if (t.dtype === "float16") t.data.forEach((v, i) => view.setUint16(i * 2, float32ToFloat16(v), true));
    else if (t.data instanceof Float32Array) t.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    else t.data.forEach((v, i) => view.setInt32(i * 4, v, true));
    pos += t.data.length * width;
  }
  return out;
}

/** Writes atomically: a temporary file in the same folder, then rename. */
export function writeSafetensors(file: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, serializeSafetensors(tensors, metadata));
}

export function writeFileAtomic(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
