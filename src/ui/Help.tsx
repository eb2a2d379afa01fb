// A keyboard-reachable help popover (a <details> disclosure).
export function Help({ text, label = 'Help' }: { text: string; label?: string }) {
  return (
    <details className="help">
      <summary aria-label={label} title={label}>
        ?
      </summary>
      <p role="note">{text}</p>
    </details>
  );
}
