// The training-worker client as the UI sees it: actions only. Transport (worker lifecycle, send) is in
// ./transport.ts, reply handling in ./replies.ts, run actions in ./actions.ts, the experiment's
// import / export and the boot in ./boot.ts.
export * from './actions';
export { boot, currentExperiment, experimentJson, importExperiment } from './boot';
export { startWorker } from './transport';
