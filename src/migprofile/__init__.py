"""migprofile: a country's Migration Profile as a living, reproducible build.

The public API is flat: everything a user does from the command line can be done from
Python with the functions below.
"""

from migprofile.errors import InputProblem, MigprofileError, ValidationFailed
from migprofile.profile import Profile, create_profile

__version__ = "0.1.0"

__all__ = [
    "InputProblem",
    "MigprofileError",
    "Profile",
    "ValidationFailed",
    "__version__",
    "create_profile",
]
