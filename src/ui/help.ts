// Help texts: one line per preset, and the METHODS.md definition behind every chart.

export const PRESET_HELP: Record<string, string> = {
  separate: 'Two independent towers (standard CLIP): nothing shared.',
  'shared-all': 'Every block weight shared, LayerNorms and the final LayerNorm included (the far end of the spectrum).',
  'shared-except-ln': 'Attention and MLP shared in every layer; every LayerNorm stays modality-specific (MS-CLIP’s main sharing rule).',
  'shared-attn': 'Only attention (qkv + output projection) shared. Our extension of MS-CLIP’s spectrum.',
  'shared-mlp': 'Only the MLP shared. Our extension of MS-CLIP’s spectrum.',
  'separate-first-k': 'The first k layers modality-specific, the rest share attention + MLP (LayerNorms specific).',
  'separate-last-k': 'The last k layers modality-specific, the rest share attention + MLP (LayerNorms specific).',
  'ms-clip':
    'MS-CLIP’s full recipe: layer 0 specific, layers 1+ share attention + MLP, LayerNorms specific; plus Early Specialization as released (a residual conv stem with BatchNorm IS vision layer 0: no patch embedding, no vision transformer layer 0; patch size must be a power of two) and the Efficient Parallel Branch (a small CNN on the image fused into the vision tokens before every other shared layer).',
  custom: 'Choose per layer what is shared (attn / mlp / ln) in the matrix below. Our extension of MS-CLIP’s spectrum.',
};

/** The vision stem choices (METHODS.md, Early Specialization). Absent = each preset's own. */
export const STEM_HELP: Record<string, string> = {
  '': 'each preset’s own: the conv stem for ms-clip, the linear patch embedding for the others',
  patch: 'CLIP’s linear patch embedding, then every vision transformer layer',
  conv: 'MS-CLIP as released: the residual conv stem (BatchNorm, total stride = patch size, a power of two) IS vision layer 0, so the tower runs transformer layers 1..depth−1, shared with text layers 1..depth−1; needs depth ≥ 2',
  'conv-plus-layer0': 'ours, not MS-CLIP’s: the same conv stem replacing only the patch embedding, then an unshared vision transformer layer 0 and all the others',
};

export const BRANCH_HELP =
  'MS-CLIP’s Efficient Parallel Branch: a small CNN on the raw image whose maps are fused into the patch tokens before every other shared vision layer (as many stages as log2(patch) allows). A model with no shared vision layer gives it nowhere to fuse and is refused.';

export const METRIC_HELP = {
  loss:
    'Training loss per step (solid) and validation loss at each evaluation (dashed). InfoNCE: ½[CE(s·I·Tᵀ, diag) + CE(s·T·Iᵀ, diag)] on L2-normalised embeddings; SigLIP: −(1/B) Σᵢⱼ log σ(zᵢⱼ(s·xᵢ·yⱼ + b)). Validation loss is each run’s OWN loss (InfoNCE with its learned, clamped scale; SigLIP with its learned scale and bias) over the WHOLE validation set: one pair per image (its first caption), in consecutive batches of the training batch size (the last may be smaller), each batch’s mean loss weighted by its size.',
  i2t: 'Image→text recall R@K (K = 1 solid, 5 dashed, 10 dotted) on the validation split: an image is a hit if any of its captions is among the K most similar captions.',
  t2i: 'Text→image recall R@K (K = 1 solid, 5 dashed, 10 dotted): a caption is a hit if its image is among the K most similar images.',
  logitScale: 'The learned temperature s = exp(t) multiplying the cosine similarities (InfoNCE init 1/0.07 ≈ 14.3, clamped at 100; SigLIP init 10).',
  modalityGap: 'Modality gap (Liang et al. 2022): ‖mean(I) − mean(T)‖₂ over the validation split, L2-normalised embeddings.',
  alignment: 'Alignment (Wang & Isola 2020): E over pairs ‖f(x) − g(y)‖², α = 2. Lower = paired embeddings closer.',
  uniformity: 'Uniformity (Wang & Isola 2020): log E over pairs of distinct items exp(−2‖u − v‖²), over the union of image and text embeddings. Lower = more uniform on the sphere.',
  similarity: 'Cosine similarity of a fixed validation batch: image i (rows) vs the first caption of image j (columns). A bright diagonal means the pairs are matched.',
  embedding:
    'Image (●) and text (✕) embeddings of the validation set projected on the first two principal components of both together; thin lines link each image to its first caption.',
  attnOverlay:
    'Attention of the CLS token to each image patch for the chosen layer and head, drawn over the image (brighter red = more attention; normalised to the map’s maximum). One probe forward of the trained model on fixed validation items.',
  attnRollout:
    'Attention rollout (Abnar & Zuidema 2020) of the CLS token up to the chosen layer: average the heads, add the identity for the residual, renormalise the rows, multiply through the layers. Normalised to the map’s maximum.',
  attnText:
    'Token × token attention of the caption (rows: queries, columns: keys) for the chosen layer and head; padding is not shown. A causal text tower only attends to earlier tokens.',
  attnTransfer:
    'Attention-transfer score per layer and head: 1 − mean over three statistics of |image − text|, the statistics being mean row entropy / ln(number of keys the row sees) (ln(length), or ln(i + 1) for causal text row i; rows that see a single key, such as causal row 0, have no choice and are left out), mean attention distance / length (patch-grid units for images) and the share of attention on the pooling token (CLS / EOT). 1 = the head behaves the same on both modalities. This is OUR definition (METHODS.md), not MS-CLIP’s; averaged over 16 validation pairs. Same colour scale 0..1 for every run.',
  cka:
    'Linear CKA (Kornblith et al. 2019) between pooled image features (CLS token, or under mean pooling the mean of ALL tokens, CLS included, as the model pools) and the pooled features of their paired captions (EOT) after each block, on 16 validation pairs (small N biases CKA upward). Layers are true indices: with MS-CLIP’s released conv stem vision layer 0 is the stem (no attention, no CKA), so transfer and CKA start at layer 1. OUR cross-modal measure (METHODS.md), not MS-CLIP’s analysis.',
  captionLengths: 'How many training captions have each length in tokens (byte-level BPE).',
} as const;

export const EVAL_SETS_HELP =
  'Evaluation sets measure transfer (domain shift): every run is also evaluated, with its final weights, on each set named here — the built-in shapes drawn with another seed, or any upload cached in this browser (same concepts, other photos or another drawing style). Nothing of them is trained on. Each caption is tokenised with the run’s own tokenizer (built from the training captions; words it never saw still tokenise through the byte-level BPE, as more, shorter pieces) and each image is resized to the run’s image size. The results tables get one column group per set: retrieval R@1 both ways, zero-shot accuracy when the set has labels (class folders or built-in attributes); the CSV also holds R@5/10, gap, alignment and uniformity. The retrieval explorer and the embedding map can show a set. The experiment (URL, JSON) names an upload by its content id: on a machine where it is not cached the set is reported as missing and the runs are evaluated on the others.';

/** The model-size select (src/model/sizes.ts). */
export const SIZE_HELP =
  'Sets both towers (width, depth, heads, MLP ratio) and the embedding at once; tiny is the default. Larger sizes train slower (see the estimate next to Train): on a software adapter such as SwiftShader even tiny takes minutes per run.';

/** The "skip kernel tuning" box next to Train (src/kernels/tuner.ts). */
export const SKIP_TUNING_HELP =
  'Before a run’s first step ShareLab times every applicable kernel variant on the run’s shapes (at most 10 s; software adapters such as SwiftShader time nothing) and trains with the fastest. Tick to skip it: the fixed kernel rule is used, and the run’s kernel table (results JSON, checkpoint) says tuning was skipped.';
