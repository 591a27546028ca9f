// Every method of the official JS SDK's Client (but threads.stream, the v2 streaming
// protocol's session, which this probe does not drive), called once against a server
// (URL and API key from argv), in an order where each can succeed; prints one JSON object:
// method name -> "ok" or the error's message. Used by tests/http/test_js_sdk_methods.py.
import { Client } from "@langchain/langgraph-sdk";

const [url, apiKey] = process.argv.slice(2);
const client = new Client({ apiUrl: url, apiKey: apiKey || undefined, callerOptions: { maxRetries: 0 } });
const results = {};

async function check(name, call) {
  try {
    const value = await call();
    results[name] = "ok";
    return value;
  } catch (error) {
    results[name] = String(error?.message ?? error).slice(0, 200);
    return undefined;
  }
}

async function drain(iterable, limitMs) {
  const events = [];
  const run = (async () => { for await (const part of iterable) events.push(part.event); })();
  if (limitMs === undefined) { await run; return events; }
  await Promise.race([run, new Promise((resolve) => setTimeout(resolve, limitMs))]);
  return events;
}

const seed = { input: { some_text: "a" } };

// assistants
const [assistant] = (await check("assistants.search", () => client.assistants.search({ graphId: "seed" }))) ?? [{}];
const aid = assistant.assistant_id;
await check("assistants.get", () => client.assistants.get(aid));
await check("assistants.getGraph", () => client.assistants.getGraph(aid));
await check("assistants.getSchemas", () => client.assistants.getSchemas(aid));
await check("assistants.getSubgraphs", () => client.assistants.getSubgraphs(aid));
await check("assistants.count", () => client.assistants.count({ graphId: "seed" }));
await check("assistants.getVersions", () => client.assistants.getVersions(aid));
const created = await check("assistants.create", () => client.assistants.create({ graphId: "seed", name: "made" }));
await check("assistants.update", () => client.assistants.update(created?.assistant_id ?? aid, { name: "renamed" }));
await check("assistants.setLatest", () => client.assistants.setLatest(created?.assistant_id ?? aid, 1));
await check("assistants.delete", () => client.assistants.delete(created?.assistant_id ?? aid));

// threads
const thread = await check("threads.create", () => client.threads.create({ metadata: { probe: "js" } }));
const tid = thread?.thread_id;
await check("threads.get", () => client.threads.get(tid));
await check("threads.update", () => client.threads.update(tid, { metadata: { k: "v" } }));
await check("threads.search", () => client.threads.search({ metadata: { k: "v" } }));
await check("threads.count", () => client.threads.count({ metadata: { k: "v" } }));
await check("runs.wait", () => client.runs.wait(tid, "seed", seed));
await check("threads.getState", () => client.threads.getState(tid));
await check("threads.updateState", () => client.threads.updateState(tid, { values: { some_text: "b" } }));
await check("threads.patchState", () => client.threads.patchState(tid, { patched: true }));
await check("threads.getHistory", () => client.threads.getHistory(tid));
const copy = await check("threads.copy", () => client.threads.copy(tid));
await check("threads.joinStream", async () => {
  const controller = new AbortController();
  const events = client.threads.joinStream(tid, { signal: controller.signal });
  const iterator = events[Symbol.asyncIterator]();
  const first = iterator.next();
  await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 1000))]);
  controller.abort();
  await first.catch(() => undefined);
});
await check("threads.prune", () => client.threads.prune([copy?.thread_id ?? tid]));

// runs
const t2 = (await client.threads.create()).thread_id;
const run = await check("runs.create", () => client.runs.create(t2, "seed", seed));
await check("runs.join", () => client.runs.join(t2, run?.run_id));
await check("runs.get", () => client.runs.get(t2, run?.run_id));
await check("runs.list", () => client.runs.list(t2));
await check("runs.joinStream", () => drain(client.runs.joinStream(t2, run?.run_id), 5000));
await check("runs.cancel", () => client.runs.cancel(t2, run?.run_id));
await check("runs.stream", async () => {
  const t3 = (await client.threads.create()).thread_id;
  const events = await drain(client.runs.stream(t3, "seed", { ...seed, streamMode: "values" }));
  if (events[0] !== "metadata") throw new Error(`first event ${events[0]}`);
});
await check("runs.cancelMany", async () => {
  const t4 = (await client.threads.create()).thread_id;
  const slow = await client.runs.create(t4, "slow", { input: { delay: 3 } });
  await client.runs.cancelMany({ threadId: t4, runIds: [slow.run_id] });
});
await check("runs.createBatch", () => client.runs.createBatch([{ assistantId: "seed", ...seed }]));
await check("runs.delete", () => client.runs.delete(t2, run?.run_id));
await check("threads.delete", () => client.threads.delete(tid));

// crons
const cron = await check("crons.createForThread", () => client.crons.createForThread(t2, "seed", { schedule: "0 0 1 1 *", input: seed.input }));
const cron2 = await check("crons.create", () => client.crons.create("seed", { schedule: "0 0 1 1 *", input: seed.input }));
await check("crons.search", () => client.crons.search({ assistantId: aid }));
await check("crons.count", () => client.crons.count({ assistantId: aid }));
await check("crons.update", () => client.crons.update(cron2?.cron_id ?? cron?.cron_id ?? "none", { schedule: "0 0 2 1 *" }));
await check("crons.delete", () => client.crons.delete(cron2?.cron_id ?? cron?.cron_id ?? "none"));

// store
await check("store.putItem", () => client.store.putItem(["probe"], "k", { v: 1 }));
await check("store.getItem", () => client.store.getItem(["probe"], "k"));
await check("store.searchItems", () => client.store.searchItems(["probe"]));
await check("store.listNamespaces", () => client.store.listNamespaces());
await check("store.deleteItem", () => client.store.deleteItem(["probe"], "k"));

console.log(JSON.stringify(results));
