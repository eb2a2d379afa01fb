// The text tower as an ONNX graph, mirroring src/model/clip.ts encodeText:
//   input_ids (B, T) → tok[ids] + pos → blocks (causal if configured, padding mask) → the EOT token
//   → ln_final → proj → L2-normalise → text_embeds (B, E).
// From attention_mask (B, T) (1 = token, 0 = padding; our tokenizer pads at the end) the graph
// takes the valid length L = clamp(Σ mask, 1, T) as the app's attention kernel does: keys j ≥ L are
// masked, and the pooled token is the EOT at L − 1 (the tokenizer always puts <|eot|> last).
import { GraphBuilder } from './graph';
import type { BuildOpts, EncoderGraph } from './image-encoder';
import { TEXT_IDS, TEXT_MASK, TEXT_OUTPUT, textIO } from './io';
import { MASK_NEG, block, head, param } from './layers';
import type { ExportWeights } from './weights';

export function buildTextEncoder(w: ExportWeights, opts: BuildOpts = {}): EncoderGraph {
  const cfg = w.cfg;
  const t = cfg.text;
  const T = t.contextLength;
  const C = t.width;
  const g = new GraphBuilder('sharelab_text_encoder');

  const emb = g.op('Gather', [param(g, w, 'text.tok'), TEXT_IDS], { axis: 0 }, 'text.tok'); // (B, T, C)
  let x = g.op('Add', [emb, param(g, w, 'text.pos')], {}, 'text.embed');

  // Lengths and the additive mask (B, 1, T, T): 0 where key j < L (and j ≤ i when causal), else MASK_NEG.
  const sum = g.op('ReduceSum', [TEXT_MASK, g.ints([1])], { keepdims: 0 }, 'text.count');
  const len = g.op('Min', [g.op('Max', [sum, g.constant('int64', [1], [], 'one')], {}, 'text.len'), g.constant('int64', [T], [], 'T')], {}, 'text.len');
  const keys = g.constant('int64', Array.from({ length: T }, (_, j) => j), [1, T], 'positions');
  const keyOk = g.op('Less', [keys, g.op('Unsqueeze', [len, g.ints([1])], {}, 'text.len1')], {}, 'text.keyok'); // (B, T)
  let allowed = g.op('Unsqueeze', [keyOk, g.ints([1, 2])], {}, 'text.keyok4'); // (B, 1, 1, T)
  if (t.causal) {
    const tri = Array.from({ length: T * T }, (_, k) => (k % T <= Math.floor(k / T) ? 1 : 0)); // [i, j] = j ≤ i
    allowed = g.op('And', [allowed, g.constant('bool', tri, [1, 1, T, T], 'causal')], {}, 'text.allowed');
  }
  const mask = g.op('Where', [allowed, g.scalar(0), g.scalar(MASK_NEG)], {}, 'text.mask');

  for (let l = 0; l < t.depth; l++) x = block(g, w, x, `text.blocks.${l}`, { T, C, H: t.heads, mlpRatio: t.mlpRatio }, mask);

  // EOT pooling: x[b, L_b − 1, :] with GatherElements on indices (B, 1, C).
  const eot = g.op('Sub', [len, g.constant('int64', [1], [], 'one')], {}, 'text.eot');
  const idx = g.op('Expand', [g.op('Unsqueeze', [eot, g.ints([1, 2])], {}, 'text.eot3'), g.ints([1, 1, C])], {}, 'text.eotidx');
  const pooled = g.op('Squeeze', [g.op('GatherElements', [x, idx], { axis: 1 }, 'text.pool'), g.ints([1])], {}, 'text.pooled');
  g.output(head(g, w, pooled, 'text'), TEXT_OUTPUT);
  const io = textIO(cfg);
  const bytes = g.encode(io.inputs, io.outputs, { producer: opts.producer ?? 'ShareLab', docString: 'ShareLab CLIP text encoder (L2-normalised embedding)', props: opts.props });
  return { bytes, ...io, extraOutputs: g.extraOutputs, nodes: g.nodes.length, initializers: g.initializerNames };
}
