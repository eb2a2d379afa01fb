// Which data a view shows: the run's own validation split ("") or one of the evaluation sets offered.
export function SetSelect({ id, testId, offered, value, onChange, label }: { id?: string; testId: string; offered: string[]; value: string | null; onChange(set: string): void; label?: string }) {
  return (
    <select id={id} aria-label={label} data-testid={testId} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
      <option value="">own validation split</option>
      {offered.map((name) => (
        <option key={name} value={name}>
          eval set: {name}
        </option>
      ))}
    </select>
  );
}
