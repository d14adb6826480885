"""The cue words and phrases triage looks for, grouped by what they signal.

Plain data, so a reviewer can read what the engine reacts to without reading the engine. Phrases are
written as a customer types them; `ackline.domain.text` normalises both sides the same way (lower case,
"n't" spelled out as " not", elongations squeezed), so "doesnt work" and "doesn't work" match
"does not work". Non-English entries cover the languages the shipped policy answers with a fallback:
their crisis and complaint words still have to raise the right priority.
"""

from __future__ import annotations

# Safety: someone is, or could have been, physically harmed. Always P1, always a person.
SAFETY = (
    "injured",
    "injury",
    "injuries",
    "hurt",
    "hospital",
    "a&e",
    "a and e",
    "emergency room",
    "ambulance",
    "burned",
    "burnt",
    "burn",
    "burns",
    "burning",
    "blister",
    "blisters",
    "caught fire",
    "on fire",
    "fire",
    "flames",
    "smoke",
    "sparking",
    "sparks",
    "electric shock",
    "shock",
    "exploded",
    "explode",
    "explosion",
    "melted",
    "choked",
    "choking",
    "choke",
    "allergic reaction",
    "anaphylaxis",
    "anaphylactic",
    "poisoning",
    "poisoned",
    "poison",
    "toxic",
    "piece of glass",
    "glass in",
    "metal in",
    "smell gas",
    "gas leak",
    "leaks gas",
    "swelling",
    "collapsed",
    "broken wrist",
    "broken arm",
    "broken leg",
    "bleeding",
    "dangerous",
    "dangerously",
    "unsafe",
    "hazard",
    "killed",
    "could have killed",
    "nearly hit",
    "chemical burn",
    "recall",
    "overheating",
    "overheated",
    "overheats",
    "too hot to touch",
    "started smoking",
    "smoking",
    "smoked",
    "swollen",
    "bulging",
    "stranded at",
    "stranded in",
    "left stranded",
    "stranded alone",
    "stuck alone",
    "alone at night",
    "cut my finger",
    "cut my hand",
    "cut my mouth",
    "cut my lip",
    "cut myself",
    "sliced my",
    "food poisoning",
    "vomiting",
    "threw up",
    "rash",
    "hives",
    "sharp edge",
    "exposed wires",
    "live wire",
    "electrocuted",
    # es / fr / de / pt / it
    "herido",
    "herida",
    "urgencias",
    "hospital",
    "quemadura",
    "incendio",
    "fuego",
    "se cortó",
    "intoxicación",
    "blessé",
    "blessée",
    "hôpital",
    "urgences",
    "brûlure",
    "pris feu",
    "incendie",
    "verletzt",
    "krankenhaus",
    "stromschlag",
    "feuer",
    "vergiftung",
    "ferido",
    "queimadura",
    "fogo",
    "intoxicação",
    "ferito",
    "ospedale",
    "fuoco",
    # nl / pl / tr / sv / da / ru / id (never "brand", Dutch and Scandinavian for fire, nor Indonesian "asap",
    # smoke: in English they are ours and "as soon as possible")
    "brandweer",
    "roken",
    "rook",
    "ontploft",
    "oververhit",
    "oververhitting",
    "ziekenhuis",
    "gewond",
    "pożar",
    "dym",
    "dymi",
    "przegrzewa",
    *("iskrzy", "iskrzyć", "iskrzyła", "stopiła się", "stopił się", "topi się"),  # sparks, melted
    "spuchła",
    "spuchnięta",
    "wybuchła",
    "szpital",
    "yangın",  # noqa: RUF001 - Turkish dotless i
    "duman",
    "şişti",
    "patladı",  # noqa: RUF001 - Turkish dotless i
    "hastane",
    "yaralandı",  # noqa: RUF001 - Turkish dotless i
    "rök",
    "röker",
    "exploderade",
    "sjukhus",
    "røg",
    "ryger",
    "eksploderede",
    "hospitalet",
    "пожар",
    "дым",
    "загорелся",
    "взорвался",
    "больница",
    "terbakar",
    "meledak",
    "rumah sakit",
)

# Legal: a lawyer, a regulator or a claim. P1 so a person with authority sees it first.
LEGAL = (
    "lawyer",
    "lawyers",
    "solicitor",
    "attorney",
    "lawsuit",
    "sue",
    "suing",
    "legal action",
    "court",
    "small claims",
    "trading standards",
    "ombudsman",
    "breached the contract",
    "breach of contract",
    "gdpr",
    "data protection",
    "abogado",
    "demanda",
    "avocat",
    "anwalt",
    "klage",
    "advogado",
    "avvocato",
)

# Crisis: security, misconduct, harassment, someone at risk. P1.
CRISIS = (
    "data breach",
    "leaked",
    "hacked",
    "hacker",
    "account was hacked",
    "someone logged into my account",
    "someone used my card",
    "do not recognise",
    "do not recognize",
    "did not authorise",
    "did not authorize",
    "unauthorised",
    "unauthorized",
    "phishing",
    "scam text",
    "scam email",
    "scam call",
    "scam message",
    "pretending to be you",
    "pretending to be from",
    "in your name",
    "impersonating",
    "fake account",
    "fake page",
    "identity theft",
    "stolen card",
    "card was stolen",
    "card details stolen",
    "fraudulent",
    "fraud",
    "assaulted",
    "assault",
    "harassed",
    "harassment",
    "sexually",
    "racist",
    "racism",
    "discriminated",
    "threatened me",
    "no point anymore",
    "can not cope",
    "cannot cope",
    "kill myself",
    "end it all",
    "suicide",
    "self harm",
)

# Praise in slang that borrows safety words ("this flavour is fire", "you're killing it"): a compliment, and
# its words masked so they do not page anyone.
PRAISE_IDIOMS = (
    "is fire",
    "was fire",
    "are fire",
    "so fire",
    "straight fire",
    "pure fire",
    "absolute fire",
    "actual fire",
    "killing it",
    "killed it",
    "smashed it",
    "nailed it",
    "crushing it",
    "dangerously good",
    "dangerously addictive",
    # "actually fire", "an absolute beast", "ridiculously quick", "rock solid": the same slang, an adverb between
    # (never the adverb and "fire" alone: "actually fire the whole team" is a verb)
    *(f"{verb} {adverb} fire" for verb in ("is", "are", "was") for adverb in ("actually", "lowkey", "literally")),
    *(f"{verb} {adverb} fire" for verb in ("is", "are", "was") for adverb in ("genuinely", "honestly", "really")),
    *("absolute beast", "an absolute beast", "a total beast", "ridiculously quick", "ridiculously fast"),
    *("ridiculously good", "ridiculously easy", "insanely good", "insanely fast", "insanely quick", "insane how good"),
    *("mad quick", "mad fast", "rock solid", "solid as a rock"),
)

# Figures of speech that contain safety words but report no harm ("the price hurt a bit"): masked, no signal.
HARMLESS_IDIOMS = (
    "price hurt",
    "prices hurt",
    "hurt my wallet",
    "hurts my wallet",
    "hurt the wallet",
    "hurt a bit",
    "hurts a bit",
    "wallet hurt",
    "wallet is crying",
    "sticker shock",
    "price shock",
    "fire sale",
    "burn a hole",
    "open late",
    "opening late",
    "late opening",
    "late night",
    "late nights",
    "late night opening",
    # a deadline and a compensation scheme's name, not a service cut off or a delay complained of
    *("cut off time", "cut-off time", "cutoff time", "delay repay"),
    # "so bad it's good": a compliment to an advert
    *("so bad it's good", "so bad its good"),
)

# "No delay at all", "not one dropout all week": a problem word under "no"/"not one"/"zero" that reports the
# problem's absence. Masked like the harmless idioms (the rest of the message still speaks: "no delay, but it
# arrived broken" keeps "broken"). A bare "no refund" is deliberately not here: that is the complaint.
NO_PROBLEM_IDIOMS = (
    "no complaints",
    # "couldn't fault it": the fault word reports there was none
    "can not fault",
    "could not fault",
    "nothing to complain about",
    "can't complain",
    "cant complain",
    "no problems",
    "no problem at all",
    "no problems at all",
    "not a single problem",
    "never had a problem",
    "never had an issue",
    "never had any issues",
    "never had any problems",
    "no issues",
    "no issues at all",
    "zero issues",
    "not one issue",
    "not a single issue",
    "no delay at all",
    "no delays at all",
    "zero delays",
    "no hassle",
    "zero hassle",
    "hassle free",
    "hassle-free",
    "no fuss",
    "no drama",
    "no stress",
    "no outages",
    "not one outage",
    "not a single outage",
    "not one dropout",
    "not a single dropout",
    "no dropouts",
    "never had to chase",
    "didn't have to chase",
    "didnt have to chase",
    "without a hitch",
    "without any problems",
    "without any issues",
    "kein problem",
    "keine probleme",
    "null probleme",
    "ohne probleme",
    "aucun problème",
    "aucun souci",
    "sans souci",
    "sin problemas",
    "ningún problema",
    "nessun problema",
    "senza problemi",
    "sem problemas",
    "nenhum problema",
    "geen problemen",
    "zonder problemen",
    "inga problem",
    "utan problem",
    "ingen problemer",
    "uden problemer",
    "bez problemów",
    "żadnych problemów",
    "sorunsuz",
    "hiç sorun yok",
    "tanpa masalah",
    "gak ada masalah",
    "nggak ada masalah",
    "gak ada drama",
)

# Insult idioms that contain safety words ("die in a fire"): recognised as abuse, and their words masked so
# they do not read as a safety report.
ABUSE_IDIOMS = ("die in a fire", "go to hell", "burn in hell")

# Abuse: insults aimed at people or the brand. Without a concrete problem this is abuse, not a complaint.
ABUSE = (
    *ABUSE_IDIOMS,
    "idiot",
    "idiots",
    "moron",
    "morons",
    "clown",
    "clowns",
    "loser",
    "losers",
    "pathetic losers",
    "braindead",
    "shut up",
    "get lost",
    "scammers",
    "thieves",
    "crook",
    "liar",
    "liars",
    "disgrace",
    "trash company",
    "trash people",
    "garbage",
    "cringe",
    "waste of space",
    "stupid brand",
    "stupid company",
    "stupid bot",
    "go bankrupt",
    "nobody cares",
    "fuck",
    "f***",
    "fuck off",
    "stfu",
    "idiota",
    "basura",
    "connard",
    "arschloch",
    *("beceriksiz", "adam olmaz", "goblok", "värdelöst företag", "värdelös", "bande de clowns"),
    *("idioten", "nieudacznicy"),
    # insults only ever aimed at people (never "shit", which a customer says of a service they complain about); not
    # "wankers": one edit from "wanders" and "walkers" for the typo tolerance, which reads every 7+ letter word
    *("scumbag", "scumbags", "twat", "twats", "bastards", "thick as shit", "dickhead", "dickheads", "wanker"),
    *("tosser", "tossers", "are scum", "absolute scum", "bunch of scum"),  # never a bare "scum": limescale in a kettle
)
ABUSE_EMOJI = frozenset({"🖕", "🤮", "💩"})
# abuse whatever else the message says (🤮 and 💩 can be play: "the kids love the 💩 plushie")
INSULT_EMOJI = frozenset({"🖕"})

# A concrete problem: something broke, is missing, late, wrong, charged, unanswered. Beats every softer signal.
COMPLAINT_STRONG = (
    "broken",
    "broke",
    "damaged",
    "faulty",
    "defective",
    "cracked",
    "squashed",
    "soaked",
    "missing",
    "wrong size",
    "wrong item",
    "received the wrong",
    "got the wrong",
    "delayed",
    "delay",
    "overdue",
    "late",
    "charged twice",
    "double charged",
    "overcharged",
    "charged me",
    "took my money",
    "stopped working",
    "not working",
    "does not work",
    "did not work",
    "never arrived",
    "never came",
    "never shows",
    "never showed",
    "never arrives",
    "not arrived",
    "not received",
    "never received",
    "never got it",
    "did not receive",
    "have not received",
    "not here",
    "still waiting",
    "still no",
    "still not",
    "still nothing",
    "still says",
    "lost my parcel",
    "lost my order",
    "crashing",
    "crashes",
    "keeps crashing",
    "error",
    "404",
    "down all",
    "has been down",
    "locked",
    "can not log in",
    "was cancelled",
    "order was cancelled",
    "without any warning",
    "without warning",
    "without telling",
    "no reason given",
    "empty",
    "used item",
    "rude",
    "ignored",
    "rings out",
    "cut off",
    "on hold",
    "chase",
    "chasing",
    "third time",
    "emailed",
    "no one told",
    "nobody answers",
    "nobody answered",
    "no reply",
    "no response",
    "not the first time",
    "does not fit",
    "nothing fits",
    "does not understand",
    "going in circles",
    *("loops me back", "keeps looping", "stuck in a loop"),
    # rhetorical questions: "how do you manage to lose a fridge?" asks nothing the help pages answer
    *("how do you manage to", "how do you sleep at night", "how do u sleep at night", "is it too much to ask"),
    "do you actually employ",
    # an app that crashes, in the policy's other languages
    *("crasht", "stürzt ab", "stürzt immer ab", "se cuelga", "se bloquea", "si blocca", "zawiesza się"),
    "need a human",
    "impossible",
    "beyond a joke",
    "thanks for nothing",
    # the same sneer in the policy's other languages: a thank-you word that must not read as praise
    *("danke für nichts", "danke für nix", "merci pour rien", "gracias por nada", "grazie per niente"),
    *("grazie per nulla", "obrigado por nada", "obrigada por nada", "bedankt voor niks", "bedankt voor niets"),
    *("dzięki za nic", "tack för ingenting", "tak for ingenting", "makasih untuk apa"),
    "complaint",
    # "complain", "complaints": the no-problem idioms put these words in the lexicon, so typo correction no longer
    # turns them into "complaint" (a word in the lexicon is never corrected): they are cues in their own right
    "complain",
    "complaints",
    "disgusting",
    "unacceptable",
    "worst",
    "rubbish",
    "awful",
    "terrible",
    "horrible",
    "fuming",
    "furious",
    "came apart",
    "leaking",
    "leaks",
    "scratched",
    "stained",
    "mouldy",
    "mould",
    "expired",
    "out of date",
    "ripped",
    "torn",
    "dented",
    "misleading",
    "false advertising",
    "incorrect",
    "wrong",
    "never again",
    "sort it out",
    "fix this",
    "cancel my",
    "cancelled my",
    "not applied",
    "still have not",
    "unsubscribe",
    # problems stated plainly, with no complaint word
    "keeps dropping",
    "keeps disconnecting",
    "keeps crashing",
    "keeps freezing",
    "keeps failing",
    "keeps cutting out",
    "keeps logging me out",
    "logged me out",
    "kicked me out",
    "dropping out",
    "drops out",
    "drops every",
    "drops daily",
    "drops constantly",
    "drops all the time",
    "cuts out every",
    "keeps going down",
    "has not moved",
    "not moved",
    "not updated",
    "has not updated",
    "will not open",
    "will not load",
    "will not start",
    "will not turn on",
    "will not charge",
    "will not connect",
    "will not let me",
    "does not open",
    "does not load",
    "does not charge",
    "does not connect",
    "not loading",
    "not charging",
    "not connecting",
    "can not access",
    "can not connect",
    "can not get through",
    "can not get into",
    "no signal",
    "no internet",
    "no wifi",
    "no service",
    "no power",
    "outage",
    "down again",
    "is down",
    "went down",
    "payment failed",
    "card declined",
    "was declined",
    "got declined",
    "did not turn up",
    "no show",
    "never turned up",
    "lose a parcel",
    "lost a parcel",
    "lost my",
    "lost the",
    "cancelling my",
    "cancelled on me",
    "stranded",
    "filthy",
    "dirty",
    "cold food",
    "was cold",
    "undercooked",
    "raw in the middle",
    "waited over",
    "waited for",
    "been waiting",
    "hours on hold",
    "no one answers",
    "nobody picks up",
    "nobody is answering",
    "no one is answering",
    "since the update",
    "after the update",
    "since the last update",
    "haven't heard back",
    "have not heard back",
    "not heard back",
    "heard nothing",
    "still broken",
    "again and again",
    "for the third time",
    "second time this",
    "twice now",
    "charged for",
    "taken twice",
    "money taken",
    "not refunded",
    "no refund",
    "where is my refund",
    "where is my order",
    "where is my parcel",
    "how many times",
    # "how many more times must I ...?" asked in the policy's other languages: a complaint, not a question
    # (never "hasta cuándo" / "até quando" alone: "until when does the offer run?" is a plain question)
    *("cuántas veces más", "cuántas veces tengo que", "cuántas veces hay que"),
    *("quantas vezes mais", "quantas vezes tenho que", "combien de fois faut-il", "combien de fois dois-je"),
    *("wie oft noch", "wie oft muss ich", "quante volte devo", "quante volte ancora"),
    *("hoe vaak nog", "hoe vaak moet ik", "ile razy jeszcze", "ile razy mam", "berapa kali lagi", "kaç kez daha"),
    "how much longer",
    "how long do i have to",
    "how hard is it",
    "is anyone there",
    "anyone there",
    "anyone home",
    "help already",
    "what is the point",
    "why is nobody",
    "why does nobody",
    "why can not you",
    "why does it always",
    "why do you always",
    "is cancelled",
    "cancelled again",
    "every single time",
    "every single day",
    "every single week",
    "are you ever going to",
    "ever going to fix",
    # es / fr / de / pt / it
    "pésimo",
    "roto",
    "rota",
    "nadie responde",
    "no ha llegado",
    "pas reçu",
    "toujours pas",
    "inadmissible",
    "cassé",
    "überfällig",
    "kaputt",
    "niemand antwortet",
    "defeito",
    "ninguém",
    "quebrado",
    "rotto",
    "deluso",
    # "still not / still no" in the policy's other languages: thanks beside one is a customer still waiting
    # ("dzięki za pomoc, dalej nie mam prądu", "danke, immer noch kein Paket")
    *("dalej nie", "nadal nie", "wciąż nie", "immer noch nicht", "immer noch kein", "immer noch keine"),
    *("sigo sin", "todavía no", "aún no", "ancora non", "ancora niente", "ainda não", "ainda nada"),
    *("nog steeds niet", "nog steeds geen", "fortfarande inte", "fortfarande ingen", "stadig ikke", "masih belum"),
    *("belum juga", "hala gelmedi", "hâlâ gelmedi", "hala yok", "hâlâ yok"),
)

# A softer signal of an unhappy customer: escalated as a complaint when nothing more specific fits.
COMPLAINT_WEAK = (
    "disappointed",
    "disappointing",
    "poor",
    "bad",
    "frustrating",
    "frustrated",
    "annoyed",
    "angry",
    "gutted",
    "fed up",
    "not impressed",
    "not happy",
    "unhappy",
    "did not like",
    "do not like",
    "expected better",
    "such a shame",
    "meh",
    "ridiculous",
    "problem",
    "problems",  # as "complaints" above: "no problems" put it in the lexicon
    "problema",
    "problemi",
    "probleme",
    "issue",
    "not what i expect",
    "shame",
    "joke",
    "waited",
    "waiting",
    "not good enough",
    "useless",
    "refund",
    "refunded",
    "how you treat",
    "not acceptable",
    "seriously",
    "really guys",
    "come on",
    "not ok",
    "not okay",
    "sort this",
    "not again",
    # one-word outrage in the policy's other languages ("Qué vergüenza.", "Rezalet!"): short enough that the
    # model has little to read, and a public "disgrace" must not get "we're here if you need anything"
    *("schandalig", "belachelijk", "schande", "frechheit", "lächerlich", "unverschämt", "honte", "scandaleux"),
    *("plus jamais", "inadmissible", "qué vergüenza", "vergüenza", "vergonzoso", "nunca más", "vergogna"),
    *("vergognoso", "mai più", "vergonha", "nunca mais", "ridículo", "ridicolo", "wstyd", "skandal"),
    *("skandaliczne", "żenada", "yazıklar olsun", "rezalet", "skandale", "bedrövligt", "uselt"),  # noqa: RUF001 - Turkish dotless i
    *("kecewa", "مخزي", "فضيحة", "masakra", "porażka", "dramat", "waardeloos", "waardeloze"),
    # Indonesian complaint-questions to the admin ("ini kenapa ya min?", "kok belum sampai?"): what is wrong, not
    # a request for information
    *("ini kenapa", "kenapa lagi", "kok belum", "kok gak", "kok nggak", "kok ga"),
    # a delay or an empty box in the policy's other languages: thanks beside one ("grazie per il fantastico
    # ritardo") is a sneer, never praise to thank for ("zero ritardi" and "senza ritardi" deny it: see DENIALS)
    *("ritardo", "ritardi", "retraso", "retrasos", "atraso", "atrasos", "verspätung", "vertraging", "opóźnienie"),
    *("gecikme", "försening", "forsinkelse", "colis vide", "caja vacía", "caixa vazia", "pacco vuoto"),
    *("leeres paket", "lege doos", "pusta paczka", "boş kutu"),
)

# Threats to staff in the threatener's own words ("I'll" is spelled "i will", "I'm" "i am"), and a hated experience
# ("loved the store, hated being followed around"): never a reading on their own — friends joke ("@mike I will kill
# you if you eat my last brownie 😂"), fans hype ("watch your back Nike"), customers report what they were told ("the
# driver said I will find you"), and "I hated coffee until I tried yours" is praise — but never thanked or let go
# either: the neutral acknowledgement and a person (triage: a threat or dislike cue is a doubt, whatever else reads).
THREATS = (
    *("i know where you live", "watch your back", "you will regret this", "i will find you", "i will kill you"),
    *("i am going to kill you", "i am gonna kill you", "i will beat you up", "burn your store down"),
    *("i will smash your face", "i will make you regret"),
)
DISLIKES = ("hated", "hate it when", "hate having to", "i hate the")

# Sarcasm markers: praise words next to these do not count as praise.
# delight at paying ("love paying £40 a month for ..."): said to a brand, the sneer of a customer it failed
PAYING_SNEERS = ("love paying", "love having to pay", "enjoy paying", "great paying", "nice paying")
SARCASM = (
    "yeah right",
    *PAYING_SNEERS,
    "thanks for nothing",
    "oh great",
    "oh brilliant",
    "oh wonderful",
    "great another",
    "great job",
    "love waiting",
    "just what i needed",
    "really helpful",
    "cheers for",
    "thanks a lot",
    "/s",
    "amazing how",
    "love how",
    "great how",
    "brilliant how",
    "love that you",
    "nice one",
    "well done guys",
    "would get stranded again",
    "would recommend never",
    "10 10 would",
    "just brilliant",
    "just great",
    "just perfect",
    "oh joy",
    "what a joke",
    "classic",
    "as usual",
    "as always",
)
SARCASM_EMOJI = frozenset({"🙄", "🙃", "👏", "😒"})

# Price: an objection on its own ("overpriced"); the neutral words ("the price") only count when the
# message is not simply asking about the price.
PRICE = (
    "expensive",
    "pricey",
    "overpriced",
    "too much",
    "price hike",
    "price increase",
    "price went up",
    "price has gone up",
    "gone up",
    "went up",
    "prices have gone",
    "not worth the money",
    "not worth it",
    "worth that much",
    "is not worth",
    "can not afford",
    "out of my budget",
    "cheaper",
    "daylight robbery",
    "rip off",
    "steep",
    "shrinkflation",
    "too high",
    "too rich",
    "justify the price",
    "$$$",
    "£££",
    "caro",
    "cher",
    "teuer",
    "costoso",
)
PRICE_NEUTRAL = (
    "the price",
    "price is",
    "prices",
    "fee",
    "fees",
    "budget",
    "afford",
    "how is this",
    "costs so much",
    "cost",
)
PRICE_EMOJI = frozenset({"💸"})

FEATURE = (
    "please make",
    "please do",
    "please add",
    "please bring back",
    "please stock",
    "please consider",
    "bring back",
    "you should",
    "would be great if",
    "would be nice",
    "would be amazing if",
    "would be good if",
    "it would be great",
    "it would be nice",
    "would love to see",
    "would love it if",
    "i would love it if",
    "love it if you",
    "i wish you",
    "any plans for",
    "any plans to",
    "any chance of",
    "feature request",
    "being able to",
    "the option to",
    "would make it",
    "suggestion",
    "can you add",
    "could you add",
    "can you make",
    "could you make",
    "add a way",
    "add an option",
    "add the ability",
    "will you offer",
    "will you do",
    "will you add",
    "will you bring",
    "will you open",
    "will you stock",
    "would you ever consider",
    "would you consider",
    "in a bigger size",
    "in a larger size",
    "in a travel size",
    "sería genial",
    "ce serait",
    "wäre schön",
    "seria ótimo",
    "sarebbe bello",
    # "would be handy" and its equivalents: never "can we get", "könntet ihr" or a bare "add" ("dodajcie": add the
    # missing item to my order), nor "wäre toll wenn" / "zou fijn zijn als" (as often a sarcastic complaint); and
    # only where no unhappy cue or negative tone is beside them (see triage._everyday)
    *("would be handy", "would be really handy", "would be useful", "would be really useful", "would be so useful"),
    *("wäre praktisch wenn", "vous pourriez ajouter", "pourriez-vous ajouter", "podríais añadir", "podrían añadir"),
    *("sarebbe utile", "poderiam adicionar", "zou handig zijn", "tambahin fitur"),
    # "put in / add the option (the possibility) of ..." and "could you offer": a new option asked for by name
    *("mettete la possibilità", "aggiungete la possibilità", "aggiungete l'opzione", "metan la opción"),
    *("pongan la opción", "agreguen la opción", "añadan la opción", "podríais ofrecer", "podrían ofrecer"),
    *("vous pourriez proposer", "pourriez-vous proposer", "coloquem a opção", "dodajcie opcję", "dodajcie możliwość"),
    *("eklerseniz", "ekleseniz"),  # Turkish: "if you would add (it)"
)

PRAISE = (
    "love",
    "loved",
    "lovely",
    "great",
    "amazing",
    "awesome",
    "excellent",
    "fantastic",
    "brilliant",
    "brilliantly",
    "perfect",
    "perfectly",
    "favourite",
    "favorite",
    "wonderful",
    "best",
    "happy",
    "impressed",
    "thank you",
    "thanks",
    "thank",
    "appreciate",
    "gorgeous",
    "stunning",
    "beautiful",
    "beautifully",
    "cute",
    "well done",
    "top notch",
    "10 10",
    "can not fault",
    "over the moon",
    "never disappoint",
    "never looking back",
    "above and beyond",
    "a star",
    "obsessed",
    "recommend",
    "delighted",
    "pleased",
    "superb",
    "outstanding",
    "helpful",
    "shoutout",
    "cheers",
    "me encanta",
    "gracias",
    "merci",
    "j'adore",
    "danke",
    "zufrieden",
    "obrigado",
    "obrigada",
    "adorei",
    "спасибо",
    "grazie",
    # thanks in the policy's other languages (never "tak": Polish for "yes"); "thanks for nothing" in each is a
    # complaint cue of its own (COMPLAINT_STRONG), so these never make a sneer praise
    *("bedankt", "dank je", "dank u", "dankjewel", "tack", "takk", "dziękuję", "dzięki", "teşekkürler"),
    *("teşekkür ederim", "sağ olun", "makasih", "terima kasih", "شكرا", "vielen dank"),
)
PRAISE_EMOJI = frozenset({"😍", "❤", "❤️", "💕", "🥹", "🙌", "🔥", "💯", "😊", "🥰", "💚", "💖", "🤩", "😻"})

NEGATORS = frozenset({"not", "no", "never", "hardly", "nothing", "nobody", "without", "barely"})

QUESTION_STARTS = frozenset(
    {
        "how",
        "what",
        "what's",
        "when",
        "where",
        "why",
        "who",
        "which",
        "can",
        "could",
        "do",
        "does",
        "is",
        "are",
        "will",
        "would",
        "should",
        "any",
        "did",
        "has",
        "have",
        "wann",
        "wie",
        "wo",
        "onde",
        "quando",
        "como",
        "vocês",
    }
)
QUESTION_PHRASES = (
    "i was wondering",
    "i'd like to know",
    "i would like to know",
    "could you tell me",
    "can you tell me",
    "quick one",
    "est-ce que",
    "gibt es",
)

# Spam: each cue adds to a score; a link or a phone number adds one more. Two points make spam.
SPAM_STRONG = (
    "crypto",
    "bitcoin",
    "btc",
    "forex",
    "free followers",
    "real followers",
    "followers in",
    "f4f",
    "followforfollow",
    "follow back",
    "hot singles",
    "presale",
    "crypto signals",
    "bitcoin mining",
    "you have won",
    "have been selected",
    "won an iphone",
    "investment opportunity",
    "loan available",
    "ganhe dinheiro",
    "krypto",
    "sugar daddy",
    *("altcoin", "tothemoon", "volg terug", "volgvoorvolg", "takipedenitakipederim", "vendo seguidores"),
)
SPAM_WEAK = (
    "earn",
    "earn money",
    "make money",
    "work from home",
    "dm me",
    "dm now",
    "dm us",
    "inbox me",
    "message me",
    "contact me",
    "contact him",
    "message them",
    "link in bio",
    "link in my profile",
    "click the link",
    "click here",
    "claim here",
    "check my page",
    "visit my channel",
    "subscribe to my",
    "promote your page",
    "we promote",
    "promo code for our",
    "giveaway",
    "cash prize",
    "bank details",
    "guaranteed",
    "100x",
    "token",
    "free gift card",
    "no experience needed",
    "collab",
    "cheap",
    "recovery",
    "join now",
    "clique aqui",
    # the pitches that reach a brand's inbox: growth sellers, SEO and design offers, blue ticks and crypto lures.
    # Each is one point: alone it is something a customer could say, beside a link or a second pitch spam
    "grow your followers",
    "followers or likes",
    "buy followers",
    "cheap followers",
    "seo company",
    "seo expert",
    "seo services",
    "first page of google",
    "graphic designer",
    "my portfolio",
    "brand ambassadors",
    "reply yes",
    "blue tick",
    "verification badge",
    "airdrop",
    "connect wallet",
    "connect your wallet",
    "trading bot",
    "guaranteed returns",
    "limited spots",
    "one simple trick",
    "one trick",
    "investment plan",
    "win rate",
    "signals group",
    "verified accounts",
    "bad credit",
    "welcome bonus",
    # the same pitches in the policy's other languages ("real followers", "earn", "giveaway"); never a "write me"
    # or "from home" of theirs: a customer writes "escríbeme" or "pedí desde casa" beside a photo's link
    *("seguidores", "jual followers", "followers murah", "gewinnspiel", "sprzedam", "hoşgeldin bonusu"),
    *("guadagnare", "verdiene", "gana dinero", "ganhe", "zarabiaj", "kazanmak", "tjäna", "tjen", "verdien"),
    *("link profilde", "collaborazione", "verifieer", "communityrichtlijnen", "verify within"),
    *("ask me how", "comment yes", "complete this survey", "weight loss pill"),
    *("social media management", "are you single", "check out my page"),
)
# The spam cues that only ask to be contacted: a customer says them too, so they never make spam without a pitch
SPAM_CONTACT = frozenset(
    {"dm me", "dm now", "dm us", "inbox me", "message me", "contact me", "contact him", "message them"}
)
SPAM_EMOJI = frozenset({"💰", "💵", "🚀", "🎁"})

# Real words one typo away from a lexicon word: never "corrected" ("selling" is not "swelling").
NOT_TYPOS = frozenset(
    {
        *("selling", "spelling", "smelling", "dwelling", "yelling", "telling", "shelling", "swelled"),
        # "bastard" said of a product ("a bastard to set up") is not the insult "bastards"; "mascara" is no "masakra"
        *("bastard", "mascara"),
    }
)

# Typical misspellings and apostrophe-less contractions, mapped before any lookup.
TYPOS = {
    "recieved": "received",
    "recieve": "receive",
    "dissapointed": "disappointed",
    "dissapointing": "disappointing",
    "disapointed": "disappointed",
    "recomend": "recommend",
    "reccomend": "recommend",
    "brillant": "brilliant",
    "definately": "definitely",
    "wierd": "weird",
    "untill": "until",
    "refund's": "refund",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thank you",
    "u": "you",
    "ur": "your",
    "r": "are",
    "im": "i am",
    "ive": "i have",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "havent": "have not",
    "hasnt": "has not",
    "shouldnt": "should not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "ain't": "is not",
}

# A problem reported as solved beside thanks ("problem sorted, thank you", "thanks for sorting my refund"): the
# problem words (RESOLVABLE) then name what was put right, not what is wrong. Only past or thanked-for fixes
# count, never while anything is still asked (REQUEST_WORDS) or a fix is negated ("still not sorted").
RESOLVED = frozenset(
    {
        *("sorted", "fixed", "resolved", "solved", "sorting", "fixing", "resolving", "solving", "refunded"),
        *("gelöst", "erledigt", "résolu", "réglé", "resuelto", "solucionado", "risolto", "resolvido", "opgelost"),
        *("rozwiązany", "löst", "çözüldü", "beres"),
    }
)
RESOLVED_PHRASES = ("came through", "came back", "went through", "back to normal")
RESOLVABLE = frozenset({"problem", "problems", "problema", "problemi", "probleme", "issue", "refund", "refunded"})
# Thanks after a fix that names the fixed problem (triage._put_right): the fixes that take the problem as their object
# ("replaced my faulty charger"), the arrivals and working things that put a problem before them right ("the missing
# parcel showed up", "new one works great"), and what a customer thanks for when it is the fix itself ("thanks for
# the refund", "cheers for chasing it"). Never a problem no fix undoes (NEVER_PUT_RIGHT): harm, distress, a charge.
FIX_VERBS = frozenset(
    {*("replaced", "replacing", "swapped", "swapping", "repaired", "repairing", "refunded", "reconnected", "restored")}
)
ARRIVED = frozenset({"arrived", "arrives", "delivered"})
ARRIVED_PHRASES = (
    *("showed up", "turned up", "came through", "came back", "went through", "back to normal", "all good now"),
    *("works great", "works perfectly", "works fine", "works now", "working now", "working fine", "working perfectly"),
    *("udah masuk", "sudah masuk"),
)
# ... of which an arrival ("arrived", "showed up") puts right only a problem of absence or lateness: "the missing parcel
# showed up", never "my broken order arrived" (it arrived broken)
ARRIVAL_PUTS_RIGHT = frozenset(
    {*("missing", "lost", "late", "delayed", "delay", "delays", "chasing", "outage", "refund", "not arrived")}
)
ARRIVALS = frozenset({*ARRIVED, "showed up", "turned up", "came through", "came back", "went through", "udah masuk"})
# What may stand beside a fix report and thanks without saying anything more (triage._put_right, _reports_a_fix):
# "thanks for the quick swap on the faulty charger, new one works great", "the refund came through this morning,
# thank you". Any other word in another clause ("the new one flooded the kitchen", "faltam peças") keeps the case.
BESIDE_A_FIX = frozenset(
    {
        *("the", "a", "an", "that", "this", "it", "is", "was", "has", "been", "so", "very", "really", "much", "too"),
        *("for", "new", "one", "now", "all", "finally", "today", "yesterday", "morning", "quick", "quickly", "fast"),
        *("great", "perfect", "perfectly", "well", "fine", "works", "working", "you", "your", "guys", "team", "and"),
        *("lovely", "brilliant", "amazing", "excellent", "appreciated", "help", "everything", "me", "i", "we", "just"),
        *("again", "sorted", "thank", "thanks", "cheers", "kind", "super", "fab", "wonderful", "awesome", "x", "xx"),
        *("my", "on", "in", "about", "after", "of", "to", "end"),
        *("muito", "mucho", "muchas", "sehr", "vielen", "bardzo", "çok", "beaucoup", "grazie", "mille", "tutto"),
        *("perfekt", "parfait", "perfecto", "perfeito", "perfetto", "prima", "top", "geweldig", "świetnie"),
    }
)
# ... and what opens more said about the fixed thing: "my faulty phone with a refurbished one that dies every night"
RELATIVES = frozenset({"which", "that", "who", "with", "and", "but", "where", "except"})
# A fix that did not hold ("works great for ten minutes then dies", "that fixed it for about an hour", "solo una hora",
# "für zehn Minuten"): never a problem put right
FIX_NOT_HELD = (
    r"\bfor\s+(?:about\s+|around\s+|like\s+|only\s+|just\s+)?(?:a|an|one|two|three|four|five|six|ten|twenty|few|"
    r"couple(?:\s+of)?|\d+)\s+(?:\w+\s+)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)\b"
    r"|\bonly\s+(?:a|an|one|\d+)\s+(?:hour|minute|min|day)s?\b|\bthen\s+(?:it\s+)?(?:dies|died|stops|stopped|cuts|cut|"
    r"crashes|crashed|drops|dropped|fails|failed|breaks|broke|goes|went)\b|\bcuts?\s+out\b|\b(?:dies|died)\s+every\b"
    # ... and in the policy's other languages: "pendant cinq minutes", "für zehn Minuten", "solo una hora", "durou uma
    # hora", "tot de volgende storing"
    r"|\b(?:pendant|für|durante|per|voor|przez|während)\s+(?:\w+\s+)?(?:minutes?|minuten?|minutos?|minuti|minut\w*|"
    r"heures?|stunden?|horas?|ore|uur|godzin\w*|secondes|sekunden|segundos|timmar|timer|dakika|saat|menit|jam)\b"
    r"|\b(?:solo|sólo|só|nur|seulement|alleen|tylko|bara|kun|sadece|cuma|hanya)\s+(?:una?|uma|eine?n?|une?|één|een|"
    r"jedn\w*|en|et|bir|satu|\w+)\s+(?:hora|heure|stunde|uur|ora|godzin\w*|timme|time|saat|jam|minut\w*|minuto)\b"
    r"|\bdurou\s+(?:uma|um|só)\b|\btot\s+de\s+volgende\b|\bjusqu'?\s?à\s+la\s+prochaine\b"
)
FIX_NOUNS = frozenset(
    {
        *("refund", "swap", "replacement", "replacing", "repair", "repairing", "chasing", "sorting", "fixing"),
        *("exchange", "reconnecting", "restoring", "credit"),
    }
)
# A report that the problem is put right, beside thanks (triage._reports_a_fix): "that fixed it", "works again",
# "the refund came through", in the policy's languages. Thanks with one of these is more than thanks alone.
FIX_REPORTS = (
    *("fixed it", "that fixed it", "sorted it", "all sorted", "it is sorted", "all working", "working again"),
    *("works again", "works now", "working now", "looks right now", "all good now", "came through", "showed up"),
    *("arrived", "activated", "back on", "back up", "refund came", "refund arrived", "money is back"),
    *("werkt weer", "werkt nu", "funktioniert wieder", "geht wieder", "ist angekommen", "marche à nouveau"),
    *("ça marche", "fonctionne à nouveau", "funciona de nuevo", "ya funciona", "ha llegado", "llegó"),
    *("funziona di nuovo", "ora funziona", "è arrivato", "está tudo a funcionar", "voltou a funcionar", "chegou"),
    *("działa", "przyszedł", "przyszła", "doszło", "fungerar igen", "virker igen", "geldi", "yattı"),  # noqa: RUF001
    *("всё пришло", "пришло", "работает", "sudah masuk", "udah masuk", "sudah bisa", "udah bisa", "وصل", "رجعت"),
    *("sudah sampai", "udah sampai", "już u mnie", "już jest"),
    # "problem solved", "sorun çözüldü", "alles erledigt"; never a fix in progress ("they're fixing it now")
    *sorted(w for w in RESOLVED if not w.endswith("ing")),
)
# ... and what denies or defers such a report, before it or just after ("funktioniert nicht", "ça marche pas", "todavía
# no llegó", "не работает", "belum masuk", "ما وصل")
FIX_DENIALS = frozenset(
    {
        *NEGATORS,
        *("ne", "pas", "no", "não", "nao", "non", "nie", "nicht", "niet", "inte", "ikke", "не", "нет", "belum"),
        *("tidak", "gak", "nggak", "ga", "لم", "ما", "لا", "noch", "toujours", "todavía", "ancora", "ainda"),
        *("jeszcze", "fortfarande", "stadig", "hala", "ещё", "еще", "masih", "kein", "keine", "nunca", "mai"),
    }
)
NEVER_PUT_RIGHT = frozenset(
    {*("charged twice", "double charged", "overcharged", "rude", "scam", "useless", "worst", "never again")}
)
# Problems whose absence is good news: "not one outage in 3 years", "zero problemi", "nothing missing". Never what
# a customer misses when it is absent ("no reply", "no signal", "not a single refund"): those stay complaints.
GOOD_WHEN_ABSENT = frozenset(
    {
        *("problem", "problems", "issue", "issues", "outage", "outages", "wrong", "missing", "hassle", "delay"),
        *("delays", "problema", "problemas", "problemi", "probleme", "problème", "problèmes", "ritardi", "ritardo"),
        *("retraso", "retrasos", "atraso", "atrasos", "verspätung", "vertraging", "opóźnienie", "gecikme"),
        *("försening", "forsinkelse"),
    }
)
# ... and the words that deny them, beside the negators: "zero problems", "keine Probleme", "aucun problème"
DENIALS = frozenset(
    {
        *("zero", "nessun", "nessuna", "ningún", "ninguna", "kein", "keine", "keinen", "aucun", "aucune"),
        *("senza", "sin", "sem", "ohne", "sans", "zonder", "bez", "utan", "uden"),  # "without ..."
    }
)
REQUEST_WORDS = frozenset(
    {
        *("please", "pls", "plz", "need", "needs", "get", "can", "could", "would", "will", "when", "want", "yet"),
        *("still", "asap", "hope", "hopefully", "waiting", "again", "if"),
    }
)

# "I've DMed you", "ya les mandé DM": the customer is waiting for us elsewhere. Never thanked, never left to a
# "we're here if you need anything": a neutral acknowledgement and a person who checks the inbox.
FOLLOW_UP = (
    *("please dm me", "pls dm me", "can you dm me", "could you dm me", "dm me asap"),
    *("dm'd you", "dmed you", "i've messaged", "messaged you", "sent you a dm", "sent a dm", "sent you a message"),
    *("check your dms", "check dms", "check your inbox", "dm geschickt", "mandé dm", "mandé un dm", "mandei dm"),
    *("mandei mensagem", "dm gestuurd", "te escribí por dm", "ti ho scritto in dm", "envoyé un dm", "envoyé un mp"),
    *("udah dm", "sudah dm", "wysłałem dm", "wysłałam dm", "skickat dm", "sendt en dm", "dm attım"),  # noqa: RUF001 - Turkish dotless i
)

# Small talk in a DM or comment: a greeting or a thank-you that asks nothing ("hello", "ok thanks", "good
# morning", "merci beaucoup"). The whole message must be made of these phrases and hold at least one of
# SMALL_TALK (an "ok" or "yes" alone may answer an agent's question in a thread, so it still reaches a person).
SMALL_TALK = (
    *("hello", "hi", "hiya", "hey", "heya", "hi there", "hello there", "hey there", "good morning"),
    *("good afternoon", "good evening", "morning", "evening", "greetings"),
    *("thanks", "thank you", "thank u", "thanks so much", "thank you so much", "thanks very much", "thx", "ty"),
    *("thnx", "thanx", "ta", "ta very much", "ta muchly"),
    *("cheers", "many thanks", "much appreciated", "appreciate it"),
    *("hallo", "guten morgen", "guten tag", "moin", "danke", "danke schön", "vielen dank"),
    *("bonjour", "bonsoir", "salut", "coucou", "merci", "merci beaucoup"),
    *("hola", "buenos días", "buenas", "buenas tardes", "gracias", "muchas gracias"),
    *("ciao", "buongiorno", "buonasera", "salve", "grazie", "grazie mille"),
    *("olá", "oi", "bom dia", "boa tarde", "boa noite", "obrigado", "obrigada", "obg", "valeu"),
    *("goedemorgen", "goedemiddag", "dank je", "dank je wel", "dank u", "bedankt"),
    *("cześć", "dzień dobry", "dzięki", "dziękuję"),
    *("hej", "hejsan", "god morgon", "tack", "tusen tack", "godmorgen", "mange tak", "tak for det"),
    *("merhaba", "selam", "günaydın", "teşekkürler", "teşekkür ederim", "sağolun", "sağ olun", "sağol"),  # noqa: RUF001 - Turkish dotless i
    *("halo", "pagi", "selamat pagi", "makasih", "terima kasih", "thanks kak", "makasih kak"),
    *("مرحبا", "السلام عليكم", "صباح الخير", "شكرا", "شكرا جزيلا"),
    # the season's greetings ("merry christmas everyone x", "happy friday acme team 🎉", "feliz viernes")
    *("merry christmas", "happy christmas", "happy new year", "happy holidays", "happy easter", "happy friday"),
    *("happy weekend", "have a good weekend", "have a great weekend", "have a nice weekend", "have a nice day"),
    *("have a great day", "frohe weihnachten"),
    *("schönes wochenende", "joyeux noël", "bonne année", "bon week-end", "feliz navidad", "feliz año nuevo"),
    *("feliz viernes", "buen finde", "buon natale", "buon weekend", "feliz natal", "bom fim de semana"),
    *("prettige feestdagen", "fijn weekend", "wesołych świąt", "god jul", "god helg", "iyi bayramlar", "selamat pagi"),
    # a message taken back ("sorry wrong chat"): nothing for anyone to do
    *("wrong chat", "sent by mistake", "sent that by mistake", "ignore that", "please ignore"),
    "ignore my last message",
    # ... and in the policy's other languages ("sorry falscher chat", "scusate chat sbagliata", "eh maaf salah kirim")
    *("falscher chat", "mauvais chat", "mauvaise conversation", "chat equivocado", "chat sbagliata", "chat errado"),
    *("mandei no chat errado", "verkeerde chat", "zły czat", "fel chatt", "forkert chat", "yanlış sohbet"),  # noqa: RUF001
    *("salah kirim", "salah chat", "غلطت في الشات"),
)
# A reply that closes a thread: the customer has what they need and the next step is theirs ("ok got it", "makes
# sense", "no worries", "I'll try that", "ok I'll wait for the email then"). Counted like a greeting in small talk.
# Never what hands the next step to us: "yes please" and "sure" accept an offer, "done" and "yep that's me" answer an
# agent's request, "sounds good" agrees to what we proposed; those, and a bare "ok", keep their person.
THREAD_CLOSINGS = (
    *("got it", "makes sense", "that makes sense", "fair enough", "no worries", "no problem", "np", "understood"),
    *("all good", "i will try that", "i will try that then", "i will give that a go", "i will have a look later"),
    *("i will have a look", "i will wait for the email", "i will wait for the email then", "i will check later"),
    *("will try again tomorrow", "i will try again tomorrow", "will try again later", "i will try again later"),
    *("just testing", "testing", "test", "just testing if this works"),
)
# ... and the farewells among SMALL_TALK: said curtly ("Have a nice day.", "have a nice day then"), a brush-off
FAREWELLS = (
    *("have a good weekend", "have a great weekend", "have a nice weekend", "have a nice day", "have a great day"),
)
# The only emoji small talk may carry: friendly ones ("thanks 🙏", "merry christmas 🎄"). Any other ("got it 😡",
# "understood 😭", "have a nice day 🖕") keeps the message's case.
SMALL_TALK_EMOJI = frozenset(
    {
        *("🙂", "😊", "😀", "😄", "😁", "😃", "☺", "😉", "😘", "🤗", "🥰", "😍", "🥳", "👍", "👌", "🙏", "🙌", "👋"),
        *("❤", "♥", "💕", "💖", "💗", "💙", "💚", "💛", "🧡", "💜", "🤍", "☀", "🌞", "☕", "🎉", "🎊", "🎄", "🎅"),
        *("🎁", "✨", "🌟", "⭐", "🌸", "💐", "🍀", "🎆", "🐣", "🌷", "🤝", "💪", "😎", "🍻", "🥂", "🍾", "🙈"),
        *("😅", "🤞", "😆", "🤩", "💫", "🌈", "🌻", "🎈"),
    }
)
# What may stand beside a greeting or thank-you in small talk without asking for anything
SMALL_TALK_FILLERS = (
    *("ok", "okay", "okey", "okej", "oke", "k", "alright", "all right", "great", "perfect", "cool", "noted"),
    *("will do", "got it", "lovely", "nice", "brilliant", "super", "guys", "team", "all", "everyone"),
    *("d'accord", "parfait", "vale", "perfecto", "va bene", "perfeito", "blz", "beleza", "prima", "oké"),
    *("tamam", "tamamdır", "kak", "min", "تمام", "you", "to you", "and you", "sorry", "oops"),  # noqa: RUF001 - Turkish dotless i
    *("x", "xx", "xxx", "folks", "y'all"),
    *("ah", "ahh", "right", "undskyld", "oj", "sorki", "scusate", "scusa", "foi mal", "maaf", "eh", "pardon"),
    *("آسف", "entschuldigung", "perdón", "desculpa", "przepraszam", "förlåt"),
)

# Laughter: a private message that laughs and that neither the rules nor the model read as a need is banter ("lol my
# mate demolished three of your meal deals"), not someone waiting for help. Never "jpp" ("j'en peux plus": as often
# exasperation) nor "kk" (Indonesian "kakak" once elongations are squeezed).
LAUGHTER_WORDS = frozenset({"lol", "lool", "lmao", "lmaoo", "lmfao", "rofl", "xd", "xdd", "mdr", "ptdr"})
LAUGHTER_REPEATS = ("ha", "he", "ja", "je", "wk", "kw", "rs")  # "hahaha", "jajaja", "wkwkwk", "rsrsrs"
LAUGHTER_EMOJI = frozenset({"😂", "🤣", "💀"})
# ... and the short spellings, which only ever hold a thanks back (triage._laugh_only_the_model_praises), never make
# banter of a need: "haha", "wkwk", "jaja", "kkkk"
SHORT_LAUGHS = frozenset({"haha", "hehe", "hihi", "wkwk", "jaja", "jeje", "kkkk", "rsrs", "hahah", "lolz"})

# Words that make a question this customer's own case (their order, account, booking) rather than general
# information a published FAQ answers: such a question always reaches a person.
OWN_CASE_WORDS = frozenset(
    {
        "my",
        "mine",
        "our",
        "me",
        "order",
        "account",
        "booking",
        "reservation",
        "refund",
        "parcel",
        "ticket",
        "bill",
        "mein",
        "meine",
        "meinen",
        "meiner",
        "mon",
        "ma",
        "mes",
        "mi",
        "mis",
        "meu",
        "minha",
        "mio",
        "mia",
        "mijn",
        # the nouns and possessives of "my order / my account" in the corpus' other languages: a question about
        # this customer's own order is a case, however generic its wording ("¿se puede cambiar la fecha?")
        *("bestellung", "konto", "buchung", "rechnung", "sendung", "commande", "compte", "colis", "facture"),
        *("pedido", "cuenta", "factura", "reserva", "reembolso", "localizador", "ordine", "fattura"),
        *("prenotazione", "rimborso", "miei", "mie", "encomenda", "fatura", "meus", "minhas", "bestelling"),
        *("pakket", "boeking", "zamówienie", "zamówienia", "faktura", "paczka", "rezerwacja", "moje", "mój"),
        *("moja", "mojego", "mojej", "siparişim", "hesabım", "faturam", "kargom", "rezervasyonum", "mitt", "mina"),  # noqa: RUF001 - Turkish dotless i
        *("beställning", "bokning", "bestilling", "pakke", "pesanan", "pesananku", "akunku", "tagihan"),
        *("طلبي", "حسابي", "فاتورتي", "حجزي"),
    }
)

# The nouns above that a question can name without meaning the customer's own ("how do I set up a standing order",
# "is there a minimum order", "a VAT receipt for a train ticket"): after an indefinite article they are generic.
# Never after "the" ("where is the order I placed?"), nor the possessives, nor a noun standing alone.
# How to do something to one's own kind of thing ("how do I reset my password", "can I use my points online"):
# the help pages' topic whatever its "my" (triage._how_to). Procedures anyone follows, never a request for something to
# be done for this customer ("how do I get my money back", "can I have my refund", "can I add my daughter to my plan").
HOW_TO_FRAMES = ("how do i", "how can i", "how to", "can i", "is it possible to", "where do i", "where can i")
HOW_TO_VERBS = frozenset(
    {
        *("reset", "change", "update", "use", "find", "link", "set up", "turn on", "turn off", "redeem", "move"),
        *("pause", "check", "see", "download", "log in", "sign in"),
    }
)
# ... never a way out (transfer, switch, delete, cancel, close: a person should see who leaves or asks for their
# data), and never when the thing is this customer's own case, a renewal or contract, or a hazard: "how do I check my
# claim", "how do I find my package", "how do I turn off my auto renewal", "how do I turn off my gas"
HOW_TO_OWN_OBJECTS = frozenset(
    {
        *("claim", "claims", "compensation", "warranty", "guarantee", "package", "parcel", "delivery", "deliveries"),
        *("order", "orders", "account", "booking", "refund", "ticket", "bill", "data", "complaint", "case"),
        *("gas", "boiler", "electricity", "power", "meter", "heating", "carbon", "alarm", "smoke", "water"),
        *("auto", "renewal", "subscription", "contract", "membership", "direct", "payments", "plan", "number"),
    }
)
OWN_CASE_NOUNS = frozenset({"order", "account", "booking", "reservation", "refund", "parcel", "ticket", "bill"})
INDEFINITE_ARTICLES = frozenset({"a", "an", "any"})
# What a laugh beside makes a mishap, not banter ("😂 the driver threw it over the fence", "wkwkwk kurirnya kabur")
SERVICE_NOUNS = frozenset(
    {"delivery", "driver", "courier", "item", "items", "shopping", "package", "engineer", "kurir", "paket", "paketnya"}
)
# The thanks among the PRAISE words: thanks alone is not yet a compliment (see triage._beyond_thanks)
THANKS = frozenset(
    {
        *("thank you", "thanks", "thank", "cheers", "appreciate", "gracias", "merci", "danke", "obrigado", "obrigada"),
        *("grazie", "спасибо", "bedankt", "dank je", "dank u", "dankjewel", "tack", "takk", "dziękuję", "dzięki"),
        *("teşekkürler", "teşekkür ederim", "sağ olun", "makasih", "terima kasih", "شكرا", "vielen dank"),
    }
)

# Named topics for feature requests, so demand can be counted per topic rather than per wording.
FEATURE_TOPICS = {
    "sizes": ("size", "sizes", "tallas", "bigger", "larger", "travel size"),
    "delivery": ("delivery", "deliver", "slots", "parcels", "neighbour", "rural"),
    "payments": ("apple pay", "paypal", "checkout", "pay"),
    "app": ("app", "dark mode", "widget", "android", "ios", "bot", "export", "reorder", "history", "addresses"),
    "range": ("vegan", "gluten", "scent", "flavour", "colour", "green", "version", "stock", "tubs", "range"),
    "packaging": ("packaging", "plastic", "refill", "gift wrapping", "labels", "font"),
    "stores": ("store", "shop", "open"),
    "loyalty": ("loyalty", "subscription box", "subscription", "membership", "pause"),
    "brand": ("logo", "collab", "artist"),
}
