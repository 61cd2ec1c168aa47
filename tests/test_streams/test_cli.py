import subprocess
import sys

import pytest

from streams.cli import COMMANDS, build_parser


@pytest.mark.parametrize("module", COMMANDS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_subcommand_explains_itself(module, capsys):
    name = module.__name__.rsplit(".", 1)[-1]
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newsmon {name}") and len(out.splitlines()) > 4


def test_console_script_help():
    out = subprocess.run([sys.executable, "-m", "streams.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "replay" in out.stdout
