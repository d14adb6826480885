# ruff: noqa: RUF001  # Turkish dotless i and the typographic apostrophe are letters customers really type
"""Which language a customer wrote in, or that we cannot tell: the script, then two detectors that must agree.

A wrong guess is costly in one direction only. Answering a Dutch complaint in English, or a Turkish
thank-you in German, tells the customer nobody read it; an acknowledgement in the brand's neutral fallback
plus a case costs an agent a few seconds. So the detector says `UNDETERMINED` rather than guess: when a
Latin-script message carries no word or letter it recognises, or two languages tie — English included:
"la aplicación no funciona" has one English word and one Spanish one, and an English template would be
the wrong reply, while a neutral acknowledgement is only a little less warm.

Latin-script text is read twice. A byte n-gram naive-Bayes model (distilled from py3langid, BSD-3-Clause, by
infra/tools/distil_language_model.py: its 40,000 most telling n-grams for the twelve languages below, 1.1 MB,
scored in plain Python) is right most often; word lists (function words, care words, letters only some
languages use) catch short messages the model is unsure of. The model wins when it is confident and the word
lists do not name another language; when they do, the answer is UNDETERMINED. py3langid itself would need
numpy (~70 MB in the layer) and 0.6 s to decompress its model; lingua's models are a 96 MB wheel. Figures:
README, Dependencies.
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

UNDETERMINED = "und"  # ISO 639-2's code for "undetermined": the policy's neutral fallback and a person

# Frequent function words, greetings and customer-care words, chosen to overlap as little as possible
# between languages. A word shared by two languages counts for both.
_WORDS: dict[str, str] = {
    "en": "the and is are was were to my i i'm im you it it's its of this that for not with on have has had be we "
    "our your what how can can't cant do does did don't dont didn't hi hello thanks thank please just so but at from "
    "they will would still never again yet order orders refund refunded parcel package delivery delivered arrived "
    "received nobody anyone someone help where when why who waiting wait been any update today yesterday week "
    "days phone card charged twice cancel cancelled working work keeps won't wont isn't there here one "
    "service customer worst best love great good bad terrible awful broken damaged lost late fix sorted sort "
    "tried trying answer answers reply replied response happy all at about get got going new again account "
    "signal wifi internet store shop open should could an or if yes okay pls plz lol wtf omg hey "
    # everyday English beyond function words, so short English complaints are not "undetermined"
    "nope yeah yep wrong joke absolute absolutely size sent send item items missing money paid pay bill price "
    "time hours minutes hold call called phone email emails again guys team staff manager rude useless waste "
    "disgusting ridiculous pathetic shocking unacceptable disappointed disappointing annoyed angry sick tired "
    "fed up down out off over still really very much more less only even ever always back next last first "
    "been being done doing make made take took give gave tell told say said know knew think want need needs "
    "look looking find found try keep kept left leave came went go goes see seen use used buy bought "
    "ordered replacement exchange return returned returns receipt box driver courier shipping shipped "
    "tracking number code login log password screen website site page online stuck error crashed crash "
    "down outage slow fast quick nice lovely amazing awesome brilliant perfect excellent thank cheers sorry "
    "problem issue issues complaint claim account charge fee fees why whats what's where's who's how's "
    "it's i've i'd you're we're they're there's that's doesn't haven't hasn't wasn't weren't couldn't "
    "shouldn't wouldn't ok thx ta yh yeh haha same both photo pic attached dm dm'd hint xmas pressie mate "
    "lads guys cheers",
    "es": "el los las que y es muy para mi pero con por lo hola gracias está nadie pedido una del hacen tienen sus su "
    "al como más también todavía sigo sin dónde donde quiero llegó roto encanta tengo problema funciona mal nada "
    "respuesta paquete reembolso servicio ya hace semana días aún esto esta",
    "fr": "le les et est je pas ce vous une des pour ma mon c'est très merci bonjour trop avec qui sur dans au aux "
    "n'ai toujours ai commande rien arrivée arrivé colis cassé personne répond veux être remboursé souci nul "
    "marche plus où j'ai j'adore l'appli beaucoup depuis encore du la il elle mais ou pourquoi comment quand votre "
    "vos nos notre déjà fois jours semaine aucun aucune svp bonsoir dispo taille qu'il qu'on n'est ça rembourser "
    "livraison reçu toujours jamais vraiment",
    "de": "der die das und ist nicht ich ein eine mit zu wann seit danke bin sehr hat auf den dem für niemand wird "
    "mein meine immer noch nichts bestellung angekommen schlechter schlecht will geld zurück paket kaputt "
    "antwortet wo bleibt lieferung vielen dank hallo habe problem ständig unverschämt schön wieder hab euch mal diese "
    "woche auch schon kein keine mehr gibt geht gehts heute war wir ihr sie es bitte warum was wie nur aber oder dann "
    "einer einen eines noch jetzt gestern tagen seit endlich wieso leider gar euer eure ihre hier da doch mich mir",
    "pt": "os que não com um uma para muito obrigado obrigada vocês você chegou ninguém em na do da meu minha olá "
    "ainda nada péssimo atendimento quero dinheiro volta veio quebrado responde cadê encomenda adorei preciso "
    "ajuda aplicativo abre já faz semana",
    "it": "il lo gli che non è per molto sono grazie ciao arrivato della delle questo questa mi ho ancora niente "
    "mille servizio pessimo voglio rimborso pacco rotto nessuno risponde dov'è fantastico problema funziona "
    "vergogna",
    "nl": "het een en van ik mijn niet nog steeds niks bedankt voor hulp slechte wil geld terug pakket kapot "
    "aangekomen niemand reageert waar blijft echt belachelijk dit hoi heb met bestelling werkt niet meer wat "
    "klantenservice wacht al weken geweldig dank je wel jullie is binnen graag geen nooit",
    "pl": "moje moja mój zamówienie nie dotarło nadal nic dziękuję bardzo fatalna obsługa chcę zwrot pieniędzy "
    "paczka przyszła uszkodzona nikt odpowiada gdzie jest to skandal dzień dobry mam problem z aplikacja działa "
    "czekam już dwa tygodnie dzięki się na w co jak tak",
    "tr": "çok teşekkürler teşekkür ederim harika siparişim hala gelmedi berbat hizmet paramı geri istiyorum kargo "
    "hasarlı geldi kimse cevap vermiyor nerede merhaba bir sorunum var uygulama açılmıyor iki haftadır "
    "bekliyorum rezalet ve bu için sağ olun",
    "sv": "min mitt beställning har inte kommit fortfarande ingenting tack så mycket dålig jag vill ha pengarna "
    "tillbaka paketet kom trasigt ingen svarar var är hej ett appen fungerar och det att",
    "da": "min ordre er ikke kommet stadig ingenting tusind tak elendig jeg vil have mine penge tilbage pakken kom "
    "i stykker ingen svarer hvor hej et appen virker og det at",
    "id": "pesanan saya belum sampai masih ada kabar terima kasih banyak pelayanan buruk sekali mau paketnya rusak "
    "tidak yang membalas paket di mana halo masalah aplikasinya bisa dibuka dan ini itu sudah",
}
_STOPWORDS: dict[str, frozenset[str]] = {language: frozenset(words.split()) for language, words in _WORDS.items()}

# Letters only some languages use; each counts as one word of evidence.
_MARKS: dict[str, tuple[str, ...]] = {
    "ñ": ("es",),
    "¿": ("es",),
    "¡": ("es",),
    "ã": ("pt",),
    "õ": ("pt",),
    "ç": ("fr", "pt", "tr"),
    "ß": ("de",),
    "ä": ("de", "sv"),
    "ö": ("de", "sv", "tr"),
    "ü": ("de", "tr"),
    "ł": ("pl",),
    "ą": ("pl",),
    "ę": ("pl",),
    "ś": ("pl",),
    "ź": ("pl",),
    "ż": ("pl",),
    "ń": ("pl",),
    "ğ": ("tr",),
    "ş": ("tr",),
    "ı": ("tr",),
    "å": ("sv", "da"),
    "ø": ("da",),
    "æ": ("da",),
    "ij": ("nl",),
}

_SCRIPTS = (
    ("CYRILLIC", "ru"),
    ("ARABIC", "ar"),
    ("HEBREW", "he"),
    ("GREEK", "el"),
    ("THAI", "th"),
    ("DEVANAGARI", "hi"),
    ("HANGUL", "ko"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("CJK", "zh"),
)
_ACCENTED = re.compile(r"[à-öø-ÿāăąćčďđēėęěğīıłńňőœřśşšţťūůűźżž]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_HANDLE_OR_LINK = re.compile(r"(?:[@#][\w.]+|https?://\S+|www\.\S+|&\w+;)")


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    name = unicodedata.name(char, "")
    return next((language for prefix, language in _SCRIPTS if name.startswith(prefix)), "")


def _script_language(text: str) -> tuple[str, bool]:
    """The language a non-Latin script names, and whether the text has any letters at all."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text[:500]:
        if not char.isalpha():
            continue
        letters += 1
        if char < "\u0250":  # Latin letters, accented ones included: no script to name
            continue
        if language := _script_of(char):
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return "", letters > 0
    # kana only occur in Japanese, which also writes with CJK ideographs: any kana settles it
    if counts.get("ja"):
        counts["ja"] += counts.pop("zh", 0)
    language, count = max(counts.items(), key=lambda item: item[1])
    return (language if count * 2 >= letters else ""), True


_MAGIC = b"ACKLANG1"
_CONFIDENT = 0.5  # the model's probability at or above which it decides (measured: README, Dependencies)
_CLEAR_LEAD = 4  # words ahead of any other language's: no second opinion needed (measured: README)
_MODEL_BYTES = 300  # a language shows in its first sentences; this bounds the cost of a long message


@dataclass(frozen=True)
class NgramModel:
    languages: tuple[str, ...]
    priors: tuple[float, ...]
    index: dict[bytes, int]  # n-gram -> its row
    columns: tuple[array[int], ...]  # per language, every n-gram's int16 log-probability (times `scale`)
    scale: float
    longest: int

    def rank(self, text: str) -> tuple[str, float]:
        """The likeliest language and its probability; ("", 0.0) when no n-gram is known."""
        data = unicodedata.normalize("NFC", text.lower() if text.isupper() else text).encode("utf-8", "replace")
        data = data[:_MODEL_BYTES]
        counts: dict[int, int] = {}
        index, longest = self.index, self.longest
        for end in range(1, len(data) + 1):
            # the longest known n-gram ending here, as py3langid's automaton emits it
            for size in range(min(longest, end), 0, -1):
                row = index.get(data[end - size : end])
                if row is not None:
                    counts[row] = counts.get(row, 0) + 1
                    break
        if not counts:
            return "", 0.0
        found = [(row, math.log1p(count)) for row, count in counts.items()]
        scores = [sum(column[row] * weight for row, weight in found) for column in self.columns]
        width = len(self.languages)
        temperature = math.sqrt(len(data))
        logits = [(self.scale * s + p) / temperature for s, p in zip(scores, self.priors, strict=True)]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        best = max(range(width), key=exps.__getitem__)
        return self.languages[best], exps[best] / sum(exps)


@lru_cache(maxsize=1)
def ngram_model() -> NgramModel:
    """Loaded once per container from ackline/models/language_ngrams.bin.

    Layout: infra/tools/distil_language_model.py, which writes it."""
    data = resources.files("ackline").joinpath("models/language_ngrams.bin").read_bytes()
    if not data.startswith(_MAGIC):
        raise ValueError("ackline/models/language_ngrams.bin is not an ackline language model")
    offset = len(_MAGIC)
    width, count, scale = struct.unpack_from("<BIf", data, offset)
    offset += struct.calcsize("<BIf")
    languages = tuple(data[offset + 2 * i : offset + 2 * i + 2].decode("ascii") for i in range(width))
    offset += 2 * width
    priors = struct.unpack_from(f"<{width}f", data, offset)
    offset += 4 * width
    index: dict[bytes, int] = {}
    for row in range(count):
        size = data[offset]
        index[data[offset + 1 : offset + 1 + size]] = row
        offset += 1 + size
    weights = array("h")
    weights.frombytes(data[offset : offset + 2 * width * count])
    if struct.pack("<h", 1) != struct.pack("=h", 1):
        weights.byteswap()  # stored little-endian
    columns = tuple(weights[language::width] for language in range(width))
    return NgramModel(languages, tuple(priors), index, columns, scale, max(map(len, index)))


def _by_words(lowered: str) -> tuple[str, int]:
    """The word lists' vote (one language, or UNDETERMINED when none or several lead) and its lead over the next."""
    words = [w.replace("’", "'") for w in _WORD.findall(lowered)][:200]
    scores = dict.fromkeys(_STOPWORDS, 0)
    for word in words:
        for language, known in _STOPWORDS.items():
            if word in known:
                scores[language] += 1
    for mark, languages in _MARKS.items():
        if mark in lowered:
            for language in languages:
                scores[language] += 1
    ranked = sorted(scores.values(), reverse=True)
    best, lead = ranked[0], ranked[0] - ranked[1]
    if best == 0 or lead == 0:
        return UNDETERMINED, 0
    leader = next(language for language, score in scores.items() if score == best)
    # English hardly writes accents: "impossible de me connecter" is not English, whatever it shares with it
    if leader == "en" and _ACCENTED.search(lowered):
        return UNDETERMINED, 0
    return leader, lead


def detect_language(text: str, tokens: Sequence[str] = ()) -> str:
    """An ISO 639-1 code, or UNDETERMINED when the message gives too little to tell.

    `tokens` is accepted for callers that already split the text, but the raw text is read instead: triage's
    tokens are spelling-corrected towards its English lexicon, which would turn "niks" into an English word.
    A message with no letters at all (emoji, a number) is "en": there is no language in it to get wrong.
    """
    del tokens  # see the docstring
    # handles and links are not the customer's language ("@megan.r.x 👀" has no words in it)
    visible = _HANDLE_OR_LINK.sub(" ", text[:1000])
    by_script, has_letters = _script_language(visible)
    if by_script:
        return by_script
    if not has_letters:
        return "en"
    by_words, lead = _by_words(unicodedata.normalize("NFC", visible).lower())
    if lead >= _CLEAR_LEAD:
        return by_words  # most messages: plainly one language, and the model is not needed
    by_model, probability = ngram_model().rank(visible)
    if probability < _CONFIDENT:
        return by_words
    return by_model if by_words in (UNDETERMINED, by_model) else UNDETERMINED
