"""The demo: a synthetic provider register, its people, and the story it tells on its date.

Not part of the portal: `portal demo load|reset|story` (portal.cli.demo) imports it inside its
commands, and the portal's own modules never import it. It builds what the portal works on
through the portal's models and operations.

- `demo.register`: the register as it stood on a start date (`load_demo`), `delete_all_data`;
- `demo.accounts`: the insurer's staff and the demo organisations' users;
- `demo.applicants`: applications of new providers waiting for an answer;
- `demo.story`: negotiations running and fresh applications on the demo's date (`stage_story`);
- `demo.places`, `demo.terms`: the invented world and the agreements' terms.
"""
from .accounts import DEMO_ACCOUNTS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DemoAccount
from .places import CITIES, COLLECTIVES, GP_COLLECTIVE, NATIONAL_COLLECTIVE, VILLAGES
from .register import (DEFAULT_PROVIDERS, DEFAULT_SEED, MIN_PROVIDERS, PROGRESS_TOTAL,
                       DemoDataExists, DemoSummary, default_start, delete_all_data, load_demo,
                       profile_years, provider_count, type_counts)
from .story import DemoStory, stage_story

__all__ = ["CITIES", "COLLECTIVES", "DEFAULT_PROVIDERS", "DEFAULT_SEED", "DEMO_ACCOUNTS",
           "DEMO_ORGANISATIONS", "DEMO_PASSWORD", "GP_COLLECTIVE", "MIN_PROVIDERS",
           "NATIONAL_COLLECTIVE", "PROGRESS_TOTAL", "VILLAGES", "DemoAccount", "DemoDataExists",
           "DemoStory", "DemoSummary", "default_start", "delete_all_data", "load_demo",
           "profile_years", "provider_count", "stage_story", "type_counts"]
