"""Word lists for attribution: reporting verbs, their weaker cousins, and speaker head nouns.

Generic English lexicons (no names from any data set). `SPEECH` verbs report what someone said or
wrote and take a quotation directly; `COGNITION` verbs report a stance and count only with a
clausal complement ("believes that ..."), never with a bare quotation; `QUOTE_ONLY` verbs
("continued", "went on") are reporting verbs only when a quotation hangs on them.
"""

from __future__ import annotations

SPEECH: frozenset[str] = frozenset("""
say tell add insist confirm warn announce state explain claim argue note write report reply respond
suggest acknowledge admit deny declare predict promise pledge vow recall tweet post comment agree
complain contend maintain stress emphasize emphasise reveal urge accuse concede allege assert boast
charge conclude disclose joke mention observe recount reiterate remark speculate testify demand
caution counter retort quip yell shout scream whisper ask inform assure concur propose recommend
threaten lament acknowledge brag bemoan blast slam criticize criticise praise thank tout underscore
describe announce proclaim advise hint signal indicate estimate forecast project cite quote
question answer interject muse wonder plead protest object rejoin reason caution posit point
""".split())

COGNITION: frozenset[str] = frozenset("""
believe think know feel fear hope expect worry doubt suspect understand assume guess figure
find show suggest learn realize realise recognize recognise conclude decide acknowledge imagine
predict reckon insist want discover envision fathom sense
""".split())

QUOTE_ONLY: frozenset[str] = frozenset("continue go".split())

#: Multi-word cues introduced by a preposition: "according to X".
ACCORDING = "according"

#: Adverbs that attribute their clause to an unnamed source: "the minister reportedly resigned".
HEARSAY: frozenset[str] = frozenset({"reportedly", "allegedly", "purportedly", "supposedly"})

#: Heads of descriptions that name an organisation speaking ("the presidential office").
ORG_HEADS: frozenset[str] = frozenset("""
office ministry government agency administration department campaign party committee commission
council company firm group organization organisation association union court parliament congress
senate house police military army navy embassy bureau authority authorities regime cabinet
newspaper paper magazine network channel station outlet service board bank team institute
university school center centre foundation coalition alliance federation league club
watchdog secretariat presidency ministry spokesperson_office state statement
""".split())

#: Heads of descriptions that denote a person speaking ("a government spokesman").
PERSON_HEADS: frozenset[str] = frozenset("""
spokesman spokeswoman spokesperson official officer minister president leader chief director
secretary source aide adviser advisor analyst expert lawyer attorney witness resident man woman
person people voter supporter critic candidate nominee senator governor mayor lawmaker legislator
representative ambassador diplomat envoy general commander professor researcher economist
scientist strategist pollster manager chairman chairwoman chair executive founder author
reporter journalist editor columnist host anchor father mother son daughter wife husband friend
member activist protester protestor organizer organiser veteran student teacher doctor worker
owner investigator prosecutor judge justice detective sheriff deputy king queen prince
premier chancellor delegate negotiator observer partner colleague insider
""".split())

PRONOUNS_PERSON: frozenset[str] = frozenset({"he", "she", "him", "her"})
PRONOUNS_THING: frozenset[str] = frozenset({"it"})
PRONOUNS_PLURAL: frozenset[str] = frozenset({"they", "them"})

#: Speech verbs whose direct object is the listener, not the content ("told reporters").
ADDRESSEE: frozenset[str] = frozenset("tell ask inform assure warn remind advise brief".split())

#: Punctuation that separates an inverted attribution from its content (`..., officials said`).
CLAUSE_PUNCT: frozenset[str] = frozenset({",", "\u2014", "\u2013", "--", "-", ":", ";", "\u2015"})

#: Verbs that characterise something in the speaker's words: `called the plan "a disgrace"`.
NAMING: frozenset[str] = frozenset("""
call label describe dub brand term deride dismiss praise blast slam criticize criticise denounce
liken compare tout accuse chant sing tweet write type title quote refer characterize characterise
condemn mock ridicule hail laud decry
""".split())

#: Speech acts whose content is what they ask or commit to: `urged voters to stay home`.
DIRECTIVE: frozenset[str] = frozenset("""
urge call promise pledge vow threaten demand propose ask encourage warn tell order instruct implore
beg invite challenge advise push press recommend
""".split())

#: Verbs of intention whose content is the infinitive they govern: `wants to triple the program`.
INTENT: frozenset[str] = frozenset("""
want plan hope expect decide refuse decline intend seek aim wish prefer vow pledge promise threaten
agree offer vote resolve
""".split())

#: Verbs whose content can be the topic they take a preposition on: `talked about the economy`.
TOPIC: frozenset[str] = frozenset("""
speak talk write complain comment ask warn argue testify joke speculate boast brag worry rail
lobby advocate push call fret muse rant tweet post report agree disagree lecture
reflect elaborate weigh opine harp dwell vent blog caution inquire question
wonder believe plead decide campaign rally care
""".split())

#: Prepositions introducing that topic.
TOPIC_PREPS: frozenset[str] = frozenset("about of on against for over regarding concerning".split())

#: Nouns of speech, stance or intention that carry their content in a clause: `the claim that
#: ...`, `his promise to ...`, `the announcement that ...`.
NOUN_CUES: frozenset[str] = frozenset("""
claim statement comment remark assertion argument belief view warning promise pledge vow threat
announcement suggestion accusation allegation charge insistence hope fear message report testimony
admission denial plan agreement call demand proposal contention conclusion finding assessment
estimate prediction decision assurance complaint concern explanation request order notion idea
assumption suspicion worry expectation confirmation acknowledgment acknowledgement recommendation
offer bid intention commitment determination vision question argument rumor rumour speculation
eagerness reluctance recognition pronouncement rhetoric implication willingness refusal desire
wish readiness opinion theory impression feeling doubt conviction perception advice
""".split())

#: Speech nouns whose content can be the topic they take a preposition on: `comments about ...`.
NOUN_TOPIC: frozenset[str] = frozenset("""
comment remark criticism question concern complaint testimony warning attack claim allegation
accusation report discussion argument assessment praise
""".split())

#: Dependents of a cue verb that carry its object-like content.
OBJECT_DEPS: frozenset[str] = frozenset({"dobj", "oprd", "xcomp", "ccomp", "prep", "dative", "attr", "acomp"})

#: Prepositions that introduce a complement of a cue verb rather than a circumstance:
#: `likened RT to the BBC`, `criticized the law as "crazy"`, `warned of a crisis`.
COMPLEMENT_PREPS: frozenset[str] = frozenset("as to of for about against on over into with".split())

#: Verbs whose object is itself the stance reported: `questioned the need for moderators`.
STANCE_OBJECT: frozenset[str] = frozenset("""
question criticize criticise acknowledge mock deny dismiss praise blast slam condemn denounce
reject endorse oppose support propose cite describe call compare liken accuse charge agree
predict promise pledge vow demand propose applaud welcome defend attack decry lament
mention discuss announce report note explain reveal stress emphasize emphasise reference
back tout protest signal challenge echo detail highlight recall recount say show
offer declare proclaim view shout bemoan thank laud hail urge encourage disclose indicate claim
want seek expect outline underscore blame dispute champion advocate favor favour admit concede
confirm insist rule rate
consider examine love hate despise respect judge extol lambast grill confront explore contemplate
downplay invoke specify paint promote compliment portray articulate embrace propound
""".split())

#: Line labels that are the newsroom's, not a speaker's (`CORRECTION: ...`).
EDITORIAL_LABELS: frozenset[str] = frozenset(
    "CORRECTION CLARIFICATION UPDATE UPDATED NOTE WATCH VIDEO PHOTOS PHOTO RELATED ADVERTISEMENT "
    "SOURCE SOURCES EXCLUSIVE BREAKING ANALYSIS OPINION POLL".split()
) | frozenset({"EDITOR'S NOTE", "EDITOR\u2019S NOTE", "READ MORE", "THE LATEST"})

#: Verbs whose passive says something of its subject: `the plan was endorsed by the union`.
PASSIVE_CUES: frozenset[str] = STANCE_OBJECT | NAMING | SPEECH | COGNITION

ALL_CUES: frozenset[str] = SPEECH | COGNITION | QUOTE_ONLY | NAMING | DIRECTIVE | STANCE_OBJECT | INTENT | TOPIC
