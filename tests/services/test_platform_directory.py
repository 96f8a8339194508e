"""The directories of WeCom, DingTalk and Feishu read through their APIs (services/people/platforms),
against the local fake platforms (tests/fakes/work_platforms.py): every page read, the app token kept
and fetched again when it expired, every error a DirectoryUnavailable that says which and why."""
from __future__ import annotations

import socket

import pytest

from courseware.services.people.directory_types import DirectoryUnavailable
from courseware.services.people.platforms import PlatformError, client, directory_source

PLATFORMS = ["wecom", "dingtalk", "feishu"]
# How each platform names the departments of the fake company.
DEPARTMENT = {"wecom": str, "dingtalk": str, "feishu": lambda number: f"od-{number}"}
# The endpoint that lists a department's people, per platform.
PEOPLE_LIST = {"wecom": "/cgi-bin/user/list", "dingtalk": "/topapi/v2/user/list",
               "feishu": "/open-apis/contact/v3/users/find_by_department"}
ERRORS = {"wecom": (60011, "no privilege to access/modify contact/party/agent"),
          "dingtalk": (60011, "no permission"), "feishu": (40004, "no dept authority error")}


def snapshot(fake, platform):
    return directory_source(platform, fake.settings(platform)).snapshot()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_whole_directory_in_one_shape(work_platforms, platform):
    found = snapshot(work_platforms, platform)
    dept = DEPARTMENT[platform]
    assert found.provider == platform
    departments = sorted((each.external_id, each.name, each.parent_external_id) for each in found.departments)
    assert departments == sorted(
        [(dept(2), "Marketing Center", None), (dept(3), "International Trade", dept(2)),
         (dept(4), "Finance", None)])
    people = {each.external_id: each for each in found.people}
    assert sorted(people) == ["chen.yong", "li.na", "stranger", "sun.hao", "wang.lei", "zhao.jing",
                              "zhou.min"]
    wang = people["wang.lei"]
    assert (wang.full_name, wang.username, wang.email, wang.mobile, wang.department_external_id,
            wang.manager_external_id) == ("Wang Lei", "wang.lei", "wang.lei@example.com", "13800000001",
                                          dept(3), "chen.yong")
    assert people["chen.yong"].title == "General manager"
    # The president sits at the top, in the company itself: in no department.
    assert (people["zhou.min"].department_external_id, people["zhou.min"].manager_external_id) == (None, None)


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_every_page_is_read(work_platforms, platform):
    """Two to a page: International Trade's three people take two pages, and all three are there."""
    found = snapshot(work_platforms, platform)
    assert {"wang.lei", "li.na", "sun.hao"} <= {each.external_id for each in found.people}
    pages = [path for name, path in work_platforms.calls if path == PEOPLE_LIST[platform]]
    # The top and three departments, International Trade over two pages (and Finance on Feishu, which
    # lists the one who resigned, marked so).
    assert len(pages) == {"dingtalk": 4 + 1, "feishu": 4 + 2}[platform]
    if platform == "feishu":  # three departments, two to a page
        assert work_platforms.calls.count(("feishu", "/open-apis/contact/v3/departments/0/children")) == 2


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_app_token_is_kept_and_fetched_again_when_it_expired(work_platforms, platform):
    source = directory_source(platform, work_platforms.settings(platform))
    source.snapshot()
    source.snapshot()
    assert work_platforms.token_requests[platform] == 1
    work_platforms.expire_tokens(platform)
    assert len(source.snapshot().people) == 7
    assert work_platforms.token_requests[platform] == 2


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_error_code_makes_the_directory_unavailable_with_its_reason(work_platforms, platform):
    code, message = ERRORS[platform]
    work_platforms.fail(platform, PEOPLE_LIST[platform], code, message)
    with pytest.raises(DirectoryUnavailable) as raised:
        snapshot(work_platforms, platform)
    assert str(code) in str(raised.value) and message in str(raised.value)
    assert PEOPLE_LIST[platform] in str(raised.value)


@pytest.mark.parametrize("platform,code", [("wecom", 40014), ("wecom", 42001), ("dingtalk", 40014),
                                           ("dingtalk", 42001), ("feishu", 99991663), ("feishu", 99991664)])
def test_a_token_answered_as_invalid_is_fetched_again_and_the_call_made_once_more(work_platforms, platform,
                                                                                   code):
    work_platforms.fail(platform, PEOPLE_LIST[platform], code, "invalid access_token", times=1)
    assert len(snapshot(work_platforms, platform).people) == 7
    assert work_platforms.token_requests[platform] == 2


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_token_refused_even_after_fetching_a_new_one_is_an_error_not_a_loop(work_platforms, platform):
    expired = {"wecom": 42001, "dingtalk": 42001, "feishu": 99991663}[platform]
    work_platforms.fail(platform, PEOPLE_LIST[platform], expired, "access token expired", times=2)
    with pytest.raises(DirectoryUnavailable, match=str(expired)):
        snapshot(work_platforms, platform)
    assert work_platforms.token_requests[platform] == 2


@pytest.mark.parametrize("platform", PLATFORMS)
def test_wrong_credentials_are_named(work_platforms, platform):
    settings = work_platforms.settings(platform)
    secret = {"wecom": "WECOM_SECRET", "dingtalk": "DINGTALK_CLIENT_SECRET", "feishu": "FEISHU_APP_SECRET"}
    settings[secret[platform]] = "wrong"
    with pytest.raises(DirectoryUnavailable) as raised:
        directory_source(platform, settings).snapshot()
    assert {"wecom": "40001", "dingtalk": "40089", "feishu": "10014"}[platform] in str(raised.value)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_platform_out_of_reach_is_unavailable(work_platforms, platform):
    work_platforms.base_url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(DirectoryUnavailable, match="could not be reached"):
        snapshot(work_platforms, platform)


def test_a_platform_not_configured_or_unknown_is_named():
    with pytest.raises(DirectoryUnavailable, match="set WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET"):
        directory_source("wecom", {})
    with pytest.raises(DirectoryUnavailable, match="DINGTALK_CLIENT_SECRET"):
        directory_source("dingtalk", {"DINGTALK_CLIENT_ID": "x"})
    with pytest.raises(DirectoryUnavailable, match="unknown platform 'slack'"):
        directory_source("slack", {})


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_work_notice_reaches_one_person(work_platforms, platform):
    api = client(platform, work_platforms.settings(platform))
    api.send_text(["wang.lei"], "Your course is due in 3 days.")
    assert work_platforms.messages == [{"platform": platform, "to": "wang.lei",
                                        "text": "Your course is due in 3 days."}]


@pytest.mark.parametrize("platform,words", [("wecom", "error invaliduser (nobody.here)"),
                                            ("feishu", "error 230013 (Bot has NO availability")])
def test_a_work_notice_to_someone_the_platform_does_not_know_is_an_error(work_platforms, platform, words):
    with pytest.raises(PlatformError) as raised:
        client(platform, work_platforms.settings(platform)).send_text(["nobody.here"], "Hello")
    assert words in str(raised.value)


def test_a_dingtalk_work_notice_needs_the_agent_id(work_platforms):
    settings = {**work_platforms.settings("dingtalk"), "DINGTALK_AGENT_ID": ""}
    with pytest.raises(PlatformError, match="60020"):
        client("dingtalk", settings).send_text(["wang.lei"], "Hello")


def test_the_sign_in_pages_are_the_platforms_own_by_default():
    settings = {"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "100", "WECOM_SECRET": "s",
                "DINGTALK_CLIENT_ID": "d", "DINGTALK_CLIENT_SECRET": "s",
                "FEISHU_APP_ID": "cli_1", "FEISHU_APP_SECRET": "s"}
    back = "https://courses.example.com/back"
    urls = {name: client(name, settings).authorize_url(back, "st") for name in PLATFORMS}
    assert urls["wecom"].startswith("https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp"
                                    "&appid=ww1&agentid=100&redirect_uri=https%3A%2F%2Fcourses.example.com")
    assert urls["dingtalk"].startswith("https://login.dingtalk.com/oauth2/auth?client_id=d&")
    assert urls["feishu"].startswith("https://accounts.feishu.cn/open-apis/authen/v1/authorize?client_id=cli_1&")
    assert all(url.endswith(("state=st", "state=st&prompt=consent")) for url in urls.values())
