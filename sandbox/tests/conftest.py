"""The sandbox's tests: fidelity check (a), the OpenAPI check of every response, is applied to
every test that uses the sandbox, here and elsewhere, by tests/conftest.py."""
