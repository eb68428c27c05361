"""Git objects for the sandbox: blobs, trees, commits and refs with real SHA-1 object ids.

Object ids are computed exactly as git computes them (`sha1(b"<type> <len>\\0" + content)`),
so a file committed through the sandbox's contents API has the blob sha GitHub would report,
and a tree or commit built here could be checked by `git hash-object`.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

FILE_MODE = "100644"
EXEC_MODE = "100755"
LINK_MODE = "120000"
TREE_MODE = "040000"  # how the REST API writes a tree entry's mode
SUBMODULE_MODE = "160000"


def object_id(kind: str, content: bytes) -> str:
    """The git object id of `content` stored as `kind` (blob, tree, commit)."""
    header = f"{kind} {len(content)}\0".encode()
    return hashlib.sha1(header + content, usedforsecurity=False).hexdigest()


@dataclass(slots=True, eq=False)
class Signature:
    """An author or committer line."""

    name: str
    email: str
    date: str  # ISO 8601 with Z

    def raw(self) -> str:
        when = datetime.strptime(self.date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return f"{self.name} <{self.email}> {int(when.timestamp())} +0000"


@dataclass(slots=True, eq=False)
class Blob:
    sha: str
    data: bytes


@dataclass(slots=True, eq=False)
class TreeEntry:
    name: str
    mode: str  # FILE_MODE, TREE_MODE, ...
    sha: str

    @property
    def type(self) -> str:
        if self.mode == TREE_MODE:
            return "tree"
        if self.mode == SUBMODULE_MODE:
            return "commit"
        return "blob"


@dataclass(slots=True, eq=False)
class Tree:
    sha: str
    entries: list[TreeEntry]  # in git's order

    def get(self, name: str) -> TreeEntry | None:
        for entry in self.entries:
            if entry.name == name:
                return entry
        return None


@dataclass(slots=True, eq=False)
class Commit:
    sha: str
    tree: str
    parents: list[str]
    author: Signature
    committer: Signature
    message: str
    author_login: str | None = None  # the GitHub account that made it, when known
    committer_login: str | None = None


def _sort_key(entry: TreeEntry) -> bytes:
    # git orders tree entries by name, comparing a directory's name as if it ended in "/".
    name = entry.name.encode()
    return name + b"/" if entry.mode == TREE_MODE else name


def tree_bytes(entries: list[TreeEntry]) -> bytes:
    out = bytearray()
    for entry in sorted(entries, key=_sort_key):
        mode = "40000" if entry.mode == TREE_MODE else entry.mode
        out += f"{mode} {entry.name}".encode() + b"\0" + bytes.fromhex(entry.sha)
    return bytes(out)


def commit_bytes(
    tree: str, parents: list[str], author: Signature, committer: Signature, message: str
) -> bytes:
    lines = [f"tree {tree}"]
    lines += [f"parent {p}" for p in parents]
    lines.append(f"author {author.raw()}")
    lines.append(f"committer {committer.raw()}")
    return ("\n".join(lines) + "\n\n" + message).encode()


class GitError(Exception):
    """A git operation that cannot be done (unknown object, bad path)."""


@dataclass(eq=False)
class GitStore:
    """One repository's objects and refs."""

    blobs: dict[str, Blob] = field(default_factory=dict)
    trees: dict[str, Tree] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" → commit sha

    # -- writing objects --------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        sha = object_id("blob", data)
        if sha not in self.blobs:
            self.blobs[sha] = Blob(sha, data)
        return sha

    def put_tree(self, entries: list[TreeEntry]) -> str:
        ordered = sorted(entries, key=_sort_key)
        sha = object_id("tree", tree_bytes(ordered))
        if sha not in self.trees:
            self.trees[sha] = Tree(sha, ordered)
        return sha

    def put_commit(
        self,
        tree: str,
        parents: list[str],
        author: Signature,
        committer: Signature,
        message: str,
        *,
        author_login: str | None = None,
        committer_login: str | None = None,
    ) -> str:
        if tree not in self.trees:
            raise GitError(f"unknown tree {tree}")
        for parent in parents:
            if parent not in self.commits:
                raise GitError(f"unknown commit {parent}")
        sha = object_id("commit", commit_bytes(tree, parents, author, committer, message))
        if sha not in self.commits:
            self.commits[sha] = Commit(
                sha,
                tree,
                list(parents),
                author,
                committer,
                message,
                author_login,
                committer_login,
            )
        return sha

    # -- reading ----------------------------------------------------------------------------

    def kind(self, sha: str) -> str | None:
        if sha in self.blobs:
            return "blob"
        if sha in self.trees:
            return "tree"
        if sha in self.commits:
            return "commit"
        return None

    def resolve(self, ref: str | None, default_branch: str) -> str | None:
        """A branch name, `refs/...`, tag or commit sha → a commit sha."""
        name = ref or default_branch
        for candidate in (name, f"refs/heads/{name}", f"refs/tags/{name}"):
            if candidate in self.refs:
                return self.refs[candidate]
        if name in self.commits:
            return name
        if len(name) >= 7:
            matches = [sha for sha in self.commits if sha.startswith(name)]
            if len(matches) == 1:
                return matches[0]
        return None

    def walk_path(self, tree_sha: str, path: str) -> TreeEntry | None:
        """The entry at `path` under a tree (None when absent); "" means the tree itself."""
        parts = [p for p in path.strip("/").split("/") if p]
        if not parts:
            return TreeEntry("", TREE_MODE, tree_sha)
        current = self.trees.get(tree_sha)
        entry: TreeEntry | None = None
        for i, part in enumerate(parts):
            if current is None:
                return None
            entry = current.get(part)
            if entry is None:
                return None
            if i < len(parts) - 1:
                if entry.mode != TREE_MODE:
                    return None
                current = self.trees.get(entry.sha)
        return entry

    def iter_tree(self, tree_sha: str, prefix: str = "") -> Iterator[tuple[str, TreeEntry]]:
        """Every entry under a tree, recursively, as (path, entry), trees before their content."""
        tree = self.trees.get(tree_sha)
        if tree is None:
            return
        for entry in tree.entries:
            path = f"{prefix}{entry.name}"
            yield path, entry
            if entry.mode == TREE_MODE:
                yield from self.iter_tree(entry.sha, path + "/")

    def files(self, tree_sha: str) -> dict[str, str]:
        """path → blob sha for every file under a tree."""
        return {p: e.sha for p, e in self.iter_tree(tree_sha) if e.mode != TREE_MODE}

    # -- building trees from edits ----------------------------------------------------------

    def edit_tree(self, base: str | None, changes: Mapping[str, tuple[str, str] | None]) -> str:
        """A new tree: `base` with paths set to (mode, sha) or removed (None).

        Intermediate directories are created as needed and empty ones dropped, as git does.
        """
        nested: dict[str, dict[str, tuple[str, str] | None]] = {}
        direct: dict[str, tuple[str, str] | None] = {}
        for path, value in changes.items():
            head, sep, rest = path.strip("/").partition("/")
            if not head:
                raise GitError(f"bad path {path!r}")
            if sep:
                nested.setdefault(head, {})[rest] = value
            else:
                direct[head] = value
        entries: dict[str, TreeEntry] = {}
        if base is not None:
            base_tree = self.trees.get(base)
            if base_tree is None:
                raise GitError(f"unknown tree {base}")
            entries = {e.name: TreeEntry(e.name, e.mode, e.sha) for e in base_tree.entries}
        for name, value in direct.items():
            if value is None:
                entries.pop(name, None)
            else:
                entries[name] = TreeEntry(name, value[0], value[1])
        for name, sub in nested.items():
            existing = entries.get(name)
            sub_base = existing.sha if existing is not None and existing.mode == TREE_MODE else None
            sub_sha = self.edit_tree(sub_base, sub)
            if self.trees[sub_sha].entries:
                entries[name] = TreeEntry(name, TREE_MODE, sub_sha)
            else:
                entries.pop(name, None)
        return self.put_tree(list(entries.values()))

    # -- history ----------------------------------------------------------------------------

    def history(self, head: str) -> list[Commit]:
        """Commits reachable from `head`, newest first (by committer date, then topology)."""
        seen: set[str] = set()
        out: list[Commit] = []
        stack = [head]
        while stack:
            sha = stack.pop()
            if sha in seen or sha not in self.commits:
                continue
            seen.add(sha)
            commit = self.commits[sha]
            out.append(commit)
            stack.extend(commit.parents)
        order = {c.sha: i for i, c in enumerate(out)}
        out.sort(key=lambda c: (c.committer.date, -order[c.sha]), reverse=True)
        return out

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        if ancestor == descendant:
            return True
        stack = [descendant]
        seen: set[str] = set()
        while stack:
            sha = stack.pop()
            if sha == ancestor:
                return True
            if sha in seen:
                continue
            seen.add(sha)
            commit = self.commits.get(sha)
            if commit is not None:
                stack.extend(commit.parents)
        return False

    def touches(self, commit: Commit, path: str) -> bool:
        """Whether a commit changed anything at or under `path` compared with its first parent."""
        mine = self.walk_path(commit.tree, path)
        if not commit.parents:
            return mine is not None
        parent = self.commits.get(commit.parents[0])
        theirs = self.walk_path(parent.tree, path) if parent else None
        if mine is None or theirs is None:
            return (mine is None) != (theirs is None)
        return mine.sha != theirs.sha

    def changed_files(self, commit: Commit) -> list[tuple[str, str, str | None, str | None]]:
        """(path, status, old blob sha, new blob sha) for a commit against its first parent."""
        new = self.files(commit.tree)
        old: dict[str, str] = {}
        if commit.parents and commit.parents[0] in self.commits:
            old = self.files(self.commits[commit.parents[0]].tree)
        out: list[tuple[str, str, str | None, str | None]] = []
        for path in sorted(set(new) | set(old)):
            if path not in old:
                out.append((path, "added", None, new[path]))
            elif path not in new:
                out.append((path, "removed", old[path], None))
            elif old[path] != new[path]:
                out.append((path, "modified", old[path], new[path]))
        return out


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One file's change between two trees, as GitHub lists it."""

    path: str
    status: str  # added | removed | modified
    old_sha: str | None
    new_sha: str | None
    patch: str | None  # the unified diff's hunks (None for binary files)
    additions: int
    deletions: int


def _text_lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def diff_blobs(path: str, old: bytes | None, new: bytes | None) -> tuple[str | None, int, int]:
    """(patch, additions, deletions): GitHub's `patch` is the unified diff's hunks, without
    the file header lines, and it says `\\ No newline at end of file` where git would."""
    a, b = _text_lines(old), _text_lines(new)
    if a is None or b is None:
        return None, 0, 0
    hunks: list[str] = []
    adds = dels = 0
    for line in difflib.unified_diff(a, b, lineterm="", n=3):
        if line.startswith(("---", "+++")) and not hunks:
            continue
        if line.startswith("+"):
            adds += 1
        elif line.startswith("-"):
            dels += 1
        hunks.append(line)
    for data, sign in ((new, "+"), (old, "-")):
        if data and not data.endswith(b"\n"):
            # the last line of that side lacks a newline
            for i in range(len(hunks) - 1, -1, -1):
                if hunks[i].startswith((sign, " ")) and not hunks[i].startswith("@@"):
                    hunks.insert(i + 1, "\\ No newline at end of file")
                    break
    return "\n".join(hunks), adds, dels


def diff_trees(
    git: GitStore, old_tree: str | None, new_tree: str | None, new_git: GitStore | None = None
) -> list[FileDiff]:
    """The files that differ between two trees (`new_git` when the new tree is in a fork)."""
    other = new_git or git
    old = git.files(old_tree) if old_tree else {}
    new = other.files(new_tree) if new_tree else {}
    out: list[FileDiff] = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        status = "added" if path not in old else "removed" if path not in new else "modified"
        before = git.blobs[old[path]].data if path in old else None
        after = other.blobs[new[path]].data if path in new else None
        patch, adds, dels = diff_blobs(path, before, after)
        out.append(FileDiff(path, status, old.get(path), new.get(path), patch, adds, dels))
    return out


def git_diff(files: list[FileDiff]) -> str:
    """The whole change as `git diff` prints it (what GitHub's diff media type answers)."""
    out: list[str] = []
    for f in files:
        out.append(f"diff --git a/{f.path} b/{f.path}")
        short_old = (f.old_sha or "0" * 40)[:7]
        short_new = (f.new_sha or "0" * 40)[:7]
        if f.status == "added":
            out += [f"new file mode {FILE_MODE}", f"index {short_old}..{short_new}"]
        elif f.status == "removed":
            out += [f"deleted file mode {FILE_MODE}", f"index {short_old}..{short_new}"]
        else:
            out.append(f"index {short_old}..{short_new} {FILE_MODE}")
        if f.patch is None:
            out.append(f"Binary files a/{f.path} and b/{f.path} differ")
            continue
        if not f.patch:
            continue
        out.append("--- /dev/null" if f.status == "added" else f"--- a/{f.path}")
        out.append("+++ /dev/null" if f.status == "removed" else f"+++ b/{f.path}")
        out.append(f.patch)
    return "\n".join(out) + "\n" if out else ""
