"""Sentences a dictated number is said in, per language and kind of number (``{number}`` marks it).

They are the phrases a caller, a warehouse worker or a form-filler would use, so the recordings hold
numbers in context as well as on their own.
"""

from __future__ import annotations

from voxtune.prompts.number_formats import LOCATION_CODE, ORDER_NUMBER, PHONE_NUMBER

CARRIER_SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        ORDER_NUMBER: (
            "My order number is {number}.",
            "Please confirm order {number}.",
            "I'm calling about order {number}.",
            "Can you check the status of order {number}?",
        ),
        LOCATION_CODE: (
            "The location code is {number}.",
            "Put the pallet in location {number}.",
            "Please scan location code {number}.",
        ),
        PHONE_NUMBER: (
            "My phone number is {number}.",
            "Call me back on {number}.",
            "You can reach me at {number}.",
        ),
    },
    "te": {
        ORDER_NUMBER: (
            "నా ఆర్డర్ నంబర్ {number}.",
            "ఆర్డర్ నంబర్ {number} గురించి అడుగుతున్నాను.",
            "దయచేసి ఆర్డర్ నంబర్ {number} చూడండి.",
        ),
        LOCATION_CODE: (
            "లొకేషన్ కోడ్ {number}.",
            "లొకేషన్ కోడ్ {number} అని నమోదు చేయండి.",
        ),
        PHONE_NUMBER: (
            "నా ఫోన్ నంబర్ {number}.",
            "నా ఫోన్ నంబర్ {number}, దయచేసి కాల్ చేయండి.",
        ),
    },
    "ms": {
        ORDER_NUMBER: (
            "Nombor pesanan saya ialah {number}.",
            "Sila sahkan pesanan {number}.",
            "Saya telefon tentang pesanan {number}.",
        ),
        LOCATION_CODE: (
            "Kod lokasi ialah {number}.",
            "Sila hantar ke lokasi {number}.",
        ),
        PHONE_NUMBER: (
            "Nombor telefon saya ialah {number}.",
            "Sila hubungi saya di {number}.",
        ),
    },
    "nb": {
        ORDER_NUMBER: (
            "Ordrenummeret mitt er {number}.",
            "Kan du bekrefte ordre {number}?",
            "Jeg ringer angående ordre {number}.",
        ),
        LOCATION_CODE: (
            "Lokasjonskoden er {number}.",
            "Sett pallen på lokasjon {number}.",
        ),
        PHONE_NUMBER: (
            "Telefonnummeret mitt er {number}.",
            "Du kan ringe meg på {number}.",
        ),
    },
    "sv": {
        ORDER_NUMBER: (
            "Mitt ordernummer är {number}.",
            "Kan du bekräfta order {number}?",
            "Jag ringer angående order {number}.",
        ),
        LOCATION_CODE: (
            "Platskoden är {number}.",
            "Ställ pallen på plats {number}.",
        ),
        PHONE_NUMBER: (
            "Mitt telefonnummer är {number}.",
            "Du kan ringa mig på {number}.",
        ),
    },
    "da": {
        ORDER_NUMBER: (
            "Mit ordrenummer er {number}.",
            "Kan du bekræfte ordre {number}?",
            "Jeg ringer angående ordre {number}.",
        ),
        LOCATION_CODE: (
            "Lokationskoden er {number}.",
            "Sæt pallen på lokation {number}.",
        ),
        PHONE_NUMBER: (
            "Mit telefonnummer er {number}.",
            "Du kan ringe til mig på {number}.",
        ),
    },
    "de": {
        ORDER_NUMBER: (
            "Meine Bestellnummer ist {number}.",
            "Bitte bestätigen Sie die Bestellung {number}.",
            "Ich rufe wegen der Bestellung {number} an.",
        ),
        LOCATION_CODE: (
            "Der Lagerplatz ist {number}.",
            "Bitte stellen Sie die Palette auf Lagerplatz {number}.",
        ),
        PHONE_NUMBER: (
            "Meine Telefonnummer ist {number}.",
            "Sie erreichen mich unter {number}.",
        ),
    },
    "fr": {
        ORDER_NUMBER: (
            "Mon numéro de commande est le {number}.",
            "Pouvez-vous confirmer la commande {number} ?",
            "J'appelle au sujet de la commande {number}.",
        ),
        LOCATION_CODE: (
            "Le code d'emplacement est {number}.",
            "Posez la palette à l'emplacement {number}.",
        ),
        PHONE_NUMBER: (
            "Mon numéro de téléphone est le {number}.",
            "Vous pouvez me joindre au {number}.",
        ),
    },
    "es": {
        ORDER_NUMBER: (
            "Mi número de pedido es el {number}.",
            "¿Puede confirmar el pedido {number}?",
            "Llamo por el pedido {number}.",
        ),
        LOCATION_CODE: (
            "El código de ubicación es {number}.",
            "Deje el palé en la ubicación {number}.",
        ),
        PHONE_NUMBER: (
            "Mi número de teléfono es el {number}.",
            "Puede llamarme al {number}.",
        ),
    },
    "nl": {
        ORDER_NUMBER: (
            "Mijn bestelnummer is {number}.",
            "Kunt u bestelling {number} bevestigen?",
            "Ik bel over bestelling {number}.",
        ),
        LOCATION_CODE: (
            "De locatiecode is {number}.",
            "Zet de pallet op locatie {number}.",
        ),
        PHONE_NUMBER: (
            "Mijn telefoonnummer is {number}.",
            "U kunt mij bereiken op {number}.",
        ),
    },
    "lb": {
        ORDER_NUMBER: (
            "Meng Bestellnummer ass {number}.",
            "Kënnt Dir d'Bestellung {number} confirméieren?",
            "Ech ruffen wéinst der Bestellung {number} un.",
        ),
        LOCATION_CODE: (
            "De Standuertcode ass {number}.",
            "Stellt d'Palett op de Standuert {number}.",
        ),
        PHONE_NUMBER: (
            "Meng Telefonsnummer ass {number}.",
            "Dir erreecht mech ënner {number}.",
        ),
    },
}
