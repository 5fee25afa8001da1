"""The Newsflash event taxonomy: types, their CAMEO root codes, and the trigger lexicon.

`services/events/TAXONOMY.md` documents the same table for readers; `tests/unit/test_events.py`
checks the two agree. A trigger's type is decided by its lemma (verbs and eventive nouns), then
refined by context in `classify` (a particle, the object noun of a light verb, the subject).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    cameo: str | None
    group: str
    description: str
    #: Participants act together (meetings, agreements, matches): every actor is a participant.
    symmetric: bool = False


TYPES: dict[str, EventType] = {t.name: t for t in [
    EventType("statement", "01", "diplomacy", "A public statement, announcement or comment", False),
    EventType("appeal", "02", "diplomacy", "A call, request or plea to someone", False),
    EventType("cooperation", "03", "diplomacy", "A pledge, promise or offer to cooperate or help"),
    EventType("visit", "04", "diplomacy", "A trip, visit or tour to a place"),
    EventType("meeting", "04", "diplomacy", "A meeting, summit, talks or negotiations", True),
    EventType("agreement", "05", "diplomacy", "An agreement, deal between parties, treaty, accord", True),
    EventType("aid", "07", "diplomacy", "Providing aid, supplies or assistance"),
    EventType("concession", "08", "diplomacy", "Yielding: ceasefire, withdrawal, easing, release"),
    EventType("investigation", "09", "justice", "An investigation, inquiry or probe"),
    EventType("demand", "10", "diplomacy", "A demand or ultimatum"),
    EventType("criticism", "11", "diplomacy", "Criticism, condemnation, accusation or blame"),
    EventType("rejection", "12", "diplomacy", "Rejection, refusal, denial or veto"),
    EventType("threat", "13", "diplomacy", "A threat or warning of action"),
    EventType("protest", "14", "protest", "A protest, demonstration, rally, march or strike"),
    EventType("military_posture", "15", "conflict", "Deployment, mobilisation, exercises, patrols"),
    EventType("sanction", "16", "diplomacy", "Sanctions, embargoes, expulsions, cutting ties"),
    EventType("arrest", "17", "justice", "An arrest, detention or capture"),
    EventType("attack", "18", "conflict", "An attack, shooting, bombing, assault or hijacking"),
    EventType("killing", "18", "conflict", "A killing, murder or assassination"),
    EventType("military_action", "19", "conflict", "Fighting, war, invasion, air strikes, clashes", True),
    EventType("election", None, "politics", "An election, vote, ballot or (re-)election bid"),
    EventType("appointment", None, "politics", "An appointment, nomination, hiring or naming"),
    EventType("resignation", None, "politics", "A resignation, stepping down or retirement"),
    EventType("dismissal", None, "politics", "A dismissal, firing or ousting"),
    EventType("decision", None, "politics", "A decision, ruling, approval or passing of a law"),
    EventType("charge", None, "justice", "A charge, indictment, trial, plea or conviction"),
    EventType("sentence", None, "justice", "A sentence, jailing or fine imposed by a court"),
    EventType("earnings", None, "business", "Earnings, profit, revenue or results reported"),
    EventType("acquisition", None, "business", "A deal, acquisition, merger, takeover or purchase"),
    EventType("layoffs", None, "business", "Layoffs and job cuts"),
    EventType("market_move", None, "business", "Prices, shares, indices or currencies moving"),
    EventType("investment", None, "business", "An investment or funding"),
    EventType("disaster", None, "disaster", "A natural disaster: earthquake, flood, storm, fire"),
    EventType("accident", None, "disaster", "An accident: crash, collision, derailment, fall"),
    EventType("death", None, "disaster", "A death (cause not stated as a killing)"),
    EventType("injury", None, "disaster", "An injury or wounding"),
    EventType("match", None, "sport", "A match, game or contest and its result", True),
    EventType("release", None, "culture", "A release, launch, premiere or publication"),
    EventType("award", None, "culture", "An award, prize, honour or nomination for one"),
    EventType("other", None, "other", "Any other occurrence (a predicate outside the lexicon)"),
]}

# Verb lemmas. Phrasal verbs are keyed "verb particle" and take precedence.
VERBS: dict[str, str] = {}
NOUNS: dict[str, str] = {}


def _add(table: dict[str, str], kind: str, words: str) -> None:
    for word in words.split(","):
        word = word.strip()
        if word:
            table[word] = kind


_add(VERBS, "statement", "say,announce,confirm,state,declare,tell,report,add,comment,note,tweet,"
     "post,write,reveal,disclose,explain,insist,claim,stress,remark,reiterate,acknowledge,admit,"
     "describe,predict,suggest,argue,assert,indicate,mention,inform,brief,testify,speak,"
     "clarify,estimate,recall,quote,hit out")
_add(VERBS, "appeal", "urge,appeal,ask,request,plead,implore,call on,invite,encourage")
_add(VERBS, "cooperation", "pledge,promise,vow,offer,commit,cooperate,endorse,collaborate,"
     "partner")
_add(VERBS, "visit", "visit,travel,tour,fly,arrive,return,depart,head to,head for,fly to,"
     "travel to")
_add(VERBS, "meeting", "meet,discuss,negotiate,consult,confer,host,convene,gather")
_add(VERBS, "agreement", "agree,sign,ratify,conclude,settle,reconcile")
_add(VERBS, "aid", "donate,aid")
_add(VERBS, "concession", "withdraw,retreat,ease,lift,free,release prisoner,pardon,concede,yield")
_add(VERBS, "investigation", "investigate,probe,examine,inspect,review,audit,search,look into")
_add(VERBS, "demand", "demand,insist on,order,require,call for")
_add(VERBS, "criticism", "criticize,criticise,condemn,denounce,accuse,blame,slam,"
     "censure,rebuke,decry,fault,chide,lambast,blast,lash out")
_add(VERBS, "rejection", "reject,refuse,deny,veto,decline,rebuff,oppose,spurn,rule out")
_add(VERBS, "threat", "threaten,warn,menace")
_add(VERBS, "protest", "protest,demonstrate,rally,march,picket,boycott,riot")
_add(VERBS, "military_posture", "deploy,mobilize,mobilise,patrol,station,dispatch,reinforce")
_add(VERBS, "sanction", "sanction,embargo,expel,sever,suspend,freeze,blacklist,ban")
_add(VERBS, "arrest", "arrest,detain,capture,apprehend,nab,jail,"
     "pull over,round up,intercept,foil,thwart,interdict,repel,repulse")
_add(VERBS, "attack", "attack,shoot,stab,bomb,assault,ambush,raid,hijack,strike,hit,fire,"
     "open fire,gun down,mow down,storm,rob,beat,rape,kidnap,abduct,torch,ram,run over,"
     "shell,loot,vandalize")
_add(VERBS, "killing", "kill,murder,assassinate,execute,slay,massacre,behead,slaughter,lynch")
_add(VERBS, "military_action", "fight,invade,battle,clash,occupy,bombard,besiege,annex,retake,"
     "recapture,liberate,launch strike,launch offensive")
_add(VERBS, "election", "elect,vote,re-elect,reelect,campaign,poll")
_add(VERBS, "appointment", "appoint,nominate,name,hire,designate,choose,pick,select,tap,install,"
     "recruit,promote,sign up,swear in")
_add(VERBS, "resignation", "resign,quit,retire,step down,stand down,abdicate,leave office,step aside")
_add(VERBS, "dismissal", "fire,sack,dismiss,oust,depose,relieve,terminate,remove,axe,let go,"
     "impeach,topple,overthrow")
_add(VERBS, "decision", "decide,rule,approve,pass,adopt,enact,legislate,authorize,authorise,"
     "overturn,uphold,amend,regulate,permit,allow,vote for")
_add(VERBS, "charge", "charge,indict,prosecute,try,convict,acquit,sue,plead,arraign,book,cite")
_add(VERBS, "sentence", "sentence,imprison,fine,penalize,penalise")
_add(VERBS, "earnings", "earn,profit,report earnings,post profit,post loss,forecast,gross")
_add(VERBS, "acquisition", "acquire,buy,purchase,merge,take over,sell,divest,bid,own")
_add(VERBS, "layoffs", "lay off,cut job,furlough")
_add(VERBS, "investment", "invest,fund,finance,bankroll,inject,raise fund")
_add(VERBS, "disaster", "erupt,flood,quake,burn,devastate,ravage,destroy,collapse")
_add(VERBS, "accident", "crash,collide,derail,overturn,capsize,sink,slip,fall,plunge,tumble,"
     "skid,explode,drown")
_add(VERBS, "death", "die,perish,succumb,pass away,drown")
_add(VERBS, "injury", "injure,wound,hurt,maim,bruise")
_add(VERBS, "match", "beat,defeat,win,lose,draw,score,play,compete,tie,thrash,edge out,"
     "qualify,eliminate,knock out,race,crash out")
_add(VERBS, "release", "release,launch,premiere,publish,debut,air,broadcast,screen,perform,unveil,"
     "introduce,open,stage,record")
_add(VERBS, "award", "award,honour,honor,crown,decorate,receive award,win award,induct")

_add(NOUNS, "statement", "statement,announcement,declaration,remarks,comment,speech,address,"
     "briefing,press conference,news conference,interview,report,testimony,claim,tweet")
_add(NOUNS, "appeal", "appeal,plea,request,call,petition")
_add(NOUNS, "cooperation", "pledge,promise,offer")
_add(NOUNS, "visit", "visit,trip,tour,journey,voyage,travel,arrival,return,stay")
_add(NOUNS, "meeting", "meeting,summit,talks,talk,negotiation,negotiations,conference,"
     "consultation,session,forum,gathering,dialogue,meet")
_add(NOUNS, "agreement", "agreement,deal,treaty,accord,pact,truce,memorandum,settlement,"
     "understanding,compromise,ratification")
_add(NOUNS, "aid", "aid,assistance,relief,donation,supplies,bailout")
_add(NOUNS, "concession", "ceasefire,cease-fire,withdrawal,pullout,amnesty,pardon,release")
_add(NOUNS, "investigation", "investigation,inquiry,probe,inspection,review,audit,search,hearing")
_add(NOUNS, "demand", "demand,ultimatum,order")
_add(NOUNS, "criticism", "criticism,condemnation,accusation,blame,allegation,rebuke,complaint")
_add(NOUNS, "rejection", "rejection,refusal,denial,veto,opposition")
_add(NOUNS, "threat", "threat,warning,ultimatum")
_add(NOUNS, "protest", "protest,demonstration,rally,march,strike,walkout,sit-in,riot,unrest,"
     "uprising,boycott,vigil")
_add(NOUNS, "military_posture", "deployment,mobilization,mobilisation,exercise,drill,drills,"
     "patrol,patrols,manoeuvres,maneuvers,buildup,operation,mission")
_add(NOUNS, "sanction", "sanction,sanctions,embargo,expulsion,ban,blockade,tariff,tariffs")
_add(NOUNS, "arrest", "arrest,detention,capture,custody,raid,crackdown,seizure,roundup,"
     "interception,apprehension")
_add(NOUNS, "attack", "attack,shooting,bombing,assault,ambush,hijacking,hijack,stabbing,"
     "explosion,blast,strike,rampage,robbery,kidnapping,abduction,rape,piracy,hostage,"
     "gunfire,violence,terrorism,spree,arson,hit-and-run,carjacking,mugging,burglary,"
     "theft,fraud,crime")
_add(NOUNS, "killing", "killing,murder,assassination,execution,massacre,homicide,manslaughter,"
     "slaying,genocide,beheading,bloodshed,slaughter")
_add(NOUNS, "military_action", "war,battle,fighting,fight,clash,clashes,conflict,invasion,"
     "offensive,airstrike,air strike,shelling,bombardment,siege,combat,hostilities,"
     "incursion,skirmish,insurgency,occupation,counteroffensive")
_add(NOUNS, "election", "election,re-election,reelection,vote,ballot,poll,polls,primary,"
     "referendum,runoff,by-election,caucus,campaign,candidacy,bid")
_add(NOUNS, "appointment", "appointment,nomination,nominee,hire,hiring,inauguration,"
     "swearing-in,succession,selection,promotion,coronation")
_add(NOUNS, "resignation", "resignation,retirement,departure,abdication,exit,farewell")
_add(NOUNS, "dismissal", "dismissal,firing,sacking,ouster,impeachment,removal,coup,"
     "overthrow,termination")
_add(NOUNS, "decision", "decision,ruling,verdict,approval,legislation,law,bill,resolution,"
     "judgment,judgement,reform,regulation")
_add(NOUNS, "charge", "charge,charges,indictment,trial,prosecution,lawsuit,suit,conviction,"
     "plea,acquittal,case,hearing,suspicion,dui,dwi")
_add(NOUNS, "sentence", "sentence,jail term,prison term,fine,penalty,imprisonment,"
     "life sentence,death sentence,punishment")
_add(NOUNS, "earnings", "earnings,profit,profits,revenue,revenues,results,loss,losses,sales,"
     "dividend,turnover,forecast,guidance")
_add(NOUNS, "acquisition", "acquisition,merger,takeover,buyout,purchase,sale,bid,offer,ipo,"
     "listing,divestment,spin-off")
_add(NOUNS, "layoffs", "layoff,layoffs,redundancy,redundancies,job cuts,cuts,furlough")
_add(NOUNS, "market_move", "rally,slump,crash,surge,plunge,selloff,sell-off,rise,fall,drop,"
     "decline,gain,gains,slide,rebound,recession,inflation,downturn")
_add(NOUNS, "investment", "investment,funding,stake,financing,injection,grant,loan")
_add(NOUNS, "disaster", "earthquake,quake,flood,floods,flooding,storm,hurricane,typhoon,"
     "cyclone,tornado,tsunami,eruption,wildfire,fire,blaze,drought,famine,landslide,"
     "avalanche,outbreak,epidemic,pandemic,heatwave,disaster,catastrophe")
_add(NOUNS, "accident", "accident,crash,collision,derailment,fall,wreck,sinking,"
     "capsizing,mishap,pileup,rescue,evacuation")
_add(NOUNS, "death", "death,deaths,dead,fatality,fatalities,funeral,passing,demise,toll,"
     "death toll,suicide,overdose")
_add(NOUNS, "injury", "injury,injuries,wound,wounds,casualty,casualties")
_add(NOUNS, "match", "match,game,final,semifinal,semi-final,quarterfinal,playoff,playoffs,"
     "tournament,championship,race,derby,fixture,bout,contest,victory,win,defeat,draw")
_add(NOUNS, "release", "release,launch,premiere,debut,concert,performance,broadcast,screening,"
     "exhibition,festival,opening,appearance")
_add(NOUNS, "award", "award,awards,prize,medal,honour,honor,oscar,oscars,trophy,accolade,"
     "ceremony,nomination,grammy,grammys,emmy,emmys")

_add(NOUNS, "other", "incident,event,attempt,effort,celebration,party,stint,move,action,"
     "crisis,scandal,controversy,tragedy")

#: Verbs that are an event of a type only with a fitting object: (type, object lemmas).
#: "seized weapons" is not an arrest, "provided aid" is aid, "shed 500 jobs" is layoffs.
_PEOPLE = "man,woman,men,women,people,person,suspect,driver,teenager,boy,girl,child,gunman," \
          "militant,soldier,pirate,member,leader,official,worker,crew,hostage,fugitive"
CONDITIONAL: dict[str, tuple[str, frozenset[str]]] = {
    "seize": ("arrest", frozenset(_PEOPLE.split(",") + ["ship", "vessel", "control", "power"])),
    "catch": ("arrest", frozenset(_PEOPLE.split(","))),
    "hold": ("arrest", frozenset(["hostage", "captive", "prisoner", "suspect"])),
    "provide": ("aid", frozenset("aid,assistance,relief,support,supplies,food,water,shelter,"
                                "medicine,funding,weapons,arms,loan".split(","))),
    "send": ("aid", frozenset("aid,assistance,relief,supplies,food,troops,soldiers,ships,"
                             "weapons,arms,medicine".split(","))),
    "deliver": ("aid", frozenset("aid,assistance,relief,supplies,food,water,medicine,weapons"
                                 .split(","))),
    "supply": ("aid", frozenset("aid,weapons,arms,food,fuel,water".split(","))),
    "shed": ("layoffs", frozenset("job,worker,staff,employee,post,position".split(","))),
    "cut": ("layoffs", frozenset("job,worker,staff,employee,post,position,workforce"
                                 .split(","))),
    "help": ("aid", frozenset("victim,survivor,refugee,family,community".split(","))),
    "win": ("election", frozenset("election,vote,seat,term,majority,presidency,nomination,"
                                  "primary,referendum,ballot,mandate,poll".split(","))),
}

#: Adjectives that state an event's outcome ("found dead", "five injured").
ADJECTIVES: dict[str, str] = {"dead": "death", "injured": "injury", "wounded": "injury",
                              "hurt": "injury", "missing": "accident", "arrested": "arrest",
                              "bankrupt": "earnings", "elected": "election"}
#: Nouns that are an offence only with one of these modifiers ("drunk driving").
OFFENCE_MODIFIERS = frozenset("drunk,drunken,reckless,dangerous,careless,impaired,"
                              "speeding".split(","))

#: Movement verbs and nouns that are a market move when what moves is a price or a quantity.
MARKET_VERBS = frozenset("surge,plunge,soar,slump,tumble,rally,slide,jump,climb,rise,fall,drop,"
                         "gain,lose,dip,sink,rebound,decline,increase,decrease,double,halve,"
                         "crash,spike,edge,grow,shrink,fluctuate,recover,stabilize".split(","))
MARKET_NOUNS = frozenset("share,stock,price,index,market,currency,dollar,euro,yen,pound,yuan,"
                         "bond,yield,rate,inflation,sale,revenue,profit,earning,output,export,"
                         "import,oil,gold,bitcoin,value,cost,unemployment,growth,gdp,economy,"
                         "dow,nasdaq,ftse,nikkei,future,fare,wage,salary,debt,deficit,spending,"
                         "demand,supply,figure,rating,percent,%,point,cent,level,number,"
                         "turnover,income,valuation,benchmark,equity,commodity".split(","))
#: Objects that make "decide / choose / seek / win" an election or an appointment.
OFFICE_NOUNS = frozenset("leader,president,chairman,chairwoman,chair,successor,minister,premier,"
                         "mayor,governor,head,chief,ceo,candidate,nominee,speaker,chancellor,"
                         "secretary,coach,manager,director,captain,seat,office,post,presidency,"
                         "leadership,term,mandate,majority,nomination".split(","))
#: Objects of "fire" that make it shooting rather than dismissal.
WEAPON_NOUNS = frozenset("shot,round,bullet,gun,weapon,rifle,missile,rocket,shell,salvo,"
                         "volley,cannon,torpedo,mortar,warning,tear,gas,fire".split(","))

#: Verbs that carry a nominal event ("make a trip", "hold talks"): the noun is the trigger.
LIGHT_VERBS = frozenset("make,hold,take,give,have,launch,carry,conduct,stage,undertake,pay,"
                        "begin,start,complete,attend,join,lead,organise,organize,seek,win,"
                        "lose,face,file,issue,call,wage,mount,deliver,receive,reach,"
                        "strike,claim,suffer,resume,continue,kick,go,find,leave,declare,"
                        "pronounce".split(","))
#: Verbs that report speech or belief; as main event they give way to what they report.
REPORTING = frozenset("say,tell,announce,confirm,state,declare,report,add,comment,note,tweet,"
                      "write,reveal,explain,insist,claim,stress,accord,believe,think,know,"
                      "suggest,indicate,argue,predict,warn,acknowledge,admit,describe,mention,"
                      "quote,cite,hear,learn,understand,fear,allege,deny,assert,"
                      "reiterate,disclose,testify,recall,estimate".split(","))
#: Controllers of an infinitive that only frame it ("is expected to decide", "sought to visit"):
#: no event of their own; the complement is the event, with the status given here.
FRAMING: dict[str, str] = {
    **dict.fromkeys("plan,expect,intend,hope,aim,prepare,seek,want,wish,schedule,set,due,going,"
                    "poised,ready,eager,slate,need,look,move,hurry,rush,strive,desire,"
                    "anticipate,prefer,like,love,have,able,go,await".split(","), "planned"),
    **dict.fromkeys("consider,mull,weigh,try,attempt,likely,possible,unlikely,bound,"
                    "contemplate,explore".split(","), "hypothetical"),
    **dict.fromkeys("refuse,decline,fail,neglect,forget,avoid,unable,reluctant".split(","),
                    "negated"),
    **dict.fromkeys("start,begin,continue,keep,resume,manage,stop,cease,finish,proceed,"
                    "happen,use,get,come,tend,seem,appear".split(","), "inherit"),
}
#: Verbs of becoming: with an adjective complement they state a change of state, an event
#: whatever the adjective ("prices get higher", "the protest turned violent").
INCHOATIVE = frozenset("get,become,grow,turn,go,fall".split(","))
#: Nouns of effort or intent that frame a "to" infinitive as framing verbs do ("race to reach
#: the boy", "bid to oust the leader", "plan to cut jobs"): the infinitive says what happens.
FRAMING_NOUNS = frozenset("race,rush,scramble,bid,attempt,effort,push,drive,plan,plot,move,"
                          "quest,struggle,fight,battle,campaign".split(","))
#: Verbs that never make an event by themselves (copulas, support and relational verbs).
NON_EVENTS = frozenset("be,have,do,get,seem,appear,become,remain,accord,include,involve,mean,"
                       "let,tend,belong,contain,exist,cost,lack,matter,deserve,base,regard,"
                       "concern,relate,link,entitle,sound,consist,comprise,represent,feature,"
                       "total,number,equal,constitute,range,span,suppose,stand,sit,lie,"
                       "count,refer,depend".split(","))
#: Verbs too general to be an event unless the lexicon types them in context ("use", "see",
#: "make"): an untyped one is not published. Light verbs, framing verbs used without an
#: infinitive, and verbs of perception, cognition and motion in general.
WEAK_VERBS = frozenset(LIGHT_VERBS | set(FRAMING) | frozenset(
    "use,see,think,know,look,come,help,put,set,show,believe,feel,bring,turn,let,allow,try,"
    "give,take,make,get,want,need,like,keep,mean,say,tell,hear,watch,seem,guess,wonder,"
    "ask,add,provide,offer,include,play,work,run,live,stay,hold,carry,move,follow".split(",")))
#: Modal auxiliaries and what they make of the event.
MODALS: dict[str, str] = {
    **dict.fromkeys(["will", "shall", "'ll", "wo", "ll"], "planned"),
    **dict.fromkeys(["could", "might", "may", "should", "must", "would", "can", "ca", "ought",
                     "'d"], "hypothetical"),
}


#: Every single-word lemma the lexicon mentions, for repairing the model's lemmas.
KNOWN_LEMMAS = frozenset(
    {k for k in [*VERBS, *NOUNS, *ADJECTIVES] if " " not in k} | LIGHT_VERBS | REPORTING
    | set(FRAMING) | NON_EVENTS | MARKET_VERBS | set(CONDITIONAL) | set(MODALS))


def type_of(name: str) -> EventType:
    """The `EventType` called `name`; unknown names are `other`."""
    return TYPES.get(name, TYPES["other"])
