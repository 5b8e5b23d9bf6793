import json
import subprocess
import sys

from click.testing import CliRunner

from conflictmap.cli import LOOKUP_FIELDS, main


def run(args, stdin=None):
    return CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)


def test_jsonl_writes_one_object_per_input_line_in_order(gaz):
    names = ["Hajin", "", "a" * 10_000, "\x01\x02Mosul", "هجين", "Qwzxv Plkjh", "Deir al-Zor"]
    result = run(["gazetteer", "lookup", "--format", "jsonl"], "\n".join(names) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["query"] for r in rows] == names
    assert all(list(r)[: len(LOOKUP_FIELDS)] == list(LOOKUP_FIELDS) for r in rows)
    assert rows[0]["place_id"] == "174506" and rows[0]["country"] == "SY"
    assert rows[1]["lat"] is None and rows[5]["lat"] is None
    assert rows[4]["name"] == "Hajīn"
    assert abs(rows[6]["lat"] - 35.336) < 0.1


def test_country_hint_and_limit(gaz):
    result = run(["gazetteer", "lookup", "Sinjar", "--country", "SY", "--limit", "3", "--format", "json"])
    data = json.loads(result.output)
    assert data[0]["country"] == "SY"
    assert len(data[0]["alternatives"]) == 2
    assert all(a["country"] == "SY" for a in data[0]["alternatives"])


def test_table_is_one_row_per_candidate(gaz):
    result = run(["gazetteer", "lookup", "Raqqa", "--limit", "2"])
    lines = result.output.splitlines()
    assert lines[0].split("\t") == list(LOOKUP_FIELDS)
    assert len(lines) == 3 and lines[1].startswith("Raqqa\tAr Raqqah\t")


def test_missing_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["gazetteer", "lookup", "--db", str(tmp_path / "none.sqlite"), "Hajin"])
    assert result.exit_code == 1
    assert "not found" in result.output and "conflictmap gazetteer build" in result.output


def test_tens_of_thousands_of_names_in_one_call(gaz):
    names = ["Hajin", "Tal Afar", "Kobane", "Beiji", "Qwzxv Plkjh"] * 4000
    proc = subprocess.run([sys.executable, "-m", "conflictmap", "gazetteer", "lookup", "--format", "jsonl"],
                          input="\n".join(names) + "\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == 20_000
    assert json.loads(out[19_998])["query"] == "Beiji" and json.loads(out[19_999])["lat"] is None


def test_undecodable_stdin_bytes_do_not_crash(gaz):
    proc = subprocess.run([sys.executable, "-m", "conflictmap", "gazetteer", "lookup", "--format", "jsonl"],
                          input=b"Hajin\n\xff\xfe\xfa bad\n", capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 2
