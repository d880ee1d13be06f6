"""Public releases: images for the public or the press that do not lead back to the source.

A release is drafted (each selected image re-encoded from its pixels alone, faces and
chosen regions blurred, the numbering card kept or masked, the camera's sensor noise
scrubbed and measured), reviewed image by image by a person, and only then written out
with a manifest whose salted commitments link each file to its sealed original for a
court given the salt, and for nobody else.

    draft      select, render the previews, record the draft
    review     the queue; approve, reject, or ask for more blurring (a new preview)
    release    write the approved files and the manifest; scan; record the release
    lineage    commitments, salts handed to courts, the check of a link
"""
