"""People: registered reviewers, each with a personal Ed25519 key that they keep.

The two-person rules of dalil (double entry of a case's numbers, confirming an
identification) are only as good as the names they count. Here a reviewer is a
registered *person*: an id, a display name and a public key, registered by a
``person.added`` event and retired by ``person.disabled``. The private key never enters
the archive: it is written once to a file the person keeps (``keyfile``), and every
review, entry, decision and confirmation that person makes is signed with it
(``signing``). ``verify`` checks each signature against the key the log had registered
for that person at that point (``check``), so a decision by someone who does not hold
the key, by a disabled person, or without a signature once people are registered, is
named by its event.

  tables      the ``people`` table
  signature   pure: which events are signed, the signed message, sign and check
  keyfile     a person's private key file, written outside the archive
  registry    add, list, disable; ``Author`` (a person and their key); ``sign``
  check       the verify watch over the log's signed events
  replay      the ``PEOPLE`` capability
"""
