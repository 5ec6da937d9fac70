/**
 * Which teacher layer a student layer learns from. TinyBERT (Jiao et al. 2020, arXiv:1909.10351,
 * §3.1) maps uniformly: with Ls student and Lt teacher layers, student layer i learns from teacher
 * layer i·(Lt / Ls), and the embeddings from the embeddings (0 ↔ 0). Indices are hidden-state
 * indices as `forward(…, { outputHiddenStates })` returns them: 0 = embeddings, i = output of
 * layer i; the attention probabilities of layer i are `attentions[i − 1]`.
 */

export interface LayerPair {
  /** Student hidden-state index (0 = embeddings). */
  student: number;
  /** Teacher hidden-state index it is compared with. */
  teacher: number;
}

/**
 * The uniform map, pairs for student indices 0..Ls. No rounding: a teacher depth that is not a
 * multiple of the student's would leave the map a choice, so it is an error and the caller
 * passes explicit pairs instead (every distillation context accepts them).
 */
export function layerMap(studentLayers: number, teacherLayers: number): LayerPair[] {
  for (const [what, n] of [["student", studentLayers], ["teacher", teacherLayers]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`layerMap: ${what} layers must be a positive integer, got ${n}`);
  }
  if (studentLayers > teacherLayers) {
    throw new Error(`layerMap: the student has more layers (${studentLayers}) than the teacher (${teacherLayers}); a uniform map needs Ls ≤ Lt`);
  }
  if (teacherLayers % studentLayers !== 0) {
    throw new Error(`layerMap: teacher layers (${teacherLayers}) are not a multiple of student layers (${studentLayers}); pass explicit layer pairs instead`);
  }
  const step = teacherLayers / studentLayers;
  return Array.from({ length: studentLayers + 1 }, (_, i) => ({ student: i, teacher: i * step }));
}
