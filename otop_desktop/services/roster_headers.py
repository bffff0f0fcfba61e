"""Roster column headers in English, Spanish and Chinese, and the trainee field each one fills."""

from __future__ import annotations

import re

from otop_desktop.domain.text import fold
from otop_desktop.i18n import N_, _

# The fields a roster column can fill. "full_name" is split into given and family names (or a
# Chinese name); "organisation" is the organisation's name, looked up among the organisations.
ROSTER_FIELDS: tuple[str, ...] = (
    "full_name",
    "given_names",
    "family_names",
    "chinese_name",
    "gender",
    "birth_year",
    "phone",
    "email",
    "town",
    "country",
    "organisation",
    "business_name",
    "preferred_language",
    "consent_data",
    "consent_photos",
    "notes",
)

_LABELS: dict[str, str] = {
    "full_name": N_("Full name"),
    "given_names": N_("Given names"),
    "family_names": N_("Family names"),
    "chinese_name": N_("Name in Chinese characters"),
    "gender": N_("Gender"),
    "birth_year": N_("Birth year"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "town": N_("Town"),
    "country": N_("Country"),
    "organisation": N_("Organisation"),
    "business_name": N_("Business"),
    "preferred_language": N_("Preferred language"),
    "consent_data": N_("Consent to keep data"),
    "consent_photos": N_("Consent to photos"),
    "notes": N_("Notes"),
}

# What people write at the top of their columns. Compared after `header_key` (accents, case,
# punctuation and "(s)" do not matter), so "Teléfono:" and "TELEFONO" are the same header.
_SYNONYMS: dict[str, str] = {
    "full_name": (
        "full name|complete name|participant|participant name|trainee|trainee name|"
        "name and surname|names and surnames|nombre completo|nombre y apellido|"
        "nombres y apellidos|nombre y apellidos|participante|nombre del participante|"
        "nombre de la participante|nombre participante|beneficiario|beneficiaria|"
        "nombre del beneficiario|全名|學員|學員姓名|參加者|參加者姓名"
    ),
    "given_names": (
        "name|names|given name|given names|first name|first names|forename|forenames|"
        "nombre|nombres|nombre s|primer nombre|nombre de pila|名|名字"
    ),
    "family_names": (
        "family name|family names|surname|surnames|last name|last names|apellido|"
        "apellidos|apellido s|primer apellido|segundo apellido|apellido paterno|"
        "apellido materno"
    ),
    "chinese_name": (
        "chinese name|name in chinese|name in chinese characters|nombre en chino|姓名|"
        "中文姓名|中文名|中文名字|姓|姓氏"
    ),
    "gender": ("gender|sex|sexo|genero|性別"),
    "birth_year": (
        "birth year|year of birth|date of birth|birth date|birthdate|birthday|dob|"
        "ano de nacimiento|anio de nacimiento|fecha de nacimiento|fecha nacimiento|"
        "nacimiento|出生年|出生年份|出生日期|生日|出生年月日"
    ),
    "phone": (
        "phone|phone number|telephone|mobile|mobile phone|cell|cellphone|cell phone|tel|"
        "telefono|numero de telefono|telefono celular|telefono movil|celular|movil|"
        "whatsapp|tel celular|電話|手機|行動電話|"
        "聯絡電話|手機號碼|電話號碼"
    ),
    "email": (
        "email|e mail|email address|mail|correo|correo electronico|e mail address|電子郵件|"
        "電郵|郵件|信箱|電子信箱"
    ),
    "town": (
        "town|village|city|community|municipality|place|locality|municipio|comunidad|"
        "aldea|ciudad|localidad|caserio|lugar|procedencia|鄉鎮|鄉鎮市|鄉鎮市區|城市|地區|村|村里|居住地"
    ),
    "country": ("country|pais|國家|國別"),
    "organisation": (
        "organisation|organization|cooperative|association|group|organizacion|"
        "cooperativa|asociacion|grupo|institucion|組織|單位|合作社|團體|協會"
    ),
    "business_name": (
        "business|business name|enterprise|company|workshop name|negocio|"
        "nombre del negocio|emprendimiento|empresa|taller|事業|事業名稱|店名|公司|工作室"
    ),
    "preferred_language": ("language|preferred language|idioma|lengua|語言|使用語言"),
    "consent_data": (
        "consent|consent data|consent to keep data|data consent|consentimiento|"
        "autoriza datos|consentimiento de datos|同意|同意資料使用|個資同意"
    ),
    "consent_photos": (
        "consent photos|consent to photos|photo consent|photos|autoriza fotos|"
        "consentimiento de fotos|fotos|同意拍照|拍照同意|照片同意"
    ),
    "notes": (
        "notes|note|comments|remarks|observations|notas|nota|observaciones|comentarios|"
        "備註|備考|說明"
    ),
}

# A lone "Name" / "Nombre" column holds the whole name unless a family-name column is beside it.
_AMBIGUOUS_NAME = {"name", "names", "nombre", "nombres", "nombre s"}

_CHINESE_FAMILY = {"姓", "姓氏"}
_CHINESE_GIVEN = {"名", "名字"}

# A blank roster's headers, by language: each must map back to its field through `guess_mapping`.
TEMPLATE_HEADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("given_names", "Given names"),
        ("family_names", "Family names"),
        ("chinese_name", "Chinese name"),
        ("gender", "Gender"),
        ("birth_year", "Birth year"),
        ("phone", "Phone"),
        ("email", "E-mail"),
        ("town", "Town"),
        ("business_name", "Business"),
        ("consent_data", "Consent to keep data"),
        ("consent_photos", "Consent to photos"),
        ("notes", "Notes"),
    ),
    "es": (
        ("given_names", "Nombres"),
        ("family_names", "Apellidos"),
        ("gender", "Sexo"),
        ("birth_year", "Año de nacimiento"),
        ("phone", "Teléfono"),
        ("email", "Correo"),
        ("town", "Municipio"),
        ("business_name", "Negocio"),
        ("consent_data", "Autoriza datos"),
        ("consent_photos", "Autoriza fotos"),
        ("notes", "Observaciones"),
    ),
    "zh_Hant_TW": (
        ("chinese_name", "姓名"),
        ("gender", "性別"),
        ("birth_year", "出生年"),
        ("phone", "手機"),
        ("email", "電子郵件"),
        ("town", "鄉鎮"),
        ("business_name", "事業名稱"),
        ("consent_data", "同意資料使用"),
        ("consent_photos", "同意拍照"),
        ("notes", "備註"),
    ),
}

_NOT_WORD = re.compile(r"[\W_]+")
_REPEAT = re.compile(r" [0-9]$")


def header_key(text: str) -> str:
    """`text` folded and without punctuation: "Teléfono:" -> "telefono"."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


_BY_KEY: dict[str, str] = {
    header_key(s): field for field, words in _SYNONYMS.items() for s in words.split("|")
}
for _field, _label in _LABELS.items():
    _BY_KEY.setdefault(header_key(_label), _field)
for _headers in TEMPLATE_HEADERS.values():
    for _field, _header in _headers:
        _BY_KEY.setdefault(header_key(_header), _field)


def field_label(field: str) -> str:
    """The translated name of a roster field, as the mapping dialog shows it."""
    return _(_LABELS[field])


def field_for_header(header: str) -> str | None:
    """The field a header names (any of the three languages, or a label), or None."""
    # "Phone (2)": the second column under a merged header, or a repeated header.
    key = _REPEAT.sub("", header_key(header))
    if not key:
        return None
    found = _BY_KEY.get(key)
    if found is None:
        # Labels in the current language: an exported file reads back in the language it was made.
        found = next((f for f in ROSTER_FIELDS if header_key(field_label(f)) == key), None)
    return found


def guess_mapping(headers: list[str]) -> dict[int, str | None]:
    """Column -> the field its header names; None for a column to ignore (unknown header)."""
    mapping: dict[int, str | None] = {i: field_for_header(h) for i, h in enumerate(headers)}
    keys = [header_key(h) for h in headers]
    halves = _CHINESE_FAMILY | _CHINESE_GIVEN
    whole_chinese = any(
        mapping[i] == "chinese_name" and key not in halves for i, key in enumerate(keys)
    )
    if whole_chinese:
        # Beside a whole Chinese-name column (中文姓名), 姓氏 and 名字 hold the romanised name,
        # as a list exported in Chinese has them.
        for index, key in enumerate(keys):
            if key in _CHINESE_FAMILY:
                mapping[index] = "family_names"
            elif key in _CHINESE_GIVEN:
                mapping[index] = "given_names"
    elif any(k in _CHINESE_FAMILY for k in keys):
        # 姓 and 名 side by side are the two halves of one Chinese-character name.
        for index, key in enumerate(keys):
            if key in _CHINESE_GIVEN:
                mapping[index] = "chinese_name"
    fields = set(mapping.values())
    if "family_names" not in fields and "full_name" not in fields:
        # "Nombre" alone, with no surname column beside it, is the whole name.
        for index, header in enumerate(headers):
            if mapping[index] == "given_names" and header_key(header) in _AMBIGUOUS_NAME:
                mapping[index] = "full_name"
                break
    return mapping


def template_headers(locale: str | None) -> tuple[tuple[str, str], ...]:
    """(field, header) of a blank roster in `locale` (English when not one of ours)."""
    if locale in TEMPLATE_HEADERS:
        return TEMPLATE_HEADERS[locale]
    base = (locale or "en").split("_")[0].split("-")[0]
    if base == "zh":
        return TEMPLATE_HEADERS["zh_Hant_TW"]
    return TEMPLATE_HEADERS.get(base, TEMPLATE_HEADERS["en"])
