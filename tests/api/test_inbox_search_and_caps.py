"""Issue 9, the inbox at scale, on SQLite and PostgreSQL through the real page and API:
- the text filter (a trigram index: FTS5 on SQLite, pg_trgm on PostgreSQL; migration 0010) finds a case by
  requester name, part of a name or title, and case number, follows the case as its steps change, and
  takes any typed text without an error;
- a queue longer than COUNT_CAP shows "1,000+" instead of an exact count, and paging goes on past it."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import insert, select

from engine.paging import COUNT_CAP
from engine.store import Case, Task


def found(api, user, q) -> list[int]:
    r = api(user, "GET", "/tasks", query_string={"q": q, "page_size": 200})
    assert r.status_code == 200, (q, r.status_code, r.get_data(as_text=True)[:300])
    return sorted(t["case_id"] for t in r.json)


def test_text_search_finds_cases_by_requester_title_and_number(db, api, web, signed_in):
    _, service = web
    rob = service.start_case("testland", "tl_main", "rob", title="Standing desk")
    ruth = service.start_case("testland", "tl_main", "ruth", title="Screen reader software")
    assert found(api, "clara", "ruth") == [ruth]
    assert found(api, "clara", "RUTH") == [ruth]  # casefolded
    assert found(api, "clara", "reader soft") == [ruth]  # a part of the case title, across words
    assert found(api, "clara", "uth") == [ruth]  # three characters: the shortest the index serves
    assert found(api, "clara", "ro") == [rob]  # shorter: the plain match, same meaning
    assert found(api, "clara", str(rob)) == [rob]  # the case number
    assert found(api, "clara", "record the decision") == [rob, ruth]  # the step
    assert found(api, "clara", "desk reader") == []
    for odd in ('"ruth', "ruth OR rob", "*", "%", "r_th", "NEAR(a b)", "\\", "'; --"):
        assert found(api, "clara", odd) == [], odd  # FTS syntax and LIKE wildcards are plain text
    page = signed_in("clara").get("/inbox?q=Screen+reader").text
    assert page.count('href="/tasks/') == 1 and f'href="/cases/{ruth}"' in page
    assert "No tasks match these filters." in signed_in("clara").get("/inbox?q=nothing+like+it").text

    # The clerk denies rob's request: his step leaves her inbox and the reviewer's step is found instead.
    task = api("clara", "GET", "/tasks", query_string={"q": "rob"}).json[0]
    assert api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "deny"}}).status_code == 200
    assert found(api, "clara", "rob") == []
    assert found(api, "rita", "rob") == [rob] and found(api, "rita", "sufficiency") == [rob]
    assert found(api, "rita", "record the decision") == []


def _clone(db, case_id: int, copies: int, skip: int = 0) -> None:
    """`copies` more cases like `case_id`, every column copied, each with its open task (cheap: no engine run)."""
    with db.engine.connect() as conn:
        case = dict(conn.execute(select(Case.__table__).where(Case.id == case_id)).one()._mapping)
        tasks = [dict(r._mapping) for r in conn.execute(select(Task.__table__).where(Task.case_id == case_id))]
    first = case_id + 1000 + skip  # clear of the ids the service handed out (and of earlier clones)
    with db.engine.begin() as conn:
        conn.execute(insert(Case), [dict(case, id=first + n) for n in range(copies)])
        conn.execute(insert(Task), [dict(t, id=str(uuid.uuid4()), case_id=first + n)
                                    for n in range(copies) for t in tasks])


def test_a_queue_past_the_count_cap_shows_1000_plus_and_pages_on(db, api, web, signed_in, frozen):
    _, service = web
    template = service.start_case("testland", "tl_main", "rob")
    _clone(db, template, COUNT_CAP + 50)
    every = COUNT_CAP + 51
    clara = signed_in("clara")
    page = clara.get("/inbox").text
    assert "1,000+ open tasks:" in page and "Showing 1–50 of 1,000+ tasks (page 1 of 20 or more)" in page
    assert page.count('href="/tasks/') == 50 and 'rel="next"' in page
    page21 = clara.get("/inbox?page=21").text
    assert "Showing 1001–1050 of 1,051+ tasks" in page21 and 'rel="next"' in page21
    last = clara.get("/inbox?page=22").text
    assert "Showing 1051–1051" in last and 'rel="next"' not in last and last.count('href="/tasks/') == 1

    r = api("clara", "GET", "/tasks")
    assert r.headers["X-Total-Capped"] == "true" and json.loads(r.headers["X-Pagination"])["total"] == COUNT_CAP
    seen, number = [], 1
    while number:  # an API client follows next_page to the end: every task once, however far past the cap
        r = api("clara", "GET", "/tasks", query_string={"page": number, "page_size": 200})
        seen += [t["id"] for t in r.json]
        number = json.loads(r.headers["X-Pagination"]).get("next_page")
    assert len(seen) == len(set(seen)) == every

    frozen.advance(timedelta(days=6))  # past the clerk's deadline: every task is overdue
    assert "1,000+ overdue" in clara.get("/inbox").text
    overdue = clara.get("/inbox?due=overdue").text
    assert "of 1,000+ tasks" in overdue and overdue.count("badge-overdue") == 50
    api("clara", "POST", f"/tasks/{seen[0]}/claim")
    mine = clara.get("/inbox?scope=mine").text  # a short list keeps its exact count
    assert "Showing 1–1 of 1 task." in mine and "1 claimed by you" in mine


def test_a_text_search_pages_and_sorts_like_the_whole_list(db, api, web, signed_in):
    """Up to COUNT_CAP matches are read once from the index and paged in order (exact total); more than that
    and the search walks the queue instead, with the capped total: either way every match once, in order."""
    _, service = web
    template = service.start_case("testland", "tl_main", "rob", title="Standing desk")
    service.start_case("testland", "tl_main", "ruth", title="Screen reader software")
    _clone(db, template, 120)

    def walk(q, **params):
        seen, number, totals = [], 1, []
        while number:
            r = api("clara", "GET", "/tasks", query_string={"q": q, "page": number, "page_size": 50, **params})
            assert r.status_code == 200, r.get_data(as_text=True)[:300]
            seen += [(t["case_id"], t["id"]) for t in r.json]
            paging = json.loads(r.headers["X-Pagination"])
            totals.append((paging["total"], r.headers.get("X-Total-Capped")))
            number = paging.get("next_page")
        return seen, totals

    seen, totals = walk("standing")
    assert len(seen) == len(set(seen)) == 121 and set(totals) == {(121, None)}
    assert "Showing 51–100 of 121 tasks" in signed_in("clara").get("/inbox?q=standing&page=2").text
    by_case, _ = walk("standing", sort="case", direction="desc")
    assert [c for c, _ in by_case] == sorted((c for c, _ in seen), reverse=True)

    _clone(db, template, COUNT_CAP, skip=200)  # now more matches than the index hands over
    seen, totals = walk("standing")
    assert len(seen) == len(set(seen)) == COUNT_CAP + 121
    assert totals[0] == (COUNT_CAP, "true") and {capped for _, capped in totals} == {"true"}


def test_a_needle_whose_pieces_are_common_is_still_found_exactly(db, api, web):
    """A long needle is looked up by its last or first five characters when few tasks hold them. Here more
    than COUNT_CAP tasks hold both pieces ("scree", "eader") but not the needle: the search reads the whole
    needle from the index instead, and still finds exactly the one case (and never a case with the pieces
    in another order)."""
    _, service = web
    decoy = service.start_case("testland", "tl_main", "rob", title="Screen desk reader")
    ruth = service.start_case("testland", "tl_main", "ruth", title="Screen reader software")
    assert found(api, "clara", "screen reader") == [ruth]  # few tasks hold "eader": checked on those
    _clone(db, decoy, COUNT_CAP + 5)
    assert found(api, "clara", "screen reader") == [ruth]
    assert found(api, "clara", "screen reader software") == [ruth]  # "tware" is rare again
    many = found(api, "clara", "screen desk reader")  # more than COUNT_CAP matches: a page of them
    assert len(many) == 200 and ruth not in many
