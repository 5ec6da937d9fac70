/**
 * lib/model/safetensors.ts: decoding every dtype Hugging Face writes (from a file the python
 * `safetensors` package wrote, test/fixtures/safetensors, and from hand-built bytes for the
 * special values), metadata round trips, the 8-byte-aligned header, and corrupt-file errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { NamedArray, float32ToFloat16, parseSafetensors, serializeSafetensors } from "../../lib/model/safetensors";

const FIXTURES = path.join(__dirname, "..", "fixtures", "safetensors");

/** A safetensors file from header entries and one data section (no alignment padding, as some writers do). */
function fileBytes(entries: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>, data: Buffer): Buffer {
  const header = Buffer.from(JSON.stringify(entries), "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, header, data]);
}

/** One tensor of `dtype` whose little-endian elements are written by `put`. */
function oneTensor(dtype: string, width: number, count: number, put: (buf: Buffer, i: number) => void): Buffer {
  const data = Buffer.alloc(width * count);
  for (let i = 0; i < count; i++) put(data, i);
  return fileBytes({ t: { dtype, shape: [count], data_offsets: [0, data.length] } }, data);
}

const decoded = (bytes: Buffer) => parseSafetensors(bytes, "test.safetensors").tensors.get("t")!;

test("decodes every dtype of a file written by the python safetensors package", () => {
  const file = path.join(FIXTURES, "dtypes.safetensors");
  const expected: { metadata: Record<string, string>; tensors: Record<string, { shape: number[]; values: number[] }> } = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, "dtypes.json"), "utf8"),
  );
  const { tensors, metadata } = parseSafetensors(fs.readFileSync(file), file);
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected.tensors).sort());
  for (const [name, { shape, values }] of Object.entries(expected.tensors)) {
    const t = tensors.get(name)!;
    const floating = name.startsWith("f") || name.startsWith("bf");
    assert.equal(t.dtype, floating ? "float32" : "int32", `${name}: dtype`);
    assert.ok(t.data instanceof (floating ? Float32Array : Int32Array), `${name}: array type`);
    assert.deepEqual(t.shape, shape, `${name}: shape`);
    // Values compare with Object.is, so -0 must stay -0.
    assert.deepEqual([...t.data], values.map((v) => (floating ? Math.fround(v) : v)), `${name}: values`);
  }
});

const F16_CASES: [bits: number, value: number][] = [
  [0x0000, 0],
  [0x8000, -0],
  [0x3c00, 1],
  [0xc000, -2],
  [0x3555, 0.333251953125],
  [0x7bff, 65504], // largest normal
  [0x0400, 2 ** -14], // smallest normal
  [0x0001, 2 ** -24], // smallest subnormal
  [0x83ff, -(1023 / 1024) * 2 ** -14], // largest negative subnormal
  [0x7c00, Infinity],
  [0xfc00, -Infinity],
  [0x7e00, NaN],
];

test("F16: normals, subnormals, signed zeros, infinities and NaN", () => {
  const t = decoded(oneTensor("F16", 2, F16_CASES.length, (buf, i) => buf.writeUInt16LE(F16_CASES[i][0], 2 * i)));
  assert.equal(t.dtype, "float32");
  F16_CASES.forEach(([bits, value], i) => assert.equal(t.data[i], value, `0x${bits.toString(16)}`));
});

test("F16 writing: every special value encodes to its bits, rounding is to nearest even, overflow is Infinity", () => {
  for (const [bits, value] of F16_CASES) assert.equal(float32ToFloat16(value), bits, `${value} → 0x${bits.toString(16)}`);
  assert.equal(float32ToFloat16(1 + 2 ** -11), 0x3c00, "halfway between 1 and its successor rounds to even (down)");
  assert.equal(float32ToFloat16(1 + 3 * 2 ** -11), 0x3c02, "halfway above an odd mantissa rounds up");
  assert.equal(float32ToFloat16(65520), 0x7c00, "past the largest half rounds to Infinity");
  assert.equal(float32ToFloat16(2 ** -26), 0x0000, "below half the smallest subnormal flushes to zero");
  const values = Float32Array.from([0.1, -3.75, 1e-5, 2048.5, 0.333]);
  const back = parseSafetensors(serializeSafetensors(new Map([["w", { dtype: "float16", shape: [5], data: values }]])), "f16").tensors.get("w")!;
  assert.equal(back.dtype, "float32");
  values.forEach((v, i) => assert.ok(Math.abs(back.data[i] - v) <= Math.abs(v) * 2 ** -11 + 2 ** -25, `${v} came back as ${back.data[i]}`));
});

const BF16_CASES: [bits: number, value: number][] = [
  [0x0000, 0],
  [0x8000, -0],
  [0x3f80, 1],
  [0xbf80, -1], // sign bit set: the high half of a negative float32
  [0x4049, 3.140625],
  [0x7f7f, 3.3895313892515355e38], // largest finite
  [0x0001, 9.183549615799121e-41], // smallest subnormal
  [0x7f80, Infinity],
  [0xff80, -Infinity],
  [0x7fc0, NaN],
];

test("BF16: the high half of a float32, sign and specials included", () => {
  const t = decoded(oneTensor("BF16", 2, BF16_CASES.length, (buf, i) => buf.writeUInt16LE(BF16_CASES[i][0], 2 * i)));
  BF16_CASES.forEach(([bits, value], i) => assert.equal(t.data[i], value, `0x${bits.toString(16)}`));
});

test("I64 decodes to int32 values (token ids, position ids), negatives included", () => {
  const values = [0n, 1n, -1n, 30521n, 2147483647n, -2147483648n];
  const t = decoded(oneTensor("I64", 8, values.length, (buf, i) => buf.writeBigInt64LE(values[i], 8 * i)));
  assert.equal(t.dtype, "int32");
  assert.deepEqual([...t.data], values.map(Number));
});

test("F64, I32, I16, I8, U8 and BOOL decode from hand-built bytes", () => {
  const cases: { dtype: string; width: number; values: number[]; put: (b: Buffer, v: number, at: number) => void; expect?: number[] }[] = [
    { dtype: "F64", width: 8, values: [0.5, -1e-3], put: (b, v, at) => b.writeDoubleLE(v, at), expect: [0.5, Math.fround(-1e-3)] },
    { dtype: "I32", width: 4, values: [-5, 2147483647], put: (b, v, at) => b.writeInt32LE(v, at) },
    { dtype: "I16", width: 2, values: [-300, 300], put: (b, v, at) => b.writeInt16LE(v, at) },
    { dtype: "I8", width: 1, values: [-1, 100], put: (b, v, at) => b.writeInt8(v, at) },
    { dtype: "U8", width: 1, values: [200, 0], put: (b, v, at) => b.writeUInt8(v, at) },
    { dtype: "BOOL", width: 1, values: [1, 0], put: (b, v, at) => b.writeUInt8(v, at) },
  ];
  for (const { dtype, width, values, put, expect } of cases) {
    const t = decoded(oneTensor(dtype, width, values.length, (buf, i) => put(buf, values[i], width * i)));
    assert.deepEqual([...t.data], expect ?? values, dtype);
  }
});

function sampleTensors(): Map<string, NamedArray> {
  return new Map<string, NamedArray>([
    ["encoder.weight", { dtype: "float32", shape: [2, 3], data: Float32Array.from([1.5, -0, 3e-39, -7, Infinity, 0.1]) }],
    ["ids", { dtype: "int32", shape: [4], data: Int32Array.from([0, -1, 2147483647, -2147483648]) }],
    ["scalar", { dtype: "float32", shape: [], data: Float32Array.from([42]) }],
  ]);
}

for (const metadata of [{}, { format: "pt" }, { format: "pt", note: "ünïcode ✓", empty: "" }] as Record<string, string>[]) {
  test(`serialize → parse round trip with metadata ${JSON.stringify(metadata)}`, () => {
    const bytes = serializeSafetensors(sampleTensors(), metadata);
    const parsed = parseSafetensors(bytes);
    assert.deepEqual(parsed.metadata, metadata);
    assert.deepEqual(parsed.tensors, sampleTensors());
    assert.ok(serializeSafetensors(parsed.tensors, parsed.metadata).equals(bytes), "serialize(parse(bytes)) = bytes");
  });
}

test("the header is padded with spaces so the data starts 8-byte aligned", () => {
  for (let nameLength = 1; nameLength <= 16; nameLength++) {
    const tensors = new Map<string, NamedArray>([["x".repeat(nameLength), { dtype: "float32", shape: [1], data: Float32Array.from([1]) }]]);
    const bytes = serializeSafetensors(tensors, nameLength % 2 ? { format: "pt" } : {});
    const headerLength = Number(bytes.readBigUInt64LE(0));
    assert.equal(headerLength % 8, 0, `header length ${headerLength} with a ${nameLength}-character name`);
    assert.equal(bytes.length, 8 + headerLength + 4);
    const header = bytes.subarray(8, 8 + headerLength).toString("utf8");
    const json = JSON.stringify(JSON.parse(header));
    assert.equal(header, json + " ".repeat(headerLength - json.length), "only trailing spaces pad the header");
  }
  // The python writer aligns its files the same way.
  const written = fs.readFileSync(path.join(FIXTURES, "dtypes.safetensors"));
  assert.equal(Number(written.readBigUInt64LE(0)) % 8, 0);
});

test("tensors are stored by name, contiguously, in little-endian order", () => {
  const bytes = serializeSafetensors(sampleTensors());
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8"));
  assert.deepEqual(Object.keys(header), ["encoder.weight", "ids", "scalar"]);
  assert.deepEqual(header.ids, { dtype: "I32", shape: [4], data_offsets: [24, 40] });
  assert.equal(bytes.readFloatLE(8 + headerLength), 1.5);
  assert.equal(bytes.readInt32LE(8 + headerLength + 24 + 12), -2147483648);
});

const valid = serializeSafetensors(sampleTensors(), { format: "pt" });
const CORRUPT: [problem: string, bytes: Buffer, message: RegExp][] = [
  ["of fewer than 8 bytes", valid.subarray(0, 5), /too short to be a safetensors file \(5 bytes\)/],
  ["cut inside the header", valid.subarray(0, 40), /header length \d+ exceeds the file size; the file is truncated/],
  ["cut inside the data", valid.subarray(0, valid.length - 3), /tensor scalar \(F32 \[\]\) has offsets \[40, 44\] that do not fit; the file is corrupt/],
  ["whose header is not JSON", fileBytes({}, Buffer.alloc(0)).fill(0x7b, 8), /header is not valid JSON/],
  ["with an unknown dtype", fileBytes({ t: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, Buffer.alloc(1)), /tensor t has unsupported dtype F8_E4M3/],
  ["whose offsets disagree with its shape", fileBytes({ t: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, Buffer.alloc(8)), /tensor t \(F32 \[3\]\) has offsets \[0, 8\]/],
];

for (const [problem, bytes, message] of CORRUPT) {
  test(`parse rejects a file ${problem}, naming the file`, () => {
    assert.throws(() => parseSafetensors(bytes, "/models/x/model.safetensors"), (err: unknown) => {
      const text = (err as Error).message;
      assert.ok(text.startsWith("/models/x/model.safetensors: "), text);
      assert.match(text, message);
      return true;
    });
  });
}

test("serialize refuses data that does not fill the shape", () => {
  const tensors = new Map<string, NamedArray>([["w", { dtype: "float32", shape: [2, 2], data: new Float32Array(3) }]]);
  assert.throws(() => serializeSafetensors(tensors), /tensor w: shape \[2,2\] holds 4 values but data has 3/);
});
