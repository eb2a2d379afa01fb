// The matmul shapes every benchmark times (browser bench, autotuner, bench:device): kept apart from
// matmul-bench.ts so that Node code can use them without loading the browser-only peers.
export interface CaseSpec {
  name: string;
  group: 'train' | 'square';
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
}

/**
 * The products a linear layer y = x·Wᵀ (src/engine/ops.ts linear) runs, with x (N, Cin), W (Cout, Cin):
 * forward A·Bᵀ (M = N tokens, N = Cout, K = Cin), input grad dX = dY·W, A·B (M = N tokens, N = Cin,
 * K = Cout), weight grad dW = dYᵀ·X, Aᵀ·B (M = Cout, N = Cin, K = N tokens).
 * Models: the bench's SMALL CLIP (width 32, mlpRatio 2, B = 32 → 32·17 = 544 vision tokens, patch dim 192),
 * the app's default 'tiny' (width 64, mlpRatio 4, B = 64 → 1088 tokens), and a width-256 variant.
 */
const linearCases = (tag: string, tokens: number, cin: number, cout: number): CaseSpec[] => [
  { name: `${tag} fwd`, group: 'train', M: tokens, N: cout, K: cin, transB: true },
  { name: `${tag} dX`, group: 'train', M: tokens, N: cin, K: cout },
  { name: `${tag} dW`, group: 'train', M: cout, N: cin, K: tokens, transA: true },
];

export const TRAIN_CASES: CaseSpec[] = [
  ...linearCases('small qkv', 544, 32, 96),
  ...linearCases('small mlp.fc', 544, 32, 64),
  ...linearCases('small patch', 512, 192, 32),
  ...linearCases('tiny mlp.fc', 1088, 64, 256),
  ...linearCases('tiny mlp.proj', 1088, 256, 64),
  ...linearCases('w256 qkv', 1088, 256, 768),
];

export const SQUARE_CASES: CaseSpec[] = [64, 128, 256, 512, 1024, 2048].map((n) => ({ name: `square ${n}`, group: 'square', M: n, N: n, K: n }));

