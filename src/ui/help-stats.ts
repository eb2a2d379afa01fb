// Help texts for the statistics and exploration views (per-config table, A vs B, UMAP, zero-shot),
// from ../shared/METHODS.md; where a choice is ours, they say so.

export const STATS_HELP = {
  umap:
    'UMAP (McInnes et al. 2018, umap-js; 15 neighbours, min. distance 0.1, seed 0 — the same embeddings always give the same map) of the image (●) and caption (✕) embeddings of the validation set together; thin lines link each image to its first caption. UMAP keeps neighbourhoods, not distances: cluster sizes and gaps between clusters carry no meaning, and each run has its own arbitrary axes. Use PCA to judge the modality gap.',
  configTable:
    'One row per configuration (model settings + training hyper-parameters; runs differing only in the seed are the same configuration). Each cell: mean over seeds, with its 95% CI below it. Recall and zero-shot accuracy: Multi-Bootstrap (Sellam et al. 2022; METHODS.md), 1,000 replicates, each drawing seeds AND evaluation examples with replacement; text→image recall draws IMAGES, each with all its captions (a cluster bootstrap: an image’s captions are not independent queries). Val loss, gap, alignment, uniformity, train loss and wall time exist once per run: their CI is a t-interval over seeds (mean ± t·sd/√seeds; marked ˢ), since a bootstrap over ~5 seeds is about a third too narrow. With one seed, seed-to-seed variance is not captured.',
  compare:
    'Paired comparison of A − B (METHODS.md "Statistics"): runs are paired by seed (seed k = same data order and init) and scored on the same validation examples. Recall and zero-shot accuracy: paired Multi-Bootstrap, each of 2,000 replicates drawing the same seeds and the same examples for both (text→image: the same images, each with all its captions); 95% CI = 2.5th–97.5th percentiles, one-sided p = share of replicates with the other sign ("< 0.0005" = none). Metrics that exist once per run (val loss, gap, alignment, uniformity): paired t-interval and one-sided paired t-test over seeds. Holm p adjusts p over the family shown: A against every other configuration on this metric; the verdict uses the Holm p (a difference is called when it is below 0.025).',
  compareChart: 'Mean ± 95% Multi-Bootstrap CI of the chosen metric for every configuration (bars: CI, dot: mean over seeds and examples).',
  diffChart: 'The paired difference A − B with its 95% CI; the dashed line is 0 (no difference). A CI that does not cross it is a detectable difference.',
  zeroShot:
    'Zero-shot classification (METHODS.md): each class embedding is the normalised mean over the prompt templates of its text embeddings; an image is assigned the class with the highest cosine similarity. Only one-object validation images are classified (two-object images have no single label). Templates: {label} is the class name, {a} the class name with its article (“an orange star”).',
  zeroShotChart: 'Accuracy per class (correct / classified images of that class); the dashed line is chance (1 / number of classes).',
} as const;

/** Column help of the per-run and per-configuration tables. */
export const COLUMN_HELP: Partial<Record<string, string>> = {
  valLoss:
    'The run’s own loss (InfoNCE with its clamped learned scale; SigLIP with its learned scale and bias) over the WHOLE validation set, one pair per image (its first caption), in batches of the training batch size, averaged (each batch weighted by its size).',
  trainLoss: 'Training loss at the last step (one batch).',
  modalityGap: 'Modality gap: ‖mean(I) − mean(T)‖₂ on the validation set. One value per run (per-config CI: t-interval over seeds).',
  alignment: 'Alignment (Wang & Isola 2020), lower = pairs closer. One value per run (per-config CI: t-interval over seeds).',
  uniformity: 'Uniformity (Wang & Isola 2020), lower = more uniform. One value per run (per-config CI: t-interval over seeds).',
};
