// The header row above a results table's columns naming each column group: the run's own validation
// split, then one group per evaluation set (shown only when some run was evaluated on one).
import { EVAL_SETS_HELP } from '../help';

export interface GroupSpan {
  /** null: the own validation split; else the evaluation set's name. */
  set: string | null;
  /** Columns under the group. */
  span: number;
}

/** `lead`: columns before the first group that belong to none (e.g. the config name). */
export function GroupRow({ groups, lead = 0 }: { groups: GroupSpan[]; lead?: number }) {
  if (groups.every((g) => g.set === null)) return null;
  return (
    <tr className="group-row" data-testid="column-groups">
      {lead ? <td colSpan={lead} /> : null}
      {groups.map((g) => (
        <th key={g.set ?? ''} scope="colgroup" colSpan={g.span} className={g.set === null ? 'own' : 'eval-set'} data-set={g.set ?? undefined} title={g.set === null ? 'The run’s own validation split (same dataset as training)' : EVAL_SETS_HELP}>
          {g.set === null ? 'own validation split' : `eval set: ${g.set}`}
        </th>
      ))}
    </tr>
  );
}
