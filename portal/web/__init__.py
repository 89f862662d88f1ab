"""What every page shares, one room each:

- `access`: the roles and `roles_required`;
- `session`: the session's user, with what every page of theirs shows, and the simulated date;
- `language`: the reader's language and time zone, gettext for templates;
- `labels`: the words behind slugs and audit actions;
- `filters` and `templating`: the template filters and the shared template context;
- `memo`: pages and API lists already answered, kept under the records' stamp;
- `headers`: the security and caching headers;
- `errors` and `favicon`: the error pages, the icon browsers ask for;
- `transactions`: how a request's transaction begins and ends;
- `switches`: the speed-ups' off-switches, for measuring them.

The names the rest of the portal imports are here too (`from ..web import roles_required`).
"""
from .access import ADVISORS, MANAGERS, PROVIDER_STAFF, roles_required
from .errors import register_error_pages
from .favicon import register_favicon
from .filters import nl_date, reason_text
from .headers import security_headers
from .labels import AUDIT_ACTIONS, LABELS, label
from .language import AMSTERDAM, select_locale
from .memo import CSRF_MARK, PageMemo, api_viewer, init_page_memo, memoised, page_memo
from .session import SessionUser, current_actor, load_user, session_limits, simulation_today
from .templating import register_template_helpers
from .transactions import SAFE_METHODS, reads_end_in_commit, writes_take_the_lock_first

__all__ = [
    "ADVISORS", "AMSTERDAM", "AUDIT_ACTIONS", "CSRF_MARK", "LABELS", "MANAGERS", "PROVIDER_STAFF",
    "SAFE_METHODS", "PageMemo", "SessionUser", "current_actor", "init_page_memo", "label",
    "load_user", "nl_date", "page_memo", "reads_end_in_commit", "reason_text",
    "register_error_pages", "register_favicon", "register_template_helpers", "memoised",
    "api_viewer",
    "roles_required", "security_headers", "select_locale", "session_limits", "simulation_today",
    "writes_take_the_lock_first",
]
