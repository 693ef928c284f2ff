#!/usr/bin/env node
// Readiness probe for the local Kafka broker.
//
// Succeeds (exit 0) only when the broker really serves clients end to end:
//   1. the topic __hc_ready exists (created with 1 partition / RF 1 if absent),
//   2. one message is produced to it,
//   3. a consumer in a fresh consumer group (so the group coordinator must be
//      available) reads that exact message back from the beginning.
// Exit 1 (with the error on stderr) on any failure or after the overall timeout.
// Exit 2 when the kafkajs package cannot be found.
// With --check-deps it only checks that kafkajs loads (exit 0 or 2).
//
// Environment:
//   KAFKA_READY_BROKERS     comma-separated brokers (default 127.0.0.1:$KAFKA_PORT)
//   KAFKA_PORT              broker port when KAFKA_READY_BROKERS is unset (9092)
//   KAFKA_READY_TIMEOUT_MS  overall timeout of one attempt (20000)
//   KAFKA_READY_KAFKAJS     explicit path to a kafkajs package directory
//   NODE_PATH               also honoured when resolving kafkajs
//
// kafkajs is resolved from the repository's node_modules (root first, then
// workspace packages), so this file has no dependencies of its own.

import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOPIC = '__hc_ready';
const scriptDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(scriptDir, '..');

const brokers = (process.env.KAFKA_READY_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || '9092'}`)
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(process.env.KAFKA_READY_TIMEOUT_MS || 20000);

function loadKafkajs() {
  const tried = [];
  const attempt = (base, request = 'kafkajs') => {
    try {
      const req = createRequire(join(base, '__resolve__.js'));
      return req(req.resolve(request));
    } catch (err) {
      tried.push(`${base} (${err.code || err.message})`);
      return null;
    }
  };

  // 1. explicit override
  if (process.env.KAFKA_READY_KAFKAJS) {
    const dir = resolve(process.env.KAFKA_READY_KAFKAJS);
    const mod = attempt(dir, dir);
    if (mod) return mod;
  }
  // 2. repo root node_modules (this also walks NODE_PATH)
  let mod = attempt(repoRoot);
  if (mod) return mod;
  // 3. pnpm's virtual store when kafkajs is not hoisted
  const pnpmStore = join(repoRoot, 'node_modules', '.pnpm');
  if (existsSync(pnpmStore)) {
    const entry = readdirSync(pnpmStore)
      .filter((d) => d.startsWith('kafkajs@'))
      .sort()
      .pop();
    if (entry) {
      const dir = join(pnpmStore, entry, 'node_modules', 'kafkajs');
      mod = attempt(dir, dir);
      if (mod) return mod;
    }
  }
  // 4. workspace packages one or two levels down (apps/*, packages/*, services/*, ...)
  const skip = new Set(['node_modules', '.git', '.infra']);
  const subdirs = (dir) => {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !skip.has(d.name) && !d.name.startsWith('.'))
        .map((d) => join(dir, d.name));
    } catch {
      return [];
    }
  };
  for (const lvl1 of subdirs(repoRoot)) {
    for (const dir of [lvl1, ...subdirs(lvl1)]) {
      const candidate = join(dir, 'node_modules', 'kafkajs');
      if (existsSync(join(candidate, 'package.json'))) {
        mod = attempt(candidate, candidate);
        if (mod) return mod;
      }
    }
  }
  // 5. next to this script (covers NODE_PATH once more)
  mod = attempt(scriptDir);
  if (mod) return mod;

  console.error(
    'kafka-ready: cannot find the "kafkajs" package. Install the repository dependencies ' +
      '(npm/pnpm install at the repo root) or set KAFKA_READY_KAFKAJS=/path/to/node_modules/kafkajs.\n' +
      `  tried: ${tried.join('; ')}`,
  );
  process.exit(2);
}

const { Kafka, logLevel } = loadKafkajs();

// `--check-deps`: only verify that kafkajs can be loaded (used before launching).
if (process.argv.includes('--check-deps')) process.exit(0);

const timer = setTimeout(() => {
  console.error(`kafka-ready: timed out after ${timeoutMs} ms against ${brokers.join(',')}`);
  process.exit(1);
}, timeoutMs);

const kafka = new Kafka({
  clientId: 'hc-kafka-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
  requestTimeout: 10000,
  retry: { initialRetryTime: 200, retries: 5 },
});

const nonce = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const groupId = `hc-ready-${nonce}`;
const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 10000,
  rebalanceTimeout: 10000,
  heartbeatInterval: 1000,
  maxWaitTimeInMs: 250,
  retry: { initialRetryTime: 200, retries: 10 },
});

async function probe() {
  await admin.connect();
  const topics = await admin.listTopics();
  if (!topics.includes(TOPIC)) {
    // Returns false (no throw) when another probe created it concurrently.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          replicationFactor: 1,
          // one tiny message per probe: keep the topic from growing forever
          configEntries: [{ name: 'retention.ms', value: String(24 * 3600 * 1000) }],
        },
      ],
    });
  }

  await producer.connect();
  await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'ready', value: nonce }] });

  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await new Promise((resolveSeen, rejectSeen) => {
    consumer.on(consumer.events.CRASH, (e) => rejectSeen(e.payload?.error || new Error('consumer crashed')));
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (message.value && message.value.toString() === nonce) resolveSeen();
        },
      })
      .catch(rejectSeen);
  });
}

async function cleanup() {
  await consumer.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  // The probe group is throw-away; do not let them pile up.
  await admin.deleteGroups([groupId]).catch(() => {});
  await admin.disconnect().catch(() => {});
}

try {
  await probe();
  await cleanup();
  clearTimeout(timer);
  process.exit(0);
} catch (err) {
  console.error(`kafka-ready: ${err?.name || 'Error'}: ${err?.message || err}`);
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 2000))]);
  process.exit(1);
}
