// The stream API (issue 3): recv()-style progress, zero-copy views, per-port/direction selection,
// flush before gaps and ends, and the async-iterator adapter.

import { describe, expect, test } from "vitest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TcpConversation } from "../../support/packets.js";
import { createNodeEngine, streamConnections } from "../../../src/node.js";
import { StreamDispatcher, type StreamModule } from "../../../src/stream/api.js";
import type { Engine } from "../../../src/core/engine.js";

const dec = new TextDecoder();
const conv = () => new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:25", isnClient: 0xfffffff8 });

/** A line reader: consumes whole lines only, like a protocol parser waiting for "\n". */
function lineModule(log: string[], engineRef: { e?: Engine }, zeroCopy: boolean[]): StreamModule {
  return {
    name: "lines",
    onData(ctx, data, offset, flush) {
      zeroCopy.push(data.buffer === (engineRef.e!.instance.exports.memory as WebAssembly.Memory).buffer);
      const text = dec.decode(data);
      const cut = flush ? text.length : text.lastIndexOf("\n") + 1;
      if (cut > 0) log.push(`${ctx.dir}@${offset}${flush ? "!" : ""}:${JSON.stringify(text.slice(0, cut))}`);
      return cut;
    },
    onGap(ctx, offset, length) { log.push(`${ctx.dir} gap ${offset}+${length}`); },
    onEnd(ctx) { log.push(`${ctx.dir} end`); },
  };
}

async function run(frames: ReturnType<TcpConversation["records"]>, modules: (ref: { e?: Engine }) => StreamModule[]) {
  const ref: { e?: Engine } = {};
  const d = new StreamDispatcher();
  for (const m of modules(ref)) d.register(m);
  const e = await createNodeEngine({ checksum: "off" }, d.callbacks(), { debug: true });
  ref.e = e;
  for (const f of frames) e.feedPacket(f.frame, 1, f.tsMicros);
  e.finish();
}

describe("recv()-style progress", () => {
  test("unconsumed bytes come again in front of the next data; a flush before the end", async () => {
    const c = conv();
    c.handshake().clientSend("HELO a").serverAck().clientSend("\r\nMAIL").serverAck().clientSend(" FROM:<x>\r\nRC").serverAck()
      .clientFin().serverFin().clientAck();
    const log: string[] = [], zc: boolean[] = [];
    await run(c.records(), (ref) => [lineModule(log, ref, zc)]);
    expect(log).toEqual([
      `toserver@0:"HELO a\\r\\n"`,
      `toserver@8:"MAIL FROM:<x>\\r\\n"`,
      `toserver@23!:"RC"`,
      "toserver end", "toclient end",
    ]);
    // the first delivery had nothing pending: the engine's view into wasm memory, not a copy
    expect(zc[0]).toBe(true);
    expect(zc.slice(1)).toContain(false);
  });

  test("before a gap, what is pending is flushed; progress continues after the gap", async () => {
    const c = conv();
    c.handshake().clientSend("ab\ncd", { relSeq: 1 }).clientSend("ef\n", { relSeq: 1 + 5 + 4 }).serverAck().clientFin().serverFin().clientAck();
    const log: string[] = [], zc: boolean[] = [];
    await run(c.records(), (ref) => [lineModule(log, ref, zc)]);
    expect(log).toEqual([`toserver@0:"ab\\n"`, `toserver@3!:"cd"`, "toserver gap 5+4", `toserver@9:"ef\\n"`, "toserver end", "toclient end"]);
  });

  test("a module that consumes more than it was given is an error, not silent corruption", async () => {
    const c = conv();
    c.handshake().clientSend("abc").serverAck();
    await expect(run(c.records(), () => [{ name: "bad", onData: (_c, d) => d.length + 1 }])).rejects.toThrow(/consumed 4 of 3/);
  });
});

describe("selection by port and direction", () => {
  test("a module sees only the streams it selected", async () => {
    const c = conv();
    c.handshake().clientSend("to server").serverAck().serverSend("to client").clientAck().clientFin().serverFin().clientAck();
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    const mod = (name: string, select: StreamModule["select"]): StreamModule => ({
      name, select, onData(ctx, data) { seen[name]!.push(`${ctx.dir}:${dec.decode(data)}`); },
    });
    await run(c.records(), () => [mod("a", { ports: [25] }), mod("b", { ports: [80] }), mod("c", { directions: "toclient" })]);
    expect(seen).toEqual({ a: ["toserver:to server", "toclient:to client"], b: [], c: ["toclient:to client"] });
  });
});

describe("async iterators", () => {
  test("for await over connections and their directions gives the reassembled bytes and gaps", async () => {
    const c = conv();
    c.handshake().clientSend("hello ", { relSeq: 1 }).clientSend("world", { relSeq: 1 + 6 + 3 }).serverAck()
      .serverSend("reply").clientAck().clientFin().serverFin().clientAck();
    const dir = mkdtempSync(join(tmpdir(), "ss-iter-"));
    const file = join(dir, "c.pcap");
    writeFileSync(file, c.pcap());
    const got: string[] = [];
    for await (const conn of streamConnections(file, { checksum: "off" })) {
      for await (const ch of conn.toServer) got.push(ch.data ? `s@${ch.offset}:${dec.decode(ch.data)}` : `s gap@${ch.offset}+${ch.gap}`);
      for await (const ch of conn.toClient) got.push(`c@${ch.offset}:${dec.decode(ch.data!)}`);
      const rec = await conn.record;
      got.push(`end ${rec.state} ${rec.toserver.bytes}/${rec.toclient.bytes}`);
    }
    expect(got).toEqual(["s@0:hello ", "s gap@6+3", "s@9:world", "c@0:reply", "end closed 11/5"]);
  });

  test("a feed error reaches the iterating code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ss-iter-"));
    const file = join(dir, "bad.pcap");
    writeFileSync(file, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const run2 = async () => { for await (const _ of streamConnections(file)) { /* none */ } };
    await expect(run2()).rejects.toThrow(/not a pcap or pcapng/);
  });
});
