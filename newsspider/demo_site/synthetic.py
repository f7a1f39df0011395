"""Invented content for tests and benchmarks: new articles, a deep archive, page padding.

Everything here is deterministic (a number in, the same text out) and cheap: ten thousand
articles are a few hundred milliseconds of string formatting, and padding a page is slicing
pre-built noise. The text reads like the wire copy the real sources republish, but never
contains a date (``hide_dates`` tests look for date patterns) nor any marker the crawler's
extractors look for.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

# Synthetic archive: this many articles a day, newest first, from the newest date backwards.
PER_DAY = 24

_CITIES = {
    "fr": (
        "Casablanca",
        "Rabat",
        "Fès",
        "Marrakech",
        "Tanger",
        "Agadir",
        "Oujda",
        "Meknès",
        "Tétouan",
        "Laâyoune",
        "Béni Mellal",
        "Errachidia",
        "Safi",
        "Khouribga",
        "Nador",
        "Ouarzazate",
    ),
    "ar": (
        "الدار البيضاء",
        "الرباط",
        "فاس",
        "مراكش",
        "طنجة",
        "أكادير",
        "وجدة",
        "مكناس",
        "تطوان",
        "العيون",
        "بني ملال",
        "الرشيدية",
        "آسفي",
        "خريبكة",
        "الناظور",
        "ورزازات",
    ),
    # The English sections are Egypt's and Saudi Arabia's.
    "en": ("Cairo", "Alexandria", "Giza", "Aswan", "Riyadh", "Jeddah", "Dammam", "Abha"),
}

_TOPICS = {
    "fr": {
        "politics": (
            "réunion de la majorité gouvernementale",
            "session extraordinaire du conseil communal",
            "débat sur la régionalisation avancée",
        ),
        "economics": (
            "nouvelle zone d'activités économiques",
            "hausse des exportations agricoles",
            "programme d'appui aux petites entreprises",
        ),
        "international": (
            "visite d'une délégation parlementaire africaine",
            "forum de coopération euro-méditerranéenne",
            "accord de partenariat avec le Sénégal",
        ),
        "sports": (
            "tournoi régional de football des jeunes",
            "semi-marathon international",
            "inauguration d'un complexe sportif de proximité",
        ),
        "society": (
            "campagne de lutte contre l'abandon scolaire",
            "opération de relogement des ménages",
            "caravane de solidarité dans les zones rurales",
        ),
        "culture": (
            "festival des arts populaires",
            "salon régional du livre",
            "restauration de la médina",
        ),
        "religion": (
            "programme de formation des imams",
            "rénovation de mosquées anciennes",
            "cycle de causeries religieuses",
        ),
        "health": (
            "campagne de vaccination dans les écoles",
            "ouverture d'un centre de dialyse",
            "caravane médicale dans les zones enclavées",
        ),
    },
    "ar": {
        "politics": (
            "اجتماع هيئة رئاسة الأغلبية",
            "دورة استثنائية للمجلس الجماعي",
            "نقاش حول الجهوية المتقدمة",
        ),
        "economics": (
            "منطقة جديدة للأنشطة الاقتصادية",
            "ارتفاع الصادرات الفلاحية",
            "برنامج لدعم المقاولات الصغرى",
        ),
        "international": (
            "زيارة وفد برلماني إفريقي",
            "منتدى التعاون الأورومتوسطي",
            "اتفاقية شراكة مع السنغال",
        ),
        "sports": (
            "دوري جهوي لكرة القدم للشباب",
            "نصف ماراثون دولي",
            "تدشين مركب رياضي للقرب",
        ),
        "society": (
            "حملة لمحاربة الهدر المدرسي",
            "عملية لإعادة إسكان الأسر",
            "قافلة تضامنية بالعالم القروي",
        ),
        "culture": (
            "مهرجان الفنون الشعبية",
            "المعرض الجهوي للكتاب",
            "ترميم المدينة العتيقة",
        ),
        "religion": (
            "برنامج لتكوين الأئمة",
            "ترميم مساجد عتيقة",
            "سلسلة دروس دينية",
        ),
        "health": (
            "حملة تلقيح بالمدارس",
            "افتتاح مركز لتصفية الدم",
            "قافلة طبية بالمناطق النائية",
        ),
    },
    "en": {
        "politics": ("session of the local council", "debate on the new districts law"),
        "economics": ("new industrial zone", "programme for small businesses"),
        "international": ("visit of an African trade delegation", "regional transport forum"),
        "sports": ("youth football tournament", "opening of a neighbourhood sports hall"),
        "society": ("school enrolment campaign", "housing programme for young families"),
        "culture": ("festival of folk arts", "regional book fair"),
        "religion": ("training course for imams", "restoration of historic mosques"),
        "health": ("school vaccination campaign", "opening of a dialysis centre"),
    },
}

_TITLE = {
    "fr": "Dépêche n°{n} : {topic} à {city}",
    "ar": "قصاصة رقم {n}: {topic} في {city}",
    "en": "Dispatch no. {n}: {topic} in {city}",
}

_OPENING = {
    "fr": (
        "À {city}, les responsables ont donné le coup d'envoi de l'opération « {topic} », {said}.",
        "Les autorités de {city} ont présenté les grandes lignes du projet « {topic} », {said}.",
        "La ville de {city} accueille cette semaine l'initiative « {topic} », {said}.",
    ),
    "ar": (
        "انطلقت بمدينة {city} فعاليات «{topic}»، {said}.",
        "قدمت السلطات المحلية بمدينة {city} الخطوط العريضة لمشروع «{topic}»، {said}.",
        "تحتضن مدينة {city} هذا الأسبوع مبادرة «{topic}»، {said}.",
    ),
    "en": (
        "Officials in {city} launched the “{topic}” scheme this week, {said}.",
        "The authorities in {city} presented the main lines of the “{topic}” project, {said}.",
    ),
}

_SAID = {
    "fr": (
        "selon un communiqué parvenu à la rédaction",
        "a-t-on appris auprès des organisateurs",
        "indique une source autorisée",
        "selon les informations recueillies sur place",
    ),
    "ar": (
        "حسب بلاغ توصلت به الجريدة",
        "وفق ما أفاد به المنظمون",
        "حسب مصدر مسؤول",
        "وفق معطيات استقتها الجريدة من عين المكان",
    ),
    "en": ("according to a statement sent to the newspaper", "the organisers said"),
}

_FIGURES = {
    "fr": (
        "Dotée d'une enveloppe de {amount} millions de dirhams, l'opération doit bénéficier à "
        "quelque {people} personnes réparties sur {communes} communes, précise la même source.",
        "Le budget mobilisé s'élève à {amount} millions de dirhams, pour environ {people} "
        "bénéficiaires dans {communes} communes de la province.",
    ),
    "ar": (
        "وتبلغ الكلفة الإجمالية لهذه المبادرة {amount} مليون درهم، ويرتقب أن يستفيد منها حوالي "
        "{people} شخص موزعين على {communes} جماعة، يضيف المصدر ذاته.",
        "ورصد لهذا المشروع غلاف مالي قدره {amount} مليون درهم، لفائدة حوالي {people} مستفيد "
        "في {communes} جماعة بالإقليم.",
    ),
    "en": (
        "The scheme has a budget of {amount} million and should reach some {people} people "
        "in {communes} districts, the same source added.",
    ),
}

_CLOSING = {
    "fr": (
        "Un comité de suivi sera chargé d'évaluer l'avancement des travaux et de publier un "
        "rapport d'étape.",
        "Les acteurs associatifs ont salué une démarche qu'ils jugent attendue depuis longtemps.",
        "Les organisateurs prévoient d'étendre l'expérience à d'autres provinces au cours des "
        "prochains mois.",
        "Plusieurs intervenants ont insisté sur la nécessité d'une meilleure coordination entre "
        "les différents partenaires.",
    ),
    "ar": (
        "وستتولى لجنة للتتبع تقييم تقدم الأشغال ونشر تقرير مرحلي.",
        "ونوهت فعاليات جمعوية بهذه الخطوة التي طال انتظارها.",
        "ويعتزم المنظمون تعميم التجربة على أقاليم أخرى خلال الأشهر المقبلة.",
        "وشدد عدد من المتدخلين على ضرورة تعزيز التنسيق بين مختلف الشركاء.",
    ),
    "en": (
        "A follow-up committee will assess progress and publish an interim report.",
        "The organisers plan to extend the scheme to other governorates in the coming months.",
    ),
}


def mix(number: int, salt: int = 0) -> int:
    """A cheap, well-spread 32-bit hash of a number (Knuth's multiplicative method)."""
    value = (number * 2654435761 + salt * 40503 + 0x9E3779B9) % 2**32
    return value ^ (value >> 15)


def invent_text(lang: str, number: int, section: str) -> tuple[str, list[str]]:
    """Title and 2-3 paragraphs of dispatch number ``number`` (always the same for a number)."""
    h = mix(number)
    cities = _CITIES[lang]
    topics = _TOPICS[lang][section]
    city = cities[h % len(cities)]
    topic = topics[(h >> 5) % len(topics)]
    headline_topic = topic[0].upper() + topic[1:]
    title = _TITLE[lang].format(n=number, topic=headline_topic, city=city)
    said = _SAID[lang][(h >> 9) % len(_SAID[lang])]
    opening = _OPENING[lang][(h >> 12) % len(_OPENING[lang])]
    figures = _FIGURES[lang][(h >> 14) % len(_FIGURES[lang])]
    paragraphs = [
        opening.format(city=city, topic=headline_topic, said=said),
        figures.format(
            amount=12 + (h >> 16) % 480,
            people=f"{1000 * (2 + (h >> 20) % 90):,}".replace(",", " " if lang == "fr" else ""),
            communes=3 + (h >> 24) % 40,
        ),
    ]
    if number % 3:
        paragraphs.append(_CLOSING[lang][(h >> 27) % len(_CLOSING[lang])])
    return title, paragraphs


def source_url(lang: str, base: str, section: str, id: str, title: str) -> str:
    """Where the source newspaper published it: a slug URL (French) or a numeric one (Arabic)."""
    if lang == "ar":
        return f"{base}/{section}/{id}.html"
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[A-Za-z0-9]+", ascii_title))
    return f"{base}/{slug}_a{id}.html"


def archive_slot(index: int, newest: date) -> tuple[str, str]:
    """Date and time of the ``index``-th synthetic article, newest first (PER_DAY a day)."""
    day = newest - timedelta(days=index // PER_DAY)
    minutes = 23 * 60 - (index % PER_DAY) * 40  # 23:00, 22:20, ... 07:40
    return day.isoformat(), f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- page padding ------------------------------------------------------------------------------

_WORDS = (
    "actualite",
    "maroc",
    "politique",
    "economie",
    "sport",
    "culture",
    "societe",
    "regions",
    "video",
    "galerie",
    "dossier",
    "opinion",
    "edito",
    "chronique",
    "reportage",
    "interview",
    "agenda",
    "meteo",
    "emploi",
    "annonces",
    "archives",
    "newsletter",
    "partenaires",
    "contact",
    "mentions",
    "confidentialite",
    "cookies",
    "publicite",
    "abonnement",
)


@cache
def _noise_lines(lang: str) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
    """A few hundred kilobytes of the inline JavaScript a PrimeFaces news page carries:
    widget declarations, i18n labels, ad slots, tracking config. ASCII, no dates."""
    lines: list[bytes] = []
    for i in range(4000):
        h = mix(i, 7)
        kind = i % 5
        if kind == 0:
            widget = f"j_idt{120 + i}"
            line = (
                f'PrimeFaces.cw("CommandLink","widget_{widget}",{{id:"j_idt18:{widget}",'
                f'behaviors:{{click:function(ext,event){{PrimeFaces.ab({{s:"j_idt18:{widget}",'
                f'f:"j_idt18",u:"@form",pa:[{{name:"k",value:"{h % 100000}"}}]}},ext);}}}}}});'
            )
        elif kind == 1:
            a, b, c = (_WORDS[(h >> s) % len(_WORDS)] for s in (0, 6, 12))
            line = f'mg.i18n.set("{a}.{b}.{i:x}","{a.capitalize()} {b} {c}");'
        elif kind == 2:
            line = (
                f'mgAds.push({{slot:"/21749872/maghress_{lang}_mpu_{i}",sizes:[[300,250],'
                f'[336,280]],targeting:{{pos:"{h % 7}",kw:["{_WORDS[h % len(_WORDS)]}","maroc"]'
                f"}},lazy:{str(bool(h & 1)).lower()}}});"
            )
        elif kind == 3:
            line = (
                f'mgTrack.cfg["{h:08x}"]={{id:{h % 999983},s:{h % 97},r:{h % 13}.{h % 10},'
                f'ok:{str(bool(h & 2)).lower()},cb:function(r){{mgTrack.q.push(["ev",r,{i}]);}}}};'
            )
        else:
            line = (
                f'if(window.jQuery){{jQuery(function($){{$("#j_idt18\\\\:j_idt{120 + i}")'
                f'.on("click.mg{i}",function(){{mg.stat("{_WORDS[h % len(_WORDS)]}",{h % 251});}});}});}}'
            )
        lines.append(line.encode("ascii") + b"\n")
    return tuple(lines), tuple(accumulate(len(line) for line in lines))


def _noise(lang: str, size: int, start: int) -> bytes:
    """About ``size`` bytes of whole noise lines, from line ``start`` on (wrapping round)."""
    lines, ends = _noise_lines(lang)
    out: list[bytes] = []
    while size > 0:
        start %= len(lines)
        offset = ends[start - 1] if start else 0
        stop = max(start + 1, bisect_right(ends, offset + size))
        out += lines[start:stop]
        size -= ends[stop - 1] - offset
        start = stop
    return b"".join(out)


VIEWSTATE_MARK = b'name="javax.faces.ViewState" id="j_id1:javax.faces.ViewState:0" value="'


def pad_page(body: bytes, target: int, key: str, lang: str, mobile_menu: bytes) -> bytes:
    """Grow a rendered page to about ``target`` bytes the way real pages are heavy: a larger
    JSF ViewState, a second (mobile) copy of the menu, and inline widget/ad scripts."""
    deficit = target - len(body)
    if deficit < 256:
        return body
    seed = hashlib.sha256(key.encode("utf-8")).digest()
    # A bigger ViewState (a third of the extra weight), derived from the same page key.
    start = body.find(VIEWSTATE_MARK)
    if start >= 0:
        start += len(VIEWSTATE_MARK)
        end = body.index(b'"', start)
        extra = deficit // 3
        raw_size = (end - start + extra) // 4 * 3
        state = base64.b64encode(hashlib.shake_256(seed).digest(raw_size))
        deficit -= len(state) - (end - start)
        body = body[:start] + state + body[end:]
        if mobile_menu and deficit > 4 * len(mobile_menu):
            # Right after the desktop menu, before the ViewState's <input>.
            at = body.rfind(b"<input", 0, start)
            body = body[:at] + mobile_menu + body[at:]
            deficit -= len(mobile_menu)
    head = b'<script type="text/javascript">\n//<![CDATA[\n'
    tail = b"//]]>\n</script>\n"
    size = deficit - len(head) - len(tail)
    if size > 0:
        script = head + _noise(lang, size, int.from_bytes(seed[:4], "big")) + tail
        at = body.rfind(b"</body>")
        body = body[:at] + script + body[at:] if at >= 0 else body + script
    return body
