# ruff: noqa: RUF001  # Turkish dotless i and the typographic apostrophe are letters customers really type
"""Which language a customer wrote in, or that we cannot tell: the script first, then words and letters.

A wrong guess is costly in one direction only. Answering a Dutch complaint in English, or a Turkish
thank-you in German, tells the customer nobody read it; an acknowledgement in the brand's neutral fallback
plus a case costs an agent a few seconds. So the detector says `UNDETERMINED` rather than guess: when a
Latin-script message carries no word or letter it recognises, or two languages tie — English included:
"la aplicación no funciona" has one English word and one Spanish one, and an English template would be
the wrong reply, while a neutral acknowledgement is only a little less warm.

Why word lists rather than a statistical model: measured on short customer messages (README, Dependencies),
py3langid restricted to these languages is about as accurate but costs numpy (~70 MB in the layer) and
0.6 s to decompress its model on a cold start; lingua's full models are a 96 MB wheel, and its low-accuracy
mode misreads short English. This module costs nothing to load and a few microseconds per message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

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
    "shouldn't wouldn't",
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
    "czekam już dwa tygodnie dzięki się na w co jak",
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
_HANDLE_OR_LINK = re.compile(r"(?:[@#]\w+|https?://\S+|www\.\S+|&\w+;)")


def _script_language(text: str) -> tuple[str, bool]:
    """The language a non-Latin script names, and whether the text has any letters at all."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text[:500]:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        for prefix, language in _SCRIPTS:
            if name.startswith(prefix):
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts:
        return "", letters > 0
    # kana only occur in Japanese, which also writes with CJK ideographs: any kana settles it
    if counts.get("ja"):
        counts["ja"] += counts.pop("zh", 0)
    language, count = max(counts.items(), key=lambda item: item[1])
    return (language if count * 2 >= letters else ""), True


def detect_language(text: str, tokens: Sequence[str] = ()) -> str:
    """An ISO 639-1 code, or UNDETERMINED when the message gives too little to tell.

    `tokens` is accepted for callers that already split the text, but the raw text is read instead: triage's
    tokens are spelling-corrected towards its English lexicon, which would turn "niks" into an English word.
    A message with no letters at all (emoji, a number) is "en": there is no language in it to get wrong.
    """
    del tokens  # see the docstring
    by_script, has_letters = _script_language(text)
    if by_script:
        return by_script
    if not has_letters:
        return "en"
    lowered = unicodedata.normalize("NFC", _HANDLE_OR_LINK.sub(" ", text[:2000])).lower()
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
    best = max(scores.values())
    if best == 0:
        return UNDETERMINED
    leaders = [language for language, score in scores.items() if score == best]
    if len(leaders) != 1:
        return UNDETERMINED
    # English hardly writes accents: "impossible de me connecter" is not English, whatever it shares with it
    if leaders[0] == "en" and _ACCENTED.search(lowered):
        return UNDETERMINED
    return leaders[0]
