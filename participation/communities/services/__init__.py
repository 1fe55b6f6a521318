"""Community use cases: membership and roles, household codes, verification, settings.

Every use case takes the acting user and ``now`` explicitly, asks a named rule, and writes
its audit row in the same transaction as the change.
"""

from participation.communities.services.codes import (
    HINT_LENGTH,
    MAX_CODES_PER_BATCH,
    IssuedCode,
    issue_household_codes,
    parse_household_labels,
    revoke_household_code,
)
from participation.communities.services.members import (
    ROLE_FIELDS,
    create_community,
    join_community,
    set_role,
)
from participation.communities.services.roster import enrol_verified_residents
from participation.communities.services.settings import (
    SETTINGS_FIELDS,
    CommunitySettings,
    save_settings,
    update_community_settings,
)
from participation.communities.services.verification import (
    NOTE_MAX,
    REASON_MAX,
    REDEEM_LIMIT,
    REDEEM_WINDOW_SECONDS,
    decide_verification,
    redeem_household_code,
    request_verification,
)

__all__ = [
    "HINT_LENGTH",
    "MAX_CODES_PER_BATCH",
    "NOTE_MAX",
    "REASON_MAX",
    "REDEEM_LIMIT",
    "REDEEM_WINDOW_SECONDS",
    "ROLE_FIELDS",
    "SETTINGS_FIELDS",
    "CommunitySettings",
    "IssuedCode",
    "create_community",
    "decide_verification",
    "enrol_verified_residents",
    "issue_household_codes",
    "join_community",
    "parse_household_labels",
    "redeem_household_code",
    "request_verification",
    "revoke_household_code",
    "save_settings",
    "set_role",
    "update_community_settings",
]
