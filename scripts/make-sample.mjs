// scripts/make-sample.mjs: writes samples/sample.pcap, the capture the README runs first. Deterministic.
// Four connections: a clean HTTP exchange; an overlap evasion (GOOD then EVIL at the same sequence
// numbers); a response with a lost segment the client acknowledges (a gap); and an IPv6 transfer in
// reordered 1-byte segments with a retransmission. Run after `npm run build`.
import { writeFileSync } from "node:fs";
import { TcpConversation, PcapWriter } from "../dist/io/pcap-writer.js";

const t0 = 1_763_800_000_000_000;
const convs = [];

const a = new TcpConversation({ client: "192.168.10.5:51000", server: "203.0.113.80:80", isnClient: 0xfffffff0, isnServer: 12345, startMicros: t0 });
a.handshake().clientSend("GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n")
  .serverSend("HTTP/1.1 200 OK\r\nContent-Length: 27\r\n\r\n<html>hello, streamsift</html>", { segmentSize: 20 })
  .clientAck().clientFin().serverFin().clientAck();
convs.push(a);

const b = new TcpConversation({ client: "192.168.10.5:51001", server: "203.0.113.80:80", isnClient: 777, isnServer: 999, startMicros: t0 + 10_000 });
b.handshake().clientSend("GET /GOOD").clientSend("GET /EVIL", { relSeq: 1 }).clientSend(" HTTP/1.1\r\n\r\n")
  .serverSend("HTTP/1.1 404 Not Found\r\n\r\n").clientAck().clientFin().serverFin().clientAck();
convs.push(b);

const c = new TcpConversation({ client: "192.168.10.6:42000", server: "198.51.100.7:8080", isnClient: 5, isnServer: 0x7ffffff0, startMicros: t0 + 20_000 });
c.handshake().clientSend("GET /big HTTP/1.1\r\n\r\n").serverSend("part one, ").serverSend("part three\n", { relSeq: 21 })
  .clientAck(32).clientRst();
convs.push(c);

const d = new TcpConversation({ client: "[2001:db8::10]:40404", server: "[2001:db8::80]:443", isnClient: 0xffffffff, isnServer: 1, startMicros: t0 + 30_000 });
d.handshake();
const msg = "reordered one byte at a time";
for (let i = msg.length - 1; i >= 0; i--) d.clientSend(msg[i], { relSeq: i + 1 });
d.clientSend(msg.slice(10, 18), { relSeq: 11 }).serverAck().serverSend("ok").clientAck().clientFin().serverFin().clientAck();
convs.push(d);

const recs = convs.flatMap((x) => x.records()).sort((x, y) => x.tsMicros - y.tsMicros);
const w = new PcapWriter();
for (const r of recs) w.add(r.frame, r.tsMicros);
writeFileSync(new URL("../samples/sample.pcap", import.meta.url), w.bytes());
console.log(`samples/sample.pcap: ${recs.length} packets, ${convs.length} connections`);
