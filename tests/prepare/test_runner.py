"""The runner's promises: nothing lost, rejections explained, resume exact, executors interchangeable."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.stages import KILL_ENV
from voxtune.corpus import Corpus
from voxtune.corpus.manifest import read_json
from voxtune.errors import AccountingError, InputError, VoxtuneError
from voxtune.prepare import load_recipe, run_recipe

REPO = Path(__file__).resolve().parents[2]


def make_recipe(tmp_path: Path, source: Path, *extra: str, chunk_size: int = 4) -> Path:
    lines = [
        f"chunk_size: {chunk_size}",
        "stages:",
        "  - stage: ingest",
        f"    path: {source}",
        "    speaker: '{folder}'",
    ]
    for entry in extra:
        lines.append(entry)
    path = tmp_path / "recipe.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def manifest_lines(corpus: Path) -> list[dict]:
    with gzip.open(corpus / "cuts.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def ledger_lines(corpus: Path) -> list[dict]:
    text = (corpus / "rejected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def test_failing_items_go_to_the_ledger_and_the_run_goes_on(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(
        tmp_path,
        audio_folder,
        "  - stage: test_flaky",
        "    crash_ids: [anna/clip1, ben/clip4]",
        "    reject_ids: [anna/clip2]",
    )
    result = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    flaky = result.stages[1]
    assert (flaky.items_in, flaky.items_out, flaky.rejected) == (12, 9, 3)
    assert flaky.items_in == flaky.items_out + flaky.rejected
    assert flaky.by_code == {"stage_error": 2, "test_reject": 1}
    ids = {line["id"] for line in manifest_lines(tmp_path / "corpus")}
    assert len(ids) == 9 and "anna/clip1" not in ids and "anna/clip0" in ids
    ledger = {entry["id"]: entry for entry in ledger_lines(tmp_path / "corpus")}
    crash = ledger["anna/clip1"]
    assert crash["stage"] == "test_flaky" and crash["code"] == "stage_error"
    assert "RuntimeError: boom on anna/clip1" in crash["reason"]
    assert crash["source"] == str(audio_folder / "anna" / "clip1.wav")
    assert crash["details"]["at"].startswith("stages.py:")
    assert ledger["anna/clip2"]["details"] == {"value": 1.5}
    summary = read_json(tmp_path / "corpus" / "summary.json")
    assert [s["name"] for s in summary["stages"]] == ["ingest", "test_flaky"]


def test_segmenting_stage_accounts_for_its_fan_out(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(
        tmp_path, audio_folder, "  - stage: test_fan_out", "    pieces: 3", "    drop_piece: 1"
    )
    result = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    fan = result.stages[1]
    assert (fan.items_in, fan.items_out, fan.rejected) == (12, 24, 12)
    assert fan.seconds_out == pytest.approx(fan.seconds_in * 2 / 3, rel=1e-3)
    ledger = ledger_lines(tmp_path / "corpus")
    assert {entry["parent"] for entry in ledger} == {
        line["id"].rsplit("-", 1)[0] for line in manifest_lines(tmp_path / "corpus")
    }
    assert all(entry["id"].endswith("-1") for entry in ledger)
    provenance = manifest_lines(tmp_path / "corpus")[0]["custom"]["stages"]
    assert provenance == ["ingest", "test_fan_out"]


def test_a_stage_that_silently_drops_items_fails_loudly(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(tmp_path, audio_folder, "  - stage: test_dropper")
    with pytest.raises(AccountingError, match="returned no output and no rejection"):
        run_recipe(load_recipe(recipe), tmp_path / "corpus")


def test_corpus_stage_keeps_or_rejects_every_item(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(tmp_path, audio_folder, "  - stage: test_keep_every", "    every: 3")
    result = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert (result.stages[1].items_out, result.stages[1].rejected) == (4, 8)
    assert Corpus.open(tmp_path / "corpus").stats().cuts == 4


def test_rerun_uses_the_cache_and_a_config_change_redoes_only_later_stages(
    tmp_path: Path, audio_folder: Path
) -> None:
    recipe = make_recipe(tmp_path, audio_folder, "  - stage: test_flaky", "    reject_ids: [anna/clip0]")
    first = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    before = manifest_lines(tmp_path / "corpus")
    again = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert [s.status for s in first.stages] == ["ran", "ran"]
    assert [s.status for s in again.stages] == ["cached", "cached"]
    assert manifest_lines(tmp_path / "corpus") == before
    changed = make_recipe(tmp_path, audio_folder, "  - stage: test_flaky", "    reject_ids: [anna/clip1]")
    third = run_recipe(load_recipe(changed), tmp_path / "corpus")
    assert [s.status for s in third.stages] == ["cached", "ran"]
    assert {e["id"] for e in ledger_lines(tmp_path / "corpus")} == {"anna/clip1"}


def test_new_input_files_invalidate_the_source_stage(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(tmp_path, audio_folder)
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    from conftest import write_tone

    write_tone(audio_folder / "ben" / "late.wav")
    result = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert result.stages[0].status == "ran" and result.items_out == 13


def test_resume_after_a_kill_matches_an_uninterrupted_run(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(
        tmp_path,
        audio_folder,
        "  - stage: support.stages:KillSwitch",
        "  - stage: support.stages:FanOut",
        chunk_size=3,
    )
    command = [
        sys.executable,
        "-c",
        "from voxtune.cli import main; main()",
        "prepare",
        str(recipe),
        "--workers",
        "1",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), os.environ.get("PYTHONPATH", "")]),
    }
    killed = subprocess.run(
        [*command, "--out", str(tmp_path / "resumed")],
        env={**env, KILL_ENV: "ben/clip2"},
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 17, killed.stderr
    parts = sorted(
        p.name
        for p in (tmp_path / "resumed" / "stages" / "02_test_kill_switch" / "parts").glob("*.stats.json")
    )
    assert parts == ["000000.stats.json", "000001.stats.json"]  # items 0-5 done; the kill hit item 8
    resumed = subprocess.run(
        [*command, "--out", str(tmp_path / "resumed")], env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    summary = read_json(tmp_path / "resumed" / "summary.json")
    assert [s["status"] for s in summary["stages"]] == ["cached", "resumed", "ran"]
    clean = run_recipe(load_recipe(recipe), tmp_path / "clean", workers=1)
    assert clean.items_out == 36
    resumed_lines = manifest_lines(tmp_path / "resumed")
    assert len({line["id"] for line in resumed_lines}) == len(resumed_lines) == 36
    assert resumed_lines == manifest_lines(tmp_path / "clean")


def test_process_pool_gives_the_same_manifest_as_inline(tmp_path: Path, audio_folder: Path) -> None:
    recipe = make_recipe(tmp_path, audio_folder, "  - stage: test_fan_out", "    drop_piece: 0", chunk_size=2)
    run_recipe(load_recipe(recipe), tmp_path / "inline", workers=1)
    pooled = run_recipe(load_recipe(recipe), tmp_path / "pooled", workers=2)
    assert pooled.stages[1].items_out == 24
    assert manifest_lines(tmp_path / "pooled") == manifest_lines(tmp_path / "inline")
    assert ledger_lines(tmp_path / "pooled") == ledger_lines(tmp_path / "inline")


@pytest.mark.slow
def test_ray_local_gives_the_same_manifest_as_inline(tmp_path: Path, audio_folder: Path) -> None:
    pytest.importorskip("ray")
    recipe = make_recipe(tmp_path, audio_folder, "  - stage: test_fan_out", "    drop_piece: 2", chunk_size=2)
    run_recipe(load_recipe(recipe), tmp_path / "inline", workers=1)
    on_ray = run_recipe(load_recipe(recipe), tmp_path / "ray", workers=2, executor="ray")
    assert on_ray.stages[1].items_out == 24
    assert manifest_lines(tmp_path / "ray") == manifest_lines(tmp_path / "inline")
    assert ledger_lines(tmp_path / "ray") == ledger_lines(tmp_path / "inline")


def test_refuses_an_output_folder_that_is_not_a_corpus(tmp_path: Path, audio_folder: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(InputError, match="not empty and is not a voxtune corpus"):
        run_recipe(load_recipe(make_recipe(tmp_path, audio_folder)), tmp_path / "busy")
    assert (tmp_path / "busy" / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_missing_and_empty_input_folders(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="input not found: no such folder or file"):
        run_recipe(load_recipe(make_recipe(tmp_path, tmp_path / "nowhere")), tmp_path / "c1")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no audio files"):
        run_recipe(load_recipe(make_recipe(tmp_path, tmp_path / "empty")), tmp_path / "c2")


def test_two_runs_cannot_write_one_corpus(tmp_path: Path, audio_folder: Path) -> None:
    import fcntl

    corpus = tmp_path / "corpus"
    (corpus / "stages").mkdir(parents=True)
    with (corpus / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(VoxtuneError, match="another `voxtune prepare` is writing"):
            run_recipe(load_recipe(make_recipe(tmp_path, audio_folder)), corpus)


def test_removed_stages_disappear_from_the_corpus(tmp_path: Path, audio_folder: Path) -> None:
    run_recipe(load_recipe(make_recipe(tmp_path, audio_folder, "  - stage: test_flaky")), tmp_path / "corpus")
    assert (tmp_path / "corpus" / "stages" / "02_test_flaky").is_dir()
    run_recipe(load_recipe(make_recipe(tmp_path, audio_folder)), tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "stages" / "02_test_flaky").exists()
    assert len(manifest_lines(tmp_path / "corpus")) == 12


def test_a_stage_failing_on_every_item_stops_the_run(tmp_path: Path) -> None:
    from conftest import write_tone

    for index in range(24):
        write_tone(tmp_path / "many" / f"c{index:02d}.wav", seconds=0.2)
    recipe = make_recipe(tmp_path, tmp_path / "many", "  - stage: test_always_crash", chunk_size=8)
    expected = r"failed on all of its first 24 items .*KeyError: 'missing_setting'"
    with pytest.raises(VoxtuneError, match=expected):
        run_recipe(load_recipe(recipe), tmp_path / "corpus")
