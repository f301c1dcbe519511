"""Funding search: words, filters, eligibility groups, paging and canonical rows only."""

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from app.config import DATA_DIR
from app.models import OpportunityStatus
from app.services.funding import search as fs
from app.services.funding.search import SearchQuery
from app.services.ingest.store import Ingestor
from app.services.ingest.synthetic import Vocabulary, synthetic_opportunities

from .funding_helpers import make_opportunity

TODAY = date(2026, 11, 22)


def ids(session, query, **kwargs):
    return [h.opportunity.id for h in fs.find_opportunities(session, query, TODAY, **kwargs)]


def test_applicant_groups_map_to_codes_and_always_include_unrestricted():
    assert fs.codes_for_groups(["local"]) == {"01", "02", "04", "05", "99"}
    assert fs.codes_for_groups(["tribal", "higher_ed"]) == {"07", "11", "06", "20", "99"}
    assert fs.codes_for_groups([]) == {"99"}
    assert fs.codes_for_groups(["no-such-group"]) == {"99"}
    labels = [g.label for g in fs.APPLICANT_GROUPS]
    for expected in (
        "State governments",
        "Tribal governments and organizations",
        "Higher education",
        "Nonprofits",
        "Small businesses",
        "For-profit companies",
        "Individuals",
    ):
        assert expected in labels
    assert fs.GROUPS_BY_ID["local"].label.startswith("Local governments (county, city")


def test_eligibility_filter_keeps_matching_unrestricted_and_unstated(db):
    state = make_opportunity(db, today=TODAY, eligible_applicants=["00"])
    city = make_opportunity(db, today=TODAY, eligible_applicants=["02", "12"])
    anyone = make_opportunity(db, today=TODAY, eligible_applicants=["99"])
    unstated = make_opportunity(db, today=TODAY, eligible_applicants=[])
    found = ids(db, SearchQuery(who=("local",)))
    assert city.id in found and anyone.id in found and unstated.id in found
    assert state.id not in found
    assert set(ids(db, SearchQuery(who=("individual",)))) >= {anyone.id, unstated.id}
    assert city.id not in ids(db, SearchQuery(who=("individual",)))


def test_words_search_title_description_number_and_agency_with_plurals(db):
    water = make_opportunity(
        db,
        today=TODAY,
        title="Water Utility Cyber Resilience",
        description="Protect operational technology.",
    )
    numbered = make_opportunity(db, today=TODAY, number="DE-FOA-0003517")
    other = make_opportunity(
        db,
        today=TODAY,
        agency="National Science Foundation",
        description="Research on secure systems.",
    )
    assert ids(db, SearchQuery(q="utilities")) == [water.id]  # plural folded
    assert ids(db, SearchQuery(q="WATER utility")) == [water.id]  # every word must appear
    assert ids(db, SearchQuery(q='"operational technology"')) == [water.id]
    assert ids(db, SearchQuery(q="de-foa-0003517")) == [numbered.id]
    assert ids(db, SearchQuery(q="science foundation")) == [other.id]
    assert ids(db, SearchQuery(q="water research")) == []
    assert ids(db, SearchQuery(q="100%")) == []  # LIKE wildcards are taken literally


def test_a_listing_number_finds_its_opportunities_in_every_sort(db):
    slcgp = make_opportunity(db, today=TODAY, assistance_listings=["97.137"])
    shared = make_opportunity(db, today=TODAY, assistance_listings=["81.008", "97.137"])
    tcgp = make_opportunity(db, today=TODAY, assistance_listings=["97.156"])
    for sort in ("relevance", "closing", "award"):
        found = fs.search(db, SearchQuery(q="97.137", sort=sort), TODAY).hits
        assert {h.opportunity.id for h in found} == {slcgp.id, shared.id}, sort
        assert [
            h.opportunity.id for h in fs.search(db, SearchQuery(q="97.15", sort=sort), TODAY).hits
        ] == []
    assert ids(db, SearchQuery(q="97.156 cybersecurity")) == [tcgp.id]  # with other words
    assert ids(db, SearchQuery(q="97.137 ransomware")) == []  # every word must appear
    assert ids(db, SearchQuery(q="97.137", aln="81.008")) == [shared.id]


def test_a_listing_number_counts_towards_relevance(db):
    listed = make_opportunity(db, today=TODAY, assistance_listings=["97.137"], days_left=60)
    mentioned = make_opportunity(
        db, today=TODAY, assistance_listings=["97.067"], description="Unlike 97.137, this..."
    )
    assert ids(db, SearchQuery(q="97.137")) == [listed.id, mentioned.id]


def test_typographic_quotes_make_a_phrase_too(db):
    assert fs.search_terms("“operational technology” grants") == ["operational technology", "grant"]
    assert fs.search_terms('"operational technology"') == ["operational technology"]
    together = make_opportunity(db, today=TODAY, description="Protect operational technology.")
    make_opportunity(db, today=TODAY, description="Operational plans for new technology.")
    assert ids(db, SearchQuery(q="“operational technology”")) == [together.id]
    assert ids(db, SearchQuery(q="„operational technology“")) == [together.id]


def test_the_search_examples_find_sample_listings_in_every_sort(db, samples):
    today = date.today()  # the samples are loaded with dates shifted to today
    for example in fs.SEARCH_EXAMPLES:
        for sort in ("relevance", "closing"):
            page = fs.search(db, SearchQuery(q=example, sort=sort), today)
            assert page.total >= 1, (example, sort)


def test_relevance_puts_title_hits_first(db):
    body = make_opportunity(
        db, today=TODAY, title="Grants for towns", description="Includes ransomware recovery."
    )
    title = make_opportunity(db, today=TODAY, title="Ransomware readiness", days_left=90)
    assert ids(db, SearchQuery(q="ransomware")) == [title.id, body.id]


def test_status_agency_listing_category_and_award_filters(db):
    posted = make_opportunity(
        db,
        today=TODAY,
        agency="DOE",
        assistance_listings=["81.008"],
        categories=["EN"],
        award_floor=250_000,
        award_ceiling=2_500_000,
    )
    forecast = make_opportunity(
        db, today=TODAY, status=OpportunityStatus.FORECASTED, award_ceiling=100_000
    )
    unknown_award = make_opportunity(db, today=TODAY, award_floor=0, award_ceiling=None)
    assert ids(db, SearchQuery(status=("forecasted",))) == [forecast.id]
    assert ids(db, SearchQuery(agency="DOE")) == [posted.id]
    assert ids(db, SearchQuery(aln="81.008")) == [posted.id]
    assert ids(db, SearchQuery(category="EN")) == [posted.id]
    big = ids(db, SearchQuery(award_min=1_000_000))
    assert posted.id in big and unknown_award.id in big and forecast.id not in big
    small = ids(db, SearchQuery(award_max=200_000))
    assert forecast.id in small and posted.id not in small


def test_closing_within_excludes_rolling_and_later_deadlines(db):
    soon = make_opportunity(db, today=TODAY, days_left=5)
    later = make_opportunity(db, today=TODAY, days_left=40)
    rolling = make_opportunity(db, today=TODAY, days_left=None)
    found = ids(db, SearchQuery(closing_within=14))
    assert soon.id in found and later.id not in found and rolling.id not in found


def test_closed_past_deadline_and_duplicates_are_not_shown(db):
    shown = make_opportunity(db, today=TODAY)
    closed = make_opportunity(db, today=TODAY, status=OpportunityStatus.CLOSED)
    past = make_opportunity(db, today=TODAY, days_left=-1)
    duplicate = make_opportunity(db, today=TODAY, source="simpler", duplicate_of_id=shown.id)
    found = ids(db, SearchQuery())
    assert shown.id in found
    assert not {closed.id, past.id, duplicate.id} & set(found)
    page = fs.search(db, SearchQuery(q=shown.title), TODAY)
    assert [d.id for d in page.hits[0].also_on] == [duplicate.id]
    assert fs.canonical(db, duplicate.id).id == shown.id


def test_default_order_is_soonest_deadline_with_rolling_last(db):
    rolling = make_opportunity(db, today=TODAY, days_left=None, agency="Order test")
    late = make_opportunity(db, today=TODAY, days_left=60, agency="Order test")
    soon = make_opportunity(db, today=TODAY, days_left=3, agency="Order test")
    assert ids(db, SearchQuery(agency="Order test")) == [soon.id, late.id, rolling.id]
    by_award = SearchQuery(agency="Order test", sort="award")
    late.award_ceiling = 9_000_000
    assert ids(db, by_award)[0] == late.id


def test_excluded_ids_are_hidden(db):
    a = make_opportunity(db, today=TODAY, agency="Hide test")
    b = make_opportunity(db, today=TODAY, agency="Hide test")
    assert ids(db, SearchQuery(agency="Hide test"), exclude_ids={a.id}) == [b.id]


def test_paging(db):
    for _ in range(25):
        make_opportunity(db, today=TODAY, agency="Paging test")
    first = fs.search(db, SearchQuery(agency="Paging test"), TODAY, page=1, per_page=10)
    last = fs.search(db, SearchQuery(agency="Paging test"), TODAY, page=99, per_page=10)
    assert (first.total, first.pages, len(first.hits), first.first, first.last) == (
        25,
        3,
        10,
        1,
        10,
    )
    assert (last.page, len(last.hits), last.first, last.last) == (3, 5, 21, 25)
    assert not {h.opportunity.id for h in first.hits} & {h.opportunity.id for h in last.hits}


def test_query_round_trips_through_params_and_drops_bad_values():
    query = SearchQuery.from_params(
        {
            "q": "  water   utility ",
            "who": ["local", "bogus"],
            "status": "forecasted",
            "award_min": "1,000",
            "award_max": "lots",
            "closing_within": "30",
            "category": "XX",
            "sort": "award",
        }
    )
    assert query == SearchQuery(
        q="water utility",
        who=("local",),
        status=("forecasted",),
        award_min=1000,
        closing_within=30,
        sort="award",
    )
    assert SearchQuery.from_params(query.to_params()) == query
    assert "closing within 30 days" in query.describe()
    assert SearchQuery().describe() == "All open funding opportunities"
    assert SearchQuery().effective_sort == "closing"
    assert SearchQuery(q="x").effective_sort == "relevance"


def test_filter_options_and_program_opportunities(db, catalog):
    posted = make_opportunity(db, today=TODAY, assistance_listings=["97.156"], agency="FEMA test")
    forecast = make_opportunity(
        db, today=TODAY, assistance_listings=["97.156"], status=OpportunityStatus.FORECASTED
    )
    options = fs.filter_options(db, TODAY)
    assert "FEMA test" in options.agencies
    assert any(aln == "97.156" and "Tribal" in label for aln, label in options.listings)
    current, forecasts = fs.program_opportunities(db, "97.156", TODAY)
    assert posted in current and forecast in forecasts


def test_open_version_changes_with_the_opportunities(db):
    before = fs.open_version(db, TODAY)
    row = make_opportunity(db, today=TODAY)
    added = fs.open_version(db, TODAY)
    row.content_hash = "changed"
    db.flush()
    assert len({before, added, fs.open_version(db, TODAY)}) == 3
    assert fs.open_version(db, TODAY + timedelta(days=1)) != fs.open_version(db, TODAY)


@pytest.fixture
def varied(db):
    """150 synthetic opportunities (many agencies, listings, sizes, dates), plus edge cases."""
    records = list(synthetic_opportunities(Vocabulary.load(DATA_DIR), 150, seed=4, today=TODAY))
    Ingestor(db, today=TODAY).store_batch(records)  # type: ignore[arg-type]
    make_opportunity(db, today=TODAY, eligible_applicants=[], title="Unstated eligibility")
    make_opportunity(db, today=TODAY, days_left=None, award_ceiling=None, open_date=None)
    original = make_opportunity(db, today=TODAY, title="Shown once")
    make_opportunity(db, today=TODAY, title="Shown once", duplicate_of_id=original.id)
    return db


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "newest"},
        {"sort": "award"},
        {"who": "state"},
        {"who": ["local", "tribal"], "sort": "award"},
        {"aln": "97.137"},
        {"category": "ST", "sort": "newest"},
        {"status": "forecasted", "sort": "newest"},
        {"status": "posted", "closing_within": "30"},
        {"q": "security", "sort": "closing"},
        {"q": "97.137", "sort": "award"},
        {"award_min": "100000", "award_max": "1000000", "who": "higher_ed"},
    ],
)
def test_pages_sorted_in_sql_list_what_the_full_search_finds_in_its_order(varied, params):
    query = SearchQuery.from_params(MultiDict(params))
    assert query.effective_sort != "relevance"
    hidden = sorted(fs.find_opportunities(varied, query, TODAY), key=lambda h: h.opportunity.id)
    excluded = {h.opportunity.id for h in hidden[:3]}
    expected = fs.find_opportunities(varied, query, TODAY, exclude_ids=excluded)
    assert len(expected) > 3  # the case is not vacuous
    shown: list = []
    for number in range(1, 100):
        page = fs.search(varied, query, TODAY, page=number, per_page=7, exclude_ids=excluded)
        assert page.total == len(expected)
        shown.extend(page.hits)
        if number >= page.pages:
            break
    key = fs._sort_key(query, date.max)
    assert [h.opportunity.id for h in shown if h.opportunity.id in excluded] == []
    assert {h.opportunity.id for h in shown} == {h.opportunity.id for h in expected}
    # Equal sort keys may come in any order; the keys themselves must follow the same order.
    assert [key(h) for h in shown] == [key(h) for h in expected]


def test_a_page_past_the_last_shows_the_last(varied):
    query = SearchQuery(sort="closing")
    last = fs.search(varied, query, TODAY, page=10_000)
    assert last.page == last.pages and last.hits
    assert fs.search(varied, SearchQuery(q="no such words anywhere"), TODAY, page=3).page == 1
