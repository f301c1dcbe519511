"""What every command shares: stopping on SIGTERM; modules import the context, not the group."""

import pytest


def test_sigterm_stops_a_run_as_ctrl_c_does_and_is_restored_after():
    import os
    import signal
    import time

    from app.cli.context import stop_on_terminate

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), stop_on_terminate():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # never reached in full: the handler raises as soon as it runs
    assert signal.getsignal(signal.SIGTERM) is before


def test_command_modules_import_the_shared_context_not_the_assembled_group():
    """`app.cli` only assembles; a command module importing it back would be a cycle."""
    import ast
    from pathlib import Path

    import app.cli

    package = Path(app.cli.__file__).parent
    for module in sorted(package.glob("*.py")):
        if module.name == "__init__.py":
            continue
        imported = set()
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        assert "app.cli" not in imported, module.name
