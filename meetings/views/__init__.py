"""Pages of the meetings module (/instances/), one module per area: bodies, sessions, the attendance sheet,
the self check-in, minutes (with decisions and actions) and exports.

Views are thin: rules and changes live in meetings.services (which announces sheet changes to the open
sheets), reads in meetings.queries, access in meetings.permissions. Every view answers for a logged-in
professional only, and checks the body: members read, secretaries run; the token-keyed pages (self
check-in, convocation reply, calendar feed) are the exceptions.
"""
