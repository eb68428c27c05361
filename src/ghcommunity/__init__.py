"""ghcommunity: GitHub-native automation for communities that work in a GitHub repo."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ghcommunity")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

__all__ = ["__version__"]
