// A nested slice's patch: fields, or a function of the slice's current value returning fields.
export type Patch<T> = Partial<T> | ((t: T) => Partial<T>);
export const merge = <T>(t: T, p: Patch<T>): T => ({ ...t, ...(typeof p === 'function' ? p(t) : p) });
