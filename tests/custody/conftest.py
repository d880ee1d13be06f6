"""The custody tests use the session's full archive (``tests/conftest.py::full``)."""
