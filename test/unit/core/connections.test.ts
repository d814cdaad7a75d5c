// The engine's Connection objects: one per live flow, found through the flow's slot (F_SLOT), which the
// core reuses after a flow ends. A reused slot (and a reused flow record) must never hand out the ended
// connection's object, and an ended connection must stay "not live" for dropConnection/connectionState.

import { describe, expect, test } from "vitest";
import { TcpConversation } from "../../support/packets.js";
import { createNodeEngine } from "../../../src/node.js";
import type { Connection, Engine } from "../../../src/core/engine.js";
import { EngineError } from "../../../src/core/errors.js";

/** Connection k (client port 40000 + k): handshake, one request and reply, both FINs acknowledged. */
function closed(k: number, t0: number) {
  return new TcpConversation({ client: `10.0.0.1:${40000 + k}`, server: "10.0.0.2:80", startMicros: t0 })
    .handshake().clientSend(`req ${k}\n`).serverAck().serverSend(`reply ${k}\n`).clientAck()
    .clientFin().serverFin().clientAck().records();
}

describe("Connection objects and flow slots", () => {
  test("sequential connections reuse slots; each gets its own object; ended ones are not live", async () => {
    const seen = new Map<number, Connection>();          // connection id -> the object callbacks passed
    const ended: Connection[] = [];
    let engine: Engine | undefined;
    const errors: string[] = [];
    engine = await createNodeEngine({ checksum: "off", inspection: { mode: "inline" } }, {
      onData(conn, _dir, bytes) {
        const prev = seen.get(conn.id);
        if (prev) expect(prev).toBe(conn);                // the same object for every callback of a flow
        for (const [id, c] of seen) if (c === conn) expect(id).toBe(conn.id);
        seen.set(conn.id, conn);
        expect(new TextDecoder().decode(bytes)).toMatch(new RegExp(`^(req|reply) ${conn.id - 1}\\n$`));
        // every connection that ended earlier is not live, although its slot and record are reused now
        for (const old of ended) {
          expect(engine!.connectionState(old)).toEqual({ established: false, midstream: false });
          try { engine!.dropConnection(old); errors.push("no error"); } catch (e) { errors.push((e as EngineError).code); }
        }
        expect(engine!.connectionState(conn).established).toBe(true);
      },
      onConnection(rec) {
        const c = seen.get(rec.id);
        expect(c).toBeDefined();
        expect(c!.srcPort).toBe(40000 + rec.id - 1);
        ended.push(c!);
      },
    }, { debug: true });
    const n = 40;
    for (let k = 0; k < n; k++) for (const f of closed(k, 1_000_000 * (k + 1))) engine.feedPacket(f.frame, 1, f.tsMicros);
    engine.finish();
    expect(seen.size).toBe(n);
    expect(ended.length).toBe(n);
    expect(new Set(seen.values()).size).toBe(n);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((c) => c === "ERR_STATE")).toBe(true);
    // one flow at a time: the core needed a single slot and a single flow record
    expect(engine.memory().flowsLive).toBe(0);
  });

  test("interleaved connections ending out of order keep their own objects", async () => {
    const byId = new Map<number, Connection>();
    const engine = await createNodeEngine({ checksum: "off", inspection: { mode: "inline" } }, {
      onData(conn, _dir, bytes) {
        const prev = byId.get(conn.id);
        if (prev) expect(prev).toBe(conn);
        byId.set(conn.id, conn);
        expect(new TextDecoder().decode(bytes)).toContain(` ${conn.srcPort - 40000}\n`);
      },
    }, { debug: true });
    // connections k = 0..29 start in order; each ends after a pseudo-random number of others started
    const convs = Array.from({ length: 30 }, (_, k) => closed(k, 1_000_000 + k * 10));
    const queue: Array<{ at: number; f: ReturnType<typeof closed>[number] }> = [];
    convs.forEach((frames, k) => frames.forEach((f, i) => queue.push({ at: k * 3 + i * (1 + ((k * 7) % 5)), f })));
    queue.sort((a, b) => a.at - b.at);
    for (const { f } of queue) engine.feedPacket(f.frame, 1, f.tsMicros);
    engine.finish();
    expect(byId.size).toBe(30);
    expect(new Set(byId.values()).size).toBe(30);
  });
});
