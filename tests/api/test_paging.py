"""Paging contract of every growing list: the JSON API (flask-smorest's `page`, `page_size` and the
`X-Pagination` header; default 50, at most 200; an invalid page is a 422) and the inbox and case-list
pages (a page at a time, with the total and accessible links to the other pages)."""

from __future__ import annotations

import json

from webclient import start


def _many(service, n: int) -> list[int]:
    """n open testland cases of rob's, each with one open clerk task (started through the service)."""
    return [service.start_case("testland", "tl_main", "rob") for _ in range(n)]


def header(r) -> dict:
    return json.loads(r.headers["X-Pagination"])


def test_api_lists_page_with_default_max_last_page_and_header(api, web):
    _, service = web
    ids = _many(service, 53)
    r = api("clara", "GET", "/cases")
    assert r.status_code == 200 and len(r.json) == 50  # default page size
    assert [c["id"] for c in r.json] == sorted(ids, reverse=True)[:50]
    assert header(r) == {"total": 53, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 1, "next_page": 2}
    last = api("clara", "GET", "/cases", query_string={"page": 2})
    assert [c["id"] for c in last.json] == sorted(ids, reverse=True)[50:]
    assert header(last)["page"] == 2 and "next_page" not in header(last) and header(last)["previous_page"] == 1
    assert api("clara", "GET", "/cases", query_string={"page": 3}).json == []  # past the end: empty, not an error
    assert len(api("clara", "GET", "/cases", query_string={"page_size": 200}).json) == 53
    small = api("clara", "GET", "/cases", query_string={"page_size": 5, "page": 11, "status": "open"})
    assert [c["id"] for c in small.json] == sorted(ids, reverse=True)[50:53]
    assert header(small)["total_pages"] == 11

    tasks = api("clara", "GET", "/tasks", query_string={"page_size": 20, "page": 3})
    assert len(tasks.json) == 13 and header(tasks)["total"] == 53
    everything = [t["case_id"] for p in (1, 2, 3)
                  for t in api("clara", "GET", "/tasks", query_string={"page_size": 20, "page": p}).json]
    assert sorted(everything) == sorted(ids)  # the pages cut one list: nothing twice, nothing missing

    history = api("clara", "GET", f"/cases/{ids[0]}/history", query_string={"page_size": 1, "page": 2})
    assert [e["kind"] for e in history.json] == ["task_opened"] and header(history)["total"] == 2
    docs = api("clara", "GET", f"/cases/{ids[0]}/documents")
    assert docs.json == {"documents": [], "withheld_medical": 0} and header(docs)["total"] == 0


def test_invalid_paging_is_a_422_with_the_field(api, web):
    _many(web[1], 1)
    for path in ("/cases", "/tasks"):
        for query, field in (({"page": 0}, "page"), ({"page": "x"}, "page"), ({"page_size": 201}, "page_size"),
                             ({"page_size": 0}, "page_size"), ({"page": -1}, "page")):
            r = api("clara", "GET", path, query_string=query)
            assert r.status_code == 422, (path, query, r.status_code)
            assert field in json.dumps(r.json["errors"]), (path, query, r.json)
    assert api("clara", "GET", "/cases/1/history", query_string={"page_size": 999}).status_code == 422


def test_inbox_and_case_list_pages_show_one_page_with_total_and_links(api, web, signed_in):
    _, service = web
    ids = _many(service, 52)
    clara, rita = signed_in("clara"), signed_in("rita")
    page = clara.get("/inbox").text
    assert page.count('href="/tasks/') == 50
    assert "Showing 1–50 of 52 tasks (page 1 of 2)" in page
    assert '<nav class="pagination" aria-label="Pages of tasks">' in page
    assert 'aria-current="page"' in page and 'rel="next"' in page and "page=2" in page
    second = clara.get("/inbox?page=2&sort=case&dir=asc").text
    assert second.count('href="/tasks/') == 2 and "Showing 51–52 of 52 tasks" in second
    assert f'href="/cases/{sorted(ids)[-1]}"' in second  # sorted by case, ascending: the last two cases
    assert 'rel="prev"' in second and "sort=case" in second
    assert clara.get("/inbox?page=99").text.count('href="/tasks/') == 2  # past the end: the last page
    assert clara.get("/inbox?page=bogus").status_code == 200

    cases = rita.get("/cases").text
    assert "Showing 1–50 of 52 cases" in cases and cases.count('<tr class="') == 50
    assert rita.get("/cases?page=2").text.count('<tr class="') == 2
    assert start(api, "ruth")["id"]
    assert "of 53 cases" in rita.get("/cases").text


def test_a_page_far_past_the_end_is_empty_not_a_server_error(api, web):
    """A page number beyond 64-bit offsets (found by the schemathesis run) answers an empty page."""
    for path in ("/tasks", "/cases"):
        r = api("rita", "GET", f"{path}?page=9223372036854775807&page_size=200")
        assert r.status_code == 200 and r.json == [], (path, r.status_code)
