"""Malay spoken forms, with English code-switching passing through."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    # code-switching and particles pass through unchanged
    ("Saya nak go to the mall lah", "Saya nak go to the mall lah"),
    ("Best gila, confirm 100% lah!", "Best gila, confirm seratus peratus lah!"),
    ("kanak-kanak", "kanak-kanak"),
    ("Tom & Jerry", "Tom dan Jerry"),
    # ringgit and other currencies
    ("Harga dia RM25 je lah", "Harga dia dua puluh lima ringgit je lah"),
    ("RM 25.90 sahaja", "dua puluh lima ringgit sembilan puluh sen sahaja"),
    ("RM0.50", "lima puluh sen"),
    ("RM1", "satu ringgit"),
    ("RM1,500", "seribu lima ratus ringgit"),
    ("RM5k", "lima ribu ringgit"),
    ("RM2.5 juta", "dua perpuluhan lima juta ringgit"),
    ("$10", "sepuluh dolar"),
    ("S$5", "lima dolar Singapura"),
    # cardinals
    ("Saya ada 3 kucing", "Saya ada tiga kucing"),
    ("8 orang", "lapan orang"),
    ("0", "sifar"),
    ("10", "sepuluh"),
    ("11", "sebelas"),
    ("12", "dua belas"),
    ("19", "sembilan belas"),
    ("20", "dua puluh"),
    ("21", "dua puluh satu"),
    ("100", "seratus"),
    ("101", "seratus satu"),
    ("250", "dua ratus lima puluh"),
    ("1000", "seribu"),
    ("2024", "dua ribu dua puluh empat"),
    ("tahun 1998", "tahun seribu sembilan ratus sembilan puluh lapan"),
    ("1,000,000", "satu juta"),
    ("2,500,000", "dua juta lima ratus ribu"),
    ("1,000,000,000", "satu bilion"),
    ("-5", "negatif lima"),
    ("3.14", "tiga perpuluhan satu empat"),
    ("50%", "lima puluh peratus"),
    ("10-20 orang", "sepuluh hingga dua puluh orang"),
    # ordinals: Malay "ke-", English endings read in English
    ("kali ke-2", "kali kedua"),
    ("ke-1", "pertama"),
    ("tingkat ke-21", "tingkat kedua puluh satu"),
    ("my 1st time", "my first time"),
    # identifiers
    (
        "nombor telefon saya 012-345 6789",
        "nombor telefon saya kosong satu dua tiga empat lima enam tujuh lapan sembilan",
    ),
    ("+60 12-345 6789", "plus enam kosong satu dua tiga empat lima enam tujuh lapan sembilan"),
    (
        "no. IC 900101-14-5678",
        "no. IC sembilan kosong kosong satu kosong satu satu empat lima enam tujuh lapan",
    ),
    ("kod pesanan 88341", "kod pesanan lapan lapan tiga empat satu"),
    ("order number 1296803 dah sampai", "order number satu dua sembilan enam lapan kosong tiga dah sampai"),
    # clock times
    ("pukul 10.30 pagi", "pukul sepuluh tiga puluh pagi"),
    ("jam 9:05", "jam sembilan kosong lima"),
    ("pukul 10pm", "pukul sepuluh p.m."),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_malay_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "ms").text == spoken
