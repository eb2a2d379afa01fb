// Read a store value at most every `ms` milliseconds: high-rate metric appends don't redraw charts
// on every message. `selector` must be a stable (module-level) function.
import { useEffect, useState } from 'react';
import { type State, useStore } from '../../store/store';

export function useThrottled<T>(selector: (s: State) => T, ms = 500): T {
  const [value, setValue] = useState(() => selector(useStore.getState()));
  useEffect(() => {
    let latest = selector(useStore.getState());
    setValue(latest);
    let timer = 0;
    const unsub = useStore.subscribe((s) => {
      const next = selector(s);
      if (next === latest) return;
      latest = next;
      if (!timer)
        timer = window.setTimeout(() => {
          timer = 0;
          setValue(latest);
        }, ms);
    });
    return () => {
      unsub();
      clearTimeout(timer);
    };
  }, [selector, ms]);
  return value;
}

export const selectRuns = (s: State) => s.runs;
