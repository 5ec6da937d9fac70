/**
 * How sparse a set of masks is: per matrix, per layer, per matrix type and overall. Sparsity is
 * the share of prunable weights a mask zeroes — of the prunable set only, as BERT-Tickets reports
 * it (embeddings and heads are never counted).
 */
import { MatrixRole, MatrixType, Masks, matrixRole } from "./masks";

export interface SparsityCount {
  /** Weights in the group. */
  total: number;
  /** Of them, pruned (0 in the mask). */
  zeros: number;
  /** zeros / total. */
  sparsity: number;
}

export interface SparsityReport {
  matrices: (SparsityCount & MatrixRole & { name: string })[];
  /** Encoder layers in order, then "pooler" if present. */
  layers: (SparsityCount & { layer: number | "pooler" })[];
  /** In the order of MatrixType. */
  types: (SparsityCount & { type: MatrixType })[];
  overall: SparsityCount;
}

const TYPE_ORDER: MatrixType[] = ["query", "key", "value", "attention.output", "intermediate", "output", "pooler"];

function count(total: number, zeros: number): SparsityCount {
  return { total, zeros, sparsity: total ? zeros / total : 0 };
}

/** Entries equal to 0 (pruned entries of a mask's values). */
export function countZeros(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}

function grouped<K>(matrices: SparsityReport["matrices"], key: (m: SparsityReport["matrices"][number]) => K, order: K[]): [K, SparsityCount][] {
  return order.flatMap((k) => {
    const members = matrices.filter((m) => key(m) === k);
    if (!members.length) return [];
    return [[k, count(members.reduce((n, m) => n + m.total, 0), members.reduce((n, m) => n + m.zeros, 0))] as [K, SparsityCount]];
  });
}

export function sparsityReport(masks: Masks): SparsityReport {
  const matrices = [...masks].map(([name, mask]) => {
    const role = matrixRole(name);
    if (!role) throw new Error(`mask for ${name}: not a prunable weight`);
    return { name, ...role, ...count(mask.size, countZeros(mask.dataSync())) };
  });
  const layerOrder = [...new Set(matrices.map((m) => m.layer))].sort((a, b) => (a === "pooler" ? 1 : b === "pooler" ? -1 : a - b));
  return {
    matrices,
    layers: grouped(matrices, (m) => m.layer, layerOrder).map(([layer, c]) => ({ layer, ...c })),
    types: grouped(matrices, (m) => m.type, TYPE_ORDER).map(([type, c]) => ({ type, ...c })),
    overall: count(matrices.reduce((n, m) => n + m.total, 0), matrices.reduce((n, m) => n + m.zeros, 0)),
  };
}
