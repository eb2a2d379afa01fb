// Settings slice: the experiment being edited (what the URL hash and the JSON file hold).
import type { StateCreator } from 'zustand';
import type { LossKind } from '../model/config';
import type { TrainHyper } from '../train/hyper';
import type { DatasetSpec } from '../data/types';
import { DEFAULT_EXPERIMENT, type Experiment, type ModelSettings, fitMatrix } from './experiment';
import type { State } from './types';

export interface SettingsSlice {
  experiment: Experiment;
  /** Message of the last rejected hash/file import (state unchanged), null when fine. */
  importError: string | null;
  setDataset(patch: Partial<DatasetSpec>): void;
  setModel(patch: Partial<Omit<ModelSettings, 'vision' | 'text'>>): void;
  setTower(tower: 'vision' | 'text', patch: Partial<ModelSettings['vision']>): void;
  setLoss(loss: LossKind): void;
  setHyper(patch: Partial<TrainHyper>): void;
  togglePreset(name: string, on: boolean): void;
  setSeeds(seeds: number[]): void;
  setImportError(msg: string | null): void;
}

export const createSettingsSlice: StateCreator<State, [], [], SettingsSlice> = (set) => {
  const edit = (f: (e: Experiment) => Experiment) => set((s) => ({ experiment: f(s.experiment) }));
  return {
    experiment: structuredClone(DEFAULT_EXPERIMENT),
    importError: null,
    setDataset: (patch) => edit((e) => ({ ...e, dataset: { ...e.dataset, ...patch } })),
    setModel: (patch) => edit((e) => ({ ...e, model: { ...e.model, ...patch } })),
    setTower: (tower, patch) =>
      edit((e) => {
        const model = { ...e.model, [tower]: { ...e.model[tower], ...patch } };
        model.matrix = fitMatrix(model.matrix, Math.max(model.vision.depth, model.text.depth));
        return { ...e, model };
      }),
    setLoss: (loss) => edit((e) => ({ ...e, loss })),
    setHyper: (patch) => edit((e) => ({ ...e, hyper: { ...e.hyper, ...patch } })),
    togglePreset: (name, on) =>
      edit((e) => ({ ...e, presets: on ? [...e.presets.filter((p) => p !== name), name] : e.presets.filter((p) => p !== name) })),
    setSeeds: (seeds) => edit((e) => ({ ...e, seeds })),
    setImportError: (importError) => set({ importError }),
  };
};
