"""Message catalogue of the API: one entry per key, Polish first, then English and Ukrainian.

Keys are stable identifiers clients may rely on; texts may change.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANGUAGE = "pl"
LANGUAGES = ("pl", "en", "uk")

CATALOGUE: Mapping[str, Mapping[str, str]] = {
    "error": {"pl": "Wystąpił błąd.", "en": "An error occurred.", "uk": "Сталася помилка."},
    "internal": {
        "pl": "Błąd wewnętrzny serwera. Zgłoś go administratorowi, podając identyfikator żądania.",
        "en": "Internal server error. Report it to the administrator with the request id.",
        "uk": "Внутрішня помилка сервера. Повідомте адміністратора, вказавши ідентифікатор запиту.",
    },
    "not_found": {
        "pl": "Nie znaleziono.",
        "en": "Not found.",
        "uk": "Не знайдено.",
    },
    "conflict": {"pl": "Konflikt danych.", "en": "Data conflict.", "uk": "Конфлікт даних."},
    "invalid_input": {
        "pl": "Nieprawidłowe dane wejściowe.",
        "en": "Invalid input.",
        "uk": "Неправильні вхідні дані.",
    },
    "request.malformed": {
        "pl": "Treść żądania nie jest poprawnym dokumentem JSON.",
        "en": "The request body is not valid JSON.",
        "uk": "Тіло запиту не є коректним JSON.",
    },
    "request.too_large": {
        "pl": "Treść żądania jest za duża (limit: {limit} bajtów).",
        "en": "The request body is too large (limit: {limit} bytes).",
        "uk": "Тіло запиту завелике (ліміт: {limit} байтів).",
    },
    "request.validation": {
        "pl": "Dane nie przeszły walidacji.",
        "en": "The data did not pass validation.",
        "uk": "Дані не пройшли перевірку.",
    },
    "field.required": {
        "pl": "Pole jest wymagane.",
        "en": "This field is required.",
        "uk": "Це поле обов'язкове.",
    },
    "field.invalid": {
        "pl": "Nieprawidłowa wartość pola.",
        "en": "Invalid value.",
        "uk": "Неправильне значення.",
    },
    "field.unknown": {
        "pl": "Nieznane pole.",
        "en": "Unknown field.",
        "uk": "Невідоме поле.",
    },
    "field.too_long": {
        "pl": "Wartość jest za długa (najwyżej {max} znaków).",
        "en": "The value is too long (at most {max} characters).",
        "uk": "Значення задовге (не більше {max} символів).",
    },
    "field.too_short": {
        "pl": "Wartość jest za krótka (co najmniej {min} znaków).",
        "en": "The value is too short (at least {min} characters).",
        "uk": "Значення закоротке (щонайменше {min} символів).",
    },
    "field.date": {
        "pl": "Nieprawidłowa data (oczekiwany format RRRR-MM-DD).",
        "en": "Invalid date (expected YYYY-MM-DD).",
        "uk": "Неправильна дата (очікується РРРР-ММ-ДД).",
    },
    "field.choice": {
        "pl": "Wartość spoza listy dozwolonych.",
        "en": "The value is not one of the allowed ones.",
        "uk": "Значення не входить до дозволених.",
    },
    "teryt.format": {
        "pl": "Kod TERYT gminy musi mieć 7 cyfr.",
        "en": "A gmina TERYT code must have 7 digits.",
        "uk": "Код TERYT гміни має містити 7 цифр.",
    },
    "teryt.voivodeship": {
        "pl": "Kod TERYT zaczyna się od nieistniejącego kodu województwa.",
        "en": "The TERYT code starts with a voivodeship code that does not exist.",
        "uk": "Код TERYT починається з неіснуючого коду воєводства.",
    },
    "teryt.unit": {
        "pl": "Kod powiatu i gminy w kodzie TERYT nie mogą być 00.",
        "en": "The county and gmina parts of a TERYT code cannot be 00.",
        "uk": "Коди повіту та гміни в коді TERYT не можуть бути 00.",
    },
    "teryt.type": {
        "pl": "Ostatnia cyfra kodu TERYT gminy musi oznaczać gminę (1, 2 lub 3).",
        "en": "The last digit of a gmina TERYT code must denote a gmina (1, 2 or 3).",
        "uk": "Остання цифра коду TERYT має позначати гміну (1, 2 або 3).",
    },
    "pesel.format": {
        "pl": "PESEL musi mieć 11 cyfr.",
        "en": "A PESEL must have 11 digits.",
        "uk": "PESEL має містити 11 цифр.",
    },
    "pesel.checksum": {
        "pl": "PESEL ma nieprawidłową cyfrę kontrolną.",
        "en": "The PESEL check digit is wrong.",
        "uk": "Неправильна контрольна цифра PESEL.",
    },
    "pesel.date": {
        "pl": "PESEL koduje nieistniejącą datę urodzenia.",
        "en": "The PESEL encodes a date of birth that does not exist.",
        "uk": "PESEL кодує неіснуючу дату народження.",
    },
    "pesel.birth_date_mismatch": {
        "pl": "Data urodzenia nie zgadza się z numerem PESEL.",
        "en": "The date of birth does not match the PESEL.",
        "uk": "Дата народження не відповідає PESEL.",
    },
    "pesel.duplicate": {
        "pl": "Mieszkaniec o tym numerze PESEL jest już w rejestrze tej gminy.",
        "en": "A resident with this PESEL is already registered in this gmina.",
        "uk": "Мешканець із цим PESEL уже є в реєстрі цієї гміни.",
    },
    "resident.birth_date_future": {
        "pl": "Data urodzenia nie może być w przyszłości.",
        "en": "The date of birth cannot be in the future.",
        "uk": "Дата народження не може бути в майбутньому.",
    },
    "resident.household_missing": {
        "pl": "Wskazane gospodarstwo domowe nie istnieje w tej gminie.",
        "en": "The household does not exist in this gmina.",
        "uk": "Зазначене домогосподарство не існує в цій гміні.",
    },
    "resident.stale": {
        "pl": "Ktoś w międzyczasie zmienił ten rekord. Odśwież dane i spróbuj ponownie.",
        "en": "Someone changed this record meanwhile. Reload it and try again.",
        "uk": "Хтось змінив цей запис. Оновіть дані та спробуйте ще раз.",
    },
    "postal_code.format": {
        "pl": "Kod pocztowy musi mieć postać 00-000.",
        "en": "A postal code must look like 00-000.",
        "uk": "Поштовий індекс має бути у форматі 00-000.",
    },
    "search.empty": {
        "pl": "Podaj co najmniej jedno kryterium wyszukiwania.",
        "en": "Give at least one search criterion.",
        "uk": "Вкажіть принаймні один критерій пошуку.",
    },
    "auth.required": {
        "pl": "Wymagane zalogowanie.",
        "en": "Authentication required.",
        "uk": "Потрібна автентифікація.",
    },
    "auth.invalid_credentials": {
        "pl": "Nieprawidłowy e-mail lub hasło.",
        "en": "Wrong e-mail or password.",
        "uk": "Неправильна адреса e-mail або пароль.",
    },
    "auth.forbidden": {
        "pl": "Twoja rola nie pozwala na tę czynność.",
        "en": "Your role does not allow this.",
        "uk": "Ваша роль не дозволяє цю дію.",
    },
    "gmina.duplicate": {
        "pl": "Gmina o tym kodzie TERYT jest już w rejestrze.",
        "en": "A gmina with this TERYT code is already registered.",
        "uk": "Гміна з цим кодом TERYT уже зареєстрована.",
    },
    "gmina.suspended": {
        "pl": "Gmina jest zawieszona.",
        "en": "The gmina is suspended.",
        "uk": "Гміну призупинено.",
    },
    "agreement.lead_not_member": {
        "pl": "Gmina wiodąca musi być członkiem porozumienia.",
        "en": "The lead gmina must be a member of the agreement.",
        "uk": "Провідна гміна має бути учасником угоди.",
    },
    "agreement.dates": {
        "pl": "Data końca członkostwa nie może być wcześniejsza niż data początku.",
        "en": "A membership cannot end before it starts.",
        "uk": "Членство не може закінчитися раніше, ніж почнеться.",
    },
    "agreement.unknown_gmina": {
        "pl": "Gmina {teryt} nie jest w rejestrze.",
        "en": "Gmina {teryt} is not registered.",
        "uk": "Гміна {teryt} не зареєстрована.",
    },
    "agreement.duplicate_member": {
        "pl": "Gmina występuje w porozumieniu więcej niż raz w nakładających się okresach.",
        "en": "A gmina is listed more than once with overlapping periods.",
        "uk": "Гміна вказана кілька разів із перекриттям періодів.",
    },
    "user.duplicate": {
        "pl": "Użytkownik z tym adresem e-mail już istnieje.",
        "en": "A user with this e-mail already exists.",
        "uk": "Користувач із цією адресою e-mail уже існує.",
    },
    "membership.scope_role": {
        "pl": "Rola {role} nie może mieć zakresu {scope}.",
        "en": "Role {role} cannot have scope {scope}.",
        "uk": "Роль {role} не може мати область {scope}.",
    },
    "membership.unknown_scope": {
        "pl": "Wskazany zakres (gmina, porozumienie, partner lub region) nie istnieje.",
        "en": "The scope (gmina, agreement, partner or region) does not exist.",
        "uk": "Зазначена область (гміна, угода, партнер або регіон) не існує.",
    },
    "password.too_short": {
        "pl": "Hasło musi mieć co najmniej {min} znaków.",
        "en": "The password must have at least {min} characters.",
        "uk": "Пароль має містити щонайменше {min} символів.",
    },
}


def negotiate_language(accept_language: str | None) -> str:
    """Pick pl/en/uk from an Accept-Language header; Polish when nothing matches."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, q = piece.partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, tag.strip().lower().split("-")[0]))
    for _, tag in sorted(ranked, key=lambda item: -item[0]):
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def translate(key: str, language: str, params: Mapping[str, str | int] | None = None) -> str:
    """The message for a key in a language (falling back to Polish, then to the key)."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry[DEFAULT_LANGUAGE]
    try:
        return text.format(**(params or {}))
    except (KeyError, IndexError):
        return text
