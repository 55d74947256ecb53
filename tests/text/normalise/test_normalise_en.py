"""English spoken forms: identifiers digit by digit, quantities, money, times, dates, ordinals."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    # identifiers, decided by a keyword before the number or by the number's shape
    ("order 1296803", "order one two nine six eight zero three"),
    ("location code 145619", "location code one four five six one nine"),
    ("my phone is 310-555-1234", "my phone is three one zero five five five one two three four"),
    ("Call +1 (310) 555-1234 now.", "Call plus one three one zero five five five one two three four now."),
    ("phone: 020 7946 0958", "phone: zero two zero seven nine four six zero nine five eight"),
    ("98765 43210", "nine eight seven six five four three two one zero"),
    ("The account number is 0012345.", "The account number is zero zero one two three four five."),
    ("Your PIN is 4821", "Your PIN is four eight two one"),
    ("zip code 90210", "zip code nine zero two one zero"),
    ("flight BA 2490", "flight BA two four nine zero"),
    ("order #12345", "order number one two three four five"),
    ("007", "zero zero seven"),
    ("12345678", "one two three four five six seven eight"),
    # quantities
    ("I have 3 cats", "I have three cats"),
    ("2 dogs and 1 cat", "two dogs and one cat"),
    ("1,250 people", "one thousand two hundred and fifty people"),
    ("1,000,000", "one million"),
    ("room 12", "room twelve"),
    ("a number of 300 people", "a number of three hundred people"),
    ("3.14", "three point one four"),
    ("0.5", "zero point five"),
    ("-5 degrees", "minus five degrees"),
    ("5k", "five thousand"),
    ("1,2,3", "one, two, three"),
    ("10-20 people", "ten to twenty people"),
    ("1990-1995", "nineteen ninety to nineteen ninety-five"),
    # money and percentages
    ("It costs $25.50", "It costs twenty-five dollars and fifty cents"),
    ("£5", "five pounds"),
    ("£0.99", "ninety-nine pence"),
    ("€1", "one euro"),
    ("₹1,00,000", "one hundred thousand rupees"),
    ("RM 12", "twelve ringgit"),
    ("$1.5 million", "one point five million dollars"),
    ("$10-20", "ten to twenty dollars"),
    ("about 50% of them", "about fifty percent of them"),
    ("12.5 %", "twelve point five percent"),
    # clock times
    ("at 10:30", "at ten thirty"),
    ("at 9:05 pm", "at nine oh five p.m."),
    ("7am", "seven a.m."),
    ("at 9.15 we ate", "at nine fifteen we ate"),
    ("10:00", "ten o'clock"),
    # ordinals, years, dates, decades
    ("the 21st century", "the twenty-first century"),
    ("1st, 2nd and 3rd", "first, second and third"),
    ("the 11th hour", "the eleventh hour"),
    ("in 1999", "in nineteen ninety-nine"),
    ("since 2008", "since two thousand and eight"),
    ("in 2024", "in twenty twenty-four"),
    ("October 3, 1999", "October third, nineteen ninety-nine"),
    ("3 October", "the third of October"),
    ("the 1990s", "the nineteen nineties"),
    ("the 80s", "the eighties"),
    # words with numbers, symbols, punctuation artefacts
    ("a 5-year-old", "a five-year-old"),
    ("COVID-19", "COVID nineteen"),
    ("No. 5", "number five"),
    ("#1 hit", "number one hit"),
    ("R&D", "R and D"),
    ("Hello -- world — yes!!!", "Hello world yes!"),
    ("“Quote,” he said…", "“Quote,” he said…"),
    ("- item one", "item one"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_english_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "en").text == spoken


def test_regional_codes_reach_english() -> None:
    assert normalise("I have 3 cats", "en-US").text == "I have three cats"
    assert normalise("I have 3 cats", "EN_gb").language == "en"
