"""Spanish spoken forms."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    ("Tengo 3 gatos", "Tengo tres gatos"),
    ("¿Tienes 2 hermanos?", "¿Tienes dos hermanos?"),
    ("1 libro", "un libro"),
    ("21", "veintiuno"),
    ("21 libros", "veintiún libros"),
    ("16", "dieciséis"),
    ("100", "cien"),
    ("101", "ciento uno"),
    ("500", "quinientos"),
    ("1.000", "mil"),
    ("1.500 euros", "mil quinientos euros"),
    ("21.000", "veintiún mil"),
    ("1.000.000", "un millón"),
    ("2.500.000", "dos millones quinientos mil"),
    ("3,14", "tres coma catorce"),
    ("0,5", "cero coma cinco"),
    ("-5 grados", "menos cinco grados"),
    ("10-20 personas", "diez a veinte personas"),
    # percentages and money
    ("25 %", "veinticinco por ciento"),
    ("21 €", "veintiún euros"),
    ("1 €", "un euro"),
    ("3,50 €", "tres euros con cincuenta"),
    ("0,50 €", "cincuenta céntimos"),
    ("1.000.000 €", "un millón de euros"),
    ("$10", "diez dólares"),
    # ordinals
    ("1º", "primero"),
    ("la 1.ª vez", "la primera vez"),
    ("3.er lugar", "tercer lugar"),
    ("el 2º piso", "el segundo piso"),
    ("11º", "undécimo"),
    ("13.º", "decimotercero"),
    ("21º", "vigésimo primero"),
    ("42ª", "cuadragésima segunda"),
    # dates, years, clock times
    ("el 5 de mayo", "el cinco de mayo"),
    ("en 1999", "en mil novecientos noventa y nueve"),
    ("a las 10:30", "a las diez y treinta"),
    ("a las 21:00", "a las veintiuna"),
    ("la 1:15", "la una y quince"),
    # identifiers
    ("número de pedido 1296803", "número de pedido uno dos nueve seis ocho cero tres"),
    ("teléfono 912 345 678", "teléfono nueve uno dos tres cuatro cinco seis siete ocho"),
    ("+34 912 345 678", "más tres cuatro nueve uno dos tres cuatro cinco seis siete ocho"),
    ("nº 5", "número cinco"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_spanish_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "es").text == spoken
