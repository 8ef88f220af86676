"""Fixtures for the web app and JSON API: the testland jurisdiction (clerk ~ supervisor, reviewer ~
need-to-know coordinator), a second jurisdiction, users with passwords and API tokens, a test client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from webclient import PASSWORD, USERS, Api, Browser

from api.app import create_app
from engine import auth
from engine.definitions import deploy, read_folder
from engine.users import add_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
auth.use_fast_hashing()


def make_otherland(tmp_path: Path) -> Path:
    """A copy of testland under another key: a jurisdiction whose staff must see nothing of testland."""
    root = tmp_path / "defs"
    target = root / "processes" / "otherland"
    shutil.copytree(FIXTURES / "processes" / "testland", target)
    shutil.copytree(FIXTURES / "forms" / "testland", root / "forms" / "otherland")
    config = target / "jurisdiction.toml"
    config.write_text(config.read_text().replace('key = "testland"', 'key = "otherland"'))
    return target


@pytest.fixture
def web(service, frozen, tmp_path):
    """(app, service): testland and otherland deployed, every user with a password and a token."""
    otherland = make_otherland(tmp_path)
    deploy(service.db, read_folder(otherland))
    add_user(service.db, service.registry, "olga", ["clerk", "reviewer"], "otherland")
    for name in [*USERS, "olga"]:
        auth.set_password(service.db, name, PASSWORD)
    app = create_app({
        "DATABASE_URL": service.db.url, "CLOCK": frozen, "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"), "DOCUMENTS_PATH": str(tmp_path / "documents"),
        "DEFINITIONS_ROOT": str(FIXTURES / "processes"), "DEPLOY_ROLES": ["reviewer"],
        "MAX_DOCUMENT_BYTES": 64 * 1024,
    })
    return app, service


@pytest.fixture
def app(web):
    return web[0]


@pytest.fixture
def tokens(web):
    _, service = web
    return {name: {"Authorization": f"Bearer {auth.issue_token(service.db, name)}"} for name in [*USERS, "olga"]}


@pytest.fixture
def api(app, tokens):
    return Api(app.test_client(), tokens)


@pytest.fixture
def signed_in(app):
    return lambda user: Browser(app, user)


@pytest.fixture
def admins(web, tmp_path):
    """Testland redeployed with reviewers (rita, cora) as its user admins; clara has an address."""
    from support import copy_testland

    _, service = web
    folder = copy_testland(tmp_path / "admin")
    config = folder / "jurisdiction.toml"
    config.write_text(config.read_text() + '\n[admin]\nuser_admin_roles = ["reviewer"]\n')
    deploy(service.db, read_folder(folder))
    add_user(service.db, service.registry, "clara", ["clerk"], "testland", email="clara@example.gov")
    return service


@pytest.fixture
def navy(sqlite_db, frozen, tmp_path):
    """(app, service, tokens) with the shipped Navy procedure and its people (webclient.NAVY)."""
    from webclient import NAVY, jurisdiction_app

    return jurisdiction_app(sqlite_db, frozen, tmp_path, "navy", NAVY)


@pytest.fixture
def county(sqlite_db, frozen, tmp_path):
    """(app, service, tokens) with the shipped Santa Cruz procedure and its people (webclient.COUNTY)."""
    from webclient import COUNTY, jurisdiction_app

    return jurisdiction_app(sqlite_db, frozen, tmp_path, "santa_cruz", COUNTY)
