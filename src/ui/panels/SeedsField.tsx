// Seeds as a comma-separated list of non-negative integers.
import { useEffect, useState } from 'react';
import { useStore } from '../../store/store';

export function SeedsField() {
  const seeds = useStore((s) => s.experiment.seeds);
  const setSeeds = useStore((s) => s.setSeeds);
  const [text, setText] = useState(seeds.join(', '));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText((t) => (t.split(',').map((x) => x.trim()).join(',') === seeds.join(',') ? t : seeds.join(', ')));
  }, [seeds]);
  return (
    <div className={`field wide${error ? ' invalid' : ''}`}>
      <label htmlFor="seeds">seeds</label>
      <input
        id="seeds"
        data-testid="seeds"
        value={text}
        aria-invalid={!!error}
        onChange={(e) => {
          setText(e.target.value);
          const parts = e.target.value.split(',').map((x) => x.trim()).filter(Boolean);
          const nums = parts.map(Number);
          if (!parts.length) setError('give at least one seed');
          else if (nums.some((n) => !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)) setError('seeds are integers between 0 and 2147483647, comma-separated');
          else if (nums.length > 32) setError('at most 32 seeds');
          else {
            setError(null);
            setSeeds([...new Set(nums)]);
          }
        }}
      />
      {error ? (
        <span className="err" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
