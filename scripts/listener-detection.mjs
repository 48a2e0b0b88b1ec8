#!/usr/bin/env node
// Detection times and false alarms of createListener() over 20 synthetic days (syntheticMentions seeds 1–20):
// each day once without a burst (any alert is a false alarm), and once each with a 40-minute burst of negative
// mentions about delivery (1 a minute), payment (0.5) and account (2), starting at a different hour each day.
// Run after `npm run build`:  node scripts/listener-detection.mjs ['{"maxPValue":1e-6}']  (listener options as JSON)
import { createListener } from '../dist/index.js';
import { syntheticMentions } from '../dist/testing/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const DAY = Date.parse('2026-11-23T00:00:00Z');
const BURSTS = [
  ['delivery', 1],
  ['payment', 0.5],
  ['account', 2],
];
const replay = (mentions) => {
  const listener = createListener(options);
  for (const mention of mentions) listener.ingest(mention);
  return listener.alerts();
};
let falseAlarms = 0;
let otherAlerts = 0;
const delays = Object.fromEntries(BURSTS.map(([topic]) => [topic, []]));
for (let seed = 1; seed <= 20; seed++) {
  falseAlarms += replay(syntheticMentions({ seed })).length;
  for (const [topic, perMinute] of BURSTS) {
    const startMinute = 300 + ((seed * 97) % 900);
    const start = DAY + startMinute * 60_000;
    const alerts = replay(syntheticMentions({ seed, burst: { topic, startMinute, minutes: 40, perMinute } }));
    const hit = alerts.find((alert) => alert.topic === topic && Date.parse(alert.at) >= start);
    if (hit) delays[topic].push((Date.parse(hit.at) - start) / 60_000);
    otherAlerts += alerts.filter((alert) => alert !== hit).length;
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  JSON.stringify({
    options,
    days: 20,
    falseAlarms,
    otherAlertsOnBurstDays: otherAlerts,
    bursts: Object.fromEntries(
      BURSTS.map(([topic, perMinute]) => [
        topic,
        {
          perMinute,
          detected: delays[topic].length,
          medianMinutes: delays[topic].length ? Number(median(delays[topic]).toFixed(1)) : null,
          minMinutes: delays[topic].length ? Number(Math.min(...delays[topic]).toFixed(1)) : null,
          maxMinutes: delays[topic].length ? Number(Math.max(...delays[topic]).toFixed(1)) : null,
        },
      ]),
    ),
  }),
);
