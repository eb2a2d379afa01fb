// Class lists and per-image attributes of the built-in compositional dataset, plus the fixed set of
// held-out colour×shape pairs (never in train images; the val "compositional" subset uses only them).
// Everything here is seed-independent: a URL or checkpoint naming the built-in dataset means the same
// classes and the same held-out pairs everywhere.

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross', 'heart', 'ring'] as const;
export type Shape = (typeof SHAPES)[number];

export const COLOURS = ['red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'black'] as const;
export type Colour = (typeof COLOURS)[number];

/** Base RGB in [0, 1] of each named colour (a small per-object jitter is added when drawing). */
export const COLOUR_RGB: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [0.86, 0.12, 0.12],
  orange: [0.96, 0.52, 0.06],
  yellow: [0.93, 0.8, 0.08],
  green: [0.14, 0.64, 0.22],
  cyan: [0.08, 0.74, 0.8],
  blue: [0.14, 0.28, 0.86],
  purple: [0.54, 0.22, 0.74],
  black: [0.1, 0.1, 0.1],
};

export const SIZES = ['small', 'large'] as const;
export type Size = (typeof SIZES)[number];

/** Where an object sits in the image. 'centre' only occurs in one-object images. */
export const POSITIONS = ['left', 'right', 'top', 'bottom', 'centre'] as const;
export type Position = (typeof POSITIONS)[number];

/** Relation of object 0 to object 1 in two-object images ("a red circle left of a blue square"). */
export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export type Relation = (typeof RELATIONS)[number];

export const INVERSE_RELATION: Readonly<Record<Relation, Relation>> = {
  'left of': 'right of',
  'right of': 'left of',
  above: 'below',
  below: 'above',
};

/** One drawn object. Geometry is in units of the image side (0..1, y pointing down). */
export interface ObjectAttrs {
  shape: Shape;
  colour: Colour;
  size: Size;
  position: Position;
  /** Centre, in [0, 1]. */
  cx: number;
  cy: number;
  /** Half-extent of the shape's unit box, fraction of the image side. */
  radius: number;
  /** Small rotation in radians (|angle| ≤ 0.2; never enough to turn a square into a diamond). */
  angle: number;
  /** Drawn colour (base colour plus jitter), RGB in [0, 1]. */
  rgb: readonly [number, number, number];
}

/** Everything needed to redraw an image and to caption it. */
export interface SceneAttrs {
  objects: ObjectAttrs[];
  /** Relation of objects[0] to objects[1]; null for one-object images. */
  relation: Relation | null;
  /** Background RGB in [0, 1] (light, slightly tinted). */
  background: readonly [number, number, number];
}

/**
 * Held-out colour×shape pairs: a Latin diagonal, so each colour and each shape is held out exactly once
 * (8 of 64 pairs, 12.5%) and every colour and shape word is still seen in train with other partners.
 * shape index = (3·colour index + 1) mod 8. Written out so it is obvious and never depends on a seed.
 */
export const HELD_OUT_PAIRS: readonly (readonly [Colour, Shape])[] = [
  ['red', 'square'],
  ['orange', 'star'],
  ['yellow', 'ring'],
  ['green', 'triangle'],
  ['cyan', 'cross'],
  ['blue', 'circle'],
  ['purple', 'diamond'],
  ['black', 'heart'],
];

/** Index of a colour×shape class in COLOUR_SHAPE_CLASSES: colour-major. */
export function pairIndex(colour: Colour, shape: Shape): number {
  return COLOURS.indexOf(colour) * SHAPES.length + SHAPES.indexOf(shape);
}

/** All 64 colour×shape class labels ("red circle", "red square", …), colour-major (see pairIndex). */
export const COLOUR_SHAPE_CLASSES: readonly string[] = COLOURS.flatMap((c) => SHAPES.map((s) => `${c} ${s}`));

const heldOutSet = new Set(HELD_OUT_PAIRS.map(([c, s]) => pairIndex(c, s)));

export function isHeldOut(colour: Colour, shape: Shape): boolean {
  return heldOutSet.has(pairIndex(colour, shape));
}

/** Structured labels of one image, for zero-shot prompts ("a {colour} {shape}") and per-class metrics. */
export interface ImageLabels {
  objects: readonly ObjectAttrs[];
  relation: Relation | null;
  /** pairIndex of each object, in object order. */
  pairs: number[];
  /** "red circle" per object, in object order. */
  pairLabels: string[];
  /** True if any object is a held-out colour×shape pair. */
  heldOut: boolean;
}

export function labelsOfScene(scene: SceneAttrs): ImageLabels {
  const pairs = scene.objects.map((o) => pairIndex(o.colour, o.shape));
  return {
    objects: scene.objects,
    relation: scene.relation,
    pairs,
    pairLabels: pairs.map((p) => COLOUR_SHAPE_CLASSES[p]),
    heldOut: scene.objects.some((o) => isHeldOut(o.colour, o.shape)),
  };
}

/** English indefinite article for a phrase ("an orange star", "a red circle"). */
export function article(phrase: string): string {
  return /^[aeiou]/.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}
