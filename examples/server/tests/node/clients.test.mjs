// Databunker's official Node clients, as published on npm (@databunker/store 1.0.8 and
// @databunker/session-store 1.0.7), unchanged, against a real bunkerlite-server on loopback.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";

const require = createRequire(import.meta.url);
const DatabunkerStore = require("@databunker/store");
const session = require("express-session");
const DataBunkerSessionStore = require("@databunker/session-store")(session);

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.BUNKERLITE_SERVER_BIN ?? resolve(here, "../../../../target/release/bunkerlite-server");

let folder, server, url, root;
let serverLog = "";
const sent = [];

before(async () => {
  folder = mkdtempSync(join(tmpdir(), "bunkerlite-clients-"));
  const config = join(folder, "server.toml");
  const init = spawnSync(binary, ["init", "--config", config, "--listen", "127.0.0.1:0"], { encoding: "utf8" });
  assert.equal(init.status, 0, init.stderr);
  root = /root token:\s+(\S+)/.exec(init.stdout)[1];
  server = spawn(binary, ["serve", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  server.stderr.on("data", (d) => { serverLog += d; });
  url = await new Promise((ok, fail) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) ok(m[1]);
    });
    server.on("exit", (code) => fail(new Error(`server exited (${code}): ${serverLog}`)));
  });
});

after(() => {
  server?.kill("SIGTERM");
  rmSync(folder, { recursive: true, force: true });
});

test("@databunker/store: users, collections and agreements", async () => {
  const store = new DatabunkerStore({ url, token: root });
  const email = `client-${randomUUID().slice(0, 8)}@example.com`;
  sent.push(email);
  const created = await store.users.create({ email, name: "Client User" }); // POST /v1/user/
  assert.equal(created.status, "ok");
  const got = await store.users.get("email", email);
  assert.equal(got.status, "ok");
  assert.equal(got.token, created.token);
  assert.equal(got.data.name, "Client User");
  assert.equal((await store.users.set("token", created.token, { name: "Renamed" })).status, "ok");
  assert.equal((await store.users.get("token", created.token)).data.name, "Renamed");

  const shop = store.collection("shop");
  assert.equal((await shop.set("email", email, { plan: "gold" })).status, "ok");
  assert.deepEqual((await shop.get("email", email)).data, { plan: "gold" });

  const basis = await fetch(`${url}/v1/lbasis/newsletter`, {
    method: "POST",
    headers: { "X-Bunker-Token": root, "Content-Type": "application/json" },
    body: JSON.stringify({ basistype: "consent", shortdesc: "Newsletter" }),
  });
  assert.equal(basis.status, 200);
  const list = await store.agreements.rawlist();
  assert.equal(list.status, "ok");
  assert.ok(list.rows.some((r) => r.brief === "newsletter"));
  assert.equal((await store.agreements.accept("email", email, "newsletter", {})).status, "ok");
  assert.equal((await store.agreements.withdraw("email", email, "newsletter")).status, "ok");

  // Errors come back as the body (the client does not throw), with the message clients test.
  const missing = await store.users.get("email", "nobody@example.com");
  assert.deepEqual(missing, { status: "error", message: "not found" });
  const denied = await new DatabunkerStore({ url, token: "DEMO" }).users.get("email", email);
  assert.equal(denied.status, "error");
});

test("@databunker/session-store: set, get, touch, destroy", async () => {
  const store = new DataBunkerSessionStore({ url, token: root });
  const sid = randomUUID();
  sent.push(sid);
  const call = (fn, ...args) => new Promise((ok, fail) => fn.call(store, ...args, (err, value) => (err ? fail(err) : ok(value))));
  const sess = { cookie: { originalMaxAge: 3600000, httpOnly: true, path: "/" }, views: 3 };
  await call(store.set, sid, sess);
  assert.deepEqual(await call(store.get, sid), sess);
  await call(store.touch, sid, { ...sess, views: 4 });
  assert.equal((await call(store.get, sid)).views, 4);
  await new Promise((ok) => store.destroy(sid, ok));
  assert.equal(await call(store.get, sid), null, "a destroyed session reads as none");
  assert.equal(await call(store.get, randomUUID()), null);
});

test("the server's log names routes, never the values in them", () => {
  // The clients' emails and session ids above travelled in paths; the log is stderr.
  assert.match(serverLog, /route/);
  for (const value of [...sent, root]) assert.ok(!serverLog.includes(value), "a value reached the log");
});
