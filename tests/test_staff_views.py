"""The staff pages' views: an audit entry's recorded changes as lines people read."""

from app.staff.views import DetailLine, audit_details


def test_an_edit_shows_each_field_old_to_new_and_list_items_added_and_removed():
    lines = audit_details(
        "catalog.edit",
        {
            "fields": {
                "name": ["Splunk", "Splunk Enterprise"],
                "aliases": [["splunk es", "splunk cloud"], ["splunk es", "<b>splunk</b> soar"]],
                "roles": [{"PD-WRL-001": 1.0, "PD-WRL-003": 0.6}, {"PD-WRL-001": 0.6,
                                                                   "IO-WRL-005": 0.3}],
                "description": [None, "Searches machine data."],
            },
            "versions": [["skill", "splunk", 3]],
        },
    )  # fmt: skip
    assert lines == [
        DetailLine("Name", "change", before="Splunk", after="Splunk Enterprise"),
        DetailLine("Aliases", "items", added=("<b>splunk</b> soar",), removed=("splunk cloud",)),
        DetailLine(
            "Roles",
            "items",
            added=("IO-WRL-005: 0.3",),
            removed=("PD-WRL-003: 0.6",),
            changed=("PD-WRL-001: 1.0 → 0.6",),
        ),
        DetailLine("Description", "change", before="(empty)", after="Searches machine data."),
        DetailLine("Versions written", "fact", after="skill splunk 3"),
    ]


def test_a_classification_review_shows_what_differs_between_before_and_after():
    lines = audit_details(
        "classification.override",
        {
            "before": {"work_roles": ["PD-WRL-001"], "scores": [71.5], "source": "matcher"},
            "after": {"work_roles": ["PD-WRL-003"], "scores": [71.5], "source": "staff",
                      "opm_code": "531"},
        },
    )  # fmt: skip
    assert lines == [
        DetailLine("Work roles", "items", added=("PD-WRL-003",), removed=("PD-WRL-001",)),
        DetailLine("Source", "change", before="matcher", after="staff"),
        DetailLine("OPM cyber code", "change", before="(empty)", after="531"),
    ]


def test_account_changes_are_pairs_and_other_records_are_facts():
    assert audit_details("account.disable", {"is_active": [True, False]}) == [
        DetailLine("Account active", "change", before="Yes", after="No")
    ]
    assert audit_details("account.roles", {"roles": [["opm_staff"], ["opm_staff", "admin"]]}) == [
        DetailLine("Roles", "items", added=("admin",))
    ]
    # A new account's two roles are a list, not a change from one role to the other.
    assert audit_details("user.create", {"email": "a@b.gov", "roles": ["admin", "opm_staff"]}) == [
        DetailLine("Email", "fact", after="a@b.gov"),
        DetailLine("Roles", "fact", after="admin; opm_staff"),
    ]
    assert audit_details("catalog.load", {"created": {"skill": 3, "work_role": 1}}) == [
        DetailLine("Created", "fact", after="skill: 3; work_role: 1")
    ]
    assert audit_details("user.email_verify", None) == []


def test_long_values_and_lists_are_cut_short():
    [line] = audit_details("catalog.edit", {"fields": {"description": ["x" * 1000, "y"]}})
    assert len(line.before) == 300 and line.before.endswith("…")
    [line] = audit_details(
        "catalog.edit", {"fields": {"aliases": [[], [f"a{i}" for i in range(30)]]}}
    )
    assert len(line.added) == 21 and line.added[-1] == "and 10 more"
