"""`pathfinder users`: accounts created, disabled and enabled from the command line."""


def test_users_create_hashes_the_password(run):
    assert run("db", "upgrade").exit_code == 0
    runner_result = run(
        "users", "create", "--email", "Staff@OPM.example.gov", "--name", "Staff Member",
        "--role", "opm_staff", "--password", "correct horse battery",
    )  # fmt: skip
    assert runner_result.exit_code == 0, runner_result.output
    assert "staff@opm.example.gov" in runner_result.output


def test_users_disable_and_enable_are_audited_and_named(run):
    assert run("db", "upgrade").exit_code == 0
    created = run(
        "users", "create", "--email", "leaver@example.gov", "--name", "Leaver",
        "--role", "opm_staff", input="violet granite harbour\nviolet granite harbour\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    result = run("users", "disable", "--email", "Leaver@example.gov")
    assert result.exit_code == 0 and "Disabled leaver@example.gov" in result.output
    assert "Enabled" in run("users", "enable", "--email", "leaver@example.gov").output
    missing = run("users", "disable", "--email", "nobody@example.gov")
    assert missing.exit_code != 0 and "no account for nobody@example.gov" in missing.output
