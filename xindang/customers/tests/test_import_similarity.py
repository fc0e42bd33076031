"""The import's "very similar name" check is complete and deterministic: it finds
every earlier name the duplicate rule (rules.similar_names, policy core.duplicate_name_similarity)
scores at or above the threshold — the most similar, the earliest of equals — and gives the same answer
in every Python process, whatever the hash seed."""

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from xindang.customers import rules
from xindang.customers.importing.validation import SimilarNames

# Few characters, so that near-duplicates are common; some common ones (科技) and rare ones.
ALPHABET = "华夏科技长江实业贸易东方红星"
cores = st.text(alphabet=ALPHABET, min_size=1, max_size=9)


def brute_force(names: list[str], threshold: float) -> list[str | None]:
    """For each name, the label the rule gives against all names before it (most similar, earliest)."""
    out = []
    for i, name in enumerate(names):
        earlier = [(j, names[j]) for j in range(i)]
        scored = rules.similar_names(name, earlier, threshold)
        exact = [j for j in range(i) if rules.name_core(names[j]) == rules.name_core(name)]
        if exact:
            out.append(f"#{exact[0]}")
        else:
            out.append(f"#{scored[0][0]}" if scored else None)
    return out


def incremental(names: list[str], threshold: float, prime=()) -> list[str | None]:
    index = SimilarNames(threshold)
    index.prime([rules.name_core(n) for n in prime])
    out = []
    for i, name in enumerate(names):
        out.append(index.find(name))
        index.add(name, f"#{i}")
    return out


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(cores, min_size=1, max_size=25),
    threshold=st.sampled_from([0.5, 0.6, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]),
    primed=st.booleans(),
)
def test_the_index_finds_exactly_what_the_rule_finds(names, threshold, primed):
    assert incremental(names, threshold, names if primed else ()) == brute_force(names, threshold)


SCRIPT = """
import json, random, sys
import django
django.setup()
from xindang.customers.importing.validation import SimilarNames
rng = random.Random(7)
alphabet = "华夏科技长江实业贸易东方红星中国钢铁"
names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 8))) for _ in range(1500)]
index = SimilarNames(0.85)
index.prime(names)
found = []
for i, name in enumerate(names):
    found.append(index.find(name))
    index.add(name, str(i))
print(json.dumps(found))
"""


def test_the_answer_is_the_same_under_every_hash_seed():
    root = Path(__file__).resolve().parents[3]
    answers = set()
    for seed in ("0", "1", "42", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "xindang.settings"}
        env["PYTHONPATH"] = str(root)
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, cwd=root, capture_output=True, text=True, check=True
        )
        answers.add(out.stdout)
    assert len(answers) == 1
    assert sum(1 for a in json.loads(answers.pop()) if a) > 10  # the sample does hold similar names
