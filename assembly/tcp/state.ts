// tcp/state.ts: the connection state machine as a table (STYLE §7.6), with Suricata's tcp.state names.
// Entry:     stateNext(state, input): TcpState
// The FIN states are named from the side that closes first ("A", recorded in F_CLOSER), as RFC 9293
// §3.3.2 names them for the active closer; an observer sees both sides, so CLOSE_WAIT (the passive
// side's view of FIN_WAIT2) is not a separate state here.

export const enum TcpState {
  None = 0, SynSent = 1, SynRecv = 2, Established = 3, FinWait1 = 4, FinWait2 = 5,
  Closing = 6, TimeWait = 7, LastAck = 8, Closed = 9, Count = 10,
}

export const enum TcpInput {
  Syn = 0,       // SYN without ACK from the client
  SynAck = 1,    // SYN+ACK (from the server)
  SynServer = 2, // SYN without ACK from the server (simultaneous open, split handshake)
  Ack = 3,       // any other segment with ACK or data
  FinA = 4,      // the first FIN of the connection
  FinB = 5,      // the FIN of the other side
  AckFinA = 6,   // B acknowledges A's FIN
  AckFinB = 7,   // A acknowledges B's FIN
  Rst = 8,       // an acceptable RST
  Count = 9,
}

// @ts-ignore: decorator
@inline const _: u8 = 255; // "no change"

// TRANSITIONS[state * 9 + input]
const TRANSITIONS: StaticArray<u8> = [
// Syn  SynAck SynSrv Ack  FinA FinB AckFA AckFB Rst
    1,    2,    1,    3,    4,   _,    _,    _,   9,  // none: SYN starts; SYN-ACK or data = midstream pickup
    _,    2,    2,    3,    4,   _,    _,    _,   9,  // syn_sent: SYN-ACK answers; data without it = one-sided pickup
    _,    _,    _,    3,    4,   _,    _,    _,   9,  // syn_recv: the client's ACK completes the handshake
    _,    _,    _,    _,    4,   _,    _,    _,   9,  // established
    _,    _,    _,    _,    _,   6,    5,    _,   9,  // fin_wait1: A's FIN acked -> fin_wait2; B's FIN -> closing
    _,    _,    _,    _,    _,   7,    _,    _,   9,  // fin_wait2: B's FIN -> time_wait
    _,    _,    _,    _,    _,   _,    7,    8,   9,  // closing: A's FIN acked -> time_wait; B's FIN acked -> last_ack
    _,    _,    _,    _,    _,   _,    _,    9,   9,  // time_wait: B's FIN acked -> closed
    _,    _,    _,    _,    _,   _,    9,    _,   9,  // last_ack: A's FIN acked -> closed
    _,    _,    _,    _,    _,   _,    _,    _,   _,  // closed
];

export function stateNext(state: i32, input: i32): i32 {
  const n = <i32>unchecked(TRANSITIONS[state * <i32>TcpInput.Count + input]);
  return n == 255 ? state : n;
}

/** Timeout class: 0 new (handshake), 1 established or closing, 2 closed. */
export function stateClass(state: i32): i32 {
  if (state <= TcpState.SynRecv) return 0;
  if (state >= TcpState.TimeWait) return 2;
  return 1;
}
