// The run queue: one row per run, in order.
import { useStore } from '../../store/store';
import { OpenCheckpoint } from './OpenCheckpoint';
import { RunRow } from './RunRow';

export function RunQueue() {
  const order = useStore((s) => s.order);
  return (
    <section className="panel" aria-labelledby="queue-h" data-testid="run-queue">
      <h2 id="queue-h">Run queue</h2>
      <OpenCheckpoint />
      {order.length ? (
        <table className="results">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">colour</span>
              </th>
              <th scope="col">run</th>
              <th scope="col">status</th>
              <th scope="col">progress</th>
              <th scope="col">steps/s</th>
              <th scope="col">ETA</th>
              <th scope="col">
                <span className="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {order.map((id) => (
              <RunRow key={id} id={id} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted empty">No runs yet — pick presets and press Train, or open a checkpoint.</p>
      )}
    </section>
  );
}
