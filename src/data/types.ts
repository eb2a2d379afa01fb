// The data layer's types: what a dataset is (the spec the UI chooses, the summary the worker posts)
// and the tensors the trainer and the evaluation read (batches, validation split). Lower layers than
// train/ own these, so data/ never imports from train/.

export interface DatasetSpec {
  /** 'builtin': generated shapes; 'upload': an upload cached in IndexedDB (src/data/ingest/cache.ts). */
  kind: 'builtin' | 'upload';
  /** Generator seed (built-in); train/val split seed (upload). */
  seed: number;
  /** Training images (val adds valCount + heldOutCount). Built-in only. */
  count: number;
  /** Validation images (an upload's val split takes at most n − 1). */
  valCount: number;
  heldOutCount: number;
  /** Image side; an upload must be cached at this size. */
  size: number;
  /** Content-hash id of the upload (kind 'upload'). */
  upload?: string;
  /** Tokenizer vocabulary (BPE trained on the training captions); default 512. */
  vocabSize?: number;
  /** Tokens per caption (start and end tokens included); longer captions are cut. Default 16. */
  contextLength?: number;
  /**
   * Evaluation sets beside the training set (domain shift, issue 19): every run is also evaluated on each,
   * tokenised with the run's tokenizer and resized to the run's image size. One column group each.
   */
  evalSets?: EvalSetSpec[];
}

/** A dataset a run is evaluated on besides its own validation split. */
export interface EvalSetSpec {
  /** Column-group name, unique within the dataset spec: 1–40 letters, digits, _ . - */
  name: string;
  kind: 'builtin' | 'upload';
  /** builtin: generator seed (another seed = new images of the same concepts). */
  seed?: number;
  /** Images evaluated, at most (default EVAL_SET_DEFAULT_COUNT): builtin generates this many; an upload uses its first `count` in content order. */
  count?: number;
  /** upload: content-hash id of the upload cached in IndexedDB (src/data/ingest/cache.ts). */
  upload?: string;
  /** Headless runner only (scripts/experiment.mjs): a folder or archive, ingested before the runs and replaced by `upload`. */
  path?: string;
}

export const EVAL_SET_DEFAULT_COUNT = 512;

/** What the worker loaded for one evaluation set (DatasetInfo.evalSets), or why it could not. */
export interface EvalSetInfo {
  name: string;
  /** Images and captions evaluated (0 when `error`). */
  images: number;
  captions: number;
  /** Zero-shot classes present (upload labels / built-in attributes): zero-shot accuracy is reported. */
  classes: string[] | null;
  /** Why the set is not evaluated, naming it, e.g. an upload not cached in this browser (its content id). */
  error?: string;
  /** RGBA thumbnails (n, S, S, 4) and captions: retrieval explorer and embedding-map hovers. */
  thumbs?: { rgba: Uint8ClampedArray; captions: string[][]; size: number };
}

/** Captions are cut at this many tokens unless the dataset spec says otherwise. */
export const DEFAULT_CONTEXT_LENGTH = 16;

export const DEFAULT_DATASET: DatasetSpec = { kind: 'builtin', seed: 0, count: 4096, valCount: 384, heldOutCount: 128, size: 32 };

export interface DatasetInfo {
  name: string;
  train: number;
  val: number;
  heldOut: number;
  captionsPerImage: number;
  vocabSize: number;
  contextLength: number;
  truncated: number;
  captionLengthHistogram: number[];
  /** Image side in pixels. */
  size: number;
  /** Validation images as RGBA (Ni, S, S, 4) and their captions: preview grid, retrieval, embedding-map hovers. */
  valImages: { rgba: Uint8ClampedArray; captions: string[][]; heldOut: boolean[] };
  /** Set for an uploaded dataset: its id, name and class names (null: no labels, zero-shot hidden). */
  upload?: { id: string; name: string; classes: string[] | null };
  /** Labelled tasks for interactive zero-shot classification (built-in attributes, or upload labels). */
  zeroShotTasks?: { name: string; classes: string[]; images: number }[];
  /** The spec's evaluation sets as loaded, in the spec's order. */
  evalSets?: EvalSetInfo[];
}

export interface TextSet {
  ids: Int32Array; // (N, T)
  eot: Int32Array;
  lengths: Int32Array;
  N: number;
  /** Each caption's row in the dataset's caption order (src/data/caption-order.ts); teacher runs embed these. */
  rows?: Int32Array;
}

export interface ValData {
  images: Float32Array; // (Ni, 3, H, W)
  Ni: number;
  captions: TextSet; // every caption of every val image
  captionImage: Int32Array; // caption → image index
  zeroShot?: {
    classNames: string[];
    prompts: TextSet; // classes × promptsPerClass
    promptsPerClass: number;
    /** Val images to classify (e.g. single-object images) and their class labels. */
    imageIndex: Int32Array;
    labels: Int32Array;
    /** Per classified image: 1 if its label is a held-out composition (compositional zero-shot). */
    heldOut?: Uint8Array;
  };
}

export interface BatchData {
  images: Float32Array; // (B, 3, H, W)
  ids: Int32Array; // (B, T)
  eot: Int32Array; // (B)
  lengths: Int32Array; // (B)
  /** (B) teacher mode: each item's caption row in the frozen table (src/data/caption-order.ts). */
  captionRow?: Int32Array;
}

export interface TrainData {
  numTrain: number;
  /** The batch of global step `step` (0-based), deterministic given the run seed. */
  batchAt(step: number): BatchData;
  val: ValData;
}
