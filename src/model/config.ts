// Model configuration: typed defaults + JSON presets holding only differences (open_clip style).

export type Component = 'attn' | 'mlp' | 'ln';
export const COMPONENTS: readonly Component[] = ['attn', 'mlp', 'ln'];

export type VisionStem = 'patch' | 'conv' | 'conv-plus-layer0';
export const VISION_STEMS: readonly VisionStem[] = ['patch', 'conv', 'conv-plus-layer0'];

export interface VisionConfig {
  imageSize: number;
  patchSize: number;
  width: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  /** Pooling of the final tokens: the CLS token (CLIP) or the mean of ALL final tokens, CLS included (our option; the kernel, the reference and the probe agree). */
  pool: 'cls' | 'mean';
  /**
   * Input stem: 'patch' = CLIP's linear patch embedding; 'conv' = MS-CLIP's Early Specialization as released
   * (a residual conv stem with BatchNorm, total stride = patchSize, that IS vision layer 0: the tower then has
   * depth − 1 transformer blocks, numbered 1..depth−1); 'conv-plus-layer0' = ours: the same stem replacing only
   * the patch embedding, followed by all `depth` blocks. See src/model/stem.ts. Default (and when absent) 'patch'.
   */
  stem?: VisionStem;
  /**
   * MS-CLIP's Efficient Parallel Branch: a small CNN on the raw image whose stage maps are fused into the
   * token stream before every other shared layer (see src/model/branch.ts). Default (and when absent) false.
   */
  parallelBranch?: boolean;
}

export interface TextConfig {
  contextLength: number;
  /** Set from the tokenizer when a dataset is attached. */
  vocabSize: number;
  width: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  causal: boolean;
}

export type SharingPreset =
  | 'separate'
  | 'shared-all'
  | 'shared-except-ln'
  | 'shared-attn'
  | 'shared-mlp'
  | 'separate-first-k'
  | 'separate-last-k'
  | 'ms-clip'
  | 'custom';

export const SHARING_PRESETS: readonly SharingPreset[] = [
  'separate',
  'shared-all',
  'shared-except-ln',
  'shared-attn',
  'shared-mlp',
  'separate-first-k',
  'separate-last-k',
  'ms-clip',
  'custom',
];

export interface SharingSpec {
  preset: SharingPreset;
  /** For separate-first-k / separate-last-k: number of modality-specific layers. */
  k?: number;
  /** For custom: layers × {attn, mlp, ln}; true = shared between the towers. */
  matrix?: { attn: boolean; mlp: boolean; ln: boolean }[];
  /** Share the final LayerNorm (vision ln_post / text ln_final). Only shared-all sets it by default. */
  finalLn?: boolean;
}

export type LossKind = 'infonce' | 'siglip';

/**
 * Teacher mode (LLM2CLIP): the text side is a frozen table of caption embeddings (N_captions, dim) from a
 * pretrained encoder, mapped into the joint space by a trainable adapter (see src/model/teacher.ts); the
 * text tower is absent from the arena and only the vision tower, the adapter and the loss parameters train.
 */
export interface TeacherConfig {
  /** Width of the frozen features. */
  dim: number;
  /**
   * 'linear': W·f + b; 'mlp': linear → GELU → linear; 'residual': LLM2CLIP's published adapter — `blocks`
   * residual MLP blocks x ← x + Linear(GELU(Linear(LN(x)))) at the feature width, then LN + Linear into the joint space.
   */
  adapter: 'linear' | 'mlp' | 'residual';
  /** Hidden width of the MLP / residual blocks (default 4 × embedDim). */
  hidden?: number;
  /** Residual adapter: number of residual MLP blocks (default 4, as LLM2CLIP). */
  blocks?: number;
  /** Where the features came from (the UI's label, the cache key, the dataset they were made for). */
  source?: TeacherSource;
  /**
   * Where the vision tower starts (LLM2CLIP fine-tunes a pretrained encoder); absent = from scratch. Taken: every
   * vision.* parameter (patch linear or conv stem, CLS, positions, ln_pre, vision blocks, ln_final, vision.proj)
   * and the stem's BatchNorm running stats; the adapter, logit scale (and bias) and AdamW moments start fresh.
   * The run's `vision` and `embedDim` are the checkpoint's (the UI copies them; src/train/teacher-vision.ts
   * refuses any tensor whose shape differs, naming it and both shapes).
   */
  vision?: TeacherVisionSource;
}

/** A teacher run's pretrained vision tower: a checkpoint (ShareLab's or the PyTorch twin's, same safetensors layout). */
export interface TeacherVisionSource {
  /** 'run': a finished run of this session (its stored final checkpoint); 'file': a .safetensors the user opened. */
  from: 'run' | 'file';
  /** The run's label or the file's name. */
  name: string;
  /** SHA-256 of the tensors taken (names, shapes, values): the in-memory / browser-storage key. */
  key: string;
  /** The checkpoint's step. */
  step: number;
}

export interface TeacherSource {
  /** The uploaded file (the .onnx, or the .npy / .json table). */
  file: string;
  kind: 'onnx' | 'npy' | 'json';
  /** Content hash of the frozen table (the cache key): SHA-256 of the teacher file(s) and the dataset's captions. */
  key: string;
  /** SHA-256 of the dataset's captions in row order (src/data/caption-order.ts). */
  captions: string;
  rows: number;
  /** The onnxruntime-web execution provider that computed the table (ONNX teachers). */
  ep?: string;
}

export interface ClipConfig {
  name: string;
  vision: VisionConfig;
  text: TextConfig;
  embedDim: number;
  sharing: SharingSpec;
  loss: LossKind;
  /** Set: the text side is a frozen teacher + adapter instead of a text tower (config.text is then unused). */
  teacher?: TeacherConfig;
}

export const DEFAULT_CONFIG: ClipConfig = {
  name: 'tiny',
  vision: { imageSize: 32, patchSize: 8, width: 64, depth: 4, heads: 4, mlpRatio: 4, pool: 'cls', stem: 'patch' },
  text: { contextLength: 16, vocabSize: 512, width: 64, depth: 4, heads: 4, mlpRatio: 4, causal: true },
  embedDim: 64,
  sharing: { preset: 'separate' },
  loss: 'infonce',
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Defaults overlaid with a partial config (only plain objects merge; arrays replace). */
export function withDefaults(partial: DeepPartial<ClipConfig>, base: ClipConfig = DEFAULT_CONFIG): ClipConfig {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === undefined) return structuredClone(a);
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b)) out[k] = merge((a as Record<string, unknown>)[k], v);
      return out;
    }
    return structuredClone(b);
  };
  return merge(base, partial) as ClipConfig;
}

/**
 * Index of the first vision transformer block: 1 when the conv stem is layer 0 (MS-CLIP as released), else 0.
 * Vision blocks are named by their layer index, so vision block l lines up with text block l for sharing.
 */
export const firstVisionBlock = (v: VisionConfig): number => (v.stem === 'conv' ? 1 : 0);

export function numPatches(v: VisionConfig): number {
  return (v.imageSize / v.patchSize) ** 2;
}
