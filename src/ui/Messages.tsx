// Import errors and worker/GPU messages, dismissable.
import { useStore } from '../store/store';

export function Messages() {
  const importError = useStore((s) => s.importError);
  const messages = useStore((s) => s.messages);
  const setImportError = useStore((s) => s.setImportError);
  const dismiss = useStore((s) => s.dismissMessage);
  if (!importError && !messages.length) return null;
  return (
    <div className="messages">
      {importError ? (
        <div className="banner bad" role="alert" data-testid="import-error">
          <span>{importError}. Nothing was changed.</span>
          <button type="button" className="small" onClick={() => setImportError(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages are an append-only log; index + text is stable enough
        <div className="banner warn" role="status" key={`${i}-${m}`}>
          <span>{m}</span>
          <button type="button" className="small" onClick={() => dismiss(i)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
