// The built-in compositional dataset (see generate.ts for the index layout and options).
export * from './attributes';
export { captionsFor } from './captions';
export {
  BUILTIN_MEAN,
  BUILTIN_STD,
  type BuiltinDataset,
  type BuiltinOptions,
  type BuiltinSplit,
  generateBuiltin,
  sampleScene,
} from './generate';
export { insideShape, renderScene, sinCos } from './raster';
