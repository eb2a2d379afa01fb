"""Where the TypeScript-written fixtures live, and how to (re)make them.

python/tests/.fixtures/ref   float64 reference fixtures (checkpoints, inputs, embeddings, loss, directional
                             derivatives, tokenizer vectors), written by
                             `npx vitest run --config python/tests/ts/vitest.config.ts` — made on demand here.
test-results/torch-parity/wgsl  WGSL dumps written by e2e/torch-parity.spec.ts in Chromium (Playwright clears
                             test-results/ at the start of each run, so that spec runs the WGSL comparison itself;
                             test_parity_wgsl.py re-checks a dump when one is there and skips otherwise).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "python") not in sys.path:
    sys.path.insert(0, str(REPO / "python"))

REF = Path(os.environ.get("TORCH_FIXTURES", REPO / "python" / "tests" / ".fixtures" / "ref"))
WGSL = Path(os.environ.get("TORCH_WGSL_FIXTURES", REPO / "test-results" / "torch-parity" / "wgsl"))


def ensure_ref(cases: list[str] | None = None) -> Path:
    """The reference fixtures, generated with vitest when missing or older than their generator.

    `cases` (directory names, cases.ts caseDir: e.g. ["shared-all", "shared-all_siglip"]) asks for those parity cases only, plus the tokenizer vectors:
    npm test's tokenizer and training tests need seconds of generation, not the ~5 minutes that every case's
    finite differences take (test_parity_reference, the slow suite, asks for all). A regeneration starts from an
    empty directory, so no case older than its generator survives one.
    """
    stamp = REF / "done.json"
    sources = [REPO / "python/tests/ts/fixtures.test.ts", REPO / "python/tests/ts/cases.ts", REPO / "src/model/reference.ts", REPO / "src/model/params.ts"]
    stale = not stamp.exists() or any(s.stat().st_mtime > stamp.stat().st_mtime for s in sources if s.exists())
    if not stale:
        done = json.loads(stamp.read_text())  # {"cases": [...], "all": bool}
        have = done.get("cases", [])
        stale = not have or (cases is None and not done.get("all")) or not all((REF / n / "ref.json").exists() for n in (cases or have))
    if stale:
        shutil.rmtree(REF, ignore_errors=True)
        env = {**os.environ, "TORCH_FIXTURES": str(REF)}
        if cases is not None:
            env["FIXTURE_CASES"] = ",".join(cases)
        cmd = ["npx", "--no-install", "vitest", "run", "--config", "python/tests/ts/vitest.config.ts"]
        print(f"[fixtures] generating {REF} ({'cases ' + ', '.join(cases) if cases else 'every case'}) with: {' '.join(cmd)}", file=sys.stderr)
        r = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"fixture generation failed:\n{r.stdout[-4000:]}")
    return REF


def case_dirs(root: Path, marker: str = "ref.json") -> list[Path]:
    return sorted(p.parent for p in root.glob(f"*/{marker}"))
