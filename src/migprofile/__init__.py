"""migprofile: a country's Migration Profile as a living, reproducible build.

The public API is flat: everything a user does from the command line can be done from
Python with the functions below. They are imported when first used, so that the command
line starts at once.
"""

from migprofile._lazy import lazy_exports

# The one place of the version number (pyproject.toml reads it from here); see CHANGELOG.md.
__version__ = "0.2.0"

_EXPORTS = {
    "InputProblem": "migprofile.errors",
    "MigprofileError": "migprofile.errors",
    "Profile": "migprofile.profile",
    "ValidationFailed": "migprofile.errors",
    "create_profile": "migprofile.profile",
}
__all__ = [
    "InputProblem",
    "MigprofileError",
    "Profile",
    "ValidationFailed",
    "__version__",
    "create_profile",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
