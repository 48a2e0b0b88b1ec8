/*
 * The browser agent console. The whole UI is one HTML string: inline CSS, one inline script, no
 * framework and no external request. Every piece of data is inserted with textContent or
 * createElement, never as HTML. The inline script avoids backticks, template placeholders and
 * backslashes so that this TypeScript template literal carries it through unchanged.
 */

/** The agent console: one self-contained HTML page (inline CSS and JS, no external requests), served at "/". */
export const CONSOLE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>kaiku</title>
<style>
:root {
  --bg: #f5f6f8;
  --card: #ffffff;
  --border: #dde1e6;
  --text: #1d2330;
  --muted: #5f6b7a;
  --accent: #2457c5;
  --accent-soft: #e8eefb;
  --good: #1e7a45;
  --good-soft: #e3f4ea;
  --warn: #9a5b00;
  --warn-soft: #fdf0d9;
  --bad: #b42323;
  --bad-soft: #fbe5e5;
  --info: #2457c5;
  --info-soft: #e8eefb;
  --neutral: #4d5766;
  --neutral-soft: #eceef1;
  --radius: 8px;
}
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px;
  line-height: 1.45;
  color: var(--text);
  background: var(--bg);
}
[hidden] { display: none !important; }
header.top {
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 10px 20px;
  background: var(--card);
  border-bottom: 1px solid var(--border);
  flex-wrap: wrap;
}
header.top h1 { margin: 0; font-size: 20px; letter-spacing: 0.02em; }
header.top .subtitle { color: var(--muted); }
header.top .spacer { flex: 1; }
.toggle { display: inline-flex; border: 1px solid var(--border); border-radius: 999px; overflow: hidden; }
.toggle button {
  border: 0;
  background: transparent;
  padding: 4px 12px;
  font: inherit;
  cursor: pointer;
  color: var(--muted);
}
.toggle button[aria-pressed="true"] { background: var(--accent); color: #fff; }
button { font: inherit; }
button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible, a:focus-visible {
  outline: 2px solid var(--accent);
  outline-offset: 2px;
}
.btn {
  border: 1px solid var(--accent);
  background: var(--accent);
  color: #fff;
  border-radius: 6px;
  padding: 6px 14px;
  cursor: pointer;
}
.btn.secondary { background: var(--card); color: var(--accent); }
.btn.danger { background: var(--bad); border-color: var(--bad); }
.btn:disabled { opacity: 0.55; cursor: not-allowed; }
#error-bar {
  display: flex;
  align-items: flex-start;
  gap: 12px;
  margin: 12px 20px 0;
  padding: 10px 14px;
  border: 1px solid #efb4b4;
  border-radius: var(--radius);
  background: var(--bad-soft);
  color: var(--bad);
}
#error-bar .error-body { flex: 1; }
#error-bar .error-message { font-weight: 600; }
#error-bar .error-hint { color: var(--text); margin-top: 2px; }
#error-bar ul { margin: 4px 0 0; padding-left: 18px; color: var(--text); }
#error-bar .close { border: 0; background: transparent; color: var(--bad); cursor: pointer; font-size: 18px; line-height: 1; }
#key-form {
  display: flex;
  gap: 8px;
  align-items: flex-end;
  flex-wrap: wrap;
  margin: 12px 20px 0;
  padding: 12px 14px;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  background: var(--card);
}
#key-form p { margin: 0 0 6px; width: 100%; color: var(--muted); }
main {
  display: grid;
  grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
  gap: 16px;
  padding: 16px 20px 32px;
  align-items: start;
}
@media (max-width: 960px) {
  main { grid-template-columns: minmax(0, 1fr); }
}
.panel { display: flex; flex-direction: column; gap: 12px; min-width: 0; }
.panel > h2 { margin: 0; font-size: 13px; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); }
.card {
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  padding: 12px 14px;
  min-width: 0;
}
.card > h3 { margin: 0 0 8px; font-size: 15px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 12px; }
@media (max-width: 520px) { .fields { grid-template-columns: 1fr; } }
.field { display: flex; flex-direction: column; gap: 2px; }
.field label { font-size: 12px; color: var(--muted); }
.field[data-used="true"] label { color: var(--accent); font-weight: 600; }
.field[data-used="true"] input { border-color: #9fb5e6; background: #fbfcff; }
input[type="text"], input[type="email"], input[type="tel"], input[type="password"], textarea {
  font: inherit;
  color: inherit;
  padding: 6px 8px;
  border: 1px solid var(--border);
  border-radius: 6px;
  background: #fff;
  width: 100%;
}
textarea { resize: vertical; min-height: 72px; }
.channel-switch { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0 4px; align-items: center; }
.channel-switch .label { font-size: 12px; color: var(--muted); margin-right: 4px; }
.channel-switch button {
  border: 1px solid var(--border);
  background: #fff;
  border-radius: 999px;
  padding: 4px 12px;
  cursor: pointer;
}
.channel-switch button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
.identity-note { font-size: 12px; color: var(--muted); margin: 2px 0 8px; }
.composer { display: flex; flex-direction: column; gap: 6px; }
.composer-actions { display: flex; align-items: center; gap: 10px; }
.composer-actions .hint { font-size: 12px; color: var(--muted); }
#customer-thread { display: flex; flex-direction: column; gap: 8px; }
.bubble {
  max-width: 88%;
  padding: 8px 10px;
  border-radius: 10px;
  border: 1px solid var(--border);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.bubble[data-author="customer"] { align-self: flex-end; background: var(--accent-soft); border-color: #c6d4f3; }
.bubble[data-author="bot"] { align-self: flex-start; background: #fff; }
.bubble .meta { display: flex; gap: 6px; align-items: center; font-size: 11px; color: var(--muted); margin-bottom: 3px; white-space: normal; }
.badge {
  display: inline-block;
  padding: 1px 8px;
  border-radius: 999px;
  font-size: 11px;
  font-weight: 600;
  background: var(--neutral-soft);
  color: var(--neutral);
  white-space: nowrap;
  vertical-align: middle;
}
.badge[data-channel="chat"] { background: #e6f1fb; color: #1c5d99; }
.badge[data-channel="email"] { background: #efe8fb; color: #5b35a8; }
.badge[data-channel="sms"] { background: #e4f5ef; color: #1d6b53; }
.badge[data-channel="twitter"] { background: #e9ecef; color: #20262d; }
.tone-good { color: var(--good); }
.tone-warn { color: var(--warn); }
.tone-bad { color: var(--bad); }
.tone-info { color: var(--info); }
.tone-neutral { color: var(--neutral); }
.badge.tone-good { background: var(--good-soft); }
.badge.tone-warn { background: var(--warn-soft); }
.badge.tone-bad { background: var(--bad-soft); }
.badge.tone-info { background: var(--info-soft); }
.badge.tone-neutral { background: var(--neutral-soft); }
#conversation-id { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
#conversation-id code { font-size: 13px; background: var(--neutral-soft); padding: 1px 6px; border-radius: 4px; }
.conv-label { font-size: 12px; color: var(--muted); }
#conversation-channels { display: inline-flex; flex-wrap: wrap; gap: 4px; align-items: center; }
#conversation-channels .channel + .channel::before { content: "→"; color: var(--muted); margin: 0 6px 0 0; font-weight: 400; }
#conversation-channels .channel { background: transparent; padding: 0; font-size: 12px; }
.conv-meta { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 12px; color: var(--muted); }
.chip {
  display: inline-block;
  padding: 1px 8px;
  border: 1px solid var(--border);
  border-radius: 999px;
  font-size: 12px;
  background: #fafbfc;
  color: var(--text);
  overflow-wrap: anywhere;
}
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
#timeline { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.timeline-item {
  display: grid;
  grid-template-columns: auto auto auto minmax(0, 1fr);
  gap: 4px 8px;
  align-items: baseline;
  padding: 6px 8px;
  border-left: 3px solid var(--border);
  background: #fafbfc;
  border-radius: 0 6px 6px 0;
}
.timeline-item[data-author="customer"] { border-left-color: #7b9ae0; }
.timeline-item[data-author="bot"] { border-left-color: #b3bac4; }
.timeline-item[data-author="agent"] { border-left-color: var(--good); }
.timeline-item time { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.timeline-item .author { font-size: 12px; font-weight: 600; }
.timeline-item .text { white-space: pre-wrap; overflow-wrap: anywhere; }
@media (max-width: 520px) {
  .timeline-item { grid-template-columns: auto auto minmax(0, 1fr); }
  .timeline-item .text { grid-column: 1 / -1; }
}
.trow { padding: 8px 0; border-top: 1px solid #eef0f3; }
.trow:first-child { border-top: 0; padding-top: 0; }
.trow-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.trow-label { width: 110px; flex: none; font-size: 12px; color: var(--muted); }
.trow-value { font-weight: 600; overflow-wrap: anywhere; }
.trow-extra { font-size: 12px; color: var(--muted); }
.conf { margin-left: auto; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.meter { height: 4px; background: var(--neutral-soft); border-radius: 2px; overflow: hidden; margin: 4px 0 2px; }
.meter > span { display: block; height: 100%; background: var(--accent); border-radius: 2px; }
details.reasons { margin-top: 2px; font-size: 12px; }
details.reasons summary { cursor: pointer; color: var(--muted); }
details.reasons ul { margin: 4px 0 0; padding-left: 18px; }
details.reasons li { margin: 2px 0; overflow-wrap: anywhere; }
details.reasons code { background: var(--neutral-soft); padding: 0 4px; border-radius: 3px; }
.evidence { font-style: italic; }
blockquote.answer-text {
  margin: 0 0 8px;
  padding: 8px 12px;
  border-left: 3px solid var(--accent);
  background: #f8faff;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.citations { margin: 6px 0 0; padding-left: 20px; }
.citation { margin: 6px 0; }
.citation .cite-title { font-weight: 600; }
.citation .snippet { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.handoff-actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; margin-top: 10px; }
.handoff-actions .field { flex: 1; min-width: 180px; }
#packet { margin-top: 12px; }
.packet { border: 1px solid #f1d29a; background: #fffaf0; border-radius: var(--radius); padding: 10px 12px; }
.packet h4 { margin: 0 0 6px; font-size: 14px; }
.packet dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; margin: 0; }
.packet dt { font-size: 12px; color: var(--muted); }
.packet dd { margin: 0; overflow-wrap: anywhere; }
.packet ul { margin: 0; padding-left: 18px; }
.sparkline { display: block; overflow: visible; max-width: 100%; height: auto; }
@media (max-width: 520px) { .packet dl { grid-template-columns: minmax(0, 1fr); } .packet dd { margin-bottom: 4px; } }
.sparkline .zero { stroke: #c3c9d1; stroke-dasharray: 3 3; stroke-width: 1; }
.sparkline polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.sparkline circle { stroke: #fff; stroke-width: 1; }
.sparkline circle.negative { fill: var(--bad); }
.sparkline circle.neutral { fill: var(--neutral); }
.sparkline circle.positive { fill: var(--good); }
#alerts { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.alert { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; background: #fff; }
.alert .alert-head { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: baseline; }
.alert .topic { font-weight: 600; }
.alert .counts { font-size: 12px; color: var(--muted); }
.alert time { margin-left: auto; font-size: 12px; color: var(--muted); }
.alert .summary { margin: 4px 0; overflow-wrap: anywhere; }
.alert details { font-size: 12px; }
.alert details ul { margin: 4px 0 0; padding-left: 18px; }
.mention-form { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr) auto; gap: 8px; align-items: end; margin-top: 10px; }
@media (max-width: 620px) { .mention-form { grid-template-columns: minmax(0, 1fr); } }
.mention-status { font-size: 12px; color: var(--muted); min-height: 1em; margin-top: 4px; }
.card-head { display: flex; align-items: baseline; gap: 8px; }
.card-head h3 { margin: 0 0 8px; font-size: 15px; }
.card-head .muted { margin-left: auto; font-size: 12px; }
</style>
</head>
<body>
<header class="top">
  <h1>kaiku</h1>
  <span class="subtitle" data-i18n="subtitle"></span>
  <span class="spacer"></span>
  <div class="toggle" role="group" data-i18n-aria="uiLanguage">
    <button type="button" data-ui-lang="fi" aria-pressed="false">Suomi</button>
    <button type="button" data-ui-lang="en" aria-pressed="false">English</button>
  </div>
</header>

<div id="error-bar" role="alert" hidden></div>

<form id="key-form" hidden autocomplete="off">
  <p data-i18n="keyHelp"></p>
  <div class="field">
    <label for="key-input" data-i18n="keyLabel"></label>
    <input id="key-input" type="password" autocomplete="off" spellcheck="false">
  </div>
  <button type="submit" class="btn" data-i18n="keySave"></button>
</form>

<main>
  <section id="customer-panel" class="panel" aria-labelledby="customer-panel-title">
    <h2 id="customer-panel-title" data-i18n="customerPanel"></h2>
    <div class="card">
      <h3 data-i18n="identity"></h3>
      <div class="fields">
        <div class="field" data-field="name">
          <label for="customer-name" data-i18n="name"></label>
          <input id="customer-name" type="text" value="Maija Meikäläinen" autocomplete="off">
        </div>
        <div class="field" data-field="email">
          <label for="customer-email" data-i18n="email"></label>
          <input id="customer-email" type="email" value="maija@example.com" autocomplete="off">
        </div>
        <div class="field" data-field="phone">
          <label for="customer-phone" data-i18n="phone"></label>
          <input id="customer-phone" type="tel" value="+358 40 012 3456" autocomplete="off">
        </div>
        <div class="field" data-field="handle">
          <label for="customer-handle" data-i18n="handle"></label>
          <input id="customer-handle" type="text" value="@maija_m" autocomplete="off">
        </div>
      </div>
      <div class="channel-switch" role="group" aria-labelledby="channel-label">
        <span class="label" id="channel-label" data-i18n="channel"></span>
        <button type="button" data-channel="chat" aria-pressed="true" data-i18n="ch_chat"></button>
        <button type="button" data-channel="email" aria-pressed="false" data-i18n="ch_email"></button>
        <button type="button" data-channel="sms" aria-pressed="false" data-i18n="ch_sms"></button>
        <button type="button" data-channel="twitter" aria-pressed="false" data-i18n="ch_twitter"></button>
      </div>
      <p class="identity-note" id="identity-note"></p>
      <form class="composer" id="composer">
        <label for="message-input" data-i18n="message"></label>
        <textarea id="message-input" rows="3" data-i18n-ph="messagePlaceholder"></textarea>
        <div class="composer-actions">
          <button type="submit" id="send-button" class="btn"></button>
          <span class="hint" data-i18n="sendHint"></span>
        </div>
      </form>
    </div>
    <div class="card">
      <h3 data-i18n="thread"></h3>
      <div id="customer-thread" role="log" aria-live="polite"></div>
    </div>
  </section>

  <section id="agent-panel" class="panel" aria-labelledby="agent-panel-title">
    <h2 id="agent-panel-title" data-i18n="agentPanel"></h2>
    <div class="card">
      <div id="conversation-id"></div>
      <div id="conversation-meta"></div>
    </div>
    <div class="card">
      <h3 data-i18n="timeline"></h3>
      <ol id="timeline"></ol>
    </div>
    <section id="triage" class="card" aria-labelledby="triage-title">
      <h3 id="triage-title" data-i18n="triage"></h3>
      <div id="triage-body"></div>
    </section>
    <section id="answer" class="card" aria-labelledby="answer-title">
      <h3 id="answer-title" data-i18n="answer"></h3>
      <div id="answer-body"></div>
    </section>
    <section id="handoff" class="card" aria-labelledby="handoff-title">
      <h3 id="handoff-title" data-i18n="handoff"></h3>
      <div id="handoff-decision"></div>
      <div class="handoff-actions">
        <div class="field">
          <label for="handoff-reason" data-i18n="handoffReason"></label>
          <input id="handoff-reason" type="text" autocomplete="off">
        </div>
        <button type="button" id="handoff-button" class="btn danger" disabled></button>
      </div>
      <div id="packet"></div>
    </section>
    <section class="card" aria-labelledby="alerts-title">
      <div class="card-head">
        <h3 id="alerts-title" data-i18n="alerts"></h3>
        <span class="muted" id="alerts-updated"></span>
      </div>
      <ul id="alerts" aria-live="polite"></ul>
      <form class="mention-form" id="mention-form">
        <div class="field">
          <label for="mention-handle" data-i18n="mentionHandle"></label>
          <input id="mention-handle" type="text" value="@asiakas" autocomplete="off">
        </div>
        <div class="field">
          <label for="mention-text" data-i18n="mentionText"></label>
          <input id="mention-text" type="text" autocomplete="off">
        </div>
        <button type="submit" id="mention-send" class="btn secondary" data-i18n="mentionSend"></button>
      </form>
      <div class="mention-status" id="mention-status" aria-live="polite"></div>
    </section>
  </section>
</main>

<script>
(function () {
  'use strict';

  var I18N = {
    fi: {
      subtitle: 'agenttikonsoli',
      uiLanguage: 'Käyttöliittymän kieli',
      keyHelp: 'API-avainta ei ole annettu (avaa sivu osoitteella, jonka lopussa on #key=…, tai syötä avain tähän). Avain säilyy vain tässä välilehdessä.',
      keyLabel: 'API-avain',
      keySave: 'Käytä avainta',
      dismiss: 'Sulje ilmoitus',
      customerPanel: 'Asiakas',
      identity: 'Asiakkaan tiedot',
      name: 'Nimi',
      email: 'Sähköposti',
      phone: 'Puhelin',
      handle: 'Some-tunnus',
      channel: 'Kanava',
      ch_chat: 'Chat',
      ch_email: 'Sähköposti',
      ch_sms: 'Tekstiviesti',
      ch_twitter: 'Some (X)',
      ch_phone: 'Puhelin',
      ch_whatsapp: 'WhatsApp',
      ch_facebook: 'Facebook',
      ch_instagram: 'Instagram',
      ch_web_form: 'Verkkolomake',
      ch_other: 'Muu',
      identitySent: 'Lähetetään tunnisteina: ',
      message: 'Viesti',
      messagePlaceholder: 'Kirjoita viesti asiakkaana…',
      send: 'Lähetä',
      sending: 'Lähetetään…',
      sendHint: 'Ctrl/⌘ + Enter lähettää',
      thread: 'Asiakkaan näkymä',
      threadEmpty: 'Ei vielä viestejä. Kirjoita asiakkaana ja lähetä.',
      agentPanel: 'Agentti',
      conversation: 'Keskustelu',
      noConversation: 'Ei keskustelua vielä.',
      channels: 'Kanavat',
      st_open: 'avoin',
      st_handed_off: 'siirretty ihmiselle',
      st_resolved: 'ratkaistu',
      tier_standard: 'perusasiakas',
      tier_vip: 'VIP',
      events: 'Tapahtumat',
      timeline: 'Aikajana (kaikki kanavat)',
      timelineEmpty: 'Ei viestejä.',
      au_customer: 'asiakas',
      au_agent: 'agentti',
      au_bot: 'botti',
      triage: 'Luokittelu',
      triageEmpty: 'Luokittelu näkyy ensimmäisen viestin jälkeen.',
      language: 'Kieli',
      intent: 'Aihe',
      sentiment: 'Sävy',
      urgency: 'Kiireellisyys',
      route: 'Reititys',
      alternatives: 'vaihtoehdot: ',
      score: 'pisteet ',
      confidence: 'varmuus',
      reasons: 'Perustelut',
      queue: 'Jono',
      skill: 'osaaminen ',
      priority: 'Prioriteetti',
      slaMinutes: 'SLA {n} min',
      rule: 'sääntö ',
      lang_fi: 'suomi',
      lang_en: 'englanti',
      lang_sv: 'ruotsi',
      lang_other: 'muu / ei tunnistettu',
      se_negative: 'negatiivinen',
      se_neutral: 'neutraali',
      se_positive: 'positiivinen',
      ur_low: 'matala',
      ur_normal: 'normaali',
      ur_high: 'korkea',
      ur_critical: 'kriittinen',
      answer: 'Vastaus',
      answerEmpty: 'Tietopankin vastaus näkyy tässä.',
      abstained: 'Ei vastausta (kaiku pidättäytyi)',
      abstainedWhy: 'Syy: ',
      answerLanguage: 'kieli ',
      citations: 'Lähteet',
      noCitations: 'Ei lähteitä.',
      handoff: 'Siirto ihmiselle',
      handoffEmpty: 'Siirtopäätös näkyy ensimmäisen viestin jälkeen.',
      decision: 'Päätös',
      ho_handoff: 'siirrä ihmiselle',
      ho_offer: 'tarjoa ihmistä',
      ho_continue: 'botti jatkaa',
      handoffReason: 'Syy (valinnainen)',
      handoffButton: 'Siirrä ihmiselle',
      handingOff: 'Siirretään…',
      packet: 'Siirtopaketti',
      reference: 'Viite',
      queuePriority: 'Jono / prioriteetti',
      slaDue: 'SLA erääntyy',
      dueIn: '{n} min päästä',
      overdue: 'myöhässä {n} min',
      issue: 'Ongelma',
      wants: 'Asiakas haluaa',
      alreadyAnswered: 'Jo vastattu',
      promises: 'Lupaukset',
      keyFacts: 'Keskeiset tiedot',
      trajectory: 'Sävyn kehitys',
      nextStep: 'Ehdotettu seuraava askel',
      acknowledgement: 'Kuittaus asiakkaalle',
      packetCustomer: 'Asiakas',
      none: '–',
      alerts: 'Some-hälytykset',
      alertsEmpty: 'Ei hälytyksiä.',
      alertsUpdated: 'päivitetty {t}',
      severity: 'vakavuus {n}/10',
      alertCounts: '{c} mainintaa {w} minuutissa (perustaso {b}), p = {p}',
      topTerms: 'Yleisimmät sanat',
      examples: 'Esimerkit',
      mentionHandle: 'Tunnus',
      mentionText: 'Maininnan teksti',
      mentionSend: 'Lähetä maininta',
      mentionResult: 'Hyväksytty {a}, duplikaatteja {d}, uusia hälytyksiä {n}.',
      emptyMessage: 'Kirjoita ensin viesti.',
      emptyMention: 'Anna maininnalle tunnus ja teksti.',
      networkError: 'Verkkovirhe: palvelimeen ei saatu yhteyttä.',
      httpError: 'Palvelin vastasi virheellä',
      badResponse: 'Palvelin palautti odottamattoman vastauksen.',
      needKey: 'API-avain puuttuu.'
    },
    en: {
      subtitle: 'agent console',
      uiLanguage: 'Interface language',
      keyHelp: 'No API key given (open the page with #key=… at the end of the address, or enter the key here). The key is kept in this tab only.',
      keyLabel: 'API key',
      keySave: 'Use key',
      dismiss: 'Dismiss',
      customerPanel: 'Customer',
      identity: 'Customer details',
      name: 'Name',
      email: 'Email',
      phone: 'Phone',
      handle: 'Social handle',
      channel: 'Channel',
      ch_chat: 'Chat',
      ch_email: 'Email',
      ch_sms: 'SMS',
      ch_twitter: 'Social (X)',
      ch_phone: 'Phone',
      ch_whatsapp: 'WhatsApp',
      ch_facebook: 'Facebook',
      ch_instagram: 'Instagram',
      ch_web_form: 'Web form',
      ch_other: 'Other',
      identitySent: 'Identity sent: ',
      message: 'Message',
      messagePlaceholder: 'Write a message as the customer…',
      send: 'Send',
      sending: 'Sending…',
      sendHint: 'Ctrl/⌘ + Enter sends',
      thread: 'Customer view',
      threadEmpty: 'No messages yet. Write as the customer and send.',
      agentPanel: 'Agent',
      conversation: 'Conversation',
      noConversation: 'No conversation yet.',
      channels: 'Channels',
      st_open: 'open',
      st_handed_off: 'handed off',
      st_resolved: 'resolved',
      tier_standard: 'standard',
      tier_vip: 'VIP',
      events: 'Events',
      timeline: 'Timeline (all channels)',
      timelineEmpty: 'No messages.',
      au_customer: 'customer',
      au_agent: 'agent',
      au_bot: 'bot',
      triage: 'Triage',
      triageEmpty: 'Triage appears after the first message.',
      language: 'Language',
      intent: 'Intent',
      sentiment: 'Sentiment',
      urgency: 'Urgency',
      route: 'Route',
      alternatives: 'alternatives: ',
      score: 'score ',
      confidence: 'confidence',
      reasons: 'Reasons',
      queue: 'Queue',
      skill: 'skill ',
      priority: 'Priority',
      slaMinutes: 'SLA {n} min',
      rule: 'rule ',
      lang_fi: 'Finnish',
      lang_en: 'English',
      lang_sv: 'Swedish',
      lang_other: 'other / unknown',
      se_negative: 'negative',
      se_neutral: 'neutral',
      se_positive: 'positive',
      ur_low: 'low',
      ur_normal: 'normal',
      ur_high: 'high',
      ur_critical: 'critical',
      answer: 'Answer',
      answerEmpty: 'The knowledge-base answer appears here.',
      abstained: 'Abstained (no answer)',
      abstainedWhy: 'Why: ',
      answerLanguage: 'language ',
      citations: 'Citations',
      noCitations: 'No citations.',
      handoff: 'Handoff',
      handoffEmpty: 'The handoff decision appears after the first message.',
      decision: 'Decision',
      ho_handoff: 'hand off',
      ho_offer: 'offer a person',
      ho_continue: 'bot continues',
      handoffReason: 'Reason (optional)',
      handoffButton: 'Hand off now',
      handingOff: 'Handing off…',
      packet: 'Handoff packet',
      reference: 'Reference',
      queuePriority: 'Queue / priority',
      slaDue: 'SLA due',
      dueIn: 'in {n} min',
      overdue: '{n} min overdue',
      issue: 'Issue',
      wants: 'Customer wants',
      alreadyAnswered: 'Already answered',
      promises: 'Promises',
      keyFacts: 'Key facts',
      trajectory: 'Sentiment trajectory',
      nextStep: 'Suggested next step',
      acknowledgement: 'Acknowledgement to customer',
      packetCustomer: 'Customer',
      none: '–',
      alerts: 'Social alerts',
      alertsEmpty: 'No alerts.',
      alertsUpdated: 'updated {t}',
      severity: 'severity {n}/10',
      alertCounts: '{c} mentions in {w} min (baseline {b}), p = {p}',
      topTerms: 'Top terms',
      examples: 'Examples',
      mentionHandle: 'Handle',
      mentionText: 'Mention text',
      mentionSend: 'Post mention',
      mentionResult: 'Accepted {a}, duplicates {d}, new alerts {n}.',
      emptyMessage: 'Write a message first.',
      emptyMention: 'Give the mention a handle and text.',
      networkError: 'Network error: could not reach the server.',
      httpError: 'The server answered with an error',
      badResponse: 'The server returned an unexpected response.',
      needKey: 'The API key is missing.'
    }
  };

  var CHANNEL_FIELDS = {
    chat: ['name', 'email'],
    email: ['name', 'email'],
    sms: ['phone', 'name'],
    twitter: ['handle']
  };
  var KEY_STORE = 'kaiku.console.key';
  var LANG_STORE = 'kaiku.console.lang';
  var POLL_MS = 5000;

  var S = {
    lang: 'en',
    key: null,
    channel: 'chat',
    conversationId: null,
    result: null,
    record: null,
    packet: null,
    thread: [],
    alerts: [],
    alertsAt: null,
    busy: false,
    handoffBusy: false,
    mentionBusy: false,
    pollTimer: null,
    pollFailing: false,
    open: {}
  };

  function byId(id) {
    return document.getElementById(id);
  }

  function t(key, vars) {
    var dict = I18N[S.lang] || I18N.en;
    var s = Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : I18N.en[key];
    if (s === undefined) s = key;
    if (vars) {
      Object.keys(vars).forEach(function (k) {
        s = s.split('{' + k + '}').join(String(vars[k]));
      });
    }
    return s;
  }

  /** A label for an enumerated value, or the value itself when there is none. */
  function tv(prefix, value) {
    var key = prefix + String(value);
    var dict = I18N[S.lang] || I18N.en;
    return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : String(value);
  }

  function locale() {
    return S.lang === 'fi' ? 'fi-FI' : 'en-GB';
  }

  function el(tag, props, kids) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'class') node.className = String(v);
        else node.setAttribute(k, String(v));
      });
    }
    append(node, kids);
    return node;
  }

  function append(node, kids) {
    if (!kids) return node;
    (Array.isArray(kids) ? kids : [kids]).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.append(typeof c === 'object' ? c : String(c));
    });
    return node;
  }

  function arr(v) {
    return Array.isArray(v) ? v : [];
  }

  function isNum(v) {
    return typeof v === 'number' && isFinite(v);
  }

  function pct(c) {
    if (!isNum(c)) return '';
    var n = Math.round(Math.max(0, Math.min(1, c)) * 100);
    return S.lang === 'fi' ? n + ' %' : n + '%';
  }

  function num(v, digits) {
    if (!isNum(v)) return '';
    return v.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function signed(v) {
    if (!isNum(v)) return '';
    return (v > 0 ? '+' : '') + num(v, 2);
  }

  function parseDate(s) {
    if (!s) return null;
    var d = new Date(s);
    return isNaN(d.getTime()) ? null : d;
  }

  function shortTime(s) {
    var d = parseDate(s);
    if (!d) return '';
    var now = new Date();
    var sameDay = d.toDateString() === now.toDateString();
    var opts = sameDay
      ? { hour: '2-digit', minute: '2-digit' }
      : { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' };
    return d.toLocaleString(locale(), opts);
  }

  function dateTime(s) {
    var d = parseDate(s);
    if (!d) return s ? String(s) : '';
    return d.toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' });
  }

  function timeEl(s) {
    return el('time', { datetime: s || null, title: dateTime(s) || null, text: shortTime(s) });
  }

  function channelLabel(c) {
    return tv('ch_', c);
  }

  function channelBadge(c) {
    return el('span', { class: 'badge ch', 'data-channel': c, text: channelLabel(c) });
  }

  var TONES = {
    sentiment: { negative: 'tone-bad', neutral: 'tone-neutral', positive: 'tone-good' },
    urgency: { low: 'tone-neutral', normal: 'tone-info', high: 'tone-warn', critical: 'tone-bad' },
    handoff: { handoff: 'tone-bad', offer: 'tone-warn', 'continue': 'tone-good' },
    status: { open: 'tone-info', handed_off: 'tone-warn', resolved: 'tone-good' },
    priority: { p1: 'tone-bad', p2: 'tone-warn', p3: 'tone-info', p4: 'tone-neutral' }
  };

  function tone(kind, value) {
    var map = TONES[kind] || {};
    return Object.prototype.hasOwnProperty.call(map, value) ? map[value] : 'tone-neutral';
  }

  function safeUrl(u) {
    if (typeof u !== 'string' || !u) return null;
    try {
      var parsed = new URL(u, location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function meter(c) {
    if (!isNum(c)) return null;
    var fill = el('span');
    fill.style.width = Math.round(Math.max(0, Math.min(1, c)) * 100) + '%';
    return el('div', { class: 'meter', 'aria-hidden': 'true' }, [fill]);
  }

  /** An expandable list of reasons (code — detail — “evidence”) that stays open across re-renders. */
  function reasonsList(key, reasons) {
    var list = arr(reasons);
    var details = el('details', { class: 'reasons' });
    if (S.open[key]) details.open = true;
    details.addEventListener('toggle', function () {
      S.open[key] = details.open;
    });
    details.append(el('summary', { text: t('reasons') + ' (' + list.length + ')' }));
    var ul = el('ul');
    list.forEach(function (r) {
      if (!r || typeof r !== 'object') return;
      var li = el('li', null, [el('code', { text: r.code || '' }), ' — ', r.detail || '']);
      if (r.evidence) {
        li.append(' — ', el('span', { class: 'evidence', text: '“' + r.evidence + '”' }));
      }
      ul.append(li);
    });
    details.append(ul);
    return details;
  }

  function field(labelKey, value) {
    return [el('dt', { text: t(labelKey) }), el('dd', null, value)];
  }

  /* ------------------------------------------------------------------ errors */

  function showError(err) {
    var bar = byId('error-bar');
    var message = (err && err.message) || t('networkError');
    var body = el('div', { class: 'error-body' }, [el('div', { class: 'error-message', text: message })]);
    if (err && err.hint) body.append(el('div', { class: 'error-hint', text: err.hint }));
    if (err && Array.isArray(err.issues) && err.issues.length) {
      var ul = el('ul');
      err.issues.forEach(function (i) {
        var path = Array.isArray(i.path) ? i.path.join('.') : String(i.path || '');
        ul.append(el('li', { text: (path ? path + ': ' : '') + (i.message || '') }));
      });
      body.append(ul);
    }
    var close = el('button', { type: 'button', class: 'close', 'aria-label': t('dismiss'), title: t('dismiss'), text: '×' });
    close.addEventListener('click', clearError);
    bar.replaceChildren(body, close);
    bar.hidden = false;
  }

  function clearError() {
    var bar = byId('error-bar');
    bar.replaceChildren();
    bar.hidden = true;
  }

  /* --------------------------------------------------------------------- api */

  function apiError(message, extra) {
    var e = new Error(message);
    if (extra) Object.keys(extra).forEach(function (k) { e[k] = extra[k]; });
    return e;
  }

  async function api(method, path, body) {
    if (!S.key) {
      showKeyForm();
      throw apiError(t('needKey'));
    }
    var headers = { Authorization: 'Bearer ' + S.key, Accept: 'application/json' };
    var init = { method: method, headers: headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    var res;
    var raw;
    try {
      res = await fetch(path, init);
      raw = await res.text();
    } catch (e) {
      throw apiError(t('networkError'), { network: true });
    }
    var data = null;
    if (raw) {
      try {
        data = JSON.parse(raw);
      } catch (e) {
        data = null;
      }
    }
    if (!res.ok) {
      var err = data && typeof data === 'object' ? data.error : null;
      if (res.status === 401) showKeyForm();
      if (err && typeof err.message === 'string') {
        throw apiError(err.message, { status: res.status, code: err.code, hint: err.hint, issues: err.issues });
      }
      throw apiError(t('httpError') + ' (' + res.status + ').', { status: res.status });
    }
    if (data === null || typeof data !== 'object') throw apiError(t('badResponse'));
    return data;
  }

  /* ------------------------------------------------------------------- key */

  function readKeyFromHash() {
    var hash = location.hash ? location.hash.slice(1) : '';
    if (!hash) return null;
    var key = new URLSearchParams(hash).get('key');
    return key ? key.trim() || null : null;
  }

  function storeGet(store, name) {
    try {
      return store.getItem(name);
    } catch (e) {
      return null;
    }
  }

  function storeSet(store, name, value) {
    try {
      store.setItem(name, value);
    } catch (e) {
      /* storage unavailable: memory only */
    }
  }

  function setKey(key) {
    S.key = key;
    storeSet(sessionStorage, KEY_STORE, key);
    byId('key-form').hidden = true;
    startPolling();
  }

  function adoptHashKey() {
    var key = readKeyFromHash();
    if (!key) return false;
    // Keep the key out of the address bar and history once it is in memory.
    try {
      history.replaceState(null, '', location.pathname + location.search);
    } catch (e) {
      /* ignore */
    }
    setKey(key);
    return true;
  }

  function showKeyForm() {
    var form = byId('key-form');
    form.hidden = false;
  }

  /* ---------------------------------------------------------------- render */

  function applyStatic() {
    document.documentElement.lang = S.lang;
    document.title = 'kaiku — ' + t('subtitle');
    document.querySelectorAll('[data-i18n]').forEach(function (n) {
      n.textContent = t(n.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-ph]').forEach(function (n) {
      n.setAttribute('placeholder', t(n.getAttribute('data-i18n-ph')));
    });
    document.querySelectorAll('[data-i18n-aria]').forEach(function (n) {
      n.setAttribute('aria-label', t(n.getAttribute('data-i18n-aria')));
    });
    document.querySelectorAll('[data-ui-lang]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-ui-lang') === S.lang));
    });
    renderButtons();
  }

  function renderButtons() {
    var send = byId('send-button');
    send.disabled = S.busy;
    send.textContent = S.busy ? t('sending') : t('send');
    byId('composer').setAttribute('aria-busy', String(S.busy));
    var ho = byId('handoff-button');
    ho.disabled = S.handoffBusy || !S.conversationId;
    ho.textContent = S.handoffBusy ? t('handingOff') : t('handoffButton');
    byId('mention-send').disabled = S.mentionBusy;
  }

  function renderChannel() {
    document.querySelectorAll('.channel-switch [data-channel]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-channel') === S.channel));
    });
    var used = CHANNEL_FIELDS[S.channel] || [];
    document.querySelectorAll('.fields [data-field]').forEach(function (f) {
      f.setAttribute('data-used', String(used.indexOf(f.getAttribute('data-field')) >= 0));
    });
    byId('identity-note').textContent =
      t('identitySent') + used.map(function (f) { return t(f); }).join(', ');
  }

  function renderThread() {
    var box = byId('customer-thread');
    if (!S.thread.length) {
      box.replaceChildren(el('p', { class: 'muted empty', text: t('threadEmpty') }));
      return;
    }
    box.replaceChildren.apply(
      box,
      S.thread.map(function (m) {
        return el('div', { class: 'bubble', 'data-author': m.author, 'data-channel': m.channel }, [
          el('div', { class: 'meta' }, [channelBadge(m.channel), el('span', { text: tv('au_', m.author) }), timeEl(m.at)]),
          el('div', { class: 'bubble-text', text: m.text })
        ]);
      })
    );
  }

  function renderConversation() {
    var box = byId('conversation-id');
    var meta = byId('conversation-meta');
    var rec = S.record;
    var conv = rec && rec.conversation && rec.conversation.id === S.conversationId ? rec.conversation : null;
    var channels = conv ? arr(conv.channels) : S.result && S.result.channel ? [S.result.channel] : [];
    var chans = el(
      'span',
      { id: 'conversation-channels' },
      channels.map(function (c) {
        return el('span', { class: 'channel badge', 'data-channel': c, title: channelLabel(c), text: c });
      })
    );
    if (!S.conversationId) {
      box.replaceChildren(el('span', { class: 'muted', text: t('noConversation') }), chans);
      meta.replaceChildren();
      return;
    }
    var kids = [el('span', { class: 'conv-label', text: t('conversation') }), el('code', { text: S.conversationId })];
    if (conv && conv.status) {
      kids.push(
        el('span', {
          class: 'badge status ' + tone('status', conv.status),
          'data-status': conv.status,
          text: tv('st_', conv.status)
        })
      );
    }
    kids.push(el('span', { class: 'conv-label', text: t('channels') }), chans);
    box.replaceChildren.apply(box, kids);

    var metaKids = [];
    var cust = rec && rec.customer;
    if (cust) {
      metaKids.push(el('span', { text: t('packetCustomer') + ':' }));
      if (cust.name) metaKids.push(el('strong', { text: cust.name }));
      if (cust.tier) metaKids.push(el('span', { class: 'badge ' + (cust.tier === 'vip' ? 'tone-warn' : 'tone-neutral'), text: tv('tier_', cust.tier) }));
      arr(cust.identities).forEach(function (i) {
        metaKids.push(el('span', { class: 'chip', text: i.kind + '=' + i.value }));
      });
    }
    var events = rec ? arr(rec.events) : [];
    if (events.length) {
      var det = el('details', { class: 'reasons' });
      if (S.open.events) det.open = true;
      det.addEventListener('toggle', function () {
        S.open.events = det.open;
      });
      det.append(el('summary', { text: t('events') + ' (' + events.length + ')' }));
      var ul = el('ul');
      events.forEach(function (ev) {
        ul.append(el('li', null, [timeEl(ev.at), ' ', el('code', { text: ev.type })]));
      });
      det.append(ul);
      metaKids.push(det);
    }
    meta.replaceChildren(el('div', { class: 'conv-meta' }, metaKids));
  }

  function renderTimeline() {
    var list = byId('timeline');
    var rec = S.record;
    var messages = rec && rec.conversation && rec.conversation.id === S.conversationId ? arr(rec.messages) : [];
    if (!messages.length) {
      list.replaceChildren(el('li', { class: 'muted', text: t('timelineEmpty') }));
      return;
    }
    list.replaceChildren.apply(
      list,
      messages.map(function (m) {
        return el('li', { class: 'timeline-item', 'data-channel': m.channel, 'data-author': m.author, 'data-message-id': m.id }, [
          timeEl(m.receivedAt),
          channelBadge(m.channel),
          el('span', { class: 'author', text: tv('au_', m.author) }),
          el('span', { class: 'text', text: m.text })
        ]);
      })
    );
  }

  function triageRow(key, value, valueClass, extra, confidence, reasons) {
    return el('div', { class: 'trow', 'data-field': key }, [
      el('div', { class: 'trow-head' }, [
        el('span', { class: 'trow-label', text: t(key) }),
        el('span', { class: 'trow-value ' + (valueClass || ''), text: value }),
        extra ? el('span', { class: 'trow-extra', text: extra }) : null,
        isNum(confidence) ? el('span', { class: 'conf', title: t('confidence'), text: pct(confidence) }) : null
      ]),
      meter(confidence),
      reasonsList('triage-' + key, reasons)
    ]);
  }

  function renderTriage() {
    var box = byId('triage-body');
    var r = S.result;
    if (!r) {
      box.replaceChildren(el('p', { class: 'muted', text: t('triageEmpty') }));
      return;
    }
    var rows = [];
    var lang = r.language || {};
    rows.push(triageRow('language', tv('lang_', lang.value), '', lang.value, lang.confidence, lang.reasons));

    var intent = r.intent || {};
    var alts = arr(intent.alternatives)
      .slice()
      .sort(function (a, b) { return (b.confidence || 0) - (a.confidence || 0); })
      .slice(0, 2)
      .map(function (a) { return a.label + ' ' + pct(a.confidence); });
    rows.push(
      triageRow('intent', String(intent.value || ''), '', alts.length ? t('alternatives') + alts.join(', ') : '', intent.confidence, intent.reasons)
    );

    var se = r.sentiment || {};
    rows.push(triageRow('sentiment', tv('se_', se.value), tone('sentiment', se.value), t('score') + signed(se.score), se.confidence, se.reasons));

    var ur = r.urgency || {};
    rows.push(triageRow('urgency', tv('ur_', ur.value), tone('urgency', ur.value), '', ur.confidence, ur.reasons));

    var ro = r.route || {};
    var routeExtra = [String(ro.priority || '').toUpperCase(), t('slaMinutes', { n: ro.slaMinutes }), t('rule') + (ro.rule || '')];
    if (ro.skill) routeExtra.splice(0, 0, t('skill') + ro.skill);
    rows.push(triageRow('route', String(ro.queue || ''), tone('priority', ro.priority), routeExtra.join(' · '), ro.confidence, ro.reasons));
    box.replaceChildren.apply(box, rows);
  }

  function renderAnswer() {
    var box = byId('answer-body');
    var a = S.result && S.result.answer;
    if (!a) {
      box.replaceChildren(el('p', { class: 'muted', text: t('answerEmpty') }));
      return;
    }
    var kids = [];
    if (a.abstained || a.text === null || a.text === undefined) {
      kids.push(el('p', { class: 'trow-value tone-warn', 'data-abstained': 'true', text: t('abstained') }));
      var first = arr(a.reasons)[0];
      if (first) kids.push(el('p', { class: 'small', text: t('abstainedWhy') + (first.detail || first.code || '') }));
    } else {
      kids.push(el('blockquote', { class: 'answer-text', lang: a.language || null, text: a.text }));
    }
    kids.push(
      el('div', { class: 'trow-head' }, [
        el('span', { class: 'trow-extra', text: t('answerLanguage') + tv('lang_', a.language) }),
        isNum(a.confidence) ? el('span', { class: 'conf', title: t('confidence'), text: pct(a.confidence) }) : null
      ]),
      meter(a.confidence),
      reasonsList('answer', a.reasons)
    );
    var cites = arr(a.citations);
    kids.push(el('h4', { class: 'small muted', text: t('citations') + ' (' + cites.length + ')' }));
    if (!cites.length) {
      kids.push(el('p', { class: 'small muted', text: t('noCitations') }));
    } else {
      var ol = el('ol', { class: 'citations' });
      cites.forEach(function (c) {
        var href = safeUrl(c.url);
        var title = href
          ? el('a', { class: 'cite-title', href: href, target: '_blank', rel: 'noopener noreferrer', text: c.title })
          : el('span', { class: 'cite-title', text: c.title });
        ol.append(
          el('li', { class: 'citation', 'data-id': c.id }, [
            title,
            ' ',
            el('span', { class: 'small muted', text: '(' + c.id + ' · ' + c.lang + (isNum(c.score) ? ' · ' + num(c.score, 2) : '') + ')' }),
            el('div', { class: 'snippet', lang: c.lang || null, text: c.snippet })
          ])
        );
      });
      kids.push(ol);
    }
    box.replaceChildren.apply(box, kids);
  }

  function renderHandoff() {
    var box = byId('handoff-decision');
    var h = S.result && S.result.handoff;
    if (!h) {
      box.replaceChildren(el('p', { class: 'muted', text: t('handoffEmpty') }));
    } else {
      box.replaceChildren(
        el('div', { class: 'trow-head' }, [
          el('span', { class: 'trow-label', text: t('decision') }),
          el('span', { class: 'badge ' + tone('handoff', h.value), 'data-decision': h.value, text: tv('ho_', h.value) }),
          isNum(h.confidence) ? el('span', { class: 'conf', title: t('confidence'), text: pct(h.confidence) }) : null
        ]),
        meter(h.confidence),
        reasonsList('handoff', h.reasons)
      );
    }
    renderPacket();
  }

  function sparkline(points) {
    var NS = 'http://www.w3.org/2000/svg';
    var W = 180;
    var H = 40;
    var P = 5;
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'sparkline');
    svg.setAttribute('width', String(W));
    svg.setAttribute('height', String(H));
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('role', 'img');
    var desc = points
      .map(function (p) { return tv('se_', p.label) + ' ' + signed(p.score); })
      .join(', ');
    svg.setAttribute('aria-label', t('trajectory') + ': ' + desc);
    var title = document.createElementNS(NS, 'title');
    title.textContent = t('trajectory') + ': ' + desc;
    svg.append(title);
    var zero = document.createElementNS(NS, 'line');
    zero.setAttribute('class', 'zero');
    zero.setAttribute('x1', '0');
    zero.setAttribute('x2', String(W));
    zero.setAttribute('y1', String(H / 2));
    zero.setAttribute('y2', String(H / 2));
    svg.append(zero);
    var n = points.length;
    var xy = points.map(function (p, i) {
      var s = isNum(p.score) ? Math.max(-1, Math.min(1, p.score)) : 0;
      var x = n === 1 ? W / 2 : P + (i * (W - 2 * P)) / (n - 1);
      var y = P + ((1 - s) / 2) * (H - 2 * P);
      return [Math.round(x * 10) / 10, Math.round(y * 10) / 10, p];
    });
    if (n > 1) {
      var line = document.createElementNS(NS, 'polyline');
      line.setAttribute('points', xy.map(function (q) { return q[0] + ',' + q[1]; }).join(' '));
      svg.append(line);
    }
    xy.forEach(function (q) {
      var c = document.createElementNS(NS, 'circle');
      c.setAttribute('cx', String(q[0]));
      c.setAttribute('cy', String(q[1]));
      c.setAttribute('r', '3');
      c.setAttribute('class', String(q[2].label || 'neutral'));
      var ct = document.createElementNS(NS, 'title');
      ct.textContent = shortTime(q[2].at) + ' ' + tv('se_', q[2].label) + ' ' + signed(q[2].score);
      c.append(ct);
      svg.append(c);
    });
    return svg;
  }

  function textList(items) {
    var list = arr(items);
    if (!list.length) return el('span', { class: 'muted', text: t('none') });
    return el(
      'ul',
      null,
      list.map(function (s) { return el('li', { text: s }); })
    );
  }

  function renderPacket() {
    var box = byId('packet');
    var p = S.packet;
    if (!p || (S.conversationId && p.conversationId && p.conversationId !== S.conversationId)) {
      box.replaceChildren();
      return;
    }
    var dl = el('dl');
    append(dl, field('reference', el('code', { 'data-reference': p.reference, text: p.reference })));
    append(
      dl,
      field('queuePriority', [
        el('span', { text: p.queue + ' / ' }),
        el('span', { class: 'badge ' + tone('priority', p.priority), text: String(p.priority || '').toUpperCase() }),
        ' ',
        el('span', { class: 'badge ' + tone('urgency', p.urgency), text: tv('ur_', p.urgency) })
      ])
    );
    var due = parseDate(p.slaDueAt);
    var dueText = dateTime(p.slaDueAt);
    if (due) {
      var mins = Math.round((due.getTime() - Date.now()) / 60000);
      dueText += ' (' + (mins >= 0 ? t('dueIn', { n: mins }) : t('overdue', { n: -mins })) + ')';
    }
    append(dl, field('slaDue', el('span', { class: due && due.getTime() < Date.now() ? 'tone-bad' : '', text: dueText })));
    if (p.customer) {
      var who = [el('span', { text: (p.customer.name || p.customer.id) + ' ' })];
      if (p.customer.tier) who.push(el('span', { class: 'badge ' + (p.customer.tier === 'vip' ? 'tone-warn' : 'tone-neutral'), text: tv('tier_', p.customer.tier) }));
      append(dl, field('packetCustomer', who));
    }
    append(dl, field('intent', el('span', { text: p.intent })));
    var summary = p.summary || {};
    append(dl, field('issue', el('span', { text: summary.issue || '' })));
    append(dl, field('wants', el('span', { text: summary.customerWants || '' })));
    append(dl, field('alreadyAnswered', textList(summary.alreadyAnswered)));
    append(dl, field('promises', textList(summary.promises)));
    var facts = arr(p.keyFacts);
    append(
      dl,
      field(
        'keyFacts',
        facts.length
          ? el(
              'div',
              { class: 'chips' },
              facts.map(function (f) { return el('span', { class: 'chip', 'data-kind': f.kind, text: f.kind + '=' + f.value }); })
            )
          : el('span', { class: 'muted', text: t('none') })
      )
    );
    var traj = arr(p.sentimentTrajectory);
    append(dl, field('trajectory', traj.length ? sparkline(traj) : el('span', { class: 'muted', text: t('none') })));
    append(dl, field('nextStep', el('span', { text: p.suggestedNextStep || '' })));
    append(dl, field('acknowledgement', el('blockquote', { class: 'answer-text', text: p.acknowledgement || '' })));
    box.replaceChildren(
      el('div', { class: 'packet' }, [el('h4', { text: t('packet') }), dl, reasonsList('packet', p.reasons)])
    );
  }

  function severityTone(s) {
    return s >= 7 ? 'tone-bad' : s >= 4 ? 'tone-warn' : 'tone-info';
  }

  function renderAlerts() {
    var list = byId('alerts');
    byId('alerts-updated').textContent = S.alertsAt
      ? t('alertsUpdated', { t: S.alertsAt.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }) })
      : '';
    var alerts = arr(S.alerts).slice().sort(function (a, b) {
      return String(b.at).localeCompare(String(a.at));
    });
    if (!alerts.length) {
      list.replaceChildren(el('li', { class: 'muted', text: t('alertsEmpty') }));
      return;
    }
    list.replaceChildren.apply(
      list,
      alerts.map(function (a) {
        var kids = [
          el('div', { class: 'alert-head' }, [
            el('span', { class: 'badge ' + severityTone(a.severity), 'data-severity': a.severity, text: t('severity', { n: a.severity }) }),
            el('span', { class: 'topic', text: a.topic }),
            timeEl(a.at)
          ]),
          el('div', {
            class: 'counts',
            text: t('alertCounts', { c: a.count, w: a.windowMinutes, b: num(a.baseline, 1), p: isNum(a.pValue) ? a.pValue.toLocaleString(locale(), { maximumSignificantDigits: 2 }) : '' })
          }),
          el('p', { class: 'summary', text: a.summary })
        ];
        var terms = arr(a.topTerms);
        if (terms.length) {
          kids.push(
            el('div', { class: 'chips', 'aria-label': t('topTerms') }, terms.map(function (term) { return el('span', { class: 'chip', text: term }); }))
          );
        }
        var ex = arr(a.examples);
        if (ex.length) {
          var key = 'alert-' + a.topic + '-' + a.at;
          var det = el('details');
          if (S.open[key]) det.open = true;
          det.addEventListener('toggle', function () {
            S.open[key] = det.open;
          });
          det.append(el('summary', { text: t('examples') + ' (' + ex.length + ')' }));
          var ul = el('ul');
          ex.forEach(function (e) {
            var href = safeUrl(e.url);
            var handle = href
              ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer', text: e.handle })
              : el('strong', { text: e.handle });
            ul.append(el('li', null, [handle, ': ', e.text]));
          });
          det.append(ul);
          kids.push(det);
        }
        return el('li', { class: 'alert', 'data-topic': a.topic, 'data-severity': a.severity }, kids);
      })
    );
  }

  function renderAgent() {
    renderConversation();
    renderTimeline();
    renderTriage();
    renderAnswer();
    renderHandoff();
    renderButtons();
  }

  function renderAll() {
    applyStatic();
    renderChannel();
    renderThread();
    renderAgent();
    renderAlerts();
  }

  /* --------------------------------------------------------------- actions */

  function identityFor(channel) {
    var values = {
      name: byId('customer-name').value.trim(),
      email: byId('customer-email').value.trim(),
      phone: byId('customer-phone').value.trim(),
      handle: byId('customer-handle').value.trim()
    };
    var customer = {};
    (CHANNEL_FIELDS[channel] || []).forEach(function (f) {
      if (values[f]) customer[f] = values[f];
    });
    return customer;
  }

  async function refreshConversation() {
    var id = S.conversationId;
    if (!id) return;
    var rec = await api('GET', '/v1/conversations/' + encodeURIComponent(id));
    if (id !== S.conversationId) return;
    S.record = rec;
    renderAgent();
  }

  async function send() {
    if (S.busy) return;
    var input = byId('message-input');
    var text = input.value.trim();
    if (!text) {
      showError({ message: t('emptyMessage') });
      input.focus();
      return;
    }
    clearError();
    var channel = S.channel;
    var sentAt = new Date().toISOString();
    S.busy = true;
    renderButtons();
    try {
      var res = await api('POST', '/v1/messages', { channel: channel, text: text, customer: identityFor(channel) });
      if (typeof res.conversationId !== 'string') throw apiError(t('badResponse'));
      if (S.conversationId !== res.conversationId) {
        S.record = null;
        S.packet = null;
      }
      S.conversationId = res.conversationId;
      S.result = res;
      if (res.packet) S.packet = res.packet;
      S.thread.push({ author: 'customer', channel: channel, text: text, at: sentAt });
      if (typeof res.reply === 'string' && res.reply) {
        S.thread.push({ author: 'bot', channel: res.channel || channel, text: res.reply, at: new Date().toISOString() });
      }
      input.value = '';
      renderThread();
      renderAgent();
      await refreshConversation();
    } catch (e) {
      showError(e);
    } finally {
      S.busy = false;
      renderButtons();
    }
  }

  async function handOff() {
    var id = S.conversationId;
    if (!id || S.handoffBusy) return;
    clearError();
    S.handoffBusy = true;
    renderButtons();
    try {
      var reason = byId('handoff-reason').value.trim();
      var packet = await api('POST', '/v1/conversations/' + encodeURIComponent(id) + '/handoff', reason ? { reason: reason } : {});
      if (id === S.conversationId) {
        S.packet = packet;
        renderPacket();
        await refreshConversation();
      }
    } catch (e) {
      showError(e);
    } finally {
      S.handoffBusy = false;
      renderButtons();
    }
  }

  function alertKey(a) {
    return String(a.topic) + '|' + String(a.at);
  }

  async function postMention() {
    if (S.mentionBusy) return;
    var handle = byId('mention-handle').value.trim();
    var textInput = byId('mention-text');
    var text = textInput.value.trim();
    if (!handle || !text) {
      showError({ message: t('emptyMention') });
      return;
    }
    clearError();
    S.mentionBusy = true;
    renderButtons();
    try {
      var id = 'console-' + Date.now() + '-' + Math.random().toString(36).slice(2, 10);
      var res = await api('POST', '/v1/mentions', {
        id: id,
        source: 'twitter',
        author: { handle: handle },
        text: text,
        at: new Date().toISOString()
      });
      var fresh = arr(res.alerts);
      byId('mention-status').textContent = t('mentionResult', { a: res.accepted, d: res.duplicates, n: fresh.length });
      if (fresh.length) {
        var seen = {};
        S.alerts.forEach(function (a) { seen[alertKey(a)] = true; });
        fresh.forEach(function (a) {
          if (!seen[alertKey(a)]) S.alerts.push(a);
        });
        renderAlerts();
      }
      textInput.value = '';
    } catch (e) {
      showError(e);
    } finally {
      S.mentionBusy = false;
      renderButtons();
    }
  }

  async function pollAlerts() {
    S.pollTimer = null;
    if (!S.key) return;
    try {
      var data = await api('GET', '/v1/alerts');
      if (Array.isArray(data.alerts)) {
        S.alerts = data.alerts;
        S.alertsAt = new Date();
        renderAlerts();
      }
      S.pollFailing = false;
    } catch (e) {
      // Report a failing feed once, not every five seconds.
      if (!S.pollFailing) showError(e);
      S.pollFailing = true;
    } finally {
      if (S.key && S.pollTimer === null) S.pollTimer = setTimeout(pollAlerts, POLL_MS);
    }
  }

  function startPolling() {
    if (S.pollTimer !== null) clearTimeout(S.pollTimer);
    S.pollTimer = setTimeout(pollAlerts, 0);
  }

  /* ------------------------------------------------------------------ init */

  function init() {
    var storedLang = storeGet(sessionStorage, LANG_STORE);
    var navLang = String(navigator.language || '').toLowerCase();
    S.lang = storedLang === 'fi' || storedLang === 'en' ? storedLang : navLang.indexOf('fi') === 0 ? 'fi' : 'en';

    document.querySelectorAll('[data-ui-lang]').forEach(function (b) {
      b.addEventListener('click', function () {
        S.lang = b.getAttribute('data-ui-lang') === 'fi' ? 'fi' : 'en';
        storeSet(sessionStorage, LANG_STORE, S.lang);
        renderAll();
      });
    });
    document.querySelectorAll('.channel-switch [data-channel]').forEach(function (b) {
      b.addEventListener('click', function () {
        S.channel = b.getAttribute('data-channel');
        renderChannel();
      });
    });
    byId('composer').addEventListener('submit', function (e) {
      e.preventDefault();
      send();
    });
    byId('message-input').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        send();
      }
    });
    byId('handoff-button').addEventListener('click', handOff);
    byId('mention-form').addEventListener('submit', function (e) {
      e.preventDefault();
      postMention();
    });
    byId('key-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var input = byId('key-input');
      var key = input.value.trim();
      if (!key) {
        input.focus();
        return;
      }
      input.value = '';
      clearError();
      setKey(key);
    });
    window.addEventListener('hashchange', adoptHashKey);

    renderAll();
    if (!adoptHashKey()) {
      var stored = storeGet(sessionStorage, KEY_STORE);
      if (stored) setKey(stored);
      else showKeyForm();
    }
  }

  init();
})();
</script>
</body>
</html>
`;
