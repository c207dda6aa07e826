"""The reviewed synonym list: words and phrases a person may use for the same thing.

Each line is one set of equivalents. A query term found in a set is searched as any member of
the set. Keep it small and reviewable: add a set only when the words are truly interchangeable
for someone looking for an organisation, never to push particular listings up.
"""

SYNONYM_SETS = [
    # British and American spelling.
    {"labour", "labor"},
    {"organisation", "organization"},
    {"organisations", "organizations"},
    {"programme", "program"},
    {"programmes", "programs"},
    {"centre", "center"},
    {"counselling", "counseling"},
    {"behaviour", "behavior"},
    {"favour", "favor"},
    # What the crime is called.
    {"modern slavery", "human trafficking", "slavery"},
    {"trafficking", "traffic", "traffik"},
    {"forced labour", "labour exploitation", "forced labor", "labor exploitation"},
    {"sex trafficking", "sexual exploitation", "commercial sexual exploitation"},
    {"child exploitation", "child trafficking", "child abuse"},
    {"domestic servitude", "domestic slavery"},
    {"forced marriage", "child marriage", "early marriage"},
    {"supply chains", "supply chain", "value chains"},
    {"online", "internet", "digital"},
    # Who is helped, and how.
    {"survivor", "victim"},
    {"survivors", "victims"},
    {"survivor support", "victim support", "aftercare", "survivor care"},
    {"children", "child", "minors", "young people", "youth"},
    {"women", "girls"},
    {"migrant workers", "migrant worker", "migrants", "migrant"},
    {"shelter", "safe house", "safehouse", "refuge"},
    {"helpline", "hotline"},
    {"awareness", "prevention"},
    {"policy", "advocacy", "law"},
    {"research", "data", "intelligence"},
]


def _index(sets):
    index = {}
    for group in sets:
        for member in group:
            index.setdefault(member, set()).update(group)
    return {member: sorted(equivalents) for member, equivalents in index.items()}


SYNONYMS = _index(SYNONYM_SETS)
LONGEST_PHRASE = max(len(member.split()) for member in SYNONYMS)
