"""The case file: what we know about one person, and nothing we don't.

A case file is YAML (or JSON) with the vocabulary of ``product.md``: ``case_id``, ``name``, ``as_of``, and the
groups ``person``, ``military``, ``dissent``, ``journey`` and ``evidence``. Every fact is optional, because a fact
left out is *unknown* — never false. This module holds the pydantic model, the checks for facts that contradict
each other, and :func:`load_case`, which turns a file into a :class:`CaseFile` or an :class:`InputError` that
names the file, the line, the field and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError, model_validator
from pydantic.json_schema import SkipJsonSchema

from casefile.documents import Document, LineMap, load_file, load_text
from casefile.errors import InputError, Problem, did_you_mean

# --------------------------------------------------------------------------------------------------------------
# Vocabulary


class Sex(StrEnum):
    male = "male"
    female = "female"
    other = "other"


class ServiceStatus(StrEnum):
    never_served = "never_served"
    completed_service = "completed_service"
    serving_conscript = "serving_conscript"
    mobilised = "mobilised"
    contract_soldier = "contract_soldier"


class CallUpPurpose(StrEnum):
    conscription = "conscription"
    mobilisation = "mobilisation"
    reserve_training = "reserve_training"


class CallUpDelivery(StrEnum):
    paper = "paper"
    e_summons = "e_summons"


class Channel(StrEnum):
    telegram = "telegram"
    blog = "blog"
    livestream = "livestream"
    street_protest = "street_protest"
    media = "media"
    ngo = "ngo"
    other = "other"


class Profile(StrEnum):
    none = "none"
    low = "low"
    high = "high"


class Prosecution(StrEnum):
    coao_20_3_3 = "coao_20_3_3"
    cc_280_3 = "cc_280_3"
    cc_207_3 = "cc_207_3"
    cc_328 = "cc_328"
    cc_337 = "cc_337"
    cc_338 = "cc_338"
    other = "other"


class Jurisdiction(StrEnum):
    DE = "DE"
    NL = "NL"
    EE = "EE"
    LV = "LV"
    LT = "LT"
    PL = "PL"
    FI = "FI"


class ApplicationPlace(StrEnum):
    territory = "territory"
    border = "border"
    abroad = "abroad"


class EntryCrossing(StrEnum):
    land = "land"
    air = "air"
    sea = "sea"


class EntryDocument(StrEnum):
    schengen_short_stay_visa = "schengen_short_stay_visa"
    national_visa = "national_visa"
    humanitarian_visa = "humanitarian_visa"
    residence_permit = "residence_permit"
    none = "none"


class EntryException(StrEnum):
    none = "none"
    dissident = "dissident"
    humanitarian = "humanitarian"
    family = "family"
    residence_permit = "residence_permit"


class EvidenceKind(StrEnum):
    draft_notice = "draft_notice"
    court_summons = "court_summons"
    blocking_notice = "blocking_notice"
    article = "article"
    livestream = "livestream"
    military_id = "military_id"
    other = "other"


# --------------------------------------------------------------------------------------------------------------
# Field types


MIN_YEAR, MAX_YEAR = 1900, 2100  # every date a case needs; far-off years would overflow date arithmetic
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_only(value: Any) -> Any:
    """Accept a date or an ISO 'YYYY-MM-DD' string in the years a case can need; refuse datetimes, numbers, other
    spellings (20230101, 2023-W01-1, other digits) and anything else."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value.strip()}' is not a real calendar date") from None
    else:
        raise ValueError("expected a date written YYYY-MM-DD")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"expected a date in the years {MIN_YEAR} to {MAX_YEAR}, got the year {day.year}")
    return day


def parse_date_text(text: str) -> dt.date:
    """A date typed on the command line, accepted exactly as a case file accepts it; ValueError says why not."""
    return _date_only(text)


Date = Annotated[dt.date, BeforeValidator(_date_only)]
Bool = Annotated[bool, Strict()]
Slug = Annotated[str, Strict(), Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


def fact(
    description: str,
    *,
    question: str,
    label: str | None = None,
    changeable: bool = True,
    meanings: dict[str, str] | None = None,
    recorded_only: str | None = None,
    **kwargs: Any,
) -> Any:
    """A case-file fact: always optional (None = unknown), documented, with the question an interviewer asks.

    `changeable` says whether a person could plausibly have had this fact otherwise (used by "what would change
    it": a different public profile is plausible, a different birth year is not). `meanings` explains each enum
    value in words (shown by ``casefile schema``). `recorded_only` marks a fact that the case records but no rule
    reads, and says why: the schema, the README and ``rules check`` show it.
    """
    extra: dict[str, Any] = {"question": question, "label": label or description, "changeable": changeable}
    if meanings:
        extra["x-value-meanings"] = meanings
    if recorded_only:
        extra["x-recorded-only"] = recorded_only
    return Field(default=None, description=description, json_schema_extra=extra, **kwargs)


IsoCode = Annotated[str, Strict(), Field(pattern=r"^[A-Z]{2}$")]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Person(_Group):
    citizenship: IsoCode | None = fact(
        "Citizenship (ISO 3166 alpha-2). The rules cover RU; other values are out of scope.",
        question="Which citizenship does the person hold (two letters, e.g. RU)?",
        label="Russian citizen",
        changeable=False,
    )
    other_citizenships: list[IsoCode] | None = fact(
        "Other citizenships (ISO codes). Protection against another nationality is not modelled; the output says so.",
        question="Does the person hold another citizenship (two-letter codes, e.g. IL)?",
        label="Other citizenships",
        changeable=False,
        recorded_only="Read by the warnings: refugee status is assessed against every nationality, which the "
        "sources read do not model.",
    )
    sex: Sex | None = fact(
        "Sex. The sources on call-ups and the Dutch moratorium concern men.",
        question="What is the person's sex?",
        changeable=False,
        meanings={"male": "male", "female": "female", "other": "another sex or gender"},
    )
    birth_date: Date | None = fact(
        "Date of birth", question="What is the person's date of birth (YYYY-MM-DD)?", changeable=False
    )
    age: Annotated[int, Strict(), Field(ge=0, le=120)] | None = fact(
        "Age in whole years on the assessment date (prefer birth_date where dates matter)",
        question="How old is the person, in years?",
        label="Age",
        changeable=False,
    )


class Military(_Group):
    service_status: ServiceStatus | None = fact(
        "Military service status",
        question="What is the person's military status (never served, completed service, serving conscript, "
        "mobilised, contract soldier)?",
        changeable=True,
        meanings={
            "never_served": "never served in the armed forces",
            "completed_service": "served (e.g. as a conscript) and was discharged to the reserve",
            "serving_conscript": "serving compulsory service as a conscript",
            "mobilised": "called up under the 2022 mobilisation and serving",
            "contract_soldier": "serving under a contract (a professional soldier)",
        },
    )
    draft_notice_received: Bool | None = fact(
        "A call-up (draft notice) was received",
        question="Did the person receive a call-up (a draft notice)?",
        label="Received a call-up (draft notice)",
    )
    call_up_purpose: CallUpPurpose | None = fact(
        "What the call-up is for",
        question="What was the call-up for (conscription, mobilisation, reserve training)?",
        label="Purpose of the call-up",
        meanings={
            "conscription": "compulsory military service (twice-yearly call-up; year-round from 2026)",
            "mobilisation": "the partial mobilisation declared on 21 Sep 2022 (Decree 647)",
            "reserve_training": "training or assemblies of reservists (not a mobilisation)",
        },
    )
    call_up_delivery: CallUpDelivery | None = fact(
        "How the call-up was served: on paper or as an electronic summons (a delivery, not a kind of call-up)",
        question="How was the call-up served (on paper, or as an electronic summons)?",
        label="How the call-up was served",
        recorded_only="An e-summons is a way of serving a call-up, not a kind of call-up: no outcome turns on it. "
        "The checks of dates read it (an e-summons before the law of 14 Apr 2023 is an error; before the register "
        "worked nationwide, a warning).",
        meanings={
            "paper": "a paper summons handed over or posted",
            "e_summons": "an electronic summons posted to the online register (law of 14 Apr 2023)",
        },
    )
    draft_notice_date: Date | None = fact(
        "Date of the call-up",
        question="When was the call-up received?",
        recorded_only="Read by the checks of dates (no mobilisation call-up before 21 Sep 2022; conscription age on "
        "that date) and by the timeline, not by the rules.",
    )
    deserted: Bool | None = fact(
        "Left a unit without leave",
        question="Did the person leave a military unit without leave (desert)?",
        label="Deserted from a unit",
    )
    deserted_date: Date | None = fact(
        "Date of the desertion", question="When did the person leave the unit?", label="Date of desertion"
    )
    refused_service: Bool | None = fact(
        "Refused service, openly or by not reporting",
        question="Did the person refuse military service, openly or by not reporting?",
        label="Refused service",
    )
    conscientious_objector: Bool | None = fact(
        "Objects to military service on grounds of conscience",
        question="Does the person object to military service on grounds of conscience?",
        label="Conscientious objector",
    )
    applied_alternative_service: Bool | None = fact(
        "Applied for alternative civilian service",
        question="Did the person apply for alternative civilian service?",
        recorded_only="Recorded for the interview and the facts card; the sources give no outcome that turns on "
        "it (F7 and F9 concern whether the alternative service exists, not whether the person applied).",
    )
    served_in_ukraine: Bool | None = fact(
        "Served in the war in Ukraine",
        question="Did the person serve in the war in Ukraine?",
        changeable=False,
        recorded_only="Recorded; no source reviewed ties an outcome to it on its own. Exclusion turns on "
        "personal_involvement_indication, inclusion under Shepherd on unit_war_crimes.",
    )
    unit_war_crimes: Bool | None = fact(
        "Credible information that the person's unit committed, or would very likely commit, war crimes "
        "(an inclusion fact: Shepherd)",
        question="Is there credible information that the person's unit committed, or would very likely commit, "
        "war crimes?",
        label="Unit linked to war crimes",
        changeable=False,
    )
    personal_involvement_indication: Bool | None = fact(
        "Serious reasons to consider that the person himself took part in a war crime or a crime against "
        "humanity (triggers an exclusion review, Art. 1F)",
        question="Are there serious reasons to consider that the person took part in a war crime themselves?",
        label="Indication of personal involvement in war crimes",
        changeable=False,
    )


class Dissent(_Group):
    public_activism: Bool | None = fact(
        "Public anti-war or opposition activity",
        question="Was the person publicly active against the war or the government?",
        label="Publicly active against the war or the government",
    )
    activism_channels: list[Channel] | None = fact(
        "Channels of that activity",
        question="Through which channels (telegram, blog, livestream, street protest, media, NGO, other)?",
        recorded_only="Recorded for the facts card; no source ties an outcome to the channel used.",
        meanings={
            "telegram": "a Telegram channel",
            "blog": "a blog or website",
            "livestream": "live streams",
            "street_protest": "street protests",
            "media": "articles or interviews in the media",
            "ngo": "work for a non-governmental organisation",
            "other": "another channel",
        },
    )
    public_profile: Profile | None = fact(
        "Public profile: high = politician, journalist, widely known activist",
        question="How prominent is the person (none, low, high = politician, journalist, widely known activist)?",
        label="Public profile",
        meanings={
            "none": "not publicly known",
            "low": "known to a small audience (e.g. a blogger with a local following)",
            "high": "a politician, a journalist or a widely known activist",
        },
    )
    content_blocked: Bool | None = fact(
        "Authorities blocked the person's channel or site",
        question="Did the authorities block the person's channel or site?",
        label="Channel or site blocked by the authorities",
    )
    prosecution: list[Prosecution] | None = fact(
        "Proceedings in Russia",
        question="Which proceedings has the person faced in Russia (e.g. coao_20_3_3, cc_280_3, cc_207_3, cc_328, "
        "cc_337, cc_338, other; none)?",
        label="Proceedings in Russia",
        meanings={
            "coao_20_3_3": 'administrative offence of "discrediting" the armed forces (CoAO 20.3.3, a fine)',
            "cc_280_3": 'the crime of repeated "discrediting" (Criminal Code 280.3)',
            "cc_207_3": 'the crime of "false information" about the armed forces (Criminal Code 207.3, up to 15 years)',
            "cc_328": "evading conscription (Criminal Code 328, up to 2 years)",
            "cc_337": "unauthorised leave from a unit (Criminal Code 337, up to 10 years during mobilisation)",
            "cc_338": "desertion (Criminal Code 338)",
            "other": "other proceedings",
        },
    )
    court_summons_received: Bool | None = fact(
        "A court summons was received", question="Did the person receive a court summons?"
    )
    sur_place_activity: Bool | None = fact(
        "Activism abroad after leaving Russia",
        question="Has the person been politically active abroad since leaving?",
        recorded_only="Recorded for the facts card; the fact sheets give no rule on activity abroad (sur place).",
    )


class Journey(_Group):
    left_russia_date: Date | None = fact(
        "Date of leaving Russia",
        question="When did the person leave Russia?",
        recorded_only="Read by the checks of dates and by the timeline (which starts where the person's story "
        "starts), not by the rules.",
    )
    transit_countries: list[IsoCode] | None = fact(
        "Countries where the person stayed on the way (ISO codes, e.g. GE, KZ, AM, TR, RS)",
        question="In which countries did the person stay on the way (two-letter codes, e.g. GE, KZ)?",
        label="Countries on the way",
    )
    application_country: Jurisdiction | None = fact(
        "Country where asylum was (or would be) requested",
        question="In which country did the person apply (DE, NL, EE, LV, LT, PL, FI)?",
        changeable=False,
        recorded_only="Marks where the person actually applied (★); every jurisdiction is assessed as if the claim "
        "were made there.",
    )
    application_date: Date | None = fact(
        "Date of the application", question="When did the person apply?", changeable=False
    )
    application_place: ApplicationPlace | None = fact(
        "Where the application is made: territory, border, or abroad (outside the EU)",
        question="Where is the application made: on the territory, at the border, or from abroad?",
        label="Place of application",
        meanings={
            "territory": "inside the country, after entering it",
            "border": "at a border crossing, before entering",
            "abroad": "from outside the EU (e.g. a request for a humanitarian visa)",
        },
    )
    entry_crossing: EntryCrossing | None = fact(
        "Where the person crossed, or would cross, into the jurisdiction: by land, by air or by sea",
        question="How did (or would) the person cross into the country: by land, by air, or by sea?",
        label="Crossing",
        meanings={
            "land": "a land border crossing (road or rail), or the green border",
            "air": "an airport",
            "sea": "a sea port",
        },
    )
    entry_document: EntryDocument | None = fact(
        "The document the person entered, or would enter, on",
        question="On which document did (or would) the person enter: a Schengen short-stay visa, a national visa, "
        "a humanitarian visa, a residence permit, or none?",
        label="Entry document",
        meanings={
            "schengen_short_stay_visa": "a Schengen short-stay (C) visa: tourism, business, culture, sport, visits",
            "national_visa": "a national long-stay (D) visa, e.g. for work, study or family",
            "humanitarian_visa": "a visa issued on humanitarian grounds",
            "residence_permit": "a residence permit of an EU state",
            "none": "no visa or permit",
        },
    )
    visa_issuer: IsoCode | None = fact(
        "The state that issued the visa (ISO code)",
        question="Which state issued the visa (two letters, e.g. FI)?",
        label="Visa issued by",
    )
    entry_date: Date | None = fact("Date of entry", question="On what date did (or would) the person enter?")
    entry_exception: EntryException | None = fact(
        "Exception named in the entry restrictions that applies to the person",
        question="Does an entry exception apply (none, dissident, humanitarian, family, residence permit)?",
        label="Entry exception",
        meanings={
            "none": "no exception applies",
            "dissident": "a dissident (named in the Baltic and Polish restrictions)",
            "humanitarian": "humanitarian reasons",
            "family": "a family member of an EU resident",
            "residence_permit": "holds a residence permit",
        },
    )
    vulnerable: Bool | None = fact(
        "The person is vulnerable (e.g. ill, a minor, a victim of torture)",
        question="Is the person vulnerable (ill, a minor, a torture victim, ...)?",
        changeable=False,
    )


class Evidence(_Group):
    kind: EvidenceKind = Field(description="What the evidence is")
    documented: Bool | None = Field(default=None, description="A document exists and can be produced")
    note: str | None = Field(default=None, description="Free text (removed by --redact)")


class TrainerNote(_Group):
    """For the shipped examples: what the case teaches and which contrast to show. The rules never read it."""

    title: str = Field(description="A short title for the case")
    teaches: str = Field(description="What the case teaches")
    contrast: str | None = Field(default=None, description="Which contrast to show, and how")


class CaseFile(BaseModel):
    """One case. Groups and facts left out are unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_id: Slug = Field(description="Identifier: lower-case letters, digits, '-' and '_'")
    name: str | None = Field(default=None, description="Display name (a pseudonym is recommended)")
    as_of: Date | None = Field(default=None, description="Assessment date")
    notes: str | None = Field(default=None, description="Free-text notes (removed by --redact)")
    person: Person = Field(default_factory=Person)
    military: Military = Field(default_factory=Military)
    dissent: Dissent = Field(default_factory=Dissent)
    journey: Journey = Field(default_factory=Journey)
    evidence: list[Evidence] | None = Field(default=None, description="Evidence; left out = unknown")
    training: TrainerNote | None = Field(default=None, description="Trainer's note for example cases (not a fact)")
    load_warnings: SkipJsonSchema[tuple[str, ...]] = Field(
        default=(), exclude=True, description="Warnings about the file itself (e.g. renamed fields); not a fact"
    )

    @model_validator(mode="before")
    @classmethod
    def _renamed_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data.pop("load_warnings", None)
        migrated, notes, problems = migrate_renamed(data)
        if problems:
            raise ValueError(_FIELD_MARK + "\n".join(f"{path}\t{msg}" for path, msg in problems))
        if notes:
            migrated["load_warnings"] = tuple(notes)
        return migrated

    @model_validator(mode="after")
    def _no_contradictions(self) -> CaseFile:
        problems = contradictions(self)
        if problems:
            raise ValueError(_CONTRADICTION_MARK + "\n".join(f"{path}\t{msg}" for path, msg in problems))
        return self

    # convenient derived views -------------------------------------------------------------------------------
    def reference_date(self) -> dt.date | None:
        """The date the file's own `person.age` refers to: `as_of`, else `application_date`."""
        return self.as_of or self.journey.application_date

    def default_as_of(self, today: dt.date | None = None) -> dt.date:
        """The product's default assessment date: the case's `as_of`, else its application date, else today."""
        return self.as_of or self.journey.application_date or today or dt.date.today()


GROUPS: dict[str, type[_Group]] = {"person": Person, "military": Military, "dissent": Dissent, "journey": Journey}

# --------------------------------------------------------------------------------------------------------------
# Contradictions

_CONTRADICTION_MARK = "CONTRADICTION\n"
_FIELD_MARK = "FIELD PROBLEM\n"
E_SUMMONS_LAW = dt.date(2023, 4, 14)  # legal-facts R4: the e-summons law was signed on 14 Apr 2023
MOBILISATION_DECREE = dt.date(2022, 9, 21)  # legal-facts R1: Decree 647 declared the partial mobilisation

# --------------------------------------------------------------------------------------------------------------
# Renamed fields: files written with the first vocabulary still load, with one warning per renamed field.

# old field -> {old value: (new field, new value)}
RENAMED_FIELDS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("military", "draft_notice_kind"): {
        "conscription": ("call_up_purpose", "conscription"),
        "mobilisation": ("call_up_purpose", "mobilisation"),
        "e_summons": ("call_up_delivery", "e_summons"),
    },
    ("military", "war_crimes_indication"): {
        "true": ("unit_war_crimes", "true"),
        "false": ("unit_war_crimes", "false"),
    },
    ("journey", "entry_route"): {
        "schengen_tourist_visa": ("entry_document", "schengen_short_stay_visa"),
        "schengen_other_visa": ("entry_document", "schengen_short_stay_visa"),
        "humanitarian_visa": ("entry_document", "humanitarian_visa"),
        "residence_permit": ("entry_document", "residence_permit"),
        "land_border": ("entry_crossing", "land"),
        "airport": ("entry_crossing", "air"),
        "seaport": ("entry_crossing", "sea"),
    },
}
_RENAME_ADVICE = {
    "draft_notice_kind": "the purpose of a call-up (conscription, mobilisation, reserve_training) is now "
    "military.call_up_purpose and how it was served (paper, e_summons) military.call_up_delivery",
    "war_crimes_indication": "a unit's link to war crimes is an inclusion fact, military.unit_war_crimes; only "
    "serious reasons to consider that the person himself took part (military.personal_involvement_indication) "
    "call for an exclusion review",
    "entry_route": "the crossing (land, air, sea) is now journey.entry_crossing and the document "
    "(schengen_short_stay_visa, national_visa, humanitarian_visa, residence_permit, none) journey.entry_document",
}


def migrate_renamed(data: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[tuple[str, str]]]:
    """Translate the first vocabulary's field names into today's, with a warning naming each new field."""
    notes: list[str] = []
    problems: list[tuple[str, str]] = []
    for (group, old), mapping in RENAMED_FIELDS.items():
        section = data.get(group)
        if not isinstance(section, dict) or old not in section:
            continue
        section = dict(section)
        raw = section.pop(old)
        key = str(raw).lower() if isinstance(raw, bool) else raw
        if raw is None:
            data[group] = section
            continue
        if not isinstance(key, str) or key not in mapping:
            allowed = ", ".join(v for v in mapping if v not in ("true", "false")) or "true or false"
            problems.append(
                (f"{group}.{old}", f"expected one of {allowed} (this old field is renamed: {_RENAME_ADVICE[old]})")
            )
            continue
        new_field, new_value = mapping[key]
        if new_field in section:
            problems.append(
                (
                    f"{group}.{old}",
                    f"both {group}.{old} and its replacement {group}.{new_field} are given; keep "
                    f"only {group}.{new_field}",
                )
            )
            continue
        section[new_field] = {"true": True, "false": False}.get(new_value, new_value)
        data[group] = section
        extra = ""
        if old == "entry_route" and key == "schengen_other_visa":
            extra = " If it was a national (D) visa for work, study or family, write entry_document: national_visa."
        notes.append(
            f"The field {group}.{old} is renamed: {_RENAME_ADVICE[old]}. Read '{old}: {key}' as "
            f"'{new_field}: {new_value}'; please update the file.{extra}"
        )
    return data, notes, problems


def contradictions(case: CaseFile) -> list[tuple[str, str]]:
    """Facts that cannot all be true together, as (field path, message). Unknown facts never contradict."""
    p, m, d, j = case.person, case.military, case.dissent, case.journey
    out: list[tuple[str, str]] = []

    def before(later: dt.date | None, earlier: dt.date | None, path: str, msg: str) -> None:
        if later is not None and earlier is not None and later < earlier:
            out.append((path, msg))

    bd = p.birth_date
    before(m.draft_notice_date, bd, "military.draft_notice_date", "the call-up is dated before the person's birth")
    before(j.left_russia_date, bd, "journey.left_russia_date", "the person left Russia before being born")
    before(j.entry_date, bd, "journey.entry_date", "the entry is dated before the person's birth")
    before(j.application_date, bd, "journey.application_date", "the application is dated before the person's birth")
    if j.application_place is not None and j.application_place != ApplicationPlace.abroad:
        before(
            j.application_date,
            j.left_russia_date,
            "journey.application_date",
            "the application (on the territory or at the border) is dated before the person left Russia",
        )
    before(j.entry_date, j.left_russia_date, "journey.entry_date", "the entry is dated before the person left Russia")
    if p.birth_date and case.as_of and case.as_of < p.birth_date:
        out.append(("as_of", "the assessment date is before the person's birth"))
    if p.birth_date and p.age is not None and case.reference_date():
        computed = age_on(p.birth_date, case.reference_date())  # type: ignore[arg-type]
        if computed != p.age:
            out.append(
                ("person.age", f"age {p.age} does not match the birth date (age {computed} on {case.reference_date()})")
            )

    if bd is not None and bd > dt.date.today():
        out.append(("person.birth_date", "the birth date is in the future"))
    journey_dates = [day for day in (j.left_russia_date, j.entry_date, j.application_date) if day is not None]
    if case.as_of and j.left_russia_date and all(case.as_of < day for day in journey_dates):
        out.append(
            (
                "as_of",
                "the assessment date is before every date of the journey (the person had not yet left Russia); "
                "set as_of on or after journey.left_russia_date",
            )
        )
    age_then = _age_at_reference(case)
    if m.service_status == ServiceStatus.contract_soldier and age_then is not None and age_then < 18:
        out.append(
            (
                "military.service_status",
                f"a contract soldier must be at least 18, but the person's age is {age_then}",
            )
        )

    serving = {ServiceStatus.mobilised, ServiceStatus.serving_conscript, ServiceStatus.contract_soldier}
    if m.deserted is True and m.service_status in {ServiceStatus.never_served, ServiceStatus.completed_service}:
        out.append(
            (
                "military.deserted",
                f"a deserter must have been serving, but service_status is '{m.service_status.value}'",
            )
        )
    if m.served_in_ukraine is True and m.service_status == ServiceStatus.never_served:
        out.append(("military.served_in_ukraine", "served in Ukraine, but service_status is 'never_served'"))
    if m.draft_notice_received is False:
        for name in ("call_up_purpose", "call_up_delivery", "draft_notice_date"):
            if getattr(m, name) is not None:
                out.append((f"military.{name}", f"{name} is given, but draft_notice_received is false"))
        if m.service_status in {ServiceStatus.mobilised, ServiceStatus.serving_conscript}:
            out.append(
                (
                    "military.draft_notice_received",
                    f"service_status '{m.service_status.value}' means a call-up was received",
                )
            )
    notice = m.draft_notice_date
    if m.call_up_delivery == CallUpDelivery.e_summons and notice is not None and notice < E_SUMMONS_LAW:
        out.append(("military.draft_notice_date", "an e-summons cannot predate the e-summons law of 14 Apr 2023"))
    if m.call_up_purpose == CallUpPurpose.mobilisation and notice is not None and notice < MOBILISATION_DECREE:
        out.append(
            (
                "military.draft_notice_date",
                "a mobilisation call-up cannot predate the mobilisation decree of 21 Sep 2022 (legal-facts R1); "
                "for an earlier call-up use call_up_purpose: conscription",
            )
        )
    if m.deserted is False and m.deserted_date is not None:
        out.append(("military.deserted_date", "a desertion date is given, but deserted is false"))
    before(m.deserted_date, bd, "military.deserted_date", "the desertion is dated before the person's birth")
    if m.deserted_date is not None and notice is not None and m.service_status == ServiceStatus.mobilised:
        before(m.deserted_date, notice, "military.deserted_date", "a mobilised soldier deserted before his call-up")
    never = m.service_status not in serving | {ServiceStatus.completed_service, None}
    if m.unit_war_crimes is True and never:
        out.append(("military.unit_war_crimes", "a unit is linked to war crimes, but the person never served"))
    if (
        j.application_place == ApplicationPlace.territory
        and j.entry_date is not None
        and j.application_date is not None
        and j.application_date < j.entry_date
    ):
        out.append(
            (
                "journey.application_date",
                "an application on the territory is dated before the entry (an application at the border is "
                "application_place: border)",
            )
        )
    if j.visa_issuer is not None and j.entry_document in {EntryDocument.none, EntryDocument.residence_permit}:
        out.append(("journey.visa_issuer", f"a visa issuer is given, but entry_document is '{j.entry_document.value}'"))
    if p.other_citizenships and p.citizenship and p.citizenship in p.other_citizenships:
        out.append(("person.other_citizenships", f"{p.citizenship} is already the main citizenship"))

    if d.public_activism is False:
        if d.activism_channels:
            out.append(("dissent.activism_channels", "channels of activism are listed, but public_activism is false"))
        if d.content_blocked is True:
            out.append(
                ("dissent.content_blocked", "blocked content implies public activity, but public_activism is false")
            )
    for path, values in (
        ("dissent.activism_channels", d.activism_channels),
        ("dissent.prosecution", d.prosecution),
        ("person.other_citizenships", p.other_citizenships),
        ("journey.transit_countries", j.transit_countries),
    ):
        if values is not None and len(set(values)) != len(values):
            out.append((path, "a value is listed twice"))
    return out


def _age_at_reference(case: CaseFile) -> int | None:
    """The person's age on the case's own date (its as_of or application date, else today), where known."""
    if case.person.age is not None:
        return case.person.age
    if case.person.birth_date is not None:
        return age_on(case.person.birth_date, case.reference_date() or dt.date.today())
    return None


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Whole years between `birth_date` and `on`."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


# --------------------------------------------------------------------------------------------------------------
# Loading


def load_case(path: str | Path, *, max_bytes: int = 1_000_000) -> CaseFile:
    """Read and validate a case file (YAML or JSON). Raises InputError with file, line and field."""
    doc = load_file(Path(path), max_bytes=max_bytes, what="case file")
    return case_from_document(doc)


def case_from_text(text: str, name: str = "<case>", *, as_json: bool = False) -> CaseFile:
    return case_from_document(load_text(text, name, as_json=as_json))


def case_from_document(doc: Document) -> CaseFile:
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise InputError.single(
            doc.name,
            f"expected a case file (a mapping with case_id, person, military, ...), found {kind}",
            line=1,
            hint="for many cases use 'casefile batch' with a folder or JSON Lines"
            if isinstance(doc.data, list)
            else None,
        )
    return case_from_data(doc.data, doc.name, doc.lines)


def case_from_data(data: dict[str, Any], name: str = "<case>", lines: LineMap | None = None) -> CaseFile:
    lines = lines or LineMap()
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, name, lines)) from None


def validation_problems(exc: ValidationError, name: str, lines: LineMap) -> list[Problem]:
    """Turn pydantic's errors into located, plain-language problems."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        msg = str(err.get("msg", ""))
        for mark, prefix in ((_CONTRADICTION_MARK, "contradiction: "), (_FIELD_MARK, "")):
            if mark.strip() in msg:
                body = msg.split(mark, 1)[-1]
                for row in body.splitlines():
                    path, _, text = row.partition("\t")
                    parts: tuple[str | int, ...] = tuple(path.split("."))
                    problems.append(Problem(name, lines.line(parts), path, prefix + text))
                break
        else:
            shown = [_key_shown(p) for p in loc]  # a "key" can be a sentence typed in the wrong place
            field = ".".join(p if not isinstance(p, int) else f"[{p}]" for p in shown).replace(".[", "[")
            problems.append(Problem(name, lines.line(loc), field or None, *_explain(err, loc)))
    return problems


def _key_shown(part: Any) -> Any:
    """A key as a message may show it: field-like names as they are, anything else (text with spaces, commas,
    personal details typed in the wrong place) replaced by a description."""
    if isinstance(part, int) or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]{0,40}", str(part)):
        return part
    return "(a key that is not a field name)"


def _explain(err: Any, loc: tuple[Any, ...]) -> tuple[str, str | None]:
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        field = str(loc[-1])
        parent = _model_at(loc[:-1])
        known = [f for f, info in parent.model_fields.items() if not info.exclude] if parent else []
        hint = did_you_mean(field, known)
        if hint is None and parent is CaseFile:
            owner = next((g for g, model in GROUPS.items() if field in model.model_fields), None)
            if owner:
                hint = f"it belongs under '{owner}:'"
        return f"unknown field; expected one of: {', '.join(known)}", hint
    if kind == "enum":
        allowed = err.get("ctx", {}).get("expected", "")
        hint = did_you_mean(str(given), [a.strip(" '") for a in allowed.replace(" or ", ",").split(",")])
        return f"expected one of {allowed}, got {_short(given)}", hint
    if kind in ("bool_type", "bool_parsing"):
        hint = None
        if isinstance(given, str) and given.strip().lower() in ("true", "false"):
            hint = "remove the quotes"
        elif isinstance(given, str) and given.strip().lower() in _YES_NO:
            hint = f"write {'true' if given.strip().lower() in _YES else 'false'}; yes, no, on and off are read as text"
        return f"expected true or false, got {_short(given)}", hint
    if kind in ("int_type", "int_parsing", "int_from_float"):
        hint = "remove the quotes" if isinstance(given, str) and re.fullmatch(r"-?[0-9]+", given.strip()) else None
        return f"expected a whole number, got {_short(given)}", hint
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"expected a number from 0 to 120, got {_short(given)}", None
    if kind == "string_pattern_mismatch":
        field = str(loc[-1])
        if field == "case_id":
            return (
                "expected a short identifier of lower-case letters, digits, '-' or '_'",
                "e.g. case_id: case-017 (a number or a pseudonym, never a real name)",
            )
        if field == "citizenship":
            hint = None
            if isinstance(given, str) and re.fullmatch(r"[A-Za-z]{2}", given.strip()):
                hint = f"write the code in capitals: {given.strip().upper()}"
            return f"expected a two-letter country code such as RU, got {_short(given)}", hint
        return f"expected text matching {err.get('ctx', {}).get('pattern')}", None
    if kind in ("string_type",):
        hint = None
        if isinstance(given, bool) and loc and loc[-1] in ("citizenship", "visa_issuer", "other_citizenships"):
            hint = "for Norway write the code in quotes: 'NO'"
        elif isinstance(given, int | float | dt.date):
            hint = "put it in quotes if it is meant as text"
        return f"expected text, got {_short(given)}", hint
    if kind == "missing":
        return "is required", None
    if kind in ("list_type",):
        return f"expected a list, got {_short(given)}", "write it as [a, b] or one '- item' per line"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a group of fields (a mapping), got {_short(given)}", None
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err.get("msg"))), None
    return str(err.get("msg")), None


_YES = {"yes", "y", "on"}
_YES_NO = _YES | {"no", "n", "off"}


def _short(value: Any) -> str:
    """The kind of a given value, never its content: case files describe people at risk, and a value typed into
    the wrong field can be anything (a name, an address). Only words and numbers that carry nothing personal are
    shown: true/false, yes/no words, and small numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if abs(value) < 1000 else "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        word = value.strip()
        if word.lower() in _YES_NO:
            return f"'{word}'"
        if re.fullmatch(r"-?[0-9]{1,3}", word):
            return f"the text '{word}'"
        return "a text" if word else "an empty text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return "a value"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = CaseFile
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        ann = info.annotation
        model = next((a for a in _unwrap(ann) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return model


def _unwrap(ann: Any) -> list[Any]:
    args = getattr(ann, "__args__", None)
    if not args:
        return [ann]
    out: list[Any] = []
    for a in args:
        out.extend(_unwrap(a))
    return out
