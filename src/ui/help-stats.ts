// Help texts for the statistics and exploration views (per-config table, A vs B, UMAP, zero-shot),
// from ../shared/METHODS.md; where a choice is ours, they say so.

export const STATS_HELP = {
  umap:
    'UMAP (McInnes et al. 2018, umap-js; 15 neighbours, min. distance 0.1, seed 0 — the same embeddings always give the same map) of the image (●) and caption (✕) embeddings of the validation set together; thin lines link each image to its first caption. UMAP keeps neighbourhoods, not distances: cluster sizes and gaps between clusters carry no meaning, and each run has its own arbitrary axes. Use PCA to judge the modality gap.',
  configTable:
    'One row per configuration (model settings + training hyper-parameters; runs differing only in the seed are the same configuration). Each cell: mean over seeds, with the 95% Multi-Bootstrap CI (Sellam et al. 2022; METHODS.md) below it: 1,000 replicates, each drawing seeds AND evaluation examples with replacement. Recall and zero-shot accuracy are resampled per example (per-example ranks and correctness); val loss, gap, alignment and uniformity exist as one number per run, so their CI resamples seeds only (marked ˢ). With one seed, seed-to-seed variance is not captured. Train loss and wall time: mean over seeds.',
  compare:
    'Paired Multi-Bootstrap of A − B (METHODS.md "Statistics"): runs are paired by seed (seed k = same data order and init), both configs are scored on the same validation examples, and each of 2,000 replicates draws the same seeds and the same examples for both. 95% CI = 2.5th–97.5th percentiles of the replicate differences; one-sided p = share of replicates with the other sign. "A > B" only when the CI excludes 0.',
  compareChart: 'Mean ± 95% Multi-Bootstrap CI of the chosen metric for every configuration (bars: CI, dot: mean over seeds and examples).',
  diffChart: 'The paired difference A − B with its 95% CI; the dashed line is 0 (no difference). A CI that does not cross it is a detectable difference.',
  zeroShot:
    'Zero-shot classification (METHODS.md): each class embedding is the normalised mean over the prompt templates of its text embeddings; an image is assigned the class with the highest cosine similarity. Only one-object validation images are classified (two-object images have no single label). Templates: {label} is the class name, {a} the class name with its article (“an orange star”).',
  zeroShotChart: 'Accuracy per class (correct / classified images of that class); the dashed line is chance (1 / number of classes).',
} as const;
