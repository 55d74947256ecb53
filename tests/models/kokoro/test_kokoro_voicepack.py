from __future__ import annotations

from pathlib import Path

import pytest
import torch

from voxtune.models.kokoro.voicepack import (
    PACK_SHAPE,
    VoiceBank,
    VoicePackError,
    VoiceTable,
    check_voice_pack,
    interpolation_weights,
    load_voice_pack,
    save_voice_pack,
    select_voice_rows,
    split_style,
    voice_pack_from_style,
    voice_row_index,
)


def numbered_pack() -> torch.Tensor:
    """Row r holds the value r everywhere, so a selected row says which one it is."""
    return torch.arange(510, dtype=torch.float32).reshape(510, 1, 1).expand(PACK_SHAPE).clone()


def test_row_for_l_phonemes_is_l_minus_one() -> None:
    assert voice_row_index(1) == 0
    assert voice_row_index(37) == 36
    assert voice_row_index(510) == 509
    for bad in (0, 511):
        with pytest.raises(ValueError):
            voice_row_index(bad)


def test_select_voice_rows_by_phoneme_count() -> None:
    styles = select_voice_rows(numbered_pack(), [1, 5, 510])
    assert styles.shape == (3, 256)
    assert styles[:, 0].tolist() == [0.0, 4.0, 509.0]
    with pytest.raises(ValueError):
        select_voice_rows(numbered_pack(), [0])


def test_style_splits_into_timbre_and_prosody() -> None:
    style = torch.arange(256.0)
    timbre, prosody = split_style(style)
    assert timbre.tolist() == list(range(128))
    assert prosody.tolist() == list(range(128, 256))


@pytest.mark.parametrize("shape", [(510, 256), (511, 1, 256), (510, 1, 128), (1, 256)])
def test_wrong_shapes_are_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(VoicePackError) as caught:
        check_voice_pack(torch.zeros(shape))
    assert "[510, 1, 256]" in str(caught.value)


def test_non_finite_packs_are_refused() -> None:
    pack = torch.zeros(PACK_SHAPE)
    pack[3, 0, 7] = float("nan")
    with pytest.raises(VoicePackError):
        check_voice_pack(pack)


def test_save_and_load_as_kokoro_reads_voices(tmp_path: Path) -> None:
    pack = numbered_pack()
    path = save_voice_pack(pack, tmp_path / "voices" / "lb_max.pt")
    assert torch.equal(torch.load(path, weights_only=True), pack)  # what KPipeline.load_single_voice does
    assert torch.equal(load_voice_pack(path), pack)
    torch.save(torch.zeros(510, 256), tmp_path / "flat.pt")
    with pytest.raises(VoicePackError):
        load_voice_pack(tmp_path / "flat.pt")
    (tmp_path / "broken.pt").write_bytes(b"not a tensor")
    with pytest.raises(VoicePackError):
        load_voice_pack(tmp_path / "broken.pt")
    with pytest.raises(VoicePackError):
        load_voice_pack(tmp_path / "missing.pt")


def test_style_vector_spreads_over_every_row() -> None:
    pack = voice_pack_from_style(torch.arange(256.0))
    assert pack.shape == PACK_SHAPE
    assert torch.equal(pack[0], pack[509])


def test_interpolation_weights_are_linear_between_anchors() -> None:
    weights = interpolation_weights(9, 3)  # anchors at rows 0, 4, 8
    assert torch.allclose(weights.sum(dim=1), torch.ones(9))
    assert weights[0].tolist() == [1.0, 0.0, 0.0]
    assert weights[4].tolist() == [0.0, 1.0, 0.0]
    assert weights[8].tolist() == [0.0, 0.0, 1.0]
    assert torch.allclose(weights[2], torch.tensor([0.5, 0.5, 0.0]))
    assert torch.allclose(weights[7], torch.tensor([0.0, 0.25, 0.75]))


def _train_rows(table: VoiceTable, rows: list[int], steps: int = 50) -> None:
    optimizer = torch.optim.Adam(table.parameters(), lr=0.05)
    target = torch.ones(len(rows), 256)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((table(torch.tensor(rows)) - target) ** 2).mean()
        loss.backward()
        optimizer.step()


def test_voice_table_starts_as_its_base_and_learns_smoothly() -> None:
    base = numbered_pack() / 510
    table = VoiceTable(base, anchors=32)
    assert torch.equal(table.pack(), base)
    _train_rows(table, [40, 41, 42])
    learnt = table.pack()
    assert (learnt[41] - 1).abs().max() < 0.5 * (base[41] - 1).abs().min()  # trained rows learnt
    assert (learnt[50] - base[50]).abs().min() > 0.1  # unseen neighbours moved with them
    assert torch.equal(learnt[300], base[300])  # far rows untouched


def test_per_row_table_trains_only_the_rows_it_sees() -> None:
    base = numbered_pack() / 510
    table = VoiceTable(base, anchors=510)
    _train_rows(table, [40])
    learnt = table.pack()
    assert (learnt[40] - 1).abs().max() < 0.5 * (base[40] - 1).abs().min()
    assert torch.equal(learnt[41], base[41])


def test_voice_bank_looks_up_each_items_speaker() -> None:
    bank = VoiceBank()
    assert bank.add("anna", numbered_pack()) == 0
    assert bank.add("ben", -numbered_pack()) == 1
    assert bank.add("anna", torch.zeros(PACK_SHAPE)) == 0  # already there
    styles = bank(torch.tensor([1, 0, 1]), torch.tensor([3, 5, 7]))
    assert styles[:, 0].tolist() == [-2.0, 4.0, -6.0]
    assert set(bank.packs()) == {"anna", "ben"}
    with pytest.raises(KeyError):
        bank.index("carl")
