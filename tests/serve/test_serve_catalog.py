"""Request routing: model ids, language -> adapter routes, voices, emotions, and the 422s listing what
is valid — on adapter metadata alone (no model is loaded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from voxtune.adapters import AdapterInfo, AdapterRegistry, BaseRef
from voxtune.errors import ConfigError
from voxtune.models.base import ModelSource
from voxtune.models.registry import get_family
from voxtune.serve.catalog import Catalog, build_catalog_model, language_routes
from voxtune.serve.config import ServedModelConfig
from voxtune.serve.errors import ApiError
from voxtune.text.languages import SUPPORTED_LANGUAGES

CSM = get_family("csm")
BASE = ModelSource("/models/csm", Path("/models/csm"), content_hash="h1")


def info(
    name: str, languages: list[str], speakers: dict[str, int] | None = None, **extra: Any
) -> AdapterInfo:
    fields: dict[str, Any] = {
        "name": name,
        "path": Path("/adapters") / name,
        "family": "csm",
        "base": BaseRef("/models/csm", content_hash="h1"),
        "method": "lora",
        "stage": name,
        "run": "run",
        "languages": tuple(languages),
        "speakers": speakers or {},
        "emotions": (),
        "family_settings": {"language_tag": True, "temperature": 0.7},
        "metrics": {},
        "training": {},
        "lora": None,
        "created": None,
        "weight_bytes": 1000,
        "metadata": {},
    }
    fields.update(extra)
    return AdapterInfo(**fields)


NORDIC = [
    info("tts-nb", ["nb"], {"nb_f": 8, "nb_m": 9}),
    info("tts-sv", ["sv"], {"sv_f": 10}),
    info("tts-da-a", ["da"]),
    info("tts-da-b", ["da"]),
    info("multilingual", ["nb", "sv", "da", "te"], {"nb_f": 8, "te_m": 1}, emotions=("happy",)),
    info("kokoro-lb", ["lb"], family="kokoro"),
    info("old-base", ["lb"], base=BaseRef("/models/csm", content_hash="h0")),
]


def catalog(**config: Any) -> Catalog:
    settings = ServedModelConfig(name="nordic", base="/models/csm", **config)
    return Catalog([build_catalog_model(settings, CSM, BASE, AdapterRegistry(NORDIC))])


def test_languages_route_to_single_language_adapters_then_the_multilingual_one() -> None:
    model = catalog().models["nordic"]
    assert model.language_routes == {"nb": "tts-nb", "sv": "tts-sv", "te": "multilingual"}
    assert any("'da' is served by tts-da-a, tts-da-b" in note for note in model.notes)
    left = dict(model.left_out)
    assert "kokoro adapter" in left["kokoro-lb"] and "content hash h0" in left["old-base"]
    assert sorted(model.adapters) == ["multilingual", "tts-da-a", "tts-da-b", "tts-nb", "tts-sv"]

    routes, notes = language_routes(
        {i.name: i for i in NORDIC[:5]}, explicit={"DA-dk": "tts-da-b"}, default="multilingual"
    )
    assert routes["da"] == "tts-da-b" and routes["nb"] == "tts-nb" and not notes
    routes, _ = language_routes({i.name: i for i in NORDIC[:5]}, explicit={}, default="tts-da-a")
    assert routes["da"] == "tts-da-a"  # the default adapter settles an ambiguous language


def test_resolve_picks_adapter_speaker_language_and_settings() -> None:
    cat = catalog(voices={"alloy": "nb_f"}, generation={"temperature": 0.5})
    route = cat.resolve("nordic", task="tts", language="no", voice="nb_m")  # "no" is Norwegian Bokmål
    assert (route.id, route.language, route.speaker) == ("nordic:tts-nb", "nb", "nb_m")
    assert route.speakers == {"nb_f": 8, "nb_m": 9}
    assert route.settings.language_tag is True and route.settings.temperature == 0.5  # config over adapter
    route = cat.resolve("nordic:tts-sv", task="tts", voice="default")
    assert (route.language, route.speaker) == ("sv", None)  # a one-language adapter implies its language
    assert cat.resolve("nordic:tts-nb", task="tts", voice="alloy").speaker == "nb_f"
    bare = cat.resolve("nordic", task="tts")
    assert bare.adapter is None and bare.settings.language_tag is False
    assert cat.resolve("nordic", task="tts", language="te").adapter.name == "multilingual"


def test_default_adapter_takes_requests_without_adapter_or_language() -> None:
    cat = catalog(default_adapter="multilingual", languages={"da": "tts-da-a"})
    assert cat.resolve("nordic", task="tts").adapter.name == "multilingual"
    assert cat.resolve("nordic", task="tts", language="da").adapter.name == "tts-da-a"
    with pytest.raises(ConfigError, match="no adapter 'kokoro-lb' on this base"):
        catalog(default_adapter="kokoro-lb")
    with pytest.raises(ConfigError, match="no adapter 'nope'"):
        catalog(languages={"lb": "nope"})


def error(call: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()
    assert caught.value.status == 422
    return caught.value


def test_unknown_values_are_422s_that_list_the_valid_ones() -> None:
    cat = catalog(voices={"alloy": "nb_f"}, emotions=["calm"])
    e = error(lambda: cat.resolve("nordic:tts-xx", task="tts"))
    assert e.param == "model" and "nordic:tts-nb" in e.valid and "nordic" in e.valid
    e = error(lambda: cat.resolve("other", task="tts"))
    assert e.code == "unknown_model" and e.valid == cat.ids("tts")
    e = error(lambda: cat.resolve("nordic", task="stt"))  # a TTS model asked to transcribe
    assert e.valid == []
    e = error(lambda: cat.resolve("nordic", task="tts", language="lb"))
    assert e.param == "language" and e.valid == ["nb", "sv", "te"]
    e = error(lambda: cat.resolve("nordic", task="tts", language="klingon"))
    assert e.param == "language"
    e = error(lambda: cat.resolve("nordic:tts-sv", task="tts", language="nb"))
    assert e.valid == ["sv"]
    e = error(lambda: cat.resolve("nordic:tts-sv", task="tts", voice="nb_f"))
    assert e.param == "voice" and e.valid == ["default", "sv_f"]  # alloy means nb_f, not on this adapter
    e = error(lambda: cat.resolve("nordic:tts-nb", task="tts", voice="../../etc/passwd"))
    assert e.valid == ["default", "nb_f", "nb_m", "alloy"]
    e = error(lambda: cat.resolve("nordic:tts-nb", task="tts", emotion="happy"))
    assert e.param == "emotion" and e.valid == ["calm"]
    assert cat.resolve("nordic:multilingual", task="tts", emotion="happy").emotion == "happy"
    assert "klingon" not in SUPPORTED_LANGUAGES


def test_models_listing_says_what_each_id_offers() -> None:
    rows = {row["id"]: row for row in catalog(voices={"alloy": "nb_f"}).describe()}
    assert set(rows) == {
        "nordic",
        "nordic:multilingual",
        "nordic:tts-da-a",
        "nordic:tts-da-b",
        "nordic:tts-nb",
        "nordic:tts-sv",
    }
    assert rows["nordic"]["language_routes"] == {"nb": "tts-nb", "sv": "tts-sv", "te": "multilingual"}
    assert rows["nordic:tts-nb"]["voices"] == ["default", "nb_f", "nb_m", "alloy"]
    assert rows["nordic:multilingual"]["emotions"] == ["happy"]
    assert rows["nordic:tts-sv"]["languages"] == ["sv"] and "path" not in rows["nordic:tts-sv"]
