"""What HR sees of the directory sync: "Reports to" and "Synced from" on the person page and the
accounts list, the account's links to company accounts, and removing a wrong one (audited)."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, DirectoryRecord, ExternalIdentity, User
from courseware.services.people import directory_sync
from tests.services.test_directory_sync import FakeDirectory, company


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_the_person_page_and_the_accounts_list_say_whom_they_report_to_and_where_from(hr, make_user):
    directory_sync.run(db.session, FakeDirectory(company()))
    page = hr.get(f"/hr/people/{user('li.na').id}").get_data(as_text=True)
    assert "Reports to Chen Yong" in page and "Synced from WeCom" in page
    listing = hr.get("/hr/accounts").get_data(as_text=True)
    assert "<th scope=\"col\">Reports to</th>" in listing
    row = listing.split("Wang Lei</a>")[1].split("</tr>")[0]
    assert "<td>Li Na</td>" in row and "Synced from WeCom" in row
    assert "Synced from" not in hr.get(f"/hr/people/{hr.user.id}").get_data(as_text=True)


def test_in_chinese_the_source_is_named_in_chinese(hr):
    directory_sync.run(db.session, FakeDirectory(company()))
    page = hr.get(f"/hr/people/{user('li.na').id}", headers={"Accept-Language": "zh-CN"})
    assert "企业微信" in page.get_data(as_text=True)


def test_hr_removes_a_wrong_link_and_the_next_sync_matches_again(hr, make_user):
    wrong = make_user(username="li.na", full_name="Another Li Na")
    directory_sync.run(db.session, FakeDirectory(company()))
    link = db.session.scalar(sa.select(ExternalIdentity).where(ExternalIdentity.user_id == wrong.id))
    form = hr.get(f"/hr/accounts/{wrong.id}").get_data(as_text=True)
    assert "wecom · u2" in form and "Remove the link" in form

    response = hr.post(f"/hr/accounts/{wrong.id}/identities/{link.id}/unlink")
    assert response.status_code == 302
    assert "The link to wecom is removed." in hr.get(response.location).get_data(as_text=True)
    assert db.session.scalar(sa.select(ExternalIdentity).where(ExternalIdentity.user_id == wrong.id)) is None
    assert db.session.scalar(sa.select(DirectoryRecord).where(DirectoryRecord.user_id == wrong.id)) is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.unlink"))
    assert (event.actor, event.target, event.details) == (hr.user.username, "li.na",
                                                          "provider=wecom; subject=u2")
    # HR corrects the wrong account (the sync had given it Li Na's e-mail): the next sync makes the
    # right one, and leaves this one alone.
    wrong.username, wrong.email = "li.na.other", "other@example.com"
    db.session.commit()
    directory_sync.run(db.session, FakeDirectory(company()))
    assert user("li.na").full_name == "Li Na" and user("li.na.other").active


def test_another_persons_link_or_a_presidents_cannot_be_removed_by_hr(hr, make_user):
    boss, other = make_user(role="president"), make_user()
    link = ExternalIdentity(provider="wecom", subject="boss", user=boss)
    db.session.add(link)
    db.session.commit()
    assert hr.post(f"/hr/accounts/{boss.id}/identities/{link.id}/unlink").status_code == 403
    assert hr.post(f"/hr/accounts/{other.id}/identities/{link.id}/unlink").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(ExternalIdentity.id))) == 1
