"""The atlas: which framework sections each chunk speaks to, cities, comparable cities, the overview.

    from kb import KnowledgeBase
    from kb.atlas import Profile
    kb = KnowledgeBase("~/my-kb")
    kb.cities()                                      # every city its documents name, however spelled
    me = kb.profile_of_city("Harrow Bend")           # or Profile(population_band="50k-250k", ...)
    for c in kb.compare(me, k=5):
        print(c.name, c.score, c.explanation)        # "Same size band (250k-1m); both work on referral."
    kb.section_examples("leadership", k=5, prefer=me)
    kb.search("who chairs the group?", prefer=me)   # re-ranked towards comparable cities, none hidden

Modules: framework_file (strict reading), labels (scoring), section_model (the per-section
regression deciding labels), calibration, labelling (when and what to label), label_store (the catalog tables), cities / city_store, profile, similarity, examples,
overview, records, atlas (the facade the KnowledgeBase delegates to).
"""

from kb.atlas.atlas import Atlas
from kb.atlas.examples import SectionError
from kb.atlas.framework_file import FrameworkError
from kb.atlas.overview import Overview
from kb.atlas.profile import Profile, ProfileError
from kb.atlas.records import City, CityDocument, CitySection, ComparableCity, RelabelReport, SectionExample

__all__ = [
    "Atlas",
    "City",
    "CityDocument",
    "CitySection",
    "ComparableCity",
    "FrameworkError",
    "Overview",
    "Profile",
    "ProfileError",
    "RelabelReport",
    "SectionError",
    "SectionExample",
]
