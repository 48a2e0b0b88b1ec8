import { z } from 'zod';
import { fold } from '../core/text.js';
import { parseInput } from '../core/validate.js';

/**
 * A concept lexicon: concept name → the words that express it. An entry is a whole word (`"tili"`), a prefix
 * ending in `*` (`"tilau*"` meets tilaus, tilauksen, tilaukseni), or two words (`"log in"`, `"ei toimi*"`; the
 * first must be a whole word). Entries are matched after case and diacritic folding, so "sähköposti" also meets
 * "sahkoposti". A prefix needs at least three letters before the `*`.
 */
export type ConceptLexicon = Readonly<Record<string, readonly string[]>>;

const ENTRY = /^[\p{L}\p{N}][\p{L}\p{N}'-]*(\*|( \p{L}[\p{L}\p{N}'-]*\*?))?$/u;

/** The zod schema of a {@link ConceptLexicon}, used when one is passed in or loaded with a saved model. */
export const ConceptLexiconSchema = z.record(
  z
    .string()
    .min(1)
    .max(60)
    .regex(/^[\p{L}\p{N}_-]+$/u, 'a concept name is letters, digits, "_" or "-"'),
  z
    .array(
      z
        .string()
        .regex(ENTRY, 'an entry is a word, a prefix of 3+ letters ending in "*", or two words')
        .refine((entry) => !entry.endsWith('*') || entry.split(' ').at(-1)!.length >= 4, {
          message: 'a prefix needs at least three letters before "*"',
        }),
    )
    .min(1),
);

// The built-in lexicon, a comma-separated list per concept (kept as text so it reads as a word list).
const WORDS: Record<string, string> = {
  order: `
    tilau*, tilas*, tilat*, tilaa*, tilannut, tilanneet, tilasit, order*, purchas*, osto*, ostin,
    ostanut, ostettu, ostamani, kama, kamat, kamaa, kamani, kamoja, tavara*, bought,
    tilai*, tilaam*, hankin*, hankki*`,
  tracking: `
    paketti*, paketin, pakettia, lähetys*, lähetyk*, lähetetty, lähetet*, seuranta*, seurann*, seurant*,
    tracking, track*, parcel*, package*, shipment*, shipped, matkalla, jumissa, jumitt*, lähtenyt,
    lähteny, lähtee, lähti, saapu*, arrive*, tullut, tullu, tulee, where, missä, tilanne*, tilannet*,
    status, käsittely*, processing, vaihe*,
    mis, jäljit*, perillä, perille, tulossa, jakelu*, lajittelu*, terminaali*`,
  delivery: `
    toimitu*, toimituk*, toimite*, toimita*, kotiinkulj*, kuljetu*, kuljetuk*, kotiin, kotiovelle,
    ovelle, nouto*, noudan, noutaa, noutamaan, pakettiautomaat*, automaatti*, posti, postin, postiin,
    postista, matkahuol*, budbee, dhl, schenker, delivery, deliver*, shipping, ship, pickup, locker*,
    courier, kuriiri*, rahti*, toimituskulu*, postikulu*, postimaksu*, kuljetusmaksu*, home delivery,
    lähetyskulu*, kanto*, kantopalvelu*, sisäänkanto*, asennu*, ulkomail*, ulkomaa*, pika*, express, smartpost, postnord, ups, fedex, bring, pakettipist*,
    ulkomaille, abroad, norjaan, ruotsiin, viroon, saksaan, ahvenanmaa*`,
  waiting: `
    milloin, koska, kauanko, kauan, vielä, vieläkään, vieläk, when, long, still, yet, odot*, odott*,
    wait*, myöhässä, late, delay*, viivä*, viivy*, kuulunut, kuulunu, kestää, kestä, kesti, ruuhka*,
    jono*, queue*, jonot*,
    millon, millo, yhä, edelleen`,
  cancel: `
    peru*, peruu*, peruut*, perut*, cancel*, keskeyt*, perua, stop, undo, en halua*, don't want, no
    longer,
    mitätöi*, kumo*, en tarvitse, en tarvi*`,
  change: `
    muuta*, muutta*, muutos*, muutok*, vaihda*, vaihta*, change*, modify, edit, lisätä, lisää, add,
    osoite*, osoit*, osote*, address*,
    vaihde*, vaihdo*, päivit*, update*, lisäys*, remove*, poista*, pois`,
  return: `
    palaut*, return*, send back, takaisin, rma, avaamat*, pakkau*, pakkaus, alkuperäi*, exchange,
    vaihto*, katumus*, palautusoikeu*, palautusaika,
    takas, takasin, käyttämätön, käyttämät*, väärä koko, wrong size`,
  refund: `
    hyvit*, refund*, rahat, rahani, rahoja, rahaa, rahojen, raha, money, takaisinmaksu*, reimburs*,
    money back, rahat takaisin, korvau*, korvaa*, compensat*,
    rahat takas, maksunpalautu*, maksupalautu*, vapautu*`,
  payment: `
    maksa*, makso*, kortti*, kortil*, kortin, korttia,
    kortte*, visa, mastercard, amex, mobilepay, klarna, paypal, apple pay, google pay, osamaksu*,
    erissä, erässä, osissa, installment*, instalment*, lahjakort*, gift card*, giftcard*, verkkopank*,
    pankkikort*, luottokort*, credit, debit, card*, pay, paying, payment*, ennakko*, rahoitu*, financ*,
    maestro, electron, diners, american express, kassa*, checkout,
    maksu*, makse*, varaus*, katevaraus*, tilisiirto*, smartum, epassi, edenred, vipps,
    erään, eriin`,
  invoice: `
    lasku*, kuitti*, kuitin, kuittia, kuitit, eräpäiv*, invoice*, bill, bills, receipt*, viitenumero*,
    viite, alv, vat, y-tunnus, tosite*, pdf, maksumuistu*, muistutu*, karhu*, perintä*, due date, due,
    ostokuit*, erittely*, verkkolasku*, e-lasku*, paperilasku*, kirjanpito*`,
  charge: `
    veloit*, charge*, kahdesti, kahteen kertaan, tuplana, tupla*, kaksinkertai*, twice, double*,
    ylimäär*, extra, hinta*, hinnan, hinnat, price*, summa*, amount*, overcharg*, riitaut*, dispute*,
    chargeback, oikaisu*, virheelli*, väärä summa, wrong amount, pankkitili*, tiliotte*, statement,
    erotus*, liikaa, ylihin*, kaksi kertaa`,
  account: `
    kirjau*, kirjaut*, login, log in, logged, sign in, signin, salasan*, password*, tili, tilin,
    tilille, tililleni, tilini, tiliä, tililtä, tilistä, tiliin, account*, käyttäjätun*, käyttäjä*,
    tunnus*, tunnuks*, username, user, lukossa, lukittu*, lukitt*, locked, rekister*, register*,
    vahvistuskoodi*, koodi*, code*, 2fa, kaksivaih*, verification, reset*, nollaa*, nollau*, unohdin,
    unohtu*, forgot*, profiili*, profile*, omat sivut, error, virhe*, sisään, authenticat*, tunnistau*,
    bankid, pankkitunnu*,
    sisäänkirjau*, asiakastili*, käyttäjätili*, verkkotili*, salis*, linkki*, link, tekstiviestikoodi*`,
  privacy: `
    gdpr, tietosuoj*, privacy, henkilötie*, tietoni, tietojeni, tiedot, tietoja, tietojen, tietoihin,
    data, poist*, delete*, erase*, unohdetu*, unsubscribe*, uutiskirj*, newsletter*, markkinoin*,
    mainos*, spam*, roskaposti*, evästee*, cookie*, suostumu*, consent*, koneluettav*, portab*,
    rekisteriote*, tarkastusoikeu*, personal data, marketing,
    säilyt*, kieltä*, luovut*, kolmansi*, tietoturva*, tietovuo*, sulje*, sulke*, sulkemi*, tekstari*,
    tietopyyn*, lupa, lupaa, luvan, luvatta`,
  warranty: `
    takuu*, warrant*, guarantee*, huolto*, huollo*, huolla*, korja*, repair*, fix*, rikki, rikkou*,
    rikkoont*, broken, broke, break*, hajo*, hajos*, vika*, viallin*, vioittu*, faulty, defect*,
    reklam*, toimimat*, lakkasi, ei toimi*, not working, stopped, laite*, laitte*, device*,
    kipinö*, savu*, käry*, palanu*, kuumen*, ylikuum*, sammu*, käynnisty*, lakkas*,
    vuota*, vuoda*`,
  contact: `
    aukiolo*, auki, avoinna, aukeaa, open*, hours, puhelin*, puhelu*, soitta*, soita*, soitan, soittak*,
    phone*, call, calling, chat*, chatti*, sähköpost*, email*, e-mail, meili*, maili*, yhteyt*, yhteys*,
    yhteyde*, tavoit*, reach, contact*, myymälä*, kivijal*, store, stores, showroom, asiakaspalvelu*,
    customer service, support, tuki, arkisin, arkipäiv*, viikonlop*, weekend*, pyhä*, juhlapyh*,
    holiday*, kello, klo, illalla, iltaisin, aamulla, aamuisin, facebook, instagram, twitter, whatsapp,
    dm, messenger, ruotsiksi, englanniksi, suomeksi, kieli*, kielellä, language*, swedish, english,
    finnish, sijai*, location*, located, käyntiosoit*, postiosoit*, yhteystie*,
    spost*, s-post*, kiinni, suljettu, joulu*, juhannu*, pääsiäi*, uudenvuod*, vappu*, vastaa*, vastau*, numero*, toimipist*, konttori*, toimisto*`,
  human: `
    ihmi*, elävä*, henkilö*, asiakaspalvelija*, virkailija*, myyjä*, agentti*, agent, agents, human*,
    person, someone, somebody, real, esihenk*, esimie*, supervisor*, manager*, callback*, soittopyyn*,
    takaisinsoit*, puhu*, talk*, speak*, botti*, bot, bots, robot*, ketään, joku, jonkun, jollekin,
    oikea*, oikealle, live,
    työntekijä*, aito, aidon, aidolle, tekoäly*, ai, yhdistä*, connect*, transfer*, eskaloi*, escalat*`,
  complaint: `
    huono*, heikko*, heikosti, surkea*, surke*, kamala*, kauhea*, karmea*, pettyny*, pettymy*, petty*,
    valitus, valituksen, valitan, valittaa, palaute*, palautett*, feedback, complain*, terrible, awful,
    disappoint*, unacceptable, ridiculous, naurettav*, törkeä*, pieleen, ikinä, never, harhaanjohta*,
    mislead*, meininki*, epäammattim*, asiaton*, kohtelu*, rude, tyly*, epäkohtelia*, ärsyttä*,
    suututta*, vitut*, paska*, ei enää, never again, worst, huonoin, kehno*, moka*, munaus*, hanuri*,
    persee*, syvältä, ala-arvoi*, kökkö*, onneton, onnetonta,
    romahta*, laatu, laadu*, ei vakuuta, luvat*, lupasi*, lupaus*, koskaan, kukaan, joudu*, en enää, enkä enää, sääli, häpeä*, hävettä*, kusetu*, huijau*, huijari*, scam, epäreilu*,
    sekav*`,
  damaged: `
    vaurio*, vaurioi*, kolhi*, naarmu*, särky*, särkyn*, damage*, scratch*, dent*, dented, puuttu*,
    missing, väärä tuote, wrong item, lommo*, märkä, rikkinäi*`,
  stock: `
    varasto*, varastoss*, loppu, loppuunmyy*, saatavu*, saatavill*, stock, available, availab*, sold
    out, ennakkotil*, preorder*, pre-order*`,
  discount: `
    alennu*, ale, alekoodi*, tarjous*, tarjouk*, kampanja*, kuponki*, kuponk*, discount*, coupon*,
    promo*, offer*, sale, etukoodi*, kanta-asiak*, loyalty`,
};

/**
 * Customer-service concepts in Finnish (written and spoken forms) and English, with the loanwords Finns type
 * mid-sentence ("refund", "login"). Eight examples of an intent cannot show every way to say "order" or "refund";
 * the concept feature carries what one example teaches to the words the others use. Written from general
 * knowledge of web-shop and service customer contact, not from any evaluation set. Extend or replace it with the
 * `concepts` option of `trainIntentModel`.
 */
export const CUSTOMER_SERVICE_CONCEPTS: ConceptLexicon = Object.fromEntries(
  Object.entries(WORDS).map(([name, words]) => [
    name,
    words
      .trim()
      .split(/\s*,\s*/)
      .map((entry) => entry.replace(/\s+/g, ' ')),
  ]),
);

/** Finds the concepts a list of folded words expresses: one entry per match, in word order. */
export interface ConceptMatcher {
  /** The concept names, indexed by the numbers {@link ConceptMatcher.match} returns. */
  readonly names: readonly string[];
  /** Calls `found(concept, word)` for each concept a word (or the word with the one before it) expresses. */
  match(words: readonly string[], found: (concept: number, word: number) => void): void;
}

/**
 * Compiles a lexicon for fast matching: whole words and two-word entries by hash lookup, prefixes by a lookup of
 * each word's own prefixes, and a bounded memo of each word's concepts (text repeats its words).
 * Throws {@link InvalidInputError} for a malformed lexicon.
 */
export function compileConcepts(lexicon: ConceptLexicon): ConceptMatcher {
  const data = parseInput(
    ConceptLexiconSchema,
    lexicon,
    'concept lexicon',
    'Give { conceptName: ["word", "prefix*", "two words"] }.',
  );
  const names = Object.keys(data);
  const exact = new Map<string, number[]>();
  const prefixes = new Map<string, number[]>();
  // Two-word entries, by their (whole) first word: the second word and whether it is a prefix.
  const pairs = new Map<string, { second: string; prefix: boolean; concept: number }[]>();
  let longestPrefix = 0;
  const addTo = (map: Map<string, number[]>, key: string, concept: number) => {
    const list = map.get(key) ?? [];
    if (!list.includes(concept)) list.push(concept);
    map.set(key, list);
  };
  names.forEach((name, concept) => {
    for (const raw of data[name]!) {
      const entry = fold(raw.normalize('NFC').toLowerCase());
      const space = entry.indexOf(' ');
      if (space > 0) {
        const second = entry.slice(space + 1);
        const prefix = second.endsWith('*');
        const list = pairs.get(entry.slice(0, space)) ?? [];
        list.push({ second: prefix ? second.slice(0, -1) : second, prefix, concept });
        pairs.set(entry.slice(0, space), list);
      } else if (entry.endsWith('*')) {
        const stem = entry.slice(0, -1);
        addTo(prefixes, stem, concept);
        longestPrefix = Math.max(longestPrefix, stem.length);
      } else addTo(exact, entry, concept);
    }
  });
  const memo = new Map<string, readonly number[]>();
  const NONE: readonly number[] = [];
  const conceptsOf = (word: string): readonly number[] => {
    let found = memo.get(word);
    if (found !== undefined) return found;
    const hits: number[] = [...(exact.get(word) ?? NONE)];
    for (let length = 3; length <= Math.min(word.length, longestPrefix); length++) {
      const list = prefixes.get(word.slice(0, length));
      if (list) for (const concept of list) if (!hits.includes(concept)) hits.push(concept);
    }
    found = hits.length > 0 ? hits : NONE;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, found);
    return found;
  };
  return {
    names,
    match(words, found) {
      for (let w = 0; w < words.length; w++) {
        const word = words[w]!;
        for (const concept of conceptsOf(word)) found(concept, w);
        if (w === 0 || pairs.size === 0) continue;
        const candidates = pairs.get(words[w - 1]!);
        if (!candidates) continue;
        for (const { second, prefix, concept } of candidates) {
          if (prefix ? word.startsWith(second) : word === second) found(concept, w);
        }
      }
    },
  };
}

const MEMO_LIMIT = 100_000;
