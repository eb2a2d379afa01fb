// Compare a GPU result with a reference under explicit tolerances: |a − e| ≤ atol + rtol·|e|.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface Comparison {
  ok: boolean;
  maxAbsErr: number;
  /** max |a−e| / (atol + rtol·|e|): ≤ 1 means within tolerance. */
  worstRatio: number;
  worstIndex: number;
  count: number;
  message: string;
}

export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Comparison {
  if (actual.length !== expected.length) {
    return {
      ok: false,
      maxAbsErr: Number.POSITIVE_INFINITY,
      worstRatio: Number.POSITIVE_INFINITY,
      worstIndex: -1,
      count: actual.length,
      message: `length mismatch: got ${actual.length}, expected ${expected.length}`,
    };
  }
  let maxAbsErr = 0;
  let worstRatio = 0;
  let worstIndex = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e);
    const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / (tol.atol + tol.rtol * Math.abs(e));
    if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  const ok = worstRatio <= 1;
  const message = ok
    ? `max |err| ${maxAbsErr.toExponential(2)} (atol ${tol.atol}, rtol ${tol.rtol})`
    : `at [${worstIndex}]: got ${actual[worstIndex]}, expected ${expected[worstIndex]} (max |err| ${maxAbsErr.toExponential(2)}, atol ${tol.atol}, rtol ${tol.rtol})`;
  return { ok, maxAbsErr, worstRatio, worstIndex, count: actual.length, message };
}
