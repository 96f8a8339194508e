"""What a company directory says (WeCom, DingTalk, Feishu or a CSV file): its departments and
people, in one shape whatever the source, so that one sync (services/people/directory_sync.py)
serves them all. Ids are the source's own; a person's `external_id` is also the subject that
signs them in with the same platform (ExternalIdentity with `provider` equal to the source's).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class DirectoryDepartment:
    external_id: str
    name: str
    parent_external_id: str | None = None


@dataclass(frozen=True)
class DirectoryPerson:
    external_id: str
    full_name: str
    username: str | None = None
    email: str | None = None
    mobile: str | None = None
    department_external_id: str | None = None
    manager_external_id: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class DirectorySnapshot:
    """Everyone the source lists now; a person it no longer lists has left."""

    provider: str  # 'wecom', 'dingtalk', 'feishu' or 'csv'
    departments: list[DirectoryDepartment] = field(default_factory=list)
    people: list[DirectoryPerson] = field(default_factory=list)


class DirectoryUnavailable(Exception):
    """The source could not be read completely (network, credentials, an error code, a bad file):
    the message says which and why, and nothing is changed."""


class DirectorySource(Protocol):
    provider: str

    def snapshot(self) -> DirectorySnapshot:
        """The whole directory, every page read; DirectoryUnavailable if any part fails."""
        ...
