// The playground: settings (dataset, model, training), the run queue, comparison views, results,
// retrieval. The worker owns the GPU; this tree only reads the store and calls store actions.
import { useEffect } from 'react';
import { WebGpuUnavailable } from '../gpu/device';
import { boot } from '../store/client';
import { useStore } from '../store/store';
import { Header } from './Header';
import { Messages } from './Messages';
import { AttentionPanel } from './panels/AttentionPanel';
import { CompareAB } from './panels/CompareAB';
import { Comparison, PerRunViews } from './panels/Comparison';
import { ConfigTable } from './panels/ConfigTable';
import { DatasetPanel } from './panels/DatasetPanel';
import { ModelPanel } from './panels/ModelPanel';
import { OnnxExports } from './panels/OnnxExports';
import { OnnxInference } from './panels/OnnxInference';
import { ResultsTable } from './panels/ResultsTable';
import { RetrievalExplorer } from './panels/RetrievalExplorer';
import { RunQueue } from './panels/RunQueue';
import { TrainingPanel } from './panels/TrainingPanel';
import { ZeroShotPanel } from './panels/ZeroShotPanel';
import { Unsupported } from './Unsupported';
import { UploadReportPanel } from './upload/UploadReport';

let booted = false;

export function App() {
  const gpu = useStore((s) => s.gpu);
  useEffect(() => {
    if (booted) return;
    booted = true;
    boot();
  }, []);
  if (gpu.kind === 'unsupported') return <Unsupported error={new WebGpuUnavailable(gpu.reason, gpu.message)} />;
  return (
    <>
      <Header />
      <main>
        <Messages />
        <div className="settings">
          <DatasetPanel />
          <ModelPanel />
          <TrainingPanel />
        </div>
        <UploadReportPanel />
        <RunQueue />
        <Comparison />
        <ResultsTable />
        <ConfigTable />
        <CompareAB />
        <PerRunViews />
        <AttentionPanel />
        <RetrievalExplorer />
        <OnnxExports />
        <OnnxInference />
        <ZeroShotPanel />
      </main>
    </>
  );
}
