"""Report any run of 8 consecutive words shared between a content file and the seed."""
import re
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared/seeds/000_168ff65fb4837150.txt"
N = 8


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def ngrams(seq, n=N):
    return {tuple(seq[i:i + n]) for i in range(len(seq) - n + 1)}


seed = ngrams(words(SEED.read_text(encoding="utf-8")))
bad = 0
for name in sys.argv[1:]:
    shared = ngrams(words(Path(name).read_text(encoding="utf-8"))) & seed
    for gram in sorted(shared):
        bad += 1
        print(f"{name}: copies the seed: {' '.join(gram)}")
print("ok" if not bad else f"{bad} copied runs")
sys.exit(1 if bad else 0)
