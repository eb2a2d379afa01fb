// A labelled number input: keeps the typed text locally, commits parsed numbers, shows the field's error.
import { useEffect, useId, useState } from 'react';

interface Props {
  label: string;
  value: number;
  onChange(v: number): void;
  error?: string;
  step?: number | 'any';
  testId?: string;
}

export function NumberField({ label, value, onChange, error, step = 1, testId }: Props) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [bad, setBad] = useState<string | null>(null);
  useEffect(() => {
    setText((t) => (Number(t) === value ? t : String(value)));
  }, [value]);
  const msg = bad ?? error;
  return (
    <div className={`field${msg ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="number"
        step={step}
        value={text}
        aria-invalid={!!msg}
        aria-describedby={msg ? `${id}-err` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const v = e.target.value.trim() === '' ? Number.NaN : Number(e.target.value);
          if (Number.isFinite(v)) {
            setBad(null);
            onChange(v);
          } else setBad(`${label} must be a number`);
        }}
      />
      {msg ? (
        <span className="err" id={`${id}-err`} role="alert">
          {msg}
        </span>
      ) : null}
    </div>
  );
}
