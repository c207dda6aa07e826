"""The fixed mix of `make load`, one request path a line, from the directory in the database:
home 10 %, searches 40 % (each one different, so none is answered from the results cache),
profiles 35 %, country pages 15 %. Run through `manage.py shell`; a fixed seed, so every run
asks the same things in the same order.

    manage.py shell --no-imports -c "exec(open('bin/load.d/paths.py').read())" > paths.txt
"""

import os
import random
from urllib.parse import urlencode

from orgs.management.commands.generate_synthetic_orgs import NOUNS, PLACES
from orgs.models import ExploitationForm, OperatingCountry, Organisation, Pillar, Population

rng = random.Random(int(os.environ.get("LOAD_SEED", "12")))
LINES = int(os.environ.get("LOAD_PATHS", "60000"))
slugs = list(Organisation.objects.published().values_list("slug", flat=True))
countries = sorted(set(OperatingCountry.objects.values_list("country", flat=True)))
pillars = list(Pillar.objects.values_list("slug", flat=True))
forms = list(ExploitationForm.objects.values_list("slug", flat=True))
populations = list(Population.objects.values_list("slug", flat=True))
words = [
    *(word.lower() for word in PLACES + NOUNS),
    *[
        "survivor",
        "shelter",
        "helpline",
        "legal",
        "aid",
        "children",
        "forced",
        "labour",
        "fishing",
        "domestic",
        "work",
        "migrant",
        "workers",
        "sexual",
        "exploitation",
        "education",
        "policy",
        "data",
        "research",
        "recovery",
        "housing",
        "counselling",
        "trafficking",
        "supply",
        "chains",
        "online",
        "safety",
    ],
]
searches = set()


def search():
    while True:
        query = {"q": " ".join(rng.sample(words, rng.choice([1, 2, 2, 3])))}
        roll = rng.random()
        if roll < 0.3:
            query["pillar"] = rng.choice(pillars)
        elif roll < 0.5:
            query["country"] = rng.choice(countries)
        elif roll < 0.6:
            query["exploitation"] = rng.choice(forms)
        elif roll < 0.7:
            query["population"] = rng.choice(populations)
        if rng.random() < 0.2:
            query["page"] = rng.choice([2, 3])
        path = "/organisations/?" + urlencode(query)
        if path not in searches:
            searches.add(path)
            return path


for _ in range(LINES):
    roll = rng.random()
    if roll < 0.10:
        print("/")
    elif roll < 0.50:
        print(search())
    elif roll < 0.85:
        print(f"/organisations/{rng.choice(slugs)}/")
    else:
        print(f"/countries/{rng.choice(countries).lower()}/")
